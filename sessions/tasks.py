"""Tasks of the sessions app: telling whoever wished for a topic that somebody took it up."""

from django.tasks import task

from events import notifications
from events.models import Notification, NotificationSettings

from .models import TopicWish, WishVote


@task
def notify_wish_taken_up(wish_id):
    """Everybody who wished for the topic (its proposer and its voters, not the new hosts) hears
    which session took it up, so that they can vote for it there; returns how many mails went out."""
    wish = TopicWish.objects.select_related("session", "session__camp").filter(pk=wish_id).first()
    if wish is None or wish.session is None:
        return 0
    session, camp = wish.session, wish.session.camp
    hosts = set(session.hosts.values_list("participant__user_id", flat=True))
    voters = (
        WishVote.objects.filter(wish=wish)
        .filter(NotificationSettings.wanting(Notification.WISH_TAKEN_UP))
        .exclude(user_id__in=hosts)
        .select_related("user")
        .order_by("pk")
    )
    session_url = notifications.absolute(session.get_absolute_url())
    sent = 0
    for vote in voters:
        message = notifications.build_message(
            user=vote.user,
            kind=Notification.WISH_TAKEN_UP,
            language=notifications.language_of(vote.user, camp=camp),
            template="sessions/email/wish_taken_up",
            context={"wish": wish, "session": session, "camp": camp, "session_url": session_url},
        )
        sent += notifications.send_once(
            user=vote.user,
            kind=Notification.WISH_TAKEN_UP,
            key=f"wish:{wish.pk}:{session.pk}",
            message=message,
            camp=camp,
        )
    return sent

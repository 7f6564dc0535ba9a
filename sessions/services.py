"""Every write of the sessions app: propose, edit, withdraw, co-hosts, moderation, topic wishes."""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from events import live, notifications

from . import tasks
from .models import Session, SessionHost, TopicWish, WishVote, new_invite_token


class SessionError(Exception):
    """A rule about sessions is broken; the message is meant for the person."""


def normalize_tags(tags):
    """Lower-case tags without '#', each once, in the given order, at most MAX_TAGS."""
    seen = []
    for tag in tags:
        tag = tag.strip().lstrip("#").strip().lower()
        if tag and tag not in seen:
            seen.append(tag)
    return seen[: Session.MAX_TAGS]


def _check_day(camp, day):
    if day not in camp.days:
        raise SessionError(_("%(day)s is not a day of this camp.") % {"day": day})


def propose_session(
    *, camp, participant, title, description="", format, language, tags=(), length=1, day
):
    """
    A registered Teilgeber proposes a session for a day; it joins the end of that day's pitch queue.

    Only while the organizers allow pitching; waitlisted or cancelled people cannot propose.
    """
    if participant is None or participant.camp_id != camp.pk or not participant.is_registered:
        raise SessionError(_("Only registered Teilgeber of this camp can propose sessions."))
    if not camp.pitching_open:
        raise SessionError(_("The organizers have closed the pitch for new sessions."))
    _check_day(camp, day)
    with transaction.atomic():
        last = Session.objects.filter(camp=camp, day=day).aggregate(last=Max("pitch_position"))[
            "last"
        ]
        session = Session.objects.create(
            camp=camp,
            title=title,
            description=description,
            format=format,
            language=language,
            tags=normalize_tags(tags),
            length=length,
            day=day,
            pitch_position=(last or 0) + 1,
        )
        SessionHost.objects.create(session=session, participant=participant, is_proposer=True)
        live.mark_changed(camp.slug)
    return session


def update_session(*, session, title, description, format, language, tags, length, day):
    """A host changes what the session is; a withdrawn session cannot be changed."""
    if session.is_withdrawn:
        raise SessionError(_("This session was withdrawn."))
    _check_day(session.camp, day)
    with transaction.atomic():
        if day != session.day:
            last = Session.objects.filter(camp=session.camp, day=day).aggregate(
                last=Max("pitch_position")
            )["last"]
            session.pitch_position = (last or 0) + 1
        session.title = title
        session.description = description
        session.format = format
        session.language = language
        session.tags = normalize_tags(tags)
        session.length = length
        session.day = day
        session.save()
        live.mark_changed(session.camp.slug)
    return session


def withdraw_session(*, session):
    """The hosts take the session back: it leaves the list, the queue and the grid."""
    with transaction.atomic():
        session.status = Session.Status.WITHDRAWN
        session.save(update_fields=["status", "updated_at"])
        live.mark_changed(session.camp.slug)
    return session


def accept_cohost_invitation(*, session, participant, token):
    """Join a session as co-host through the secret link the host shared."""
    if token != session.invite_token:
        raise SessionError(_("This invitation link is not valid (any more)."))
    if (
        participant is None
        or participant.camp_id != session.camp_id
        or not participant.is_registered
    ):
        raise SessionError(_("Only registered Teilgeber of this camp can host sessions."))
    if not session.is_visible:
        raise SessionError(_("This session is no longer open for co-hosts."))
    with transaction.atomic():
        # The session row lock keeps the co-host limit when two invitees accept at once.
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.hosts.filter(participant=participant).exists():
            return session
        if session.hosts.filter(is_proposer=False).count() >= Session.MAX_COHOSTS:
            raise SessionError(
                _("The session already has %(count)d co-hosts.") % {"count": Session.MAX_COHOSTS}
            )
        SessionHost.objects.create(session=session, participant=participant)
        live.mark_changed(session.camp.slug)
    return session


def renew_invitation(*, session):
    """A new co-host link; the old one stops working."""
    session.invite_token = new_invite_token()
    session.save(update_fields=["invite_token", "updated_at"])
    return session


def set_hidden(*, session, hidden):
    """Organizers hide a session from everyone else (spam, a joke, a duplicate), or show it again."""
    with transaction.atomic():
        session.hidden = hidden
        session.save(update_fields=["hidden", "updated_at"])
        live.mark_changed(session.camp.slug)
    return session


# --- Topic wishes ------------------------------------------------------------------------------


class WishError(SessionError):
    """A rule about topic wishes is broken; the message is meant for the person."""


class NotAllowedToWish(WishError):
    """The person is no Teilgeber of the series: they may look, not wish or vote."""


def _normalize_title(title):
    return " ".join(str(title).split())[: TopicWish.MAX_TITLE]


def _check_wisher(series, user):
    if not series.has_teilgeber(user):
        raise NotAllowedToWish(
            _("Only Teilgeber of a camp of this series can wish for topics and vote on them.")
        )


def propose_wish(*, series, user, title, description=""):
    """
    A Teilgeber of the series wishes for a topic for its next camp; their own vote comes with it.

    One open wish per topic (case does not count): proposing your own wish again returns it,
    somebody else's is refused with a pointer to vote for it instead.
    """
    _check_wisher(series, user)
    title = _normalize_title(title)
    if not title:
        raise WishError(_("Please name the topic."))

    def existing():
        wish = TopicWish.objects.open().filter(series=series, title__iexact=title).first()
        if wish is None:
            return None
        if wish.proposed_by_id == user.pk:
            return wish
        raise WishError(
            _("“%(title)s” is wished for already: vote for it instead.") % {"title": wish.title}
        )

    wish = existing()
    if wish is not None:
        return wish
    try:
        with transaction.atomic():
            wish = TopicWish.objects.create(
                series=series, title=title, description=description.strip(), proposed_by=user
            )
            WishVote.objects.create(wish=wish, user=user)
    except IntegrityError:
        # A parallel click (or person) created the same topic a moment earlier.
        wish = existing()
        if wish is None:
            raise
    return wish


def set_wish_vote(*, wish, user, want):
    """
    Record whether the person wants the wished topic too; asking for the state it has changes
    nothing, so two taps at once count once. Only on open wishes: a taken-up wish is a session
    now, and is voted on there.
    """
    _check_wisher(wish.series, user)
    if wish.hidden:
        raise WishError(_("This wish is not open for votes."))
    if wish.is_taken_up:
        raise WishError(_("This wish is a session now: vote for the session instead."))
    if want:
        WishVote.objects.bulk_create([WishVote(wish=wish, user=user)], ignore_conflicts=True)
    else:
        WishVote.objects.filter(wish=wish, user=user).delete()
    return bool(want)


def set_wish_hidden(*, wish, hidden):
    """Organizers hide a wish from everyone else (spam, a joke, a duplicate), or show it again."""
    if not hidden and not wish.is_taken_up:
        twin = (
            TopicWish.objects.open()
            .filter(series=wish.series, title__iexact=wish.title)
            .exclude(pk=wish.pk)
            .first()
        )
        if twin is not None:
            raise WishError(
                _("“%(title)s” is wished for already; this one stays hidden.")
                % {"title": twin.title}
            )
    wish.hidden = hidden
    wish.save(update_fields=["hidden"])
    return wish


def take_up_wish(*, wish, camp, participant, **session_fields):
    """
    A registered Teilgeber of the series' next camp proposes the wished topic as their session:
    the session is proposed as usual, the wish points to it, and whoever wished for it hears of it.

    Once only: the row lock on the wish lets one of two people taking it up at once win.
    """
    if camp.series_id != wish.series_id:
        raise WishError(_("This wish belongs to another series."))
    with transaction.atomic():
        wish = TopicWish.objects.select_for_update().get(pk=wish.pk)
        if wish.hidden:
            raise WishError(_("This wish is not open any more."))
        if wish.is_taken_up:
            raise WishError(_("Somebody took this wish up already."))
        session = propose_session(camp=camp, participant=participant, **session_fields)
        wish.session = session
        wish.taken_up_at = timezone.now()
        wish.save(update_fields=["session", "taken_up_at"])
        notifications.enqueue_after_commit(tasks.notify_wish_taken_up, wish.pk)
    return session

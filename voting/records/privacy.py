"""A Teilgeber's data (GDPR): everything the app holds about a person, and leaving with it."""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events import live
from events import services as event_services
from events.login_sessions import end_sessions
from events.models import (
    Notification,
    NotificationSettings,
    Participant,
    SentNotification,
    WallPost,
)
from sessions.models import NoteRevision, Session, SessionHost, SessionLink, TopicWish, WishVote
from voting.models import CampFeedback, SessionFeedback, Vote


def export_user_data(*, user):
    """Everything the app holds about the user, as plain JSON-ready data."""
    participations = (
        Participant.objects.filter(user=user).select_related("camp").order_by("created_at")
    )
    hosted = SessionHost.objects.filter(participant__user=user).select_related(
        "session", "session__camp"
    )
    votes = Vote.objects.filter(participant__user=user).select_related("session", "session__camp")
    revisions = (
        NoteRevision.objects.filter(author=user)
        .select_related("notes__session__camp")
        .order_by("created_at", "pk")
    )
    links = (
        SessionLink.objects.filter(added_by=user)
        .select_related("session__camp")
        .order_by("created_at", "pk")
    )
    session_feedback = SessionFeedback.objects.filter(participant__user=user).select_related(
        "session", "session__camp"
    )
    camp_feedback = CampFeedback.objects.filter(participant__user=user).select_related("camp")
    posts = (
        WallPost.objects.filter(participant__user=user)
        .select_related("camp")
        .order_by("created_at", "pk")
    )
    choices = NotificationSettings.for_user(user)
    wishes = TopicWish.objects.filter(proposed_by=user).select_related("series", "session")
    wish_votes = WishVote.objects.filter(user=user).select_related("wish", "wish__series")
    sent = SentNotification.objects.filter(user=user).select_related("camp")
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "name": user.first_name,
            "last_name": user.last_name,
            "username": user.username,
            "active": user.is_active,
            "staff": user.is_staff,
            "superuser": user.is_superuser,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "has_password": user.has_usable_password(),
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user)
            ],
        },
        "organizer_of": sorted(user.organized_camps.values_list("name", flat=True)),
        "camps": [
            {
                "camp": participant.camp.name,
                "registered_at": participant.created_at.isoformat(),
                "status": participant.status,
                "registered_since": participant.status_changed_at.isoformat(),
                "checked_in_at": participant.checked_in_at.isoformat()
                if participant.checked_in_at
                else None,
                "ticket_code": participant.ticket_code,
                "display_name": participant.display_name,
                "hashtags": participant.hashtags,
                "bio": participant.bio,
                "links": participant.links,
                "in_public_list": participant.is_public,
                "language": participant.language,
            }
            for participant in participations
        ],
        "hosted_sessions": [
            {
                "camp": host.session.camp.name,
                "title": host.session.title,
                "description": host.session.description,
                "day": host.session.day.isoformat(),
                "status": host.session.status,
                "proposer": host.is_proposer,
            }
            for host in hosted
        ],
        "votes": [
            {
                "camp": vote.session.camp.name,
                "session": vote.session.title,
                "at": vote.created_at.isoformat(),
            }
            for vote in votes
        ],
        "session_notes": [
            {
                "camp": revision.notes.session.camp.name,
                "session": revision.notes.session.title,
                "revision": revision.number,
                "at": revision.created_at.isoformat(),
                "text": revision.text,
                "merged": revision.merged,
                "lines_added": revision.lines_added,
                "lines_removed": revision.lines_removed,
            }
            for revision in revisions
        ],
        "links_and_slides": [
            {
                "camp": link.session.camp.name,
                "session": link.session.title,
                "kind": link.kind,
                "title": link.title,
                "url": link.url,
                "file": link.file.name,
                "checksum": link.checksum,
                "at": link.created_at.isoformat(),
            }
            for link in links
        ],
        "session_feedback": [
            {
                "camp": item.session.camp.name,
                "session": item.session.title,
                "rating": item.rating,
                "comment": item.comment,
                "first_at": item.created_at.isoformat(),
                "at": item.updated_at.isoformat(),
            }
            for item in session_feedback
        ],
        "camp_feedback": [
            {
                "camp": item.camp.name,
                "rating": item.rating,
                "good": item.good,
                "improve": item.improve,
                "come_again": item.come_again,
                "first_at": item.created_at.isoformat(),
                "at": item.updated_at.isoformat(),
            }
            for item in camp_feedback
        ],
        "wall_posts": [
            {
                "camp": post.camp.name,
                "text": post.text,
                "status": post.status,
                "at": post.created_at.isoformat(),
            }
            for post in posts
        ],
        "email_settings": {
            kind: choices.wants(kind) for kind in [choice.value for choice in Notification]
        },
        "email_settings_chosen_at": choices.updated_at.isoformat() if choices.pk else None,
        "emails_sent": [
            {
                "kind": mail.kind,
                "camp": mail.camp.name if mail.camp else None,
                "about": mail.key,
                "at": mail.sent_at.isoformat(),
            }
            for mail in sent
        ],
        "topic_wishes": [
            {
                "series": wish.series.name,
                "topic": wish.title,
                "description": wish.description,
                "taken_up_as": wish.session.title if wish.session else None,
                "taken_up_at": wish.taken_up_at.isoformat() if wish.taken_up_at else None,
                "hidden": wish.hidden,
                "at": wish.created_at.isoformat(),
            }
            for wish in wishes
        ],
        "wish_votes": [
            {
                "series": vote.wish.series.name,
                "topic": vote.wish.title,
                "at": vote.created_at.isoformat(),
            }
            for vote in wish_votes
        ],
    }


def delete_account(*, user, keep_sessions):
    """
    The user leaves: registrations are cancelled (the waitlist moves up), votes, feedback and
    posts on the walls go (tallies and summaries are counted from them, so they stay right), and
    the account is deleted. Sessions they hosted
    alone stay for the camp's programme without a name ("deleted Teilgeber") if `keep_sessions`,
    else they are withdrawn; co-hosted sessions stay with the other hosts either way. Their open
    topic wishes follow the same choice (kept without a name, or deleted); wishes taken up as a
    session stay without a name. Wish votes, e-mail settings and the log of mails sent go.

    Every session of the account, on every device, ends (events.login_sessions).

    What they wrote into session notes, and the links and slides they attached, stay as part of
    the camp's record, which others wrote on top of (a revision is the whole text, the next one
    builds on it): the revisions lose their author and read "deleted Teilgeber".
    """
    with transaction.atomic():
        camps = set()
        for participant in Participant.objects.filter(user=user).select_related("camp"):
            camps.add(participant.camp.slug)
            if not participant.is_cancelled:
                event_services.cancel_registration(participant=participant)
        # Feedback would outlive its Teilgeber (kept anonymous when a camp's data is erased);
        # whoever deletes their account takes their words with them.
        SessionFeedback.objects.filter(participant__user=user).delete()
        CampFeedback.objects.filter(participant__user=user).delete()
        sole = Session.objects.filter(hosts__participant__user=user).exclude(
            hosts__participant__in=Participant.objects.exclude(user=user)
        )
        if not keep_sessions:
            sole.update(status=Session.Status.WITHDRAWN)
            TopicWish.objects.filter(proposed_by=user, session__isnull=True).delete()
        # Every device is logged out, and what its session kept (the address among it) goes
        # from the database and the cache.
        end_sessions(user=user)
        user.delete()
        for slug in camps:
            live.mark_changed(slug)


class ErasureError(Exception):
    """The camp's personal data cannot be erased (yet); the message says why."""


def erase_camp_personal_data(*, camp, today=None):
    """
    After a camp, keep its programme and drop who was there: every Teilgeber record of the camp
    goes, with their votes, tickets, their posts on the wall, their names on sessions and the log
    of mails sent to them about the camp; sessions, grid and documentation stay (hosts and the
    authors of notes shown as "deleted Teilgeber"), and so does the feedback, which was anonymous
    already and now has no Teilgeber at all. Only once the camp is over.
    """
    today = today or timezone.localdate()
    if camp.end_date >= today:
        raise ErasureError(_("Personal data can be erased once the camp is over."))
    with transaction.atomic():
        count = Participant.objects.filter(camp=camp).count()
        Participant.objects.filter(camp=camp).delete()
        # Authors are accounts (organizers write notes too): unlink them from this camp's record.
        NoteRevision.objects.filter(notes__session__camp=camp).update(author=None)
        SessionLink.objects.filter(session__camp=camp).update(added_by=None)
        SentNotification.objects.filter(camp=camp).delete()
        live.mark_changed(camp.slug)
    return count

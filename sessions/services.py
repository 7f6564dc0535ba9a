"""Every write of the sessions app: propose, edit, withdraw, co-hosts, moderation."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from events import live

from .models import Session, SessionHost, new_invite_token


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

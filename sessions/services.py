"""Every write of the sessions app: propose, edit, withdraw, co-hosts, moderation, and the
session's documentation (notes with their revisions, links and slides), topic wishes."""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from events import live, notifications

from . import notes, tasks
from .models import (
    NoteRevision,
    Session,
    SessionHost,
    SessionLink,
    SessionNotes,
    TopicWish,
    WishVote,
    new_invite_token,
)
from .permissions import can_edit_notes, can_edit_session


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


# --- Documentation: notes, links, slides -------------------------------------------------------


class NotesConflict(SessionError):
    """Someone saved the notes after the editor began, and both changed the same lines: the
    editor's text, the revision it began from, the merge with its conflicts, the notes now."""

    def __init__(self, *, mine, base_revision, merge, current):
        super().__init__(
            _(
                "Someone saved the notes while you were writing and changed the same lines. "
                "Nothing of yours is lost: choose what to keep."
            )
        )
        self.mine = mine
        self.base_revision = base_revision
        self.merge = merge
        self.current = current


@dataclass(frozen=True)
class NotesSaved:
    notes: SessionNotes
    revision: NoteRevision | None
    merged: bool = False
    changed: bool = True


def _lock_session(session):
    """Queue the writers of one session's documentation behind a row lock on the session."""
    list(Session.objects.select_for_update().filter(pk=session.pk).values_list("pk", flat=True))


def save_notes(*, session, user, participant, text, base_revision):
    """
    A Teilgeber of the camp (or an organizer) saves the notes, edited from revision
    `base_revision`, as a new revision; if someone saved since, both edits are merged, and where
    they changed the same lines nothing is saved and NotesConflict carries both versions.

    Saving the text that is already there adds no revision (a double tap counts once).
    """
    if not can_edit_notes(user, session, participant):
        raise SessionError(_("Only Teilgeber of this camp can write its session notes."))
    if session.is_withdrawn:
        raise SessionError(_("This session was withdrawn."))
    text = notes.normalize(text)
    if notes.has_conflict_markers(text):
        raise SessionError(notes.MARKERS_REFUSED)
    with transaction.atomic():
        _lock_session(session)
        record, _created = SessionNotes.objects.get_or_create(session=session)
        if not 0 <= base_revision <= record.revision:
            raise SessionError(_("That revision of the notes does not exist."))
        merged = False
        if text != record.text and base_revision < record.revision:
            base = record.revisions.get(number=base_revision).text if base_revision else ""
            result = notes.merge(base=base, theirs=record.text, mine=text)
            if not result.clean:
                raise NotesConflict(
                    mine=text, base_revision=base_revision, merge=result, current=record
                )
            text, merged = result.text, True
        if len(text) > SessionNotes.MAX_LENGTH:
            raise SessionError(
                _("The notes can have at most %(max)d characters.")
                % {"max": SessionNotes.MAX_LENGTH}
            )
        if text == record.text:
            latest = record.revisions.order_by("-number").first()
            return NotesSaved(notes=record, revision=latest, changed=False)
        added, removed = notes.count_changes(record.text, text)
        revision = NoteRevision.objects.create(
            notes=record,
            number=record.revision + 1,
            text=text,
            author=user,
            merged=merged,
            lines_added=added,
            lines_removed=removed,
            created_at=timezone.now(),
        )
        record.text, record.revision, record.updated_at = text, revision.number, revision.created_at
        record.save(update_fields=["text", "revision", "updated_at"])
    return NotesSaved(notes=record, revision=revision, merged=merged)


_web_address = URLValidator(schemes=["http", "https"])


def _check_can_attach(session, user, participant):
    if not can_edit_session(user, session, participant):
        raise SessionError(_("Only the hosts and the organizers add links and slides."))
    if session.is_withdrawn:
        raise SessionError(_("This session was withdrawn."))


def _check_room_for_another(session):
    if session.links.count() >= SessionLink.MAX_PER_SESSION:
        raise SessionError(
            _("A session has at most %(max)d links and slides.")
            % {"max": SessionLink.MAX_PER_SESSION}
        )


def _clean_title(title):
    title = " ".join((title or "").split())
    if not title:
        raise SessionError(_("Give the link a title."))
    if len(title) > 120:
        raise SessionError(_("A title has at most 120 characters."))
    return title


def add_link(*, session, user, participant, title, url, kind=SessionLink.Kind.LINK):
    """A host or an organizer attaches a web address (http or https) with a title; the same address twice is kept once."""
    _check_can_attach(session, user, participant)
    title = _clean_title(title)
    url = (url or "").strip()
    try:
        _web_address(url)
    except ValidationError as error:
        raise SessionError(
            _("Enter a web address that starts with http:// or https://.")
        ) from error
    if len(url) > 500:
        raise SessionError(_("A web address has at most 500 characters."))
    if kind not in SessionLink.Kind.values:
        raise SessionError(_("Choose whether it is a link or the slides."))
    with transaction.atomic():
        _lock_session(session)
        existing = session.links.filter(url=url).first()
        if existing:
            return existing
        _check_room_for_another(session)
        return SessionLink.objects.create(
            session=session, kind=kind, title=title, url=url, added_by=user
        )


def add_slides(*, session, user, participant, title, file):
    """A host or an organizer uploads the slides (a checked file) with a title; the same file twice is kept once."""
    _check_can_attach(session, user, participant)
    title = _clean_title(title)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    with transaction.atomic():
        _lock_session(session)
        existing = session.links.filter(checksum=digest.hexdigest()).first()
        if existing:
            return existing
        _check_room_for_another(session)
        link = SessionLink(
            session=session,
            kind=SessionLink.Kind.SLIDES,
            title=title,
            checksum=digest.hexdigest(),
            added_by=user,
        )
        link.file.save(file.name, file, save=False)
        try:
            link.save()
        except Exception:
            link.file.storage.delete(link.file.name)  # a refused row leaves no file behind
            raise
    return link


def remove_link(*, link, user, participant):
    """A host or an organizer removes a link or slides; an uploaded file is deleted with it."""
    if not can_edit_session(user, link.session, participant):
        raise SessionError(_("Only the hosts and the organizers remove links and slides."))
    with transaction.atomic():
        storage, name = link.file.storage, link.file.name
        link.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))
    return link


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

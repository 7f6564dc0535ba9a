"""
The camp's wall: Teilgeber post short messages, organizers pin announcements and moderate.

Every write is a service here (one transaction, a domain error with a message for the person);
the reads the wall, the camp page, the plan and the projector share sit at the end. A change
marks the live topic `wall` (announcements also `plan`, whose page shows them), so phones on
the wall and the projector's wall panel re-render, and nothing else does.
"""

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from . import live
from .models import WALL_TEXT_LENGTH, Announcement, Camp, WallPost

ANNOUNCEMENT_TOPICS = (live.WALL, live.PLAN)
PAGE_SIZE = 50
PROJECTOR_POSTS = 6
PROJECTOR_ANNOUNCEMENTS = 3


class WallError(Exception):
    """A rule of the wall is broken; the message is meant for the person."""


class InvalidText(WallError):
    """The text is empty or too long (a 400: the input is wrong, not the situation)."""


class NotAllowedToPost(WallError):
    """The person may not post on this camp's wall at all (a 403)."""


class NotAllowedToModerate(WallError):
    """Only the camp's organizers moderate (views answer 404 before it comes to this)."""


def clean_text(text):
    """The text as stored: line breaks normalised, at most one empty line in a row, trimmed."""
    # NUL never comes from a keyboard, and PostgreSQL refuses it in text.
    text = (text or "").replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _checked_text(text, *, what):
    text = clean_text(text)
    if not text:
        raise InvalidText(
            _("Write something first.") if what == "post" else _("Write the announcement first.")
        )
    if len(text) > WALL_TEXT_LENGTH:
        message = (
            _("A post has at most %(max)d characters.")
            if what == "post"
            else _("An announcement has at most %(max)d characters.")
        )
        raise InvalidText(message % {"max": WALL_TEXT_LENGTH})
    return text


def _require_organizer(camp, user):
    if user is None or not camp.is_organized_by(user):
        raise NotAllowedToModerate(_("Only the camp's organizers can do that."))


# --- Posts -----------------------------------------------------------------------------------


def post_message(*, camp, participant, text, nonce=""):
    """
    A registered Teilgeber posts up to 280 characters of text on their camp's wall; it waits for
    approval if the camp wants that, else it is shown at once. The same form sent twice (same
    nonce) gives the first post, so a double tap posts once.
    """
    if participant is None or participant.camp_id != camp.pk or not participant.is_registered:
        raise NotAllowedToPost(_("Only registered Teilgeber of this camp can post on its wall."))
    text = _checked_text(text, what="post")
    nonce = (nonce or "").replace("\x00", "")[:40]
    if nonce:
        earlier = WallPost.objects.filter(participant=participant, nonce=nonce).first()
        if earlier:
            return earlier
    status = WallPost.Status.PENDING if camp.wall_needs_approval else WallPost.Status.SHOWN
    try:
        with transaction.atomic():
            post = WallPost.objects.create(
                camp=camp, participant=participant, text=text, status=status, nonce=nonce
            )
            live.mark_changed(camp.slug, live.WALL)
    except IntegrityError:
        # The same form at the same moment: the unique nonce let the other request win.
        return WallPost.objects.get(participant=participant, nonce=nonce)
    return post


def _set_post_status(post, by, status):
    _require_organizer(post.camp, by)
    with transaction.atomic():
        changed = WallPost.objects.filter(pk=post.pk).exclude(status=status).update(status=status)
        post.status = status
        if changed:
            live.mark_changed(post.camp.slug, live.WALL)
    return post


def show_post(*, post, by):
    """An organizer approves a waiting post or shows a hidden one again."""
    return _set_post_status(post, by, WallPost.Status.SHOWN)


def hide_post(*, post, by):
    """An organizer hides a post: only its author (marked as hidden) and the organizers still see it."""
    return _set_post_status(post, by, WallPost.Status.HIDDEN)


def delete_post(*, post, by):
    """The author or an organizer deletes a post for good."""
    if by is None or (post.participant.user_id != by.pk and not post.camp.is_organized_by(by)):
        raise NotAllowedToModerate(_("Only the author or the camp's organizers can delete a post."))
    with transaction.atomic():
        deleted, _rows = WallPost.objects.filter(pk=post.pk).delete()
        if deleted:
            live.mark_changed(post.camp.slug, live.WALL)
    return post


# --- Announcements and the camp's setting ----------------------------------------------------


def post_announcement(*, camp, by, text, nonce=""):
    """An organizer pins a new announcement on the wall, the phones' pages and the projector."""
    _require_organizer(camp, by)
    text = _checked_text(text, what="announcement")
    nonce = (nonce or "").replace("\x00", "")[:40]
    if nonce:
        earlier = Announcement.objects.filter(camp=camp, nonce=nonce).first()
        if earlier:
            return earlier
    try:
        with transaction.atomic():
            announcement = Announcement.objects.create(camp=camp, text=text, nonce=nonce)
            live.mark_changed(camp.slug, *ANNOUNCEMENT_TOPICS)
    except IntegrityError:
        return Announcement.objects.get(camp=camp, nonce=nonce)
    return announcement


def pin_announcement(*, announcement, by, pinned):
    """An organizer pins an announcement again or unpins it (it stays, for the organizers only)."""
    _require_organizer(announcement.camp, by)
    with transaction.atomic():
        changed = (
            Announcement.objects.filter(pk=announcement.pk)
            .exclude(pinned=pinned)
            .update(pinned=pinned)
        )
        announcement.pinned = pinned
        if changed:
            live.mark_changed(announcement.camp.slug, *ANNOUNCEMENT_TOPICS)
    return announcement


def delete_announcement(*, announcement, by):
    """An organizer removes an announcement for good."""
    _require_organizer(announcement.camp, by)
    with transaction.atomic():
        deleted, _rows = Announcement.objects.filter(pk=announcement.pk).delete()
        if deleted:
            live.mark_changed(announcement.camp.slug, *ANNOUNCEMENT_TOPICS)
    return announcement


def set_wall_approval(*, camp, by, needs_approval):
    """An organizer chooses whether new posts wait for approval; posts already waiting keep waiting."""
    _require_organizer(camp, by)
    with transaction.atomic():
        Camp.objects.filter(pk=camp.pk).update(wall_needs_approval=needs_approval)
        camp.wall_needs_approval = needs_approval
    return camp


# --- Reads -----------------------------------------------------------------------------------


def pinned_announcements(camp, *, limit=None):
    """The camp's pinned announcements, newest first: one query per version of the wall in
    each process (every change to an announcement changes the wall), since every phone's plan
    and the projector show them. Shared between requests: read-only."""

    def read():
        announcements = camp.announcements.pinned()
        return list(announcements[:limit] if limit else announcements)

    return live.memoized(camp.slug, (live.WALL,), ("pinned-announcements", limit), read)


def wall_posts(camp, *, participant=None, is_organizer=False, before=None, limit=PAGE_SIZE):
    """The newest posts the viewer may see, with their authors (one query); `before`: older than that id."""
    posts = (
        WallPost.objects.filter(camp=camp)
        .visible_to(participant=participant, is_organizer=is_organizer)
        .select_related("participant")
    )
    if before:
        posts = posts.filter(pk__lt=before)
    return list(posts[:limit])


def projector_posts(camp, *, limit=PROJECTOR_POSTS):
    """What the room sees: the newest shown posts (one query)."""
    return list(WallPost.objects.filter(camp=camp).shown().select_related("participant")[:limit])

"""Reads of sessions used by several views."""

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Prefetch, Q, Value, When

from . import notes
from .models import NoteRevision, Session, SessionHost, TopicWish, WishVote


def for_display(queryset):
    """Sessions with their camp and their hosts' Teilgeber profiles: one more query for any number."""
    return queryset.select_related("camp").prefetch_related(
        Prefetch(
            "hosts",
            queryset=SessionHost.objects.select_related("participant").order_by(
                "-is_proposer", "pk"
            ),
        )
    )


def filtered_sessions(*, camp, search="", tag="", day=None, format=""):
    """The camp's visible sessions matching the list page's search and filters."""
    sessions = Session.objects.filter(camp=camp).visible()
    if search:
        sessions = sessions.filter(Q(title__icontains=search) | Q(description__icontains=search))
    if tag:
        # JSON containment is not available on SQLite; a camp has a few hundred sessions at
        # most, so the tag is matched on their short tag lists in Python (one small query).
        tag = tag.lower()
        sessions = sessions.filter(
            pk__in=[pk for pk, tags in sessions.values_list("pk", "tags") if tag in tags]
        )
    if day:
        sessions = sessions.filter(day=day)
    if format:
        sessions = sessions.filter(format=format)
    return sessions


def camp_tags(camp):
    """Every tag used by the camp's visible sessions, sorted."""
    tags = set()
    for session_tags in Session.objects.filter(camp=camp).visible().values_list("tags", flat=True):
        tags.update(session_tags)
    return sorted(tags)


def get_session(camp, session_id):
    """The camp's session by id with its hosts, or None; another camp's id finds nothing."""
    return for_display(Session.objects.filter(camp=camp, pk=session_id)).first()


# --- Topic wishes ----------------------------------------------------------------------------------


def _with_votes(wishes, user):
    """Wishes with `vote_count` and whether `user` voted (`voted`), in the same query."""
    wishes = wishes.annotate(vote_count=Count("votes", distinct=True))
    if user is not None and user.is_authenticated:
        return wishes.annotate(
            voted=Exists(WishVote.objects.filter(wish=OuterRef("pk"), user=user))
        )
    return wishes.annotate(voted=Value(False, output_field=BooleanField()))


def series_wishes(series, user, *, include_hidden=False):
    """The wishes page: open wishes most wanted first, then those taken up (one query)."""
    wishes = TopicWish.objects.filter(series=series)
    if not include_hidden:
        wishes = wishes.visible()
    return list(
        _with_votes(wishes, user)
        .select_related("session", "session__camp")
        .order_by(
            Case(When(session__isnull=True, then=Value(0)), default=Value(1)),
            "-vote_count",
            "-created_at",
            "-pk",
        )
    )


def open_wishes(series, user=None):
    """The series' open wishes, most wanted first, with their vote counts (one query)."""
    return list(
        _with_votes(TopicWish.objects.open().filter(series=series), user).order_by(
            "-vote_count", "-created_at", "-pk"
        )
    )


def get_wish(series, wish_id):
    """The series' wish by id with its vote count, or None; another series' id finds nothing."""
    return (
        TopicWish.objects.filter(series=series, pk=wish_id)
        .annotate(vote_count=Count("votes", distinct=True))
        .select_related("series", "session")
        .first()
    )


def series_wish(series, wish_id, user):
    """One wish of the series as the wishes page shows it (vote count, the viewer's vote)."""
    return (
        _with_votes(TopicWish.objects.filter(series=series, pk=wish_id), user)
        .select_related("session", "session__camp")
        .first()
    )


def notes_merge(session, *, base_revision, theirs_revision, mine):
    """(the merge of `mine`, edited from revision `base_revision`, with revision `theirs_revision`;
    that revision's text), as the conflict of a save found them; None if a revision is missing."""
    wanted = {base_revision, theirs_revision} - {0}
    texts = dict(
        NoteRevision.objects.filter(notes__session=session, number__in=wanted).values_list(
            "number", "text"
        )
    )
    if base_revision >= theirs_revision or wanted - texts.keys():
        return None
    theirs = texts[theirs_revision]
    return notes.merge(base=texts.get(base_revision, ""), theirs=theirs, mine=mine), theirs

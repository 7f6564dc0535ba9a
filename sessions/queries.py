"""Reads of sessions used by several views."""

from django.db.models import Prefetch, Q

from .models import Session, SessionHost


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


def hosted_session_ids(participant):
    if participant is None:
        return set()
    return set(
        SessionHost.objects.filter(participant=participant).values_list("session_id", flat=True)
    )


def camp_tags(camp):
    """Every tag used by the camp's visible sessions, sorted."""
    tags = set()
    for session_tags in Session.objects.filter(camp=camp).visible().values_list("tags", flat=True):
        tags.update(session_tags)
    return sorted(tags)


def get_session(camp, session_id):
    """The camp's session by id with its hosts, or None; another camp's id finds nothing."""
    return for_display(Session.objects.filter(camp=camp, pk=session_id)).first()

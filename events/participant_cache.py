"""
The viewer's Teilgeber record, read from the shared cache instead of the database.

After the camp, every page and changed poll of a logged-in phone loads the viewer's
Participant row; during the plenum that query was a quarter of what the pitch page cost. It is
kept like the camp (events.camp_cache): as field values, for PARTICIPANT_CACHE_TIMEOUT seconds,
dropped whenever the row is saved or deleted (cascades included), at once and again after the
commit. Only found rows are kept: a user who registers is never answered "not a Teilgeber" from
the cache. Only with a cache all processes share (settings).

Writes that bypass the signals (`QuerySet.update()`: the check-in at the door) must call
`forget()` themselves. Code that must not lose a concurrent change locks a fresh row.
"""

from django.conf import settings
from django.core.cache import cache

from barcamp.live.rows import drop, from_row_values, row_values

from .models import Participant


def _key(camp_id, user_id):
    return f"participant:{camp_id}:{user_id}"


def get(camp, user):
    """The user's Participant in the camp as last cached, or None (not cached, or of another shape)."""
    if not settings.PARTICIPANT_CACHE_TIMEOUT:
        return None
    participant = from_row_values(Participant, cache.get(_key(camp.pk, user.pk)))
    if participant is None or (participant.camp_id, participant.user_id) != (camp.pk, user.pk):
        return None
    return participant


def put(participant):
    """Keeps a Participant read from the database for the next requests."""
    if settings.PARTICIPANT_CACHE_TIMEOUT and participant.user_id is not None:
        key = _key(participant.camp_id, participant.user_id)
        cache.set(key, row_values(participant), settings.PARTICIPANT_CACHE_TIMEOUT)


def forget(pairs, using="default"):
    """Drops the records of these (camp id, user id) pairs, now and after the current transaction commits."""
    drop([_key(camp_id, user_id) for camp_id, user_id in pairs if user_id is not None], using=using)


def forget_rows(queryset):
    """Drops the records a `QuerySet.update()` on `queryset` is about to change (or just changed)."""
    if settings.PARTICIPANT_CACHE_TIMEOUT:
        forget(queryset.values_list("camp_id", "user_id"), using=queryset.db)


def _forget_participant(sender, instance, using, raw=False, **kwargs):
    forget([(instance.camp_id, instance.user_id)], using=using)


def connect_signals():
    from django.db.models.signals import post_delete, post_save

    post_save.connect(_forget_participant, sender=Participant, dispatch_uid="forget-participant")
    post_delete.connect(
        _forget_participant, sender=Participant, dispatch_uid="forget-participant-deleted"
    )

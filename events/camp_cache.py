"""
The camp of an address, read from the shared cache instead of the database.

Nearly every page and changed poll begins by loading its camp by slug: during the plenum, the
same row hundreds of times a second, for a row organizers change a few times a day. It is kept
with its series as field values (as events.accounts keeps the user: not a pickled model, which
breaks across Django upgrades, and only used while its fields are the model's), for
CAMP_CACHE_TIMEOUT seconds, and dropped whenever a camp or a series is saved or deleted: at
once, and again after the commit, since a request that read the old row before the commit
could have put it back in between. Only with a cache all processes share (settings).

Writes that bypass the signals (`QuerySet.update()`) must call `forget()` themselves. Code that
changes a camp and must not lose a concurrent change locks a fresh row
(`select_for_update()`), never this copy.
"""

from django.conf import settings
from django.core.cache import cache

from barcamp.live.rows import drop, from_row_values, row_values

from . import live
from .models import Camp, Series


def key(slug):
    """The camp's cache key: for `events.live.read_ahead`, which reads it with the camp's tokens."""
    return f"camp:{slug}"


def get(slug):
    """The camp with its series as last cached, or None (not cached, or of another shape)."""
    if not settings.CAMP_CACHE_TIMEOUT:
        return None
    entry = live.take_read_ahead(key(slug))
    if entry is live.NOT_READ:
        entry = cache.get(key(slug))
    if not isinstance(entry, dict):
        return None
    camp = from_row_values(Camp, entry.get("camp"))
    if camp is None or camp.slug != slug:
        return None
    series = None
    if camp.series_id is not None:
        series = from_row_values(Series, entry.get("series"))
        if series is None or series.pk != camp.series_id:
            return None
    Camp._meta.get_field("series").set_cached_value(camp, series)
    return camp


def put(camp):
    """Keeps a camp read from the database (with its series loaded) for the next requests."""
    if not settings.CAMP_CACHE_TIMEOUT:
        return
    series = row_values(camp.series) if camp.series else None
    entry = {"camp": row_values(camp), "series": series}
    cache.set(key(camp.slug), entry, settings.CAMP_CACHE_TIMEOUT)


def forget(*slugs, using="default"):
    """Drops these camps from the cache, now and after the current transaction commits."""
    drop([key(slug) for slug in slugs], using=using)


def _forget_old_slug(sender, instance, using, raw=False, **kwargs):
    # Saved under a new slug, the old address must stop showing the camp at once.
    if settings.CAMP_CACHE_TIMEOUT and instance.pk is not None and not raw:
        old = Camp.objects.using(using).filter(pk=instance.pk).values_list("slug", flat=True)
        forget(*old, using=using)


def _forget_camp(sender, instance, using, **kwargs):
    forget(instance.slug, using=using)


def _forget_camps_of_series(sender, instance, using, **kwargs):
    if instance.pk is not None:
        forget(*instance.camps.using(using).values_list("slug", flat=True), using=using)


def connect_signals():
    from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

    pre_save.connect(_forget_old_slug, sender=Camp, dispatch_uid="forget-camp-old-slug")
    post_save.connect(_forget_camp, sender=Camp, dispatch_uid="forget-camp-saved")
    post_delete.connect(_forget_camp, sender=Camp, dispatch_uid="forget-camp-deleted")
    post_save.connect(_forget_camps_of_series, sender=Series, dispatch_uid="forget-series")
    # Before the delete: afterwards the camps no longer point to it.
    pre_delete.connect(_forget_camps_of_series, sender=Series, dispatch_uid="forget-series-gone")

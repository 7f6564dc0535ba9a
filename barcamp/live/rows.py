"""
Model rows kept in the shared cache, for rows read on nearly every request and changed a few
times a day (the camp of an address, the viewer's Teilgeber record, the logged-in user).

A row is kept as its field values: not a pickled model, which breaks across Django upgrades,
and only used while its fields are the model's. Saving or deleting a row drops it (signals), at
once and again after the commit, since a request that read the old row before the commit could
have put it back in between. A `QuerySet.update()` sends no signals: a model's QuerySet with
`ForgetOnUpdate` drops the rows it is about to change. Code that must not lose a concurrent
change locks a fresh row (`select_for_update()`), never a cached copy.
"""

import functools

from django.conf import settings
from django.core.cache import cache
from django.db import models, router, transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from . import versions

# model -> what drops the cached rows a QuerySet of it changes (for ForgetOnUpdate): functions
# of the QuerySet, of each CachedRows of the model and of each whose rows are kept with its own.
_on_update = {}


class CachedRows:
    """
    The rows of `model`, by the values of the fields `by`, for `settings.<timeout_setting>`
    seconds (0: never kept). Rows of the foreign keys named in `with_related` are kept with each
    row, and saving or deleting one of them drops the rows that point to it. `key_may_change`:
    a save may change a field of `by` (a camp's slug), so the row's old key is dropped too.
    Rows whose `by` values are not all set (a Teilgeber without an account) are not kept.

    An app makes one instance per model and calls `connect()` from its AppConfig.ready().
    """

    def __init__(
        self, model, *, by, prefix, timeout_setting, with_related=(), key_may_change=False
    ):
        self.model, self.by, self.prefix = model, tuple(by), prefix
        self.timeout_setting = timeout_setting
        self.with_related = tuple(with_related)
        self.key_may_change = key_may_change
        _on_update.setdefault(model, []).append(self.forget_rows)
        for name in self.with_related:
            _on_update.setdefault(self._related_model(name), []).append(
                lambda related, name=name: self._forget_pointing_to(
                    name, related.values("pk"), using=related.db
                )
            )

    @property
    def timeout(self):
        return getattr(settings, self.timeout_setting)

    def key(self, *values):
        """The cache key of the row with these values of `by`."""
        return ":".join([self.prefix, *map(str, values)])

    def get(self, *values):
        """The row with these values of `by` as last kept, or None (not kept, or of another shape).
        What `versions.read_ahead` read of its key in this request is taken first."""
        if not self.timeout:
            return None
        key = self.key(*values)
        entry = versions.take_read_ahead(key)
        if entry is versions.NOT_READ:
            entry = cache.get(key)
        return self.from_entry(entry, *values)

    def from_entry(self, entry, *values):
        """The row from a kept entry, or None if the entry is not of the model's current shape
        or not of the row with these values of `by`."""
        if not isinstance(entry, dict):
            return None
        instance = from_row_values(self.model, entry.get("row"))
        if instance is None or self._values(instance) != tuple(map(str, values)):
            return None
        for name in self.with_related:
            field = self.model._meta.get_field(name)
            related_pk = getattr(instance, field.attname)
            related = None
            if related_pk is not None:
                related = from_row_values(field.related_model, entry.get(name))
                if related is None or related.pk != related_pk:
                    return None
            field.set_cached_value(instance, related)
        return instance

    def put(self, instance):
        """Keeps a row read from the database (its `with_related` rows loaded) for the next requests."""
        if not self.timeout or None in self._values(instance, as_text=False):
            return
        entry = {"row": row_values(instance)}
        for name in self.with_related:
            related = getattr(instance, name)
            entry[name] = None if related is None else row_values(related)
        cache.set(self.key(*self._values(instance, as_text=False)), entry, self.timeout)

    def forget(self, *instances, using="default"):
        """Drops these rows, now and after the current transaction commits."""
        self._drop([self._values(instance, as_text=False) for instance in instances], using)

    def forget_rows(self, queryset):
        """Drops the rows of `queryset` (one query): before a `QuerySet.update()` of them."""
        if self.timeout:
            self._drop(queryset.values_list(*self.by), queryset.db)

    def connect(self):
        """Drops a row whenever it, or a row kept with it, is saved or deleted."""
        uid = f"cached-rows-{self.prefix}"
        if self.key_may_change:
            pre_save.connect(self._forget_old_key, sender=self.model, dispatch_uid=f"{uid}-old")
        post_save.connect(self._forget_saved, sender=self.model, dispatch_uid=f"{uid}-saved")
        post_delete.connect(self._forget_saved, sender=self.model, dispatch_uid=f"{uid}-deleted")
        for name in self.with_related:

            def forget_pointing_to(sender, instance, using, name=name, **kwargs):
                if instance.pk is not None:
                    self._forget_pointing_to(name, [instance.pk], using=using)

            related_model = self._related_model(name)
            post_save.connect(
                forget_pointing_to, sender=related_model, dispatch_uid=f"{uid}-{name}", weak=False
            )
            # Before the delete: afterwards the rows no longer point to it.
            pre_delete.connect(
                forget_pointing_to,
                sender=related_model,
                dispatch_uid=f"{uid}-{name}-gone",
                weak=False,
            )

    def _values(self, instance, *, as_text=True):
        values = tuple(getattr(instance, name) for name in self.by)
        return tuple(map(str, values)) if as_text else values

    def _drop(self, values_of_rows, using):
        drop([self.key(*values) for values in values_of_rows if None not in values], using=using)

    def _forget_old_key(self, sender, instance, using, raw=False, **kwargs):
        if self.timeout and instance.pk is not None and not raw:
            self.forget_rows(models.QuerySet(self.model, using=using).filter(pk=instance.pk))

    def _forget_saved(self, sender, instance, using, **kwargs):
        self.forget(instance, using=using)

    def _related_model(self, name):
        return self.model._meta.get_field(name).related_model

    def _forget_pointing_to(self, name, related_pks, *, using):
        """Drops the rows whose foreign key `name` points to one of `related_pks`."""
        if self.timeout:
            rows = models.QuerySet(self.model, using=using)
            self.forget_rows(rows.filter(**{f"{name}__in": related_pks}))


class ForgetOnUpdate(models.QuerySet):
    """A QuerySet whose `update()` first drops the rows it changes from every CachedRows of its
    model: an update sends no signals, and forgetting to drop them by hand went unnoticed."""

    def update(self, **kwargs):
        for forget in _on_update.get(self.model, ()):
            forget(self)
        return super().update(**kwargs)


def drop(keys, *, using="default"):
    """Drops cached rows at once, and again after the current transaction commits: a request that
    read the old row before the commit could have put it back in between."""
    keys = list(keys)
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys), using=using)


def row_values(instance):
    """A model instance's row as field values, to keep in the cache."""
    return {field.attname: getattr(instance, field.attname) for field in _fields(type(instance))}


def from_row_values(model, values):
    """The instance back from `row_values()`, or None if they are not the model's current fields."""
    names = [field.attname for field in _fields(model)]
    if not isinstance(values, dict) or values.keys() != set(names):
        return None
    return model.from_db(router.db_for_read(model), names, [values[name] for name in names])


@functools.cache
def _fields(model):
    # Django's documented Model _meta API: the fields with a column of their own.
    return tuple(
        field for field in model._meta.get_fields() if field.concrete and not field.many_to_many
    )

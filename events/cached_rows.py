"""Model rows kept in the cache as field values: not pickled models, which break across Django
upgrades, and only used while their fields are the model's (events.accounts, events.camp_cache,
events.participant_cache)."""

import functools

from django.core.cache import cache
from django.db import router, transaction


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

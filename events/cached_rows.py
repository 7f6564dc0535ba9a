"""Model rows kept in the cache as field values: not pickled models, which break across Django
upgrades, and only used while their fields are the model's (events.accounts, events.camp_cache)."""


def row_values(instance):
    """A model instance's row as field values, to keep in the cache."""
    return {field.attname: getattr(instance, field.attname) for field in _fields(type(instance))}


def from_row_values(model, values):
    """The instance back from `row_values()`, or None if they are not the model's current fields."""
    names = [field.attname for field in _fields(model)]
    if not isinstance(values, dict) or values.keys() != set(names):
        return None
    return model.from_db(model._default_manager.db, names, [values[name] for name in names])


def _fields(model):
    return model._meta.concrete_fields

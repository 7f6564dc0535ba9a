import contextvars

from allauth.account import auth_backends
from django.conf import settings
from django.contrib.auth import backends, get_user_model
from django.core.cache import cache

from .cached_rows import drop, from_row_values, row_values


def user_display(user):
    """How allauth names a user on pages and in e-mails: the e-mail address, never a username."""
    return user.email or user.get_username()


def user_cache_key(user_id):
    return f"auth-user:{user_id}"


# The logged-in user's cached row as the session brought it along (events.session_store):
# (user id as text, row values or None when the cache had none), until get_user takes it.
_brought_along = contextvars.ContextVar("cached_user_brought_along", default=None)


def bring_along(user_id, values):
    """Offer get_user the user's cached row, read with the session (None: not in the cache)."""
    _brought_along.set(None if user_id is None else (str(user_id), values))


def _cached_row(user_id):
    brought = _brought_along.get()
    if brought is not None and brought[0] == str(user_id):
        _brought_along.set(None)
        return brought[1]
    return cache.get(user_cache_key(user_id))


class CachedUserMixin:
    """
    Reads the logged-in user from the cache instead of the database.

    Django loads the user of every logged-in request; for a vote, the plenum's hottest write,
    that query was a sixth of what the request cost. The row is kept as its field values (not
    a pickled model, which breaks across Django upgrades) and only used when its fields are the
    model's current ones. Django still verifies the session against the user's password hash,
    so a stale entry can only be as old as the last save that did not reach the cache, and at
    most USER_CACHE_TIMEOUT seconds. Only with a cache all processes share (settings).
    """

    def get_user(self, user_id):
        if not settings.USER_CACHE_TIMEOUT:
            return super().get_user(user_id)
        user = from_row_values(get_user_model(), _cached_row(user_id))
        if user is not None:
            return user if self.user_can_authenticate(user) else None
        user = super().get_user(user_id)
        if user is not None:
            cache.set(user_cache_key(user_id), row_values(user), settings.USER_CACHE_TIMEOUT)
        return user


class ModelBackend(CachedUserMixin, backends.ModelBackend):
    pass


class AuthenticationBackend(CachedUserMixin, auth_backends.AuthenticationBackend):
    pass


def forget_user(sender, instance, using, **kwargs):
    """Drops a saved or deleted user from the cache, at once and again after the commit."""
    drop([user_cache_key(instance.pk)], using=using)


def connect_signals():
    from django.db.models.signals import post_delete, post_save

    post_save.connect(forget_user, sender=settings.AUTH_USER_MODEL, dispatch_uid="forget-user")
    post_delete.connect(forget_user, sender=settings.AUTH_USER_MODEL, dispatch_uid="forget-user")

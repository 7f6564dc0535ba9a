from allauth.account import auth_backends
from django.conf import settings
from django.contrib.auth import backends, get_user_model
from django.core.cache import cache

from .cached_rows import drop, from_row_values, row_values


def user_display(user):
    """How allauth names a user on pages and in e-mails: the e-mail address, never a username."""
    return user.email or user.get_username()


def _user_cache_key(user_id):
    return f"auth-user:{user_id}"


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
        key = _user_cache_key(user_id)
        user = from_row_values(get_user_model(), cache.get(key))
        if user is not None:
            return user if self.user_can_authenticate(user) else None
        user = super().get_user(user_id)
        if user is not None:
            cache.set(key, row_values(user), settings.USER_CACHE_TIMEOUT)
        return user


class ModelBackend(CachedUserMixin, backends.ModelBackend):
    pass


class AuthenticationBackend(CachedUserMixin, auth_backends.AuthenticationBackend):
    pass


def forget_user(sender, instance, using, **kwargs):
    """Drops a saved or deleted user from the cache, at once and again after the commit."""
    drop([_user_cache_key(instance.pk)], using=using)


def connect_signals():
    from django.db.models.signals import post_delete, post_save

    post_save.connect(forget_user, sender=settings.AUTH_USER_MODEL, dispatch_uid="forget-user")
    post_delete.connect(forget_user, sender=settings.AUTH_USER_MODEL, dispatch_uid="forget-user")

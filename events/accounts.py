import hashlib

from allauth.account import auth_backends, signals
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import backends, get_user_model
from django.core.cache import cache
from django.db import connection, transaction

from .row_caches import users


def user_display(user):
    """How allauth names a user to themself (messages, their own mails): the name they chose,
    else their e-mail address; never a username made from it. Never shown to anybody else."""
    return user.get_full_name().strip() or user.email or user.get_username()


def open_account(request, email):
    """
    An account for an e-mail address that has none: no password, the address unverified until
    the login code sent to it is entered (allauth's login by code verifies the address it was
    sent to). Returns the new user, or None when the address has an account already or sign-up
    is closed (allauth's adapter decides).

    Two taps at once open one account: the check and the insert hold a lock on the address
    (PostgreSQL: an advisory lock for the transaction; SQLite: writers queue, settings).
    """
    adapter = get_adapter()
    if not adapter.is_open_for_signup(request):
        return None
    email = email.strip().lower()
    user_model = get_user_model()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            key = int.from_bytes(hashlib.sha256(email.encode()).digest()[:8], "big", signed=True)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
        if (
            EmailAddress.objects.filter(email__iexact=email).exists()
            or user_model.objects.filter(email__iexact=email).exists()
        ):
            return None
        user = adapter.new_user(request)
        user.email = email
        user.set_unusable_password()
        adapter.populate_username(request, user)
        user.save()
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    signals.user_signed_up.send(sender=user_model, request=request, user=user)
    return user


def user_cache_key(user_id):
    return users.key(user_id)


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
        user = users.from_entry(cache.get(user_cache_key(user_id)), user_id)
        if user is not None:
            return user if self.user_can_authenticate(user) else None
        user = super().get_user(user_id)
        if user is not None:
            users.put(user)
        return user


class ModelBackend(CachedUserMixin, backends.ModelBackend):
    pass


class AuthenticationBackend(CachedUserMixin, auth_backends.AuthenticationBackend):
    pass

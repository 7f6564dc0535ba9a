"""
Django's cached_db sessions, which also bring the logged-in user's cached row along.

Every logged-in request reads its session and then its user (events.accounts), both from
Redis: two round trips, each some system calls and two hand-overs of the interpreter lock. This
store keeps beside each cached session a pointer to its user (the user's id, under the session's
key), and reads the session and the user's row in one round trip (a Redis script). The user's
row stays where events.accounts keeps and drops it; only the way there is shorter.

SESSION_ENGINE, with REDIS_URL (settings). With any other cache it is Django's cached_db.
"""

import logging

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

from barcamp.cache import POINTER, FailOpenRedisCache

from . import accounts

logger = logging.getLogger("django.contrib.sessions")

USER_OF_SESSION = "session-user:"


class SessionStore(cached_db.SessionStore):
    @property
    def _brings_user_along(self):
        return bool(settings.USER_CACHE_TIMEOUT) and isinstance(self._cache, FailOpenRedisCache)

    def load(self):
        if not self._brings_user_along:
            return super().load()
        data, user_id, user_row = self._cache.get_and_follow(
            self.cache_key,
            USER_OF_SESSION + self.session_key,
            accounts.user_cache_key(POINTER),
        )
        if data is None:
            # Not in the cache: from the database, as cached_db does, and into the cache.
            accounts.bring_along(None, None)
            stored = self._get_session_from_db()
            if not stored:
                return {}
            data = self.decode(stored.session_data)
            self._put_in_cache(data, self.get_expiry_age(expiry=stored.expire_date))
            return data
        session_user = data.get(SESSION_KEY)
        if user_id is not None and str(user_id) == session_user:
            accounts.bring_along(session_user, user_row)  # None: the user's row is not cached
        else:
            # Cached without its pointer (by cached_db before this store, say): get_user reads
            # the user on its own this time, and the session gets its pointer, which may
            # outlive the session's entry: it only shortens the way to the user.
            accounts.bring_along(None, None)
            if pointer := self._pointer(session_user):
                self._cache.set(*pointer, settings.SESSION_COOKIE_AGE)
        return data

    def save(self, must_create=False):
        if not self._brings_user_along:
            return super().save(must_create)
        DBStore.save(self, must_create)  # cached_db's save would cache it without the pointer
        try:
            self._put_in_cache(self._session, self.get_expiry_age())
        except Exception:
            logger.exception("Error saving to cache (%s)", self._cache)

    def _put_in_cache(self, data, timeout):
        entries = {self.cache_key: data}
        if pointer := self._pointer(data.get(SESSION_KEY)):
            entries.update([pointer])
        self._cache.set_many(entries, timeout)

    def _pointer(self, user_id):
        """The pointer to the session's user as (key, value), or None for no user."""
        if isinstance(user_id, str) and user_id.isdigit():
            # An integer, so that Redis holds it as it is (django.core.cache's RedisSerializer)
            # and the script can name the user's key with it.
            return USER_OF_SESSION + self.session_key, int(user_id)
        return None

    def delete(self, session_key=None):
        super().delete(session_key)
        session_key = session_key or self.session_key
        if session_key and self._brings_user_along:
            self._cache.delete(USER_OF_SESSION + session_key)

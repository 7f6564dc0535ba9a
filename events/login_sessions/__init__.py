"""
Django's sessions, each knowing its user, so that all sessions of an account can be ended.

SESSION_ENGINE is `events.login_sessions.cached_db` with REDIS_URL, `events.login_sessions.db`
without (settings): Django's own engines with the session model of Django's documented
extension (events.models.LoginSession, `get_model_class` and `create_model_instance`).
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction


class KnowsItsUser:
    """A session store whose rows carry the id of the user logged in."""

    @classmethod
    def get_model_class(cls):
        from events.models import LoginSession

        return LoginSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        session.user_id = int(user_id) if isinstance(user_id, str) and user_id.isdigit() else None
        return session


def end_sessions(*, user):
    """
    Ends every session of the user, on every device: the rows and their cached copies go, at
    once and again after the current transaction commits (a request that read a session from
    the database just before could put its copy back in the cache meanwhile).
    """
    from events.models import LoginSession

    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = set()

    def end():
        keys.update(
            LoginSession.objects.filter(user_id=user.pk).values_list("session_key", flat=True)
        )
        for key in keys:
            store(key).delete()  # the row, and with cached_db its copy in the cache

    end()
    transaction.on_commit(end)

"""Django's database sessions (SESSION_ENGINE without REDIS_URL), each knowing its user."""

from django.contrib.sessions.backends import db

from . import KnowsItsUser


class SessionStore(KnowsItsUser, db.SessionStore):
    pass

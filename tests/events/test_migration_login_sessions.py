"""The migration that moves Django's sessions into rows that know their user (events.login_sessions)."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session as DjangoSession
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from events.login_sessions.db import SessionStore
from events.models import LoginSession

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("events", "0007_online_rooms")]
AFTER = [("events", "0008_login_sessions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _django_session(data, *, expired=False):
    store = DjangoStore()
    store.update(data)
    store.create()
    if expired:
        DjangoSession.objects.filter(session_key=store.session_key).update(
            expire_date=timezone.now() - datetime.timedelta(minutes=1)
        )
    return store.session_key


def test_sessions_move_with_their_user_and_nothing_stays_behind():
    try:
        migrate(BEFORE)
        logged_in = _django_session({SESSION_KEY: "42", "account_email": "a@example.org"})
        anonymous = _django_session({"django_language": "en"})
        _django_session({SESSION_KEY: "43"}, expired=True)

        migrate(AFTER)
        moved = dict(LoginSession.objects.values_list("session_key", "user_id"))
        left = DjangoSession.objects.count()
        data = SessionStore(logged_in).load()
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert moved == {logged_in: 42, anonymous: None}
    assert left == 0
    assert data == {SESSION_KEY: "42", "account_email": "a@example.org"}

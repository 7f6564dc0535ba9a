"""Sessions that bring the logged-in user's cached row along (events.session_store), on Redis."""

import os
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from events.session_store import USER_OF_SESSION
from tests.factories import make_user

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("TEST_CACHE_REDIS_URL", "redis://127.0.0.1:6379/12")
PREFIX = f"test-sessions-{os.getpid()}"


@pytest.fixture(autouse=True)
def redis_sessions():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"needs Redis at {REDIS_URL}")
    redis_cache = {
        "BACKEND": "barcamp.cache.FailOpenRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": PREFIX,
    }
    with override_settings(
        CACHES={"default": redis_cache},
        SESSION_ENGINE="events.session_store",
        USER_CACHE_TIMEOUT=300,
    ):
        yield
        # Only this worker's keys: parallel test workers share the database.
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=f"{PREFIX}:*"):
            client.delete(key)


def _redis_commands():
    client = cache._cache.get_client(write=True)
    return mock.patch.object(client, "execute_command", wraps=client.execute_command)


def _session_or_user(command):
    return any(
        isinstance(arg, str) and ("sessions.cached_db" in arg or "-user:" in arg)
        for arg in command.args
    )


def _pointer(client):
    return cache.get(USER_OF_SESSION + client.session.session_key)


def test_a_request_reads_its_session_and_its_user_in_one_round_trip(client):
    user = make_user()
    client.force_login(user)
    client.get("/").wsgi_request.user.pk  # noqa: B018 - the user's row into the cache

    with _redis_commands() as commands, CaptureQueriesContext(connection) as queries:
        logged_in = client.get("/").wsgi_request.user

        assert logged_in == user

    read = [command.args[0] for command in commands.call_args_list if _session_or_user(command)]
    assert read == ["EVALSHA"]
    assert not [q for q in queries if "auth_user" in q["sql"] or "django_session" in q["sql"]]


@pytest.mark.parametrize("change", ["email", "password", "deactivated"])
def test_the_user_brought_along_is_the_one_saved_last(client, change):
    user = make_user(email="old@example.org", password="old secret 1")
    client.force_login(user)
    assert client.get("/").wsgi_request.user.email == "old@example.org"

    if change == "email":
        user.email = "new@example.org"
    elif change == "password":
        user.set_password("new secret 2")
    else:
        user.is_active = False
    user.save()
    after = client.get("/").wsgi_request.user

    if change == "email":
        assert after.email == "new@example.org"
    else:
        assert not after.is_authenticated


def test_a_session_cached_without_its_pointer_logs_in_and_gets_it(client):
    user = make_user()
    client.force_login(user)
    cache.delete(USER_OF_SESSION + client.session.session_key)  # as cached_db left it

    logged_in = client.get("/").wsgi_request.user

    assert logged_in == user
    assert _pointer(client) == user.pk


def test_a_session_not_in_the_cache_comes_from_the_database_with_its_pointer(client):
    user = make_user()
    client.force_login(user)
    key = client.session.session_key
    cache.delete_many([f"django.contrib.sessions.cached_db{key}", USER_OF_SESSION + key])

    logged_in = client.get("/").wsgi_request.user

    assert logged_in == user
    assert cache.get(f"django.contrib.sessions.cached_db{key}")["_auth_user_id"] == str(user.pk)
    assert _pointer(client) == user.pk


def test_a_pointer_to_another_user_brings_nobody_along(client):
    user, other = make_user(), make_user()
    client.force_login(other)
    client.get("/").wsgi_request.user.pk  # noqa: B018 - the other's row into the cache
    client.force_login(user)
    cache.set(USER_OF_SESSION + client.session.session_key, other.pk)

    logged_in = client.get("/").wsgi_request.user

    assert logged_in == user


def test_logging_out_drops_the_pointer(client):
    user = make_user()
    client.force_login(user)
    key = client.session.session_key
    assert cache.get(USER_OF_SESSION + key) == user.pk

    client.logout()

    assert cache.get(USER_OF_SESSION + key) is None

"""Deleting an account ends all its sessions, in the database and in the cache (issue 25.6)."""

import os
from importlib import import_module

import pytest
import redis
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import make_camp, make_participant, make_user

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("TEST_CACHE_REDIS_URL", "redis://127.0.0.1:6379/12")
# A key prefix of this worker's own: parallel test workers share the Redis database.
PREFIX = f"test-login-sessions-{os.getpid()}"
EMAIL = "pia.phone@example.org"
NAME = "Pia Zweigeraet"


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"needs Redis at {REDIS_URL}")
    yield client
    for key in client.scan_iter(match=f"{PREFIX}:*"):
        client.delete(key)


@pytest.fixture(params=["cached_db with Redis", "db"])
def stack(request):
    """The production stack with REDIS_URL, and the one without."""
    if request.param == "db":
        with override_settings(SESSION_ENGINE="events.login_sessions.db"):
            yield None
        return
    client = request.getfixturevalue("redis_client")
    cache = {"BACKEND": "barcamp.cache.FailOpenRedisCache", "LOCATION": REDIS_URL}
    with override_settings(
        CACHES={"default": {**cache, "KEY_PREFIX": PREFIX}},
        SESSION_ENGINE="events.login_sessions.cached_db",
        USER_CACHE_TIMEOUT=300,
        CAMP_CACHE_TIMEOUT=60,
        PARTICIPANT_CACHE_TIMEOUT=60,
    ):
        yield client


def _log_in(client):
    response = client.post(reverse("account_login"), {"login": EMAIL, "password": "secret 1234"})
    assert response.status_code == 302
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _session(key):
    store = import_module(settings.SESSION_ENGINE).SessionStore
    return store(key).load()


def test_deleting_the_account_on_the_phone_logs_the_laptop_out_and_leaves_nothing_cached(stack):
    user = make_user(email=EMAIL, first_name=NAME, password="secret 1234")
    camp = make_camp()
    make_participant(camp=camp, user=user, display_name=NAME)
    phone, laptop = Client(), Client()
    _log_in(phone)
    laptop_key = _log_in(laptop)
    for client in (phone, laptop):  # the user's row, the camp and the Teilgeber into the cache
        assert client.get(reverse("events:camp", args=[camp.slug])).status_code == 200
    assert _session(laptop_key)["_auth_user_id"] == str(user.pk)

    deleted = phone.post(reverse("voting:delete-account"), {"confirm": "yes", "sessions": "keep"})
    laptop_after = laptop.get(reverse("events:camp", args=[camp.slug]))

    assert deleted.status_code == 302
    assert not laptop_after.wsgi_request.user.is_authenticated
    assert _session(laptop_key) == {}
    if stack is not None:
        cached = {key.decode(): stack.get(key) for key in stack.scan_iter(match=f"{PREFIX}:*")}
        keyed_by_the_user = [
            key
            for key in cached
            if key.endswith(f":auth-user:{user.pk}") or key.endswith(f":{camp.pk}:{user.pk}")
        ]
        holding_the_person = [
            key
            for key, value in cached.items()
            if value and (EMAIL.encode() in value or NAME.encode() in value)
        ]
        assert cached  # the camp's own entries stay
        assert (keyed_by_the_user, holding_the_person) == ([], [])

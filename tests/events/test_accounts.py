"""Accounts through django-allauth: sign-up without a password, login by a code sent by e-mail."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import make_user
from tests.http import post

pytestmark = pytest.mark.django_db
PARALLEL = 30


@pytest.fixture(autouse=True)
def cached_users(settings):
    # As with REDIS_URL; the tests' cache is the process's own memory, where it is off.
    settings.USER_CACHE_TIMEOUT = 300


def _code(message):
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE).group(1)


def test_signup_without_password_then_code_logs_in(client):
    response = client.post(
        "/accounts/signup/?next=/x/",
        {"first_name": "Ben", "email": "ben@example.org", "password1": ""},
    )
    assert response.status_code == 302

    confirmed = client.post(response["Location"], {"code": _code(mail.outbox[-1])})

    user = get_user_model().objects.get(email="ben@example.org")
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/x/"
    assert user.first_name == "Ben"
    assert not user.has_usable_password()
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_by_code_for_existing_user(client):
    user = make_user(email="carla@example.org")

    requested = client.post("/accounts/login/code/", {"email": "carla@example.org"})
    confirmed = client.post(requested["Location"], {"code": _code(mail.outbox[-1])})

    assert requested.status_code == 302
    assert confirmed.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_by_wrong_code_is_400_and_not_logged_in(client):
    make_user(email="dana@example.org")
    requested = client.post("/accounts/login/code/", {"email": "dana@example.org"})

    response = client.post(requested["Location"], {"code": "AAAA-AAAA"})

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "name",
    ["", "ben@example.org"],
    ids=["no name", "an e-mail address for a name"],
)
def test_signup_asks_for_a_name_that_is_not_an_address_and_says_why(client, name):
    client.cookies["django_language"] = "en"

    response = client.post(
        "/accounts/signup/", {"first_name": name, "email": "ben@example.org", "password1": ""}
    )

    assert response.status_code == 400
    assert get_user_model().objects.count() == 0
    content = response.content.decode()
    assert "Shown publicly" in content
    if name:
        assert "That looks like an e-mail address." in content


def test_signup_with_invalid_email_is_400(client):
    response = client.post(
        "/accounts/signup/", {"first_name": "Ben", "email": "not-an-address", "password1": ""}
    )

    assert response.status_code == 400
    assert get_user_model().objects.count() == 0


def test_signup_with_taken_email_creates_no_second_account(client):
    make_user(email="eva@example.org")

    client.post(
        "/accounts/signup/", {"first_name": "Eva", "email": "eva@example.org", "password1": ""}
    )

    assert get_user_model().objects.filter(email__iexact="eva@example.org").count() == 1


# --- One box for the e-mail address -------------------------------------------------------------


def test_a_new_address_in_the_code_box_gets_an_account_and_a_code(client):
    client.cookies["django_language"] = "en"

    requested = client.post("/accounts/login/code/?next=/x/", {"email": "Neu@Example.org"})
    confirmed = client.post(requested["Location"], {"code": _code(mail.outbox[-1])})

    user = get_user_model().objects.get(email="neu@example.org")
    assert requested.status_code == 302
    assert [m.subject for m in mail.outbox] == ["[barcamp] Sign-In Code"]
    assert confirmed["Location"] == "/x/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not user.has_usable_password()
    assert user.first_name == ""
    assert EmailAddress.objects.get(user=user).verified is True


def test_a_new_address_stays_unverified_until_its_code_is_entered(client):
    client.post("/accounts/login/code/", {"email": "neu@example.org"})

    address = EmailAddress.objects.get(email="neu@example.org")
    assert (address.verified, address.primary) == (False, True)
    assert "_auth_user_id" not in client.session


def test_the_code_box_answers_a_known_and_a_new_address_alike(client):
    make_user(email="known@example.org")

    known = client.post("/accounts/login/code/?next=/x/", {"email": "known@example.org"})
    known_mail = mail.outbox[-1]
    new = Client().post("/accounts/login/code/?next=/x/", {"email": "new@example.org"})
    new_mail = mail.outbox[-1]

    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])
    assert known_mail.subject == new_mail.subject
    assert _code(known_mail) != _code(new_mail)
    assert known_mail.body.replace(_code(known_mail), "") == new_mail.body.replace(
        _code(new_mail), ""
    )


def test_the_code_box_opens_no_second_account_for_a_known_address_in_other_case(client):
    make_user(email="known@example.org")

    client.post("/accounts/login/code/", {"email": "KNOWN@example.org"})

    assert get_user_model().objects.count() == 1


def test_the_code_box_with_a_bad_address_is_400_and_opens_no_account(client):
    response = client.post("/accounts/login/code/", {"email": "not-an-address"})

    assert response.status_code == 400
    assert get_user_model().objects.count() == 0
    assert mail.outbox == []


def test_the_code_box_opens_no_account_while_sign_up_is_closed(client, monkeypatch):
    from allauth.account.adapter import DefaultAccountAdapter

    monkeypatch.setattr(DefaultAccountAdapter, "is_open_for_signup", lambda self, request: False)

    client.post("/accounts/login/code/", {"email": "neu@example.org"})

    assert get_user_model().objects.count() == 0


@pytest.mark.postgres
def test_parallel_taps_in_the_code_box_open_one_account(
    postgres_only, live_server, transactional_db
):
    start = threading.Barrier(PARALLEL)

    def tap(_):
        start.wait()
        return post(
            f"{live_server.url}/accounts/login/code/", session="", data=b"email=twice%40example.org"
        )[0]

    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = list(pool.map(tap, range(PARALLEL)))

    # Without the lock on the address, the second insert hits the username's unique constraint.
    assert 500 not in statuses

    assert get_user_model().objects.filter(email="twice@example.org").count() == 1
    assert EmailAddress.objects.filter(email="twice@example.org").count() == 1


# --- The logged-in user, read from the cache ------------------------------------------------


def _user_queries(client, path="/account/notifications/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return [q["sql"] for q in queries if 'FROM "auth_user"' in q["sql"]]


def _logged_in(client):
    return client.get("/").wsgi_request.user.is_authenticated


def test_a_logged_in_request_reads_the_user_from_the_cache(client):
    client.force_login(make_user())

    first = _user_queries(client)
    second = _user_queries(client)

    assert len(first) == 1
    assert second == []


def test_without_a_shared_cache_every_request_reads_the_user_from_the_database(client, settings):
    settings.USER_CACHE_TIMEOUT = 0
    client.force_login(make_user())

    first = _user_queries(client)
    second = _user_queries(client)

    assert (len(first), len(second)) == (1, 1)


def test_a_new_password_still_logs_out_the_other_sessions(client):
    user = make_user(password="old secret 1")
    client.force_login(user)
    assert _logged_in(client)

    user.set_password("new secret 2")
    user.save()

    assert not _logged_in(client)


def test_a_deactivated_user_is_logged_out_at_the_next_request(client):
    user = make_user()
    client.force_login(user)
    assert _logged_in(client)

    user.is_active = False
    user.save()

    assert not _logged_in(client)


def test_a_deleted_user_is_logged_out_at_the_next_request(client):
    user = make_user()
    client.force_login(user)
    assert _logged_in(client)

    user.delete()

    assert not _logged_in(client)


def test_a_changed_email_shows_at_the_next_request(client):
    user = make_user(email="old@example.org")
    client.force_login(user)
    assert client.get("/").wsgi_request.user.email == "old@example.org"

    user.email = "new@example.org"
    user.save()

    assert client.get("/").wsgi_request.user.email == "new@example.org"


def test_a_cached_user_of_another_shape_is_read_again_from_the_database(client):
    user = make_user()
    client.force_login(user)
    # What an older deploy, whose user model had other fields, left in the cache.
    cache.set(f"auth-user:{user.pk}", {"id": user.pk, "is_active": True, "password": "x"})

    queries = _user_queries(client)

    assert len(queries) == 1
    assert client.get("/").wsgi_request.user == user


def test_the_user_is_dropped_again_after_the_commit(django_capture_on_commit_callbacks):
    user = make_user()
    key = f"auth-user:{user.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        user.email = "new@example.org"
        user.save()
        # A request that read the row before the commit puts the old one back meanwhile.
        cache.set(key, {"email": "old@example.org"})
        assert cache.get(key) is not None

    assert cache.get(key) is None

"""Accounts through django-allauth: sign-up without a password, login by a code sent by e-mail."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _code(message):
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE).group(1)


def test_signup_without_password_then_code_logs_in(client):
    response = client.post(
        "/accounts/signup/?next=/x/", {"email": "ben@example.org", "password1": ""}
    )
    assert response.status_code == 302

    confirmed = client.post(response["Location"], {"code": _code(mail.outbox[-1])})

    user = get_user_model().objects.get(email="ben@example.org")
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/x/"
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


def test_signup_with_invalid_email_is_400(client):
    response = client.post("/accounts/signup/", {"email": "not-an-address", "password1": ""})

    assert response.status_code == 400
    assert get_user_model().objects.count() == 0


def test_signup_with_taken_email_creates_no_second_account(client):
    make_user(email="eva@example.org")

    client.post("/accounts/signup/", {"email": "eva@example.org", "password1": ""})

    assert get_user_model().objects.filter(email__iexact="eva@example.org").count() == 1

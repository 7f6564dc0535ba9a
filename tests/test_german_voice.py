"""One German voice: "du" on every page and in every mail of the account (django-allauth's
included), and "einloggen" for the account, since "angemeldet" means joined a camp."""

import re

import pytest
from allauth.account.adapter import get_adapter
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client, RequestFactory
from django.utils import translation

from tests.factories import make_user

pytestmark = pytest.mark.django_db

# The formal address, and the words for joining a camp, which the account's pages must not use.
FORMAL = re.compile(r"\b(Sie|Ihnen|Ihr|Ihre|Ihrem|Ihren|Ihrer|Ihres)\b")
CAMP_WORDS = re.compile(r"angemeldet|abgemeldet|[Aa]nmelde|[Aa]bmelde|Anmeldung|Abmeldung")
PASSWORD = "a long enough password"


def _visible(html):
    """The page's words: tags, scripts and attribute-free markup removed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _code(message):
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.M).group(1)


def _check(where, text):
    assert not FORMAL.search(text), f"{where}: {FORMAL.search(text).group(0)!r} in {text!r}"
    assert not CAMP_WORDS.search(text), f"{where}: {CAMP_WORDS.search(text).group(0)!r} in {text!r}"


def test_the_account_pages_and_their_messages_say_du():
    pages = {}
    anonymous = Client()
    for url in (
        "/accounts/login/",
        "/accounts/login/code/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/password/reset/key/0-bad/",
        "/accounts/inactive/",
    ):
        pages[url] = anonymous.get(url, follow=True)
    invalid = anonymous.post("/accounts/login/", {"login": "x@example.org", "password": "wrong"})
    pages["wrong password"] = invalid

    by_code = Client()
    make_user(email="code@example.org")
    requested = by_code.post("/accounts/login/code/", {"email": "code@example.org"})
    pages["the code page"] = by_code.get(requested["Location"])
    pages["a wrong code"] = by_code.post(requested["Location"], {"code": "AAAA-AAAA"})
    pages["logged in by code"] = by_code.post(
        requested["Location"], {"code": _code(mail.outbox[-1])}, follow=True
    )

    signing_up = Client()
    signed_up = signing_up.post(
        "/accounts/signup/", {"first_name": "Ben", "email": "ben@example.org", "password1": ""}
    )
    pages["the verification code page"] = signing_up.get(signed_up["Location"])

    with_password = Client()
    user = make_user(email="pw@example.org", password=PASSWORD)
    pages["logged in"] = with_password.post(
        "/accounts/login/", {"login": user.email, "password": PASSWORD}, follow=True
    )
    for url in (
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/reauthenticate/",
        "/accounts/logout/",
    ):
        pages[url] = with_password.get(url)
    pages["logged out"] = with_password.post("/accounts/logout/", follow=True)
    without_password = Client()
    without_password.force_login(make_user())
    pages["/accounts/password/set/"] = without_password.get("/accounts/password/set/")

    for where, response in pages.items():
        assert response.status_code in (200, 400), where
        _check(where, _visible(response.content.decode()))
        for message in get_messages(response.wsgi_request):
            _check(f"{where} (message)", str(message))
    assert "Du bist eingeloggt als" in pages["logged in"].content.decode()
    assert "Du bist ausgeloggt." in pages["logged out"].content.decode()


@pytest.mark.parametrize(
    "template",
    [
        "account/email/login_code",
        "account/email/email_confirmation_signup",
        "account/email/email_confirmation",
        "account/email/password_reset_key",
        "account/email/password_reset_code",
        "account/email/account_already_exists",
        "account/email/unknown_account",
        "account/email/email_changed",
        "account/email/email_confirm",
        "account/email/email_deleted",
        "account/email/password_changed",
        "account/email/password_reset",
        "account/email/password_set",
    ],
)
def test_the_account_mails_say_du(template):
    request = RequestFactory().get("/")
    user = make_user(first_name="Ben")
    context = {
        "request": request,
        "user": user,
        "code": "ABCD-EFGH",
        "activate_url": "http://testserver/x/",
        "password_reset_url": "http://testserver/reset/",
        "signup_url": "http://testserver/accounts/signup/",
        "username": user.username,
        "email": user.email,
        "from_email": "old@example.org",
        "to_email": "new@example.org",
        "deleted_email": "old@example.org",
        "ip": "127.0.0.1",
        "user_agent": "Firefox",
        "timestamp": "today",
        "current_site": type("Site", (), {"name": "barcamp", "domain": "testserver"})(),
    }

    with translation.override("de"):
        message = get_adapter(request).render_mail(template, user.email, context)

    _check(template, message.subject + "\n" + message.body)
    assert "Hallo!" in message.body

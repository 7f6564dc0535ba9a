"""Two app servers, one PostgreSQL, one Redis: what one process does, the other serves at once."""

import http.cookiejar
import os
import re
import time
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import make_camp, make_participant, make_session, make_user, open_voting
from tests.http import free_port, production_env, redis_available, running_servers
from voting.plenum import services

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# How long a server may answer a poll from the live tokens it read before (the default).
LIVE_TOKENS_MAX_AGE = 0.1

# Both tests flush the same Redis database: with several test workers they run on one of them.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("shared-redis"),
]


def user_with_password(email, password):
    """A user whose password the servers' production hasher can check (the tests use a fast one)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    user = make_user(email=email)
    user.password = PBKDF2PasswordHasher().encode(password, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def two_servers(postgres_only, collected_static):
    if not redis_available(REDIS_URL):
        pytest.skip(f"needs Redis at {REDIS_URL}")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    envs = [
        production_env(
            port=free_port(),
            static_root=collected_static,
            SECRET_KEY="one-secret-for-both-servers-0123456789-abcdefghijkl",
            DATABASE_URL=database_url,
            REDIS_URL=REDIS_URL,
            LIVE_TOKENS_MAX_AGE=str(LIVE_TOKENS_MAX_AGE),
        )
        for _ in range(2)
    ]
    # Ready, not just up: as a load balancer would, wait until the database and Redis answer
    # (a page rendered while Redis does not answer has no live version).
    try:
        with running_servers(envs, until="/readyz", tries=150) as bases:
            yield bases
    finally:
        redis.Redis.from_url(REDIS_URL).flushdb()


class PlainHttpPolicy(http.cookiejar.DefaultCookiePolicy):
    """Production cookies are Secure; these servers speak plain HTTP on loopback, so send them anyway."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    """A cookie-keeping HTTP client: enough of a browser for logging in and voting."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar(PlainHttpPolicy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def cookie(self, name):
        return next((cookie.value for cookie in self.cookies if cookie.name == name), None)

    def get(self, url, **headers):
        with self.opener.open(urllib.request.Request(url, headers=headers), timeout=10) as response:
            return response.status, response.read().decode()

    def path_shown(self, url):
        """The path of the page a GET of url ends on, after redirects (a login page, say)."""
        with self.opener.open(url, timeout=10) as response:
            return urllib.parse.urlsplit(response.url).path

    def post(self, url, data, **headers):
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(
            url, data=body, headers={"X-CSRFToken": self.cookie("csrftoken") or "", **headers}
        )
        with self.opener.open(request, timeout=10) as response:
            return response.status, response.read().decode(), response.url

    def submit(self, url, data):
        """Fill in the form on the page at url and send it, the way the page does."""
        _status, page = self.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.post(url, {"csrfmiddlewaretoken": token, **data}, Referer=url)

    def log_in(self, base, email, password):
        return self.submit(f"{base}/accounts/login/", {"login": email, "password": password})


def test_a_login_on_one_server_is_valid_on_the_other(two_servers):
    first, second = two_servers
    user_with_password("anna@example.org", "correct horse battery")
    browser = Browser()

    browser.log_in(first, "anna@example.org", "correct horse battery")
    status, page = browser.get(f"{second}/accounts/email/")

    assert status == 200
    assert "anna@example.org" in page
    assert browser.cookie(settings.SESSION_COOKIE_NAME)


def test_a_vote_through_one_server_appears_on_the_other_within_one_poll(two_servers):
    first, second = two_servers
    camp = make_camp()
    open_voting(camp)
    session = make_session(camp=camp, title="Scale out")
    services.start_pitch(camp=camp, date=camp.start_date)
    voter = make_participant(
        camp=camp, user=user_with_password("ben@example.org", "correct horse battery")
    )
    projector = Browser()
    for _ in range(3):
        _status, page = projector.get(f"{second}/{camp.slug}/projector/")
        version = re.search(r"\?v=([0-9a-f.]+)", page).group(1)
        unchanged = projector.opener.open(
            urllib.request.Request(
                f"{second}/{camp.slug}/projector/?v={version}", headers={"HX-Request": "true"}
            ),
            timeout=5,
        )
        # Redis fails open: a page rendered, or a poll asked, while Redis did not answer within
        # its 0.5 s (the rest of the suite busy on the same cores) gets a version of zeros or a
        # 200. Either heals at the next poll; here the next page and poll are asked again.
        if unchanged.status == 204:
            break
    assert unchanged.status == 204, f"the page rendered version {version!r}"
    phone = Browser()
    phone.log_in(first, "ben@example.org", "correct horse battery")

    status, _body, _url = phone.post(
        f"{first}/{camp.slug}/sessions/{session.pk}/vote/", {"want": "1"}, **{"HX-Request": "true"}
    )
    # The second server may answer from the tokens it read for the last poll for this long; the
    # projector's next poll comes two seconds after its last one, much later than that.
    time.sleep(LIVE_TOKENS_MAX_AGE)
    poll = projector.opener.open(
        urllib.request.Request(
            f"{second}/{camp.slug}/projector/?v={version}", headers={"HX-Request": "true"}
        ),
        timeout=5,
    )

    assert status == 200
    assert voter.votes.count() == 1
    assert poll.status == 200
    assert '<span class="count-number" id="interest-count">1</span>' in poll.read().decode()


def test_a_new_password_set_through_one_server_logs_the_other_session_out_on_the_other(
    two_servers,
):
    first, second = two_servers
    user_with_password("cleo@example.org", "correct horse battery")
    laptop, phone = Browser(), Browser()
    laptop.log_in(first, "cleo@example.org", "correct horse battery")
    phone.log_in(first, "cleo@example.org", "correct horse battery")
    before = phone.path_shown(f"{second}/accounts/email/")  # the second server caches the user

    laptop.submit(
        f"{first}/accounts/password/change/",
        {
            "oldpassword": "correct horse battery",
            "password1": "a new staple 2026",
            "password2": "a new staple 2026",
        },
    )

    assert before == "/accounts/email/"
    assert phone.path_shown(f"{second}/accounts/email/") == "/accounts/login/"
    assert laptop.path_shown(f"{second}/accounts/email/") == "/accounts/email/"


def test_a_camp_setting_changed_through_one_server_shows_at_once_on_the_other(two_servers):
    # Both servers read the camp from the shared cache (events.row_caches.camps); a change drops it.
    first, second = two_servers
    camp = make_camp()
    organizer = user_with_password("dora@example.org", "correct horse battery")
    organizer.is_staff = True
    organizer.save(update_fields=["is_staff"])
    camp.organizers.add(organizer)
    browser = Browser()
    browser.log_in(first, "dora@example.org", "correct horse battery")
    _status, before = browser.get(f"{second}/{camp.slug}/wall/")

    status, _body, _url = browser.post(
        f"{first}/{camp.slug}/wall/manage/",
        {"action": "approval-off"},
        Referer=f"{first}/{camp.slug}/wall/",
    )
    _status, after = browser.get(f"{second}/{camp.slug}/wall/")

    assert status == 200
    assert 'value="approval-off"' in before
    assert 'value="approval-on"' in after

"""Every route of the URL conf, as the deployed WSGI application answers it (barcamp.wsgi).

HEAD is GET without the body (RFC 9110): uptime monitors and link checkers ask with it. And only
the public, read-only feeds may be read by pages of other origins (CORS)."""

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, RequestFactory

from tests.urlconf import build_world, covered_routes, url_of

pytestmark = pytest.mark.django_db

PUBLIC_FEEDS = {"voting:plan-ics", "voting:schedule-json", "voting:schedule-xml"}


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world(tmp_path)
    world["cookies"] = {role: cookie_of(user) for role, user in world["users"].items()}
    return world


@pytest.fixture
def deployed():
    """barcamp.wsgi's application, its requests sharing the test's transaction."""
    from barcamp.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def cookie_of(user):
    if user is None:
        return ""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def call(application, method, path, cookie):
    environ = RequestFactory().generic(method, path, HTTP_COOKIE=cookie).environ
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    body = b"".join(application(environ, start_response))
    return answer["status"], answer["headers"], body


@pytest.mark.slow  # every route, twice
def test_every_route_answers_head_as_get_without_a_body(world, deployed):
    mismatches, pages = [], set()

    for name in covered_routes():
        path = url_of(world, name)
        for role, cookie in world["cookies"].items():
            get_status, get_headers, get_body = call(deployed, "GET", path, cookie)
            head_status, head_headers, head_body = call(deployed, "HEAD", path, cookie)
            if get_status == 200:
                pages.add(name)
            if (head_status, head_body) != (get_status, b"") or head_headers.get(
                "Content-Type"
            ) != get_headers.get("Content-Type"):
                mismatches.append((name, role, get_status, head_status, len(head_body)))

    assert mismatches == []
    # What a GET shows to somebody: the rule above holds for pages, not only for refusals.
    assert pages == EXPECTED_PAGES


EXPECTED_PAGES = {
    "healthz",
    "readyz",
    "manifest",
    "service-worker",
    "offline",
    "events:camp-manifest",
    "privacy",
    "my-data",
    "account_login",
    "account_signup",
    "account_request_login_code",
    "account_reset_password",
    "account_reset_password_done",
    "account_email",
    "account_logout",
    "media/<path:path>",
    "admin:events_series_next_camp",
    "admin:events_camp_generate_slots",
    "events:home",
    "events:notifications",
    "events:unsubscribe",
    "events:camp",
    "events:profile",
    "events:people",
    "events:ticket",
    "events:door",
    "events:badges",
    "events:door-ticket",
    "events:wall",
    "sessions:wishes",
    "sessions:new",
    "sessions:edit",
    "sessions:cohost",
    "voting:session-list",
    "voting:session-detail",
    "voting:notes",
    "voting:notes-revision",
    "voting:documentation",
    "voting:documentation-print",
    "voting:documentation-markdown",
    "voting:session-feedback",
    "voting:camp-feedback",
    "voting:feedback-results",
    "voting:feedback-sessions-csv",
    "voting:feedback-camp-csv",
    "voting:quick-vote",
    "voting:interests",
    "voting:pitch",
    "voting:manage-pitch",
    "voting:projector",
    "voting:projector-wall",
    "voting:qr",
    "voting:board",
    "voting:plan",
    "voting:plan-ics",
    "voting:agenda-ics",
    "voting:room-sign",
    "voting:schedule-json",
    "voting:schedule-xml",
}


@pytest.mark.slow  # every route, three roles, three methods
def test_only_the_public_feeds_allow_other_origins(world, deployed):
    allowing = set()

    for name in covered_routes():
        path = url_of(world, name)
        for cookie in world["cookies"].values():
            for method in ("GET", "HEAD", "POST"):
                _status, headers, _body = call(deployed, method, path, cookie)
                if "Access-Control-Allow-Origin" in headers:
                    allowing.add((name, method, headers["Access-Control-Allow-Origin"]))

    assert allowing == {(name, method, "*") for name in PUBLIC_FEEDS for method in ("GET", "HEAD")}

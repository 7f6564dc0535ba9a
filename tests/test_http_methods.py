"""Every route of the URL conf, as the deployed WSGI application answers it (barcamp.wsgi).

HEAD is GET without the body (RFC 9110): uptime monitors and link checkers ask with it. And only
the public, read-only feeds may be read by pages of other origins (CORS)."""

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from events import notifications, wall
from events.models import Notification
from sessions.models import SessionLink
from tests.factories import (
    make_camp,
    make_notes,
    make_organizer,
    make_participant,
    make_room,
    make_series,
    make_session,
    make_slot,
    make_wish,
    open_voting,
)
from voting import grid

pytestmark = pytest.mark.django_db

# Django's admin (but this project's own admin views) and its language switch are Django's, and
# answer HEAD as Django does; allauth's pages that need a key from an e-mail are left out too.
OWN_MODULES = ("barcamp.", "events.", "sessions.", "voting.")
ALLAUTH_PAGES = {
    "account_login",
    "account_signup",
    "account_request_login_code",
    "account_reset_password",
    "account_reset_password_done",
    "account_email",
    "account_change_password",
    "account_logout",
}
PUBLIC_FEEDS = {"voting:plan-ics", "voting:schedule-json", "voting:schedule-xml"}


def all_routes(resolver=None, namespaces=()):
    """(name, pattern, callback module) of every route of the URL conf."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from all_routes(entry, inner)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else str(entry.pattern)
            yield name, entry.callback.__module__


def covered_routes():
    return sorted(
        name
        for name, module in all_routes()
        if module.startswith(OWN_MODULES) or name in ALLAUTH_PAGES
    )


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n a sponsor's logo")
    series = make_series()
    camp = make_camp(series=series)
    open_voting(camp)
    room, slot = make_room(camp), make_slot(camp)
    host = make_participant(camp=camp, is_public=True)
    session = make_session(camp=camp, host=host)
    grid.move_session(session=session, room=room, slot=slot)
    grid.publish_plan(camp=camp, date=camp.start_date)
    make_notes(session, "The first notes")
    link = SessionLink.objects.create(session=session, title="Pad", url="https://pad.example")
    organizer = make_organizer(camp)
    post = wall.show_post(
        post=wall.post_message(camp=camp, participant=host, text="Hi"), by=organizer
    )
    wish = make_wish(series)
    unsubscribe = notifications.unsubscribe_url(host.user, Notification.REMINDER)
    args = {
        "healthz": [],
        "readyz": [],
        "privacy": [],
        "my-data": [],
        "media/<path:path>": ["logo.png"],
        "events:unsubscribe": [unsubscribe.rstrip("/").rsplit("/", 1)[1]],
        "events:door-ticket": [camp.slug, host.ticket_code],
        "events:wall-post": [camp.slug, post.pk],
        "sessions:wishes": [series.slug],
        "sessions:wish-vote": [series.slug, wish.pk],
        "sessions:wish-hide": [series.slug, wish.pk],
        "sessions:cohost": [camp.slug, session.pk, session.invite_token],
        "voting:notes-revision": [camp.slug, session.pk, 1],
        "voting:remove-link": [camp.slug, session.pk, link.pk],
        "voting:agenda-ics": [camp.slug, host.calendar_token],
        "voting:room-sign": [camp.slug, room.pk],
        "admin:events_series_next_camp": [series.pk],
        "admin:events_camp_generate_slots": [camp.pk],
    }
    return {
        "camp": camp,
        "session": session,
        "args": args,
        "cookies": {
            role: cookie_of(user)
            for role, user in {
                "anonymous": None,
                "teilgeber": host.user,
                "organizer": organizer,
            }.items()
        },
    }


def url_of(world, name):
    args = world["args"].get(name)
    if name == "media/<path:path>":
        return settings.MEDIA_URL + args[0]
    if args is None:
        pattern = next(str(p) for n, p in _patterns() if n == name)
        args = [world["camp"].slug] if "<slug:camp_slug>" in pattern else []
        if "<int:session_id>" in pattern:
            args.append(world["session"].pk)
    return reverse(name, args=args)


def _patterns(resolver=None, namespaces=(), prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _patterns(entry, inner, prefix + str(entry.pattern))
        else:
            name = ":".join((*namespaces, entry.name)) if entry.name else str(entry.pattern)
            yield name, prefix + str(entry.pattern)


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

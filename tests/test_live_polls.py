"""Unchanged polls of live pages are answered in front of Django, before the rest of the stack runs."""

import time

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory, override_settings
from django.urls import reverse

from barcamp.live import rows, versions
from barcamp.live.polls import LivePolls
from events import live, row_caches
from tests.factories import make_camp
from voting.views.grid import PLAN_PAGE
from voting.views.plenum import PITCH_PAGE, PROJECTOR_PAGE

pytestmark = pytest.mark.django_db


def django(environ, start_response):
    raise AssertionError("the poll reached Django")


def reached(environ, start_response):
    start_response("200 OK", [])
    return [b"reached"]


def call(application, request):
    """The WSGI application's answer to the request: status, headers, body."""
    answer = {}

    def start_response(status, headers):
        answer.update(status=status, headers=dict(headers))

    body = b"".join(application(request.environ, start_response))
    return answer["status"], answer["headers"], body


def poll(path, **params):
    return RequestFactory().get(path, params, headers={"HX-Request": "true"})


def test_unchanged_poll_is_answered_in_front_of_django():
    camp = make_camp()
    version = live.current_version(camp.slug, PITCH_PAGE)

    status, headers, body = call(
        LivePolls(django), poll(reverse("voting:pitch", args=[camp.slug]), v=version)
    )

    assert (status, body) == ("204 No Content", b"")
    # What SecurityMiddleware adds to every answer.
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_the_deployed_application_answers_unchanged_polls_without_a_query(
    django_assert_num_queries,
):
    from barcamp.wsgi import application

    camp = make_camp()
    url = reverse("voting:pitch", args=[camp.slug])
    version = live.current_version(camp.slug, PITCH_PAGE)

    requests = []

    def started(sender, environ, **kwargs):
        requests.append(environ["PATH_INFO"])

    request_started.connect(started)
    # As Django's test client does: the test's transaction keeps its connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with django_assert_num_queries(0):
            status, _headers, _body = call(application, poll(url, v=version))
        assert (status, requests) == ("204 No Content", [])
        status, _headers, body = call(application, poll(url, v="stale"))
    finally:
        request_started.disconnect(started)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert status == "200 OK"
    assert b"pitch-live" in body
    assert len(requests) == 1  # Django's handler rendered the page


@override_settings(SECURE_HSTS_SECONDS=3600, SECURE_SSL_REDIRECT=True)
def test_a_secure_poll_gets_hsts_and_a_plain_one_goes_to_django_for_the_redirect():
    camp = make_camp()
    url = reverse("voting:pitch", args=[camp.slug])
    version = live.current_version(camp.slug, PITCH_PAGE)

    status, headers, _body = call(
        LivePolls(django),
        RequestFactory().get(url, {"v": version}, headers={"HX-Request": "true"}, secure=True),
    )
    assert status == "204 No Content"
    assert headers["Strict-Transport-Security"].startswith("max-age=3600")
    assert call(LivePolls(reached), poll(url, v=version))[2] == b"reached"


@pytest.mark.parametrize(
    "request_",
    [
        lambda camp, version: poll(reverse("voting:pitch", args=[camp.slug]), v="stale"),
        lambda camp, version: poll(reverse("voting:pitch", args=[camp.slug])),
        lambda camp, version: RequestFactory().get(
            reverse("voting:pitch", args=[camp.slug]), {"v": version}
        ),  # not htmx: a person opened the address
        lambda camp, version: poll(reverse("voting:session-list", args=[camp.slug]), v=version),
        lambda camp, version: poll(reverse("voting:board", args=[camp.slug]), v=version),
        lambda camp, version: poll("/no/such/page/", v=version),
        lambda camp, version: poll(reverse("voting:pitch", args=["other-camp"]), v=version),
        lambda camp, version: RequestFactory().post(
            reverse("voting:pitch", args=[camp.slug]) + f"?v={version}",
            headers={"HX-Request": "true"},
        ),
        lambda camp, version: poll(  # Django refuses it with a 400
            reverse("voting:pitch", args=[camp.slug]), v=version, x=["1"] * 1001
        ),
    ],
    ids=[
        "stale",
        "no-version",
        "not-htmx",
        "not-live",
        "board-needs-login",
        "404",
        "other-camp",
        "post",
        "too-many-fields",
    ],
)
def test_everything_else_goes_to_django(request_):
    camp = make_camp()
    version = live.current_version(camp.slug, PITCH_PAGE)

    assert call(LivePolls(reached), request_(camp, version))[2] == b"reached"


def test_version_with_a_passed_stale_moment_is_not_current():
    camp = make_camp()
    version = live.current_version(camp.slug, PITCH_PAGE)

    assert versions.is_current(camp.slug, PITCH_PAGE, f"{version}~4102444800")  # 2100
    assert not versions.is_current(camp.slug, PITCH_PAGE, f"{version}~946684800")  # 2000
    assert not versions.is_current(camp.slug, PITCH_PAGE, f"{version}~soon")


@override_settings(ALLOWED_HOSTS=["camp.example"])
def test_a_poll_for_a_host_not_served_goes_to_django_for_its_400():
    camp = make_camp()
    url = reverse("voting:pitch", args=[camp.slug])
    version = live.current_version(camp.slug, PITCH_PAGE)

    def request(host):
        return RequestFactory().get(
            url, {"v": version}, headers={"HX-Request": "true", "Host": host}
        )

    assert call(LivePolls(django), request("camp.example"))[0] == "204 No Content"
    assert call(LivePolls(reached), request("evil.example"))[2] == b"reached"


class CountingCache:
    """The cache, noting the keys of every get_many() (how events.live reads tokens) and get()."""

    def __init__(self, cache):
        self.cache, self.reads, self.gets = cache, [], []

    def get_many(self, keys):
        self.reads.append(list(keys))
        return self.cache.get_many(keys)

    def get(self, key, *args, **kwargs):
        self.gets.append(key)
        return self.cache.get(key, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.cache, name)


@pytest.fixture
def deployed():
    """The deployed WSGI application, called in the test's transaction (its connection kept)."""
    from barcamp.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize(
    ("url_name", "marker", "reads"),
    [
        ("voting:pitch", b"pitch-live", 1),
        ("voting:projector", b"projector", 1),
        ("voting:plan", b"plan-live", None),
    ],
)
def test_a_changed_poll_reads_each_token_from_the_cache_once(
    deployed, monkeypatch, url_name, marker, reads
):
    camp = make_camp()
    url = reverse(url_name, args=[camp.slug])
    call(deployed, poll(url, v="stale"))  # tokens made, what is kept per process kept
    counting = CountingCache(versions.cache)
    monkeypatch.setattr(versions, "cache", counting)

    status, _headers, body = call(deployed, poll(url, v="stale"))

    assert status == "200 OK" and marker in body
    keys = [key for read in counting.reads for key in read]
    assert keys and len(keys) == len(set(keys))  # the check in front of Django's, reused after
    if reads is not None:
        assert len(counting.reads) == reads


def test_a_poll_reads_the_tokens_anew(deployed, django_capture_on_commit_callbacks):
    camp = make_camp()
    url = reverse("voting:pitch", args=[camp.slug])
    version = live.current_version(camp.slug, PITCH_PAGE)
    assert call(deployed, poll(url, v=version))[0] == "204 No Content"

    with django_capture_on_commit_callbacks(execute=True):
        live.mark_changed(camp.slug, live.PITCH)

    assert call(deployed, poll(url, v=version))[0] == "200 OK"
    assert call(deployed, poll(url, v=live.current_version(camp.slug, PITCH_PAGE)))[0] == (
        "204 No Content"
    )


@pytest.mark.parametrize("url_name", ["events:camp", "voting:pitch", "voting:plan"])
def test_a_page_reads_all_its_camps_tokens_and_its_row_at_once(
    deployed, monkeypatch, settings, url_name
):
    settings.CAMP_CACHE_TIMEOUT = 60  # as with Redis
    camp = make_camp()
    url = reverse(url_name, args=[camp.slug])
    call(deployed, RequestFactory().get(url))  # tokens made, the camp cached, what is kept kept
    counting = CountingCache(versions.cache)
    monkeypatch.setattr(versions, "cache", counting)
    monkeypatch.setattr(rows, "cache", counting)

    status, _headers, body = call(deployed, RequestFactory().get(url))

    assert status == "200 OK" and camp.name.encode() in body
    tokens = [f"live:{camp.slug}:{topic}" for topic in live.ALL]
    assert counting.reads == [[*tokens, f"camp:{camp.slug}"]]
    assert f"camp:{camp.slug}" not in counting.gets


def test_a_page_of_a_camp_not_cached_reads_it_from_the_database(deployed, settings):
    settings.CAMP_CACHE_TIMEOUT = 60
    camp = make_camp()
    url = reverse("voting:plan", args=[camp.slug])
    row_caches.camps.forget(camp)

    status, _headers, body = call(deployed, RequestFactory().get(url))

    assert status == "200 OK" and camp.name.encode() in body
    assert row_caches.camps.get(camp.slug) is not None  # kept for the next requests


def test_a_page_reads_the_tokens_anew(deployed, django_capture_on_commit_callbacks):
    camp = make_camp()
    url = reverse("voting:plan", args=[camp.slug])
    before = call(deployed, RequestFactory().get(url))[2]

    with django_capture_on_commit_callbacks(execute=True):
        live.mark_changed(camp.slug, live.PLAN)
    after = call(deployed, RequestFactory().get(url))[2]

    version = live.current_version(camp.slug, PLAN_PAGE)
    assert f"v={version}".encode() in after
    assert f"v={version}".encode() not in before


# --- The tokens a process read lately (LIVE_TOKENS_MAX_AGE) --------------------------------


def another_process_changes(camp, topic):
    """What another app process does on a change: a new token in the shared cache, which this
    process has not seen."""
    versions.cache.set(f"live:{camp.slug}:{topic}", "0ther", timeout=None)


@pytest.mark.parametrize(
    ("max_age", "reads"),
    [(60, 0), (0, 3)],  # answered from what the process read; without a max age, from the cache
)
def test_an_unchanged_poll_is_answered_from_the_tokens_its_process_read_lately(
    deployed, monkeypatch, settings, max_age, reads
):
    settings.LIVE_TOKENS_MAX_AGE = max_age
    camp = make_camp()
    url = reverse("voting:plan", args=[camp.slug])
    version = live.current_version(camp.slug, PLAN_PAGE)
    counting = CountingCache(versions.cache)
    monkeypatch.setattr(versions, "cache", counting)

    statuses = [call(deployed, poll(url, v=version))[0] for _ in range(3)]

    assert statuses == ["204 No Content"] * 3
    assert len(counting.reads) == reads


def test_a_change_through_another_process_shows_once_the_tokens_read_are_older_than_max_age(
    deployed, settings
):
    settings.LIVE_TOKENS_MAX_AGE = 60
    camp = make_camp()
    url = reverse("voting:pitch", args=[camp.slug])
    version = live.current_version(camp.slug, PITCH_PAGE)
    another_process_changes(camp, live.PITCH)

    within = call(deployed, poll(url, v=version))[0]
    settings.LIVE_TOKENS_MAX_AGE = 0.05
    time.sleep(0.06)
    after = call(deployed, poll(url, v=version))

    assert within == "204 No Content"  # what this process read 0 s ago: at most max age behind
    assert after[0] == "200 OK" and b"pitch-live" in after[2]


@pytest.mark.parametrize("topics", [(live.PITCH,), (live.VOTES,), (live.PITCH, live.PLAN)])
def test_a_change_through_this_process_shows_at_the_next_poll(
    deployed, django_capture_on_commit_callbacks, settings, topics
):
    # The process that made the change knows its new token: no wait for max age.
    settings.LIVE_TOKENS_MAX_AGE = 60
    camp = make_camp()
    url = reverse("voting:projector", args=[camp.slug])
    version = live.current_version(camp.slug, PROJECTOR_PAGE)
    assert call(deployed, poll(url, v=version))[0] == "204 No Content"

    with django_capture_on_commit_callbacks(execute=True):
        live.mark_changed(camp.slug, *topics)

    assert call(deployed, poll(url, v=version))[0] == "200 OK"


def test_a_page_newer_than_the_tokens_its_process_read_is_checked_against_the_cache(
    deployed, monkeypatch, settings
):
    # The page came from another process, after a change this one has not seen yet: the poll
    # asks the cache rather than render the page again.
    settings.LIVE_TOKENS_MAX_AGE = 60
    camp = make_camp()
    url = reverse("voting:pitch", args=[camp.slug])
    live.current_version(camp.slug, PITCH_PAGE)
    another_process_changes(camp, live.PITCH)
    counting = CountingCache(versions.cache)
    monkeypatch.setattr(versions, "cache", counting)

    status = call(deployed, poll(url, v="0ther"))[0]

    assert status == "204 No Content"
    assert counting.reads == [[f"live:{camp.slug}:{live.PITCH}"]]
    # ... and what it read is what the next polls compare with.
    assert call(deployed, poll(url, v="0ther"))[0] == "204 No Content"
    assert len(counting.reads) == 1


def test_what_was_read_ahead_is_taken_once():
    camp = make_camp()
    versions.cache.set("camp-extra", {"a": 1})

    with versions.reading_once():
        versions.read_ahead(camp.slug, "camp-extra", "not-there")
        taken = [versions.take_read_ahead(key) for key in ("camp-extra", "camp-extra", "not-there")]

    assert taken == [{"a": 1}, versions.NOT_READ, None]
    # Outside the request's reading:
    assert versions.take_read_ahead("camp-extra") is versions.NOT_READ

"""What the deployed WSGI application hands the server (barcamp.wsgi, barcamp.middleware.WholeBodies)."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse

from barcamp.middleware import WholeBodies
from tests.factories import make_camp


@pytest.fixture
def finished():
    """A note for each request Django has finished, as it finishes."""
    notes = []

    def note(sender, **kwargs):
        notes.append("finished")

    request_finished.connect(note)
    # As Django's test client does: the test's transaction keeps its connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield notes
    request_finished.disconnect(note)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def start_response(status, headers, exc_info=None):
    pass


@pytest.mark.django_db
def test_a_page_reaches_the_server_as_one_piece_of_bytes_after_its_request_finished(finished):
    from barcamp.wsgi import application

    camp = make_camp(name="Whole Camp")
    environ = RequestFactory().get(reverse("events:camp", args=[camp.slug])).environ

    body = application(environ, start_response)

    # A list: granian sends it in one call instead of iterating it from Rust.
    assert type(body) is list and len(body) == 1
    assert b"Whole Camp" in body[0]
    assert finished == ["finished"]


def test_a_whole_response_of_any_kind_is_sent_as_its_content(finished):
    def redirect(environ, start_response):
        response = HttpResponse(b"moved", status=302)
        start_response("302 Found", list(response.items()))
        return response

    assert WholeBodies(redirect)({}, start_response) == [b"moved"]
    assert finished == ["finished"]


@pytest.mark.parametrize(
    "make",
    [
        lambda: StreamingHttpResponse(iter([b"a", b"b"])),
        lambda: FileResponse(iter([b"file"])),
        lambda: [b"not Django's"],
    ],
)
def test_streams_files_and_other_bodies_pass_through_unchanged(finished, make):
    answer = make()

    def application(environ, start_response):
        return answer

    assert WholeBodies(application)({}, start_response) is answer
    assert finished == []  # the server closes them when it has sent them


@pytest.mark.django_db
def test_a_path_is_resolved_once_and_its_match_serves_every_request_for_it(finished):
    from barcamp.handler import _resolve
    from barcamp.wsgi import application

    camp = make_camp()
    path = reverse("events:camp", args=[camp.slug])
    _resolve.cache_clear()

    for _ in range(3):
        body = application(RequestFactory().get(path).environ, start_response)
        assert camp.name.encode() in body[0]

    info = _resolve.cache_info()
    assert (info.misses, info.hits) == (1, 2)


@pytest.mark.django_db
def test_an_unknown_path_is_a_404_and_is_not_kept(finished):
    from barcamp.handler import _resolve
    from barcamp.wsgi import application

    statuses = []
    _resolve.cache_clear()

    application(
        RequestFactory().get("/no/such/page/here/").environ,
        lambda status, headers, exc_info=None: statuses.append(status),
    )

    assert statuses == ["404 Not Found"]
    assert _resolve.cache_info().currsize == 0

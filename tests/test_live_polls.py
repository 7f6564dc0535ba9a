"""Unchanged polls of live pages are answered before the rest of the stack runs."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from barcamp.middleware import LivePollMiddleware
from events import live
from tests.factories import make_camp
from voting.views import PITCH_PAGE

pytestmark = pytest.mark.django_db


def the_stack(request):
    raise AssertionError("the poll reached the session, auth and view middleware")


def reached(request):
    return "reached"


def poll(path, **params):
    return RequestFactory().get(path, params, headers={"HX-Request": "true"})


def test_unchanged_poll_is_answered_by_the_middleware_alone():
    camp = make_camp()
    version = live.current_version(camp.slug, PITCH_PAGE)

    response = LivePollMiddleware(the_stack)(
        poll(reverse("voting:pitch", args=[camp.slug]), v=version)
    )

    assert response.status_code == 204


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
    ],
    ids=["stale", "no-version", "not-htmx", "not-live", "board-needs-login", "404", "other-camp"],
)
def test_everything_else_goes_through_the_stack(request_):
    camp = make_camp()
    version = live.current_version(camp.slug, PITCH_PAGE)

    assert LivePollMiddleware(reached)(request_(camp, version)) == "reached"


def test_version_with_a_passed_stale_moment_is_not_current():
    camp = make_camp()
    version = live.current_version(camp.slug, PITCH_PAGE)

    assert live.is_current(camp.slug, PITCH_PAGE, f"{version}~4102444800")  # 2100
    assert not live.is_current(camp.slug, PITCH_PAGE, f"{version}~946684800")  # 2000
    assert not live.is_current(camp.slug, PITCH_PAGE, f"{version}~soon")

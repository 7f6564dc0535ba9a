"""camp_view: the camp of the address, who looks at it, and the organizers' pages."""

import ast
import pathlib

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse

from events.decorators import camp_view
from events.models import Camp
from tests.factories import make_camp, make_organizer, make_participant, make_user

pytestmark = pytest.mark.django_db


@camp_view
def camp_page(request, camp_slug):
    return HttpResponse(request.camp.slug)


@camp_view
def viewer_page(request, camp_slug):
    viewer = request.viewer
    return HttpResponse(f"{viewer.participant and viewer.participant.pk}:{viewer.is_organizer}")


@camp_view(organizer_only=True)
def organizers_page(request, camp_slug):
    return HttpResponse(f"{request.camp.slug}:{request.viewer.is_organizer}")


def get(rf, user=None):
    request = rf.get("/")
    request.user = user or AnonymousUser()
    return request


def test_camp_view_sets_the_camp_of_the_address(rf):
    camp = make_camp()

    response = camp_page(get(rf), camp_slug=camp.slug)

    assert response.content.decode() == camp.slug


def test_camp_view_answers_404_for_an_unknown_camp(rf):
    with pytest.raises(Http404):
        camp_page(get(rf), camp_slug="no-such-camp")


def test_camp_view_shows_an_unlisted_camp_to_whoever_has_its_link(rf):
    camp = make_camp(visibility=Camp.Visibility.UNLISTED)

    response = camp_page(get(rf), camp_slug=camp.slug)

    assert response.content.decode() == camp.slug


def test_camp_view_reads_the_viewer_only_when_the_view_asks(rf, django_assert_num_queries):
    camp = make_camp()
    participant = make_participant(camp)

    with django_assert_num_queries(1):  # the camp
        camp_page(get(rf, participant.user), camp_slug=camp.slug)
    with django_assert_num_queries(2):  # the camp, the Teilgeber (who is no organizer: no query)
        response = viewer_page(get(rf, participant.user), camp_slug=camp.slug)

    assert response.content.decode() == f"{participant.pk}:False"


@pytest.mark.parametrize("who", ["anonymous", "someone", "teilgeber", "other camp's organizer"])
def test_organizer_only_answers_404_to_everybody_else(rf, who):
    camp = make_camp()
    user = {
        "anonymous": None,
        "someone": make_user(),
        "teilgeber": make_participant(camp).user,
        "other camp's organizer": make_organizer(make_camp()),
    }[who]

    with pytest.raises(Http404):
        organizers_page(get(rf, user), camp_slug=camp.slug)


def test_organizer_only_lets_the_camps_organizers_in_and_asks_once(rf, django_assert_num_queries):
    camp = make_camp()
    organizer = make_organizer(camp)

    # The camp, whether they organize it, their Teilgeber record (none); not a second time
    # whether they organize it when the view asks the viewer.
    with django_assert_num_queries(3):
        response = organizers_page(get(rf, organizer), camp_slug=camp.slug)

    assert response.content.decode() == f"{camp.slug}:True"


def view_modules():
    root = pathlib.Path(__file__).resolve().parents[2]
    for app in ("events", "sessions", "voting"):
        yield from sorted((root / app).glob("views*.py"))
        yield from sorted((root / app).glob("views/*.py"))


def test_views_find_the_camp_and_the_viewer_only_through_camp_view():
    found = []
    for path in view_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute | ast.Name)
                and getattr(node.func, "attr", getattr(node.func, "id", None))
                in ("get_camp", "viewer")
            ):
                found.append(f"{path.parent.name}/{path.name}:{node.lineno}")

    assert found == []

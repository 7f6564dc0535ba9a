"""The Teilgeber directory: opted in only, search by name and hashtag, the hashtags to tap."""

import pytest
from django.urls import reverse

from events import queries
from events.models import Participant
from tests.factories import make_camp, make_participant, make_user

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def camp():
    camp = make_camp()
    make_participant(
        camp=camp, display_name="Anna Schmidt", hashtags=["Python", "opensource"], is_public=True
    )
    make_participant(camp=camp, display_name="Ben Wolf", hashtags=["python", "ux"], is_public=True)
    make_participant(camp=camp, display_name="Carla Pythonowa", hashtags=["design"], is_public=True)
    make_participant(camp=camp, display_name="Private Dana", hashtags=["python"])
    make_participant(
        camp=camp, display_name="Waiting Emil", hashtags=["python"], is_public=True,
        status=Participant.Status.WAITLISTED,
    )  # fmt: skip
    make_participant(
        camp=make_camp(), display_name="Other Fritz", hashtags=["python"], is_public=True
    )
    return camp


def names(directory):
    return [person.display_name for person in directory.people]


def test_directory_lists_only_registered_teilgeber_who_opted_in(camp):
    found = queries.directory(camp)

    assert names(found) == ["Anna Schmidt", "Ben Wolf", "Carla Pythonowa"]
    assert found.total == 3


@pytest.mark.parametrize("tag", ["python", "PYTHON", "#Python", " #python "])
def test_directory_filters_by_one_hashtag_ignoring_case_and_hash(camp, tag):
    assert names(queries.directory(camp, tag=tag)) == ["Anna Schmidt", "Ben Wolf"]


def test_directory_tag_matches_whole_hashtags_only(camp):
    assert names(queries.directory(camp, tag="py")) == []


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("#py", ["Anna Schmidt", "Ben Wolf"]),  # a hashtag by its beginning, not a name
        ("#PYTHON", ["Anna Schmidt", "Ben Wolf"]),
        ("py", ["Anna Schmidt", "Ben Wolf", "Carla Pythonowa"]),  # hashtags and names
        ("schmidt", ["Anna Schmidt"]),
        ("ux", ["Ben Wolf"]),
        ("#", ["Anna Schmidt", "Ben Wolf", "Carla Pythonowa"]),  # nothing to search for
        ("dana", []),  # private: not found, whatever one types
        ("#nothing", []),
    ],
)
def test_directory_search_by_name_or_hashtag(camp, search, expected):
    assert names(queries.directory(camp, search=search)) == expected


def test_directory_counts_the_hashtags_of_the_public_list_only(camp):
    tags = queries.directory(camp).tags

    assert tags[0] == ("Python", 2)  # "Python" and "python" are one hashtag
    assert dict(tags) == {"Python": 2, "design": 1, "opensource": 1, "ux": 1}


def test_people_page_searches_and_marks_the_tapped_hashtag(client, camp):
    response = client.get(reverse("events:people", args=[camp.slug]), {"tag": "ux"})

    content = response.content.decode()
    assert [p.display_name for p in response.context["people"]] == ["Ben Wolf"]
    assert '<a class="tag is-active" href="/' in content
    assert f'href="/{camp.slug}/people/?tag=python"' in content  # every hashtag is a link


def test_people_page_htmx_search_renders_the_results_only(client, camp):
    response = client.get(reverse("events:people", args=[camp.slug]), {"q": "#ux"}, headers=HTMX)

    content = response.content.decode()
    assert content.lstrip().startswith('<div id="people-results"')
    assert "Ben Wolf" in content and "Anna Schmidt" not in content
    assert "<html" not in content


def test_people_page_history_restore_gets_the_whole_page(client, camp):
    response = client.get(
        reverse("events:people", args=[camp.slug]),
        {"q": "ux"},
        headers={**HTMX, "HX-History-Restore-Request": "true"},
    )

    assert "<html" in response.content.decode()


def test_people_page_says_when_nobody_matches(client, camp):
    client.cookies["django_language"] = "en"

    response = client.get(reverse("events:people", args=[camp.slug]), {"q": "zzz"})

    assert "Nobody matches. Try another name or hashtag." in response.content.decode()


@pytest.mark.parametrize("value", ["x" * 5000, "<script>", "\x00", "%", "'; --"])
def test_people_page_takes_any_search_without_failing(client, camp, value):
    response = client.get(reverse("events:people", args=[camp.slug]), {"q": value, "tag": value})

    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_people_page_is_public_like_the_opt_in_says(client, camp):
    anonymous = client.get(reverse("events:people", args=[camp.slug]))
    client.force_login(make_user())
    logged_in = client.get(reverse("events:people", args=[camp.slug]))

    assert anonymous.status_code == logged_in.status_code == 200
    assert "Anna Schmidt" in anonymous.content.decode()


def test_people_page_query_count_does_not_grow_with_the_list(client, django_assert_max_num_queries):
    small, large = make_camp(), make_camp()
    for index in range(3):
        make_participant(camp=small, display_name=f"S{index}", hashtags=["a", "b"], is_public=True)
    for index in range(60):
        make_participant(
            camp=large, display_name=f"L{index}", hashtags=["a", f"t{index}"], is_public=True
        )
    client.force_login(make_user())

    with django_assert_max_num_queries(6) as few:
        client.get(reverse("events:people", args=[small.slug]), {"q": "#a"})
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("events:people", args=[large.slug]), {"q": "#a"})
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("events:people", args=[large.slug]), {"tag": "t5"}, headers=HTMX)

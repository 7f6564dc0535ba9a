"""The camp of an address is read from the shared cache, and never shown older than its last save."""

import pytest
from django.core.cache import cache

from events import row_caches, wall
from events.models import Camp, Series
from events.queries import get_camp
from tests.factories import make_camp, make_organizer, make_series

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared_cache(settings):
    # The suite's cache is this process's memory, where the camp cache is off (settings).
    settings.CAMP_CACHE_TIMEOUT = 60


@pytest.fixture
def client_counting(client, django_assert_max_num_queries):
    """A client whose responses tell how often they read a camp row."""

    def get(path):
        with django_assert_max_num_queries(50) as queries:
            response = client.get(path)
        return response, [q["sql"] for q in queries if 'FROM "events_camp"' in q["sql"]]

    return get


def test_the_second_request_reads_the_camp_from_the_cache(client_counting):
    camp = make_camp()

    _, first = client_counting(f"/{camp.slug}/")
    response, second = client_counting(f"/{camp.slug}/")

    assert len(first) == 1
    assert second == []
    assert camp.name in response.text


def test_without_a_shared_cache_every_request_reads_the_camp(client_counting, settings):
    settings.CAMP_CACHE_TIMEOUT = 0
    camp = make_camp()

    _, first = client_counting(f"/{camp.slug}/")
    _, second = client_counting(f"/{camp.slug}/")

    assert (len(first), len(second)) == (1, 1)


def test_a_saved_change_shows_at_the_next_request(client):
    camp = make_camp(name="Barcamp Alt")
    client.get(f"/{camp.slug}/")

    camp.name = "Barcamp Neu"
    camp.save()

    assert "Barcamp Neu" in client.get(f"/{camp.slug}/").text


def test_a_new_slug_ends_the_old_address_at_once(client):
    camp = make_camp(slug="alt")
    client.get("/alt/")

    camp.slug = "neu"
    camp.save()

    assert client.get("/alt/").status_code == 404
    assert client.get("/neu/").status_code == 200


def test_a_deleted_camp_is_gone_at_once(client):
    camp = make_camp()
    client.get(f"/{camp.slug}/")

    Camp.objects.get(pk=camp.pk).delete()

    assert client.get(f"/{camp.slug}/").status_code == 404


def test_the_series_comes_with_the_cached_camp_and_follows_its_changes(
    django_assert_num_queries,
):
    series = make_series(name="Barcamp Köln")
    camp = make_camp(series=series)
    get_camp(camp.slug)

    with django_assert_num_queries(0):
        assert get_camp(camp.slug).series.name == "Barcamp Köln"

    series.name = "Barcamp Rheinland"
    series.save()
    assert get_camp(camp.slug).series.name == "Barcamp Rheinland"

    series.delete()
    cached = get_camp(camp.slug)
    with django_assert_num_queries(0):
        assert cached.series is None


def test_a_camp_without_a_series_is_cached_without_one(django_assert_num_queries):
    camp = make_camp()
    get_camp(camp.slug)

    with django_assert_num_queries(0):
        assert get_camp(camp.slug).series is None


def test_a_change_made_with_an_update_query_is_not_missed():
    # wall.set_wall_approval writes one field with QuerySet.update(), which sends no signal.
    camp = make_camp(wall_needs_approval=True)
    organizer = make_organizer(camp)
    get_camp(camp.slug)

    wall.set_wall_approval(camp=get_camp(camp.slug), by=organizer, needs_approval=False)

    assert get_camp(camp.slug).wall_needs_approval is False


def test_the_camp_is_dropped_again_after_the_commit(django_capture_on_commit_callbacks):
    # A request that read the old row before the commit may put it back in between.
    camp = make_camp(name="Barcamp Alt")
    stale = get_camp(camp.slug)

    with django_capture_on_commit_callbacks(execute=True):
        camp.name = "Barcamp Neu"
        camp.save()
        row_caches.camps.put(stale)

    assert get_camp(camp.slug).name == "Barcamp Neu"


@pytest.mark.parametrize(
    "entry",
    [
        "not a dict",
        {"row": {"name": "Barcamp"}, "series": None},  # fields of an older model
        {"row": None, "series": None},
    ],
)
def test_an_entry_of_another_shape_is_read_again_from_the_database(entry):
    camp = make_camp(name="Barcamp Echt")
    cache.set(f"camp:{camp.slug}", entry)

    assert get_camp(camp.slug).name == "Barcamp Echt"


def test_an_entry_holding_another_camp_is_not_served_under_this_address():
    mine, other = make_camp(name="Mein Camp"), make_camp(name="Anderes Camp")
    get_camp(other.slug)
    cache.set(f"camp:{mine.slug}", cache.get(f"camp:{other.slug}"))

    assert get_camp(mine.slug).pk == mine.pk


def test_an_unknown_address_is_a_404_and_caches_nothing(client):
    assert client.get("/no-such-camp/").status_code == 404
    assert cache.get("camp:no-such-camp") is None


def test_an_update_query_of_its_series_is_not_missed():
    series = make_series(name="Barcamp Köln")
    camp = make_camp(series=series)
    get_camp(camp.slug)

    Series.objects.filter(pk=series.pk).update(name="Barcamp Rheinland")

    assert get_camp(camp.slug).series.name == "Barcamp Rheinland"

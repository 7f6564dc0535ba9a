"""The viewer's Teilgeber record is read from the shared cache, and never older than its last write."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from barcamp.live.rows import row_values
from events import door, row_caches
from events.models import Participant
from events.queries import participant_for
from tests.factories import make_camp, make_participant, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared_cache(settings):
    # The suite's cache is this process's memory, where the cache is off (settings).
    settings.PARTICIPANT_CACHE_TIMEOUT = 60


def read(camp, user):
    """participant_for() and how many participant queries it made."""
    with CaptureQueriesContext(connection) as queries:
        participant = participant_for(camp, user)
    return participant, [q for q in queries if 'FROM "events_participant"' in q["sql"]]


def test_the_second_read_comes_from_the_cache_with_its_camp_set():
    participant = make_participant(display_name="Ada")
    camp, user = participant.camp, participant.user

    first, first_queries = read(camp, user)
    second, second_queries = read(camp, user)

    assert (len(first_queries), second_queries) == (1, [])
    assert (second.pk, second.display_name, second.status) == (participant.pk, "Ada", "registered")
    with CaptureQueriesContext(connection) as queries:
        assert second.camp is camp
    assert len(queries) == 0


def test_the_page_makes_one_query_fewer(client, django_assert_max_num_queries, settings):
    participant = make_participant()
    client.force_login(participant.user)
    path = f"/{participant.camp.slug}/"
    client.get(path)

    def participant_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return [
            q for q in queries if 'FROM "events_participant"' in q["sql"] and "LIMIT 1" in q["sql"]
        ]

    cached = participant_queries()
    settings.PARTICIPANT_CACHE_TIMEOUT = 0
    uncached = participant_queries()

    assert (len(cached), len(uncached)) == (0, 1)


def test_off_without_a_shared_cache(settings):
    settings.PARTICIPANT_CACHE_TIMEOUT = 0
    participant = make_participant()

    read(participant.camp, participant.user)
    _, queries = read(participant.camp, participant.user)

    assert len(queries) == 1


def test_who_is_not_a_teilgeber_is_asked_again_and_registering_shows_at_once():
    camp, user = make_camp(), make_user()

    assert read(camp, user)[0] is None
    make_participant(camp=camp, user=user)

    assert read(camp, user)[0] is not None


def test_a_saved_change_shows_at_the_next_read():
    participant = make_participant()
    read(participant.camp, participant.user)

    participant.status = Participant.Status.CANCELLED
    participant.save()

    assert read(participant.camp, participant.user)[0].status == "cancelled"


def test_a_deleted_record_is_gone_at_once_also_through_its_user():
    participant = make_participant()
    camp, user = participant.camp, participant.user
    read(camp, user)
    other = make_participant(user=make_user())
    read(other.camp, other.user)

    Participant.objects.get(pk=participant.pk).delete()
    other.user.delete()

    assert read(camp, user)[0] is None
    assert cache.get(row_caches.participants.key(other.camp_id, other.user_id)) is None


def test_a_check_in_at_the_door_and_its_undo_show_at_once():
    participant = make_participant()
    read(participant.camp, participant.user)

    door.check_in_participant(participant=participant)
    checked_in = read(participant.camp, participant.user)[0].checked_in_at
    door.undo_check_in(participant=participant)
    undone = read(participant.camp, participant.user)[0].checked_in_at

    assert checked_in is not None
    assert undone is None


def test_the_admins_check_in_of_many_shows_at_once():
    camp = make_camp()
    people = [make_participant(camp=camp) for _ in range(2)]
    for person in people:
        read(camp, person.user)

    door.check_in_participants(participants=Participant.objects.filter(camp=camp))

    assert all(read(camp, person.user)[0].checked_in_at for person in people)


def test_an_entry_of_another_shape_or_another_pair_is_ignored():
    participant = make_participant()
    camp, user = participant.camp, participant.user
    key = row_caches.participants.key(camp.pk, user.pk)

    cache.set(key, {"id": participant.pk, "status": "registered"})
    assert read(camp, user)[1]  # asked the database

    stranger = make_participant()
    cache.set(key, {"row": row_values(stranger)})
    found, queries = read(camp, user)
    assert found.pk == participant.pk and queries


def test_a_change_committed_after_a_stale_read_is_dropped_again_at_the_commit(
    django_capture_on_commit_callbacks,
):
    participant = make_participant()
    camp, user = participant.camp, participant.user
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        participant.status = Participant.Status.CANCELLED
        participant.save()
        # Another request read the row before this commit and put the old one back.
        row_caches.participants.put(Participant.objects.get(pk=participant.pk))
        cache.set(
            row_caches.participants.key(camp.pk, user.pk),
            {"row": {**row_values(participant), "status": "registered"}},
        )
    for callback in callbacks:
        callback()

    assert read(camp, user)[0].status == "cancelled"

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from events.models import Participant
from tests.factories import make_camp, make_user
from tests.http import post, session_cookie_for

PARALLEL = 50


@pytest.mark.postgres
def test_parallel_registrations_never_exceed_capacity(postgres_only, live_server, transactional_db):
    camp = make_camp(capacity=20)
    sessions = [session_cookie_for(make_user()) for _ in range(PARALLEL)]
    start = threading.Barrier(PARALLEL)

    def join(session):
        start.wait()
        return post(
            f"{live_server.url}/{camp.slug}/register/",
            session=session,
            headers={"HX-Request": "true"},
        )[0]

    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = list(pool.map(join, sessions))

    assert statuses == [200] * PARALLEL
    assert camp.participants.registered().count() == 20
    assert camp.participants.waitlisted().count() == 30


@pytest.mark.postgres
def test_parallel_taps_of_one_person_register_once(postgres_only, live_server, transactional_db):
    camp = make_camp(capacity=5)
    session = session_cookie_for(make_user())
    start = threading.Barrier(10)

    def tap(_):
        start.wait()
        return post(
            f"{live_server.url}/{camp.slug}/register/",
            session=session,
            headers={"HX-Request": "true"},
        )[0]

    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(tap, range(10)))

    assert statuses == [200] * 10
    assert list(camp.participants.values_list("status", flat=True)) == [
        Participant.Status.REGISTERED
    ]


@pytest.mark.postgres
def test_parallel_cancellations_promote_each_waitlisted_once(
    postgres_only, live_server, transactional_db
):
    camp = make_camp(capacity=10)
    users = [make_user() for _ in range(20)]
    from events import services

    for user in users:
        services.register_participant(camp=camp, user=user)
    sessions = [session_cookie_for(user) for user in users[:10]]
    start = threading.Barrier(10)

    def leave(session):
        start.wait()
        return post(
            f"{live_server.url}/{camp.slug}/cancel/",
            session=session,
            headers={"HX-Request": "true"},
        )[0]

    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(leave, sessions))

    assert statuses == [200] * 10
    assert camp.participants.registered().count() == 10
    assert camp.participants.waitlisted().count() == 0
    assert set(camp.participants.registered().values_list("user_id", flat=True)) == {
        u.pk for u in users[10:]
    }


@pytest.mark.postgres
def test_parallel_check_ins_of_one_teilgeber_count_once(
    postgres_only, live_server, transactional_db
):
    from events import door
    from tests.factories import make_organizer, make_participant

    camp = make_camp()
    anna = make_participant(camp=camp)
    organizers = [session_cookie_for(make_organizer(camp)) for _ in range(10)]
    start = threading.Barrier(10)

    def tap(session):
        start.wait()
        return post(
            f"{live_server.url}/{camp.slug}/door/",
            session=session,
            data=f"action=check-in&code={anna.ticket_code}".encode(),
            headers={"HX-Request": "true"},
        )

    with ThreadPoolExecutor(10) as pool:
        responses = list(pool.map(tap, organizers))
    first = Participant.objects.get(pk=anna.pk).checked_in_at
    with ThreadPoolExecutor(10) as pool:
        list(pool.map(tap, organizers))

    assert [status for status, _ in responses] == [200] * 10
    assert sum(b"message-success" in body for _, body in responses) == 1
    assert sum(b"message-info" in body for _, body in responses) == 9
    assert first is not None
    assert Participant.objects.get(pk=anna.pk).checked_in_at == first
    assert door.door_counts(camp)["checked_in"] == 1


@pytest.mark.postgres
def test_parallel_admissions_never_overfill_the_venue(postgres_only, live_server, transactional_db):
    from events import door
    from tests.factories import make_organizer, make_participant

    camp = make_camp(capacity=3)
    for _ in range(2):
        door.check_in_participant(participant=make_participant(camp=camp))
    waiting = [make_participant(camp=camp, status=Participant.Status.WAITLISTED) for _ in range(6)]
    session = session_cookie_for(make_organizer(camp))
    start = threading.Barrier(6)

    def admit(person):
        start.wait()
        return post(
            f"{live_server.url}/{camp.slug}/door/",
            session=session,
            data=f"action=admit&code={person.ticket_code}".encode(),
            headers={"HX-Request": "true"},
        )[0]

    with ThreadPoolExecutor(6) as pool:
        statuses = sorted(pool.map(admit, waiting))

    assert statuses == [200] + [409] * 5
    assert door.door_counts(camp)["checked_in"] == 3

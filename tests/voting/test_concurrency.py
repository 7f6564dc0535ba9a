"""One vote per Teilgeber and session, whatever the clicks: proven with parallel requests on PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.factories import make_camp, make_participant, make_session, open_voting
from tests.http import post, session_cookie_for
from voting.models import Vote

VOTERS = 200
SESSIONS = 5


@pytest.mark.postgres
def test_two_hundred_teilgeber_voting_in_parallel_give_exact_tallies(
    postgres_only, live_server, transactional_db
):
    camp = make_camp(capacity=500)
    open_voting(camp)
    sessions = [make_session(camp=camp) for _ in range(SESSIONS)]
    voters = [make_participant(camp=camp) for _ in range(VOTERS)]
    cookies = [session_cookie_for(voter.user) for voter in voters]
    # Voter i wants sessions i % 5 and (i + 1) % 5, and taps the first one twice at once.
    requests = []
    for index, cookie in enumerate(cookies):
        first, second = sessions[index % SESSIONS], sessions[(index + 1) % SESSIONS]
        requests += [(cookie, first), (cookie, first), (cookie, second)]
    start = threading.Barrier(50)

    def vote(request):
        cookie, session = request
        try:
            start.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        return post(
            f"{live_server.url}/{camp.slug}/sessions/{session.pk}/vote/",
            session=cookie,
            data=b"want=1",
            headers={"HX-Request": "true"},
        )[0]

    with ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(vote, requests))

    assert statuses == [200] * len(requests)
    tallies = [Vote.objects.filter(session=session).count() for session in sessions]
    assert tallies == [2 * VOTERS // SESSIONS] * SESSIONS
    assert Vote.objects.count() == 2 * VOTERS


@pytest.mark.postgres
def test_parallel_votes_never_overrun_the_budget(postgres_only, live_server, transactional_db):
    camp = make_camp(vote_budget=2)
    open_voting(camp)
    sessions = [make_session(camp=camp) for _ in range(6)]
    voter = make_participant(camp=camp)
    cookie = session_cookie_for(voter.user)
    start = threading.Barrier(len(sessions))

    def vote(session):
        start.wait(timeout=5)
        return post(
            f"{live_server.url}/{camp.slug}/sessions/{session.pk}/vote/",
            session=cookie,
            data=b"want=1",
            headers={"HX-Request": "true"},
        )[0]

    with ThreadPoolExecutor(len(sessions)) as pool:
        statuses = sorted(pool.map(vote, sessions))

    assert statuses == [200, 200, 409, 409, 409, 409]
    assert Vote.objects.filter(participant=voter).count() == 2

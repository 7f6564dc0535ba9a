"""Topic wishes under parallel taps on PostgreSQL: one vote per person and wish, one session per wish."""

import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

from sessions.models import Session, TopicWish, WishVote
from tests.factories import make_camp, make_participant, make_series, make_wish
from tests.http import post, session_cookie_for


def _parallel(requests, send):
    start = threading.Barrier(len(requests))

    def run(request):
        try:
            start.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        return send(request)

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(run, requests))


@pytest.mark.postgres
def test_parallel_taps_on_a_wish_count_once_each(postgres_only, live_server, transactional_db):
    series = make_series()
    camp = make_camp(series=series)
    people = [make_participant(camp=camp) for _ in range(10)]
    wish = make_wish(series)
    cookies = [session_cookie_for(person.user) for person in people]

    statuses = _parallel(
        cookies * 3,
        lambda cookie: post(
            f"{live_server.url}/series/{series.slug}/wishes/{wish.pk}/vote/",
            session=cookie,
            data=b"want=1",
            headers={"HX-Request": "true"},
        )[0],
    )

    assert statuses == [200] * 30
    assert WishVote.objects.filter(wish=wish).count() == 10


@pytest.mark.postgres
def test_two_hosts_taking_up_one_wish_at_once_make_one_session(
    postgres_only, live_server, transactional_db
):
    series = make_series()
    camp = make_camp(series=series)
    wish = make_wish(series, title="Rust")
    hosts = [make_participant(camp=camp) for _ in range(6)]
    body = urllib.parse.urlencode(
        {
            "title": "Rust",
            "format": "talk",
            "language": "de",
            "length": "1",
            "day": camp.start_date.isoformat(),
            "wish": wish.pk,
        }
    ).encode()

    statuses = _parallel(
        [session_cookie_for(host.user) for host in hosts],
        lambda cookie: post(
            f"{live_server.url}/{camp.slug}/sessions/new/", session=cookie, data=body
        )[0],
    )

    assert sorted(statuses) == [200] + [409] * 5  # urllib follows the redirect
    assert Session.objects.filter(camp=camp).count() == 1
    assert TopicWish.objects.get(pk=wish.pk).session == Session.objects.get(camp=camp)


@pytest.mark.postgres
def test_the_same_wish_proposed_at_once_is_one_wish(postgres_only, live_server, transactional_db):
    series = make_series()
    camp = make_camp(series=series)
    people = [make_participant(camp=camp) for _ in range(6)]

    statuses = _parallel(
        [session_cookie_for(person.user) for person in people],
        lambda cookie: post(
            f"{live_server.url}/series/{series.slug}/wishes/", session=cookie, data=b"title=Rust"
        )[0],
    )

    assert sorted(statuses) == [200] + [409] * 5  # urllib follows the redirect
    assert TopicWish.objects.filter(series=series).count() == 1

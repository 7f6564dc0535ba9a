"""A double tap on "Post" posts once, whatever the timing: proven with parallel requests on PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from events.models import WallPost
from tests.factories import make_camp, make_participant
from tests.http import post, session_cookie_for

TEILGEBER = 20
TAPS = 3


@pytest.mark.postgres
def test_parallel_taps_on_the_same_form_post_once_each(
    postgres_only, live_server, transactional_db
):
    camp = make_camp()
    cookies = [session_cookie_for(make_participant(camp=camp).user) for _ in range(TEILGEBER)]
    # Each Teilgeber sends the same form (same nonce) three times at the same moment.
    requests = [(index, cookie) for index, cookie in enumerate(cookies) for _ in range(TAPS)]
    start = threading.Barrier(len(requests))

    def tap(request):
        index, cookie = request
        start.wait(timeout=10)
        return post(
            f"{live_server.url}/{camp.slug}/wall/",
            session=cookie,
            data=f"text=Hallo+{index}&nonce=form-{index}".encode(),
            headers={"HX-Request": "true"},
        )[0]

    with ThreadPoolExecutor(len(requests)) as pool:
        statuses = list(pool.map(tap, requests))

    assert statuses == [200] * len(requests)
    assert WallPost.objects.count() == TEILGEBER
    assert sorted(WallPost.objects.values_list("text", flat=True)) == sorted(
        f"Hallo {index}" for index in range(TEILGEBER)
    )

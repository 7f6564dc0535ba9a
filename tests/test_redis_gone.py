"""Redis gone: the app keeps working without it (slower: no cached sessions, every poll renders)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import make_camp, make_participant, make_session, open_voting
from voting.models import Vote
from voting.plenum import services

pytestmark = pytest.mark.django_db

NO_REDIS = {
    "default": {
        "BACKEND": "barcamp.cache.FailOpenRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def without_redis():
    # Changing CACHES makes Django's test signals drop the cache connections.
    with override_settings(
        CACHES=NO_REDIS, SESSION_ENGINE="events.session_store", USER_CACHE_TIMEOUT=300
    ):
        yield


def test_pages_votes_and_polls_work_without_redis(client, without_redis):
    camp = make_camp()
    open_voting(camp)
    session = make_session(camp=camp)
    services.start_pitch(camp=camp, date=camp.start_date)
    participant = make_participant(camp=camp)
    client.force_login(participant.user)

    page = client.get(reverse("voting:pitch", args=[camp.slug]))
    vote = client.post(
        reverse("voting:vote", args=[camp.slug, session.pk]),
        {"want": "1"},
        headers={"HX-Request": "true"},
    )
    poll = client.get(
        reverse("voting:projector", args=[camp.slug]),
        {"v": "0.0.0"},
        headers={"HX-Request": "true"},
    )
    ready = client.get("/readyz")
    healthy = client.get("/healthz")

    assert page.status_code == 200
    assert vote.status_code == 200
    assert Vote.objects.filter(session=session, participant=participant).count() == 1
    assert poll.status_code == 200  # no version to compare: it renders, correctly
    assert ready.status_code == 503
    assert ready.content == b"unavailable: cache\n"
    assert healthy.status_code == 200

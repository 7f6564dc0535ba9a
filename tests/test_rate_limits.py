"""Rate limits: too many votes, pitches, registrations or posts from one person get a friendly 429."""

from unittest import mock

import pytest
from django.test import override_settings
from django.urls import reverse

from events.models import Participant, WallPost
from sessions.models import Session
from tests.factories import make_camp, make_participant, make_session, make_user, open_voting
from voting.models import Vote

pytestmark = pytest.mark.django_db
LIMITS = {"vote": "5/m", "pitch": "2/h", "register": "3/m", "post": "4/m"}


@pytest.fixture(autouse=True)
def tight_limits():
    # The limits count in fixed windows; a clock standing still keeps a test from straddling two.
    clock = mock.patch("django_ratelimit.core.time", **{"time.return_value": 1_800_000_000})
    with override_settings(RATE_LIMITS=LIMITS), clock:
        yield


def test_too_many_votes_get_a_friendly_429_and_change_nothing(client):
    camp = make_camp()
    open_voting(camp)
    sessions = [make_session(camp=camp) for _ in range(6)]
    client.force_login(make_participant(camp=camp).user)
    client.cookies["django_language"] = "en"

    statuses = [
        client.post(
            reverse("voting:vote", args=[camp.slug, s.pk]),
            {"want": "1"},
            headers={"HX-Request": "true"},
        ).status_code
        for s in sessions
    ]
    refused = client.post(
        reverse("voting:vote", args=[camp.slug, sessions[0].pk]),
        {"want": "0"},
        headers={"HX-Request": "true"},
    )

    assert statuses == [200] * 5 + [429]
    assert refused.status_code == 429
    assert "Please wait a minute, then try again." in refused.content.decode()
    assert "<html" not in refused.content.decode()  # an HTMX request gets the message alone
    assert Vote.objects.count() == 5


def test_the_limit_is_per_person(client):
    camp = make_camp()
    open_voting(camp)
    session = make_session(camp=camp)
    busy, other = make_participant(camp=camp), make_participant(camp=camp)
    client.force_login(busy.user)
    for _ in range(6):
        client.post(reverse("voting:vote", args=[camp.slug, session.pk]))
    client.force_login(other.user)

    response = client.post(reverse("voting:vote", args=[camp.slug, session.pk]), {"want": "1"})

    assert response.status_code == 302
    assert Vote.objects.filter(participant=other).count() == 1


def test_too_many_pitches_get_a_429_page(client):
    camp = make_camp()
    participant = make_participant(camp=camp)
    client.force_login(participant.user)
    client.cookies["django_language"] = "en"
    data = {
        "title": "A",
        "format": "talk",
        "language": "de",
        "length": "1",
        "day": camp.start_date.isoformat(),
    }

    statuses = [
        client.post(reverse("sessions:new", args=[camp.slug]), data).status_code for _ in range(3)
    ]
    page = client.post(reverse("sessions:new", args=[camp.slug]), data)

    assert statuses == [302, 302, 429]
    assert page.status_code == 429
    assert "That was a lot at once." in page.content.decode()
    assert Session.objects.count() == 2


def test_too_many_registrations_get_a_429(client):
    camps = [make_camp() for _ in range(4)]
    client.force_login(make_user())

    statuses = [
        client.post(reverse("events:register", args=[camp.slug])).status_code for camp in camps
    ]

    assert statuses == [302, 302, 302, 429]
    assert Participant.objects.count() == 3


def test_login_attempts_are_limited_by_allauth_with_our_page(client):
    make_user(email="anna@example.org", password="right password")
    client.cookies["django_language"] = "en"

    responses = [
        client.post(reverse("account_login"), {"login": "anna@example.org", "password": "wrong"})
        for _ in range(6)
    ]
    right = client.post(
        reverse("account_login"), {"login": "anna@example.org", "password": "right password"}
    )

    assert [response.status_code for response in responses] == [400] * 6
    assert "Too many failed login attempts" in responses[-1].content.decode()
    assert right.status_code == 400  # even the right password waits until the limit passes
    assert "_auth_user_id" not in client.session


def test_too_many_posts_on_the_wall_get_a_429_and_post_nothing_more(client):
    camp = make_camp()
    client.force_login(make_participant(camp=camp).user)
    client.cookies["django_language"] = "en"
    url = reverse("events:wall", args=[camp.slug])

    statuses = [
        client.post(url, {"text": f"Post {i}"}, headers={"HX-Request": "true"}).status_code
        for i in range(5)
    ]
    refused = client.post(url, {"text": "One more"}, headers={"HX-Request": "true"})

    assert statuses == [200] * 4 + [429]
    assert refused.status_code == 429
    content = refused.content.decode()
    assert "That was a lot at once. Please wait a minute, then try again." in content
    assert "One more</textarea>" in content  # what was typed is still there
    assert WallPost.objects.count() == 4

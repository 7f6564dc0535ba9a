"""One installation, many camps: no page, feed, export or live version shows another camp's data."""

import pytest
from django.urls import reverse

from events import live
from tests.factories import (
    make_camp,
    make_organizer,
    make_participant,
    make_room,
    make_session,
    make_slot,
    make_vote,
    open_voting,
)
from voting.grid import board
from voting.plenum import services

pytestmark = pytest.mark.django_db


def make_full_camp(name):
    camp = make_camp(name=f"Camp {name}")
    open_voting(camp)
    room = make_room(camp, name=f"Room {name}")
    slot = make_slot(camp)
    host = make_participant(
        camp=camp, display_name=f"Host {name}", is_public=True, hashtags=[f"tag{name}"]
    )
    session = make_session(camp=camp, host=host, title=f"Session {name}", tags=[f"topic{name}"])
    make_vote(session)
    board.move_session(session=session, room=room, slot=slot)
    board.publish_plan(camp=camp, date=camp.start_date)
    services.start_pitch(camp=camp, date=camp.start_date)
    return camp, host, session, room


def test_no_page_of_one_camp_shows_another_camps_data(client):
    camp_a, host_a, session_a, room_a = make_full_camp("Alpha")
    camp_b, host_b, session_b, _room_b = make_full_camp("Bravo")
    organizer = make_organizer(camp_a)
    make_participant(camp=camp_a, user=organizer)  # organizes and takes part: sees the most
    client.force_login(organizer)
    urls = [
        reverse("events:camp", args=[camp_a.slug]),
        reverse("events:people", args=[camp_a.slug]),
        reverse("voting:session-list", args=[camp_a.slug]),
        reverse("voting:session-list", args=[camp_a.slug]) + "?sort=wanted",
        reverse("voting:session-detail", args=[camp_a.slug, session_a.pk]),
        reverse("voting:pitch", args=[camp_a.slug]),
        reverse("voting:projector", args=[camp_a.slug]),
        reverse("voting:manage-pitch", args=[camp_a.slug]),
        reverse("voting:board", args=[camp_a.slug]),
        reverse("voting:plan", args=[camp_a.slug]),
        reverse("voting:plan-ics", args=[camp_a.slug]),
        reverse("voting:room-sign", args=[camp_a.slug, room_a.pk]),
        reverse("voting:schedule-json", args=[camp_a.slug]),
        reverse("voting:schedule-xml", args=[camp_a.slug]),
    ]

    for url in urls:
        content = client.get(url).content.decode()
        assert "Alpha" in content, url
        assert "Bravo" not in content, url


def test_ids_of_another_camp_find_nothing(client):
    camp_a, *_ = make_full_camp("Alpha")
    _camp_b, host_b, session_b, room_b = make_full_camp("Bravo")
    client.force_login(host_b.user)

    assert (
        client.get(reverse("voting:session-detail", args=[camp_a.slug, session_b.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("voting:vote", args=[camp_a.slug, session_b.pk]), {"want": "1"}
        ).status_code
        == 404
    )
    assert client.get(reverse("voting:room-sign", args=[camp_a.slug, room_b.pk])).status_code == 404
    assert (
        client.get(
            reverse("voting:agenda-ics", args=[camp_a.slug, host_b.calendar_token])
        ).status_code
        == 404
    )


def test_live_versions_are_per_camp(django_capture_on_commit_callbacks):
    camp_a, *_ = make_full_camp("Alpha")
    camp_b, _host, session_b, _room = make_full_camp("Bravo")
    before = live.current_version(camp_a.slug)

    with django_capture_on_commit_callbacks(execute=True):
        services.set_vote(session=session_b, participant=make_participant(camp=camp_b), want=True)

    assert live.current_version(camp_a.slug) == before

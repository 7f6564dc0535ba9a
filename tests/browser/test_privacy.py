"""Privacy by default in the browser: no page asks any host but ours for anything, and the Content
Security Policy never has to block anything our own pages do."""

from urllib.parse import urlsplit

import pytest

from events import notifications, wall
from events.models import Notification
from tests.browser.conftest import PHONE, PROJECTOR
from tests.factories import (
    make_camp,
    make_notes,
    make_organizer,
    make_participant,
    make_room,
    make_series,
    make_session,
    make_slot,
    make_sponsor,
    make_vote,
    make_wish,
    open_voting,
)
from voting.grid import board
from voting.plenum import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_page_requests_a_third_party_or_breaks_the_csp(open_as, live_server):
    camp = make_camp(series=make_series(slug="the-series"))
    wish = make_wish(camp.series, title="A wished topic")
    open_voting(camp)
    make_sponsor(camp, name="Kaffee", url="https://sponsor.example")
    room, slot = make_room(camp), make_slot(camp)
    session = make_session(camp=camp, description="[a link](https://example.org) and **bold**")
    board.move_session(session=session, room=room, slot=slot)
    board.publish_plan(camp=camp, date=camp.start_date)
    services.start_pitch(camp=camp, date=camp.start_date)
    make_notes(session, "# Notes\n\n- a [link](https://example.org)", "# Notes\n\n- changed")
    teilgeber = make_participant(camp=camp, hashtags=["ux"], is_public=True)
    make_vote(session, teilgeber)
    organizer = make_organizer(camp)
    post = wall.post_message(
        camp=camp, participant=teilgeber, text="See https://example.org #ux <b>not bold</b>"
    )
    wall.show_post(post=post, by=organizer)
    wall.post_message(camp=camp, participant=teilgeber, text="Waiting for approval")
    wall.post_announcement(camp=camp, by=organizer, text="Lunch in the foyer")
    unsubscribe = notifications.unsubscribe_url(teilgeber.user, Notification.REMINDER)
    own_host = urlsplit(live_server.url).hostname
    foreign, violations = [], []
    pages = [
        (None, PHONE, "/"),
        (None, PHONE, f"/{camp.slug}/"),
        (None, PHONE, "/accounts/login/"),
        (None, PHONE, "/accounts/signup/"),
        (teilgeber.user, PHONE, f"/{camp.slug}/sessions/"),
        (teilgeber.user, PHONE, f"/{camp.slug}/sessions/{session.pk}/"),
        (teilgeber.user, PHONE, f"/{camp.slug}/pitch/"),
        (teilgeber.user, PHONE, f"/{camp.slug}/plan/"),
        (None, PHONE, f"/{camp.slug}/people/?tag=ux"),
        (teilgeber.user, PHONE, f"/{camp.slug}/people/interests/"),
        (teilgeber.user, PHONE, f"/{camp.slug}/wall/"),
        (organizer, PHONE, f"/{camp.slug}/wall/"),
        (None, PROJECTOR, f"/{camp.slug}/projector/"),
        (None, PROJECTOR, f"/{camp.slug}/rooms/{room.pk}/sign/"),
        (None, PHONE, f"/{camp.slug}/sessions/{session.pk}/notes/"),
        (teilgeber.user, PHONE, f"/{camp.slug}/sessions/{session.pk}/notes/?edit=1"),
        (None, PHONE, f"/{camp.slug}/sessions/{session.pk}/notes/2/"),
        (None, PHONE, f"/{camp.slug}/documentation/"),
        (None, PHONE, f"/{camp.slug}/documentation/print/"),
        (teilgeber.user, PHONE, f"/{camp.slug}/ticket/"),
        (teilgeber.user, PHONE, f"/{camp.slug}/sessions/{session.pk}/feedback/"),
        (teilgeber.user, PHONE, f"/{camp.slug}/feedback/"),
        (organizer, PHONE, f"/{camp.slug}/door/"),
        (organizer, PHONE, f"/{camp.slug}/door/{teilgeber.ticket_code}/"),
        (organizer, PHONE, f"/{camp.slug}/feedback/results/"),
        (organizer, PHONE, f"/{camp.slug}/pitch/manage/"),
        (organizer, PROJECTOR, f"/{camp.slug}/board/"),
        (organizer, PROJECTOR, f"/{camp.slug}/vote/"),
        (teilgeber.user, PHONE, "/series/the-series/wishes/"),
        (teilgeber.user, PHONE, f"/{camp.slug}/sessions/new/?wish={wish.pk}"),
        (teilgeber.user, PHONE, "/account/notifications/"),
        (None, PHONE, unsubscribe.split("127.0.0.1:8000", 1)[1]),
    ]

    for user, viewport, path in pages:
        page = open_as(user, viewport)

        def block_foreign(route, request):
            if urlsplit(request.url).hostname != own_host:
                foreign.append(request.url)
                return route.abort()
            return route.continue_()

        page.route("**/*", block_foreign)
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and violations.append(message.text)
            ),
        )
        page.goto(live_server.url + path)
        page.wait_for_timeout(300)

    assert foreign == []
    assert violations == []

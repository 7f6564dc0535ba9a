"""An online camp on a phone: a registered Teilgeber finds the room's link from the plan; a
visitor sees that the rooms are online, not their links; the projector never shows one."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, PROJECTOR
from tests.factories import make_camp, make_participant, make_room, make_session, make_slot
from voting.grid import board

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = "https://meet.example.org/bc-lovelace-7f3a"


@pytest.fixture
def online_camp():
    camp = make_camp(name="Barcamp Online", online_only=True, venue_name="")
    room = make_room(camp, name="Raum Lovelace", online_url=LINK)
    make_room(camp, name="Raum Hopper", online_url="https://meet.example.org/bc-hopper")
    slot = make_slot(camp, start=datetime.time(10, 0), end=datetime.time(10, 45))
    session = make_session(camp=camp, title="Breakout-Räume, die funktionieren")
    board.move_session(session=session, room=room, slot=slot)
    board.publish_plan(camp=camp, date=camp.start_date)
    return camp, session


def expect_join_link(link):
    expect(link).to_have_attribute("href", LINK)
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")


@pytest.mark.parametrize("width", [390, 360])
def test_a_teilgeber_taps_from_the_camp_through_the_plan_to_the_rooms_link(
    open_as, live_server, online_camp, width
):
    camp, session = online_camp
    page = open_as(make_participant(camp=camp).user, {**PHONE, "width": width})
    page.goto(f"{live_server.url}/{camp.slug}/")
    expect(page.locator(".camp-facts")).to_contain_text("online")

    page.get_by_role("link", name="The plan, with the rooms’ links").click()
    card = page.locator(".grid-list li", has_text=session.title).first
    expect_join_link(card.get_by_role("link", name=f"Join online – {session.title}"))

    card.locator(".grid-session").click()
    expect(page.locator(".session-place")).to_contain_text("10:00–10:45 · Raum Lovelace")
    join = page.get_by_role("link", name=f"Join online – {session.title}")
    expect_join_link(join)
    box = join.bounding_box()
    assert box["height"] >= 40 and box["x"] + box["width"] <= width  # a thumb's target, on screen
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_visitor_sees_the_rooms_are_online_but_not_their_links(open_as, live_server, online_camp):
    camp, session = online_camp
    page = open_as(None, PHONE)

    page.goto(f"{live_server.url}/{camp.slug}/plan/")

    expect(page.locator(".online-hint")).to_have_text(
        "The online rooms’ links are shown to registered Teilgeber of the camp."
    )
    expect(page.locator("#plan-live")).to_contain_text(session.title)
    expect(page.locator(".join-link")).to_have_count(0)
    assert LINK not in page.content()


def test_the_projector_marks_online_rooms_and_shows_no_link(open_as, live_server):
    camp = make_camp(name="Barcamp Hybrid", room_links_public=True)
    rooms = [
        make_room(camp, name="Saal", online_url=LINK, order=0),
        make_room(camp, name="Online 1", online_url=LINK + "-2", online_only=True, order=1),
        make_room(camp, name="Küche", order=2),
    ]
    slot = make_slot(camp, start=datetime.time(10, 0), end=datetime.time(10, 45))
    for room in rooms:
        session = make_session(camp=camp, title=f"Session in {room.name}")
        board.move_session(session=session, room=room, slot=slot)
    board.publish_plan(camp=camp, date=camp.start_date)
    page = open_as(None, PROJECTOR)

    page.goto(f"{live_server.url}/{camp.slug}/projector/")

    # Rooms are the projector grid's rows (the back row reads them like the times).
    expect(page.locator(".wall-grid .wall-room")).to_have_text(
        ["Saal on site + online", "Online 1 online", "Küche"], use_inner_text=True
    )
    assert "meet.example.org" not in page.content()
    assert page.evaluate("document.documentElement.scrollHeight") <= PROJECTOR["height"]

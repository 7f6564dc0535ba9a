"""The grid: an organizer plans and publishes, the projector and a phone show it and follow a move."""

import datetime

import pytest
from playwright.sync_api import expect

from events import live
from tests.browser.conftest import LAPTOP, PHONE, PROJECTOR
from tests.factories import (
    make_camp,
    make_organizer,
    make_participant,
    make_room,
    make_session,
    make_slot,
    make_vote,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def camp_day():
    camp = make_camp(name="Barcamp Köln")
    rooms = [
        make_room(camp, name="Saal", capacity=50, order=0),
        make_room(camp, name="Küche", capacity=15, order=1),
    ]
    for hour in (10, 11, 12):
        make_slot(camp, start=datetime.time(hour, 0), end=datetime.time(hour, 45))
    people = [make_participant(camp=camp) for _ in range(6)]
    popular = make_session(camp=camp, title="Rust in production")
    for person in people:
        make_vote(popular, person)
    make_session(camp=camp, title="Kaffee-Runde")
    return camp, rooms, people


def test_organizer_plans_publishes_and_moves_projector_and_phone_follow(
    open_as, live_server, camp_day
):
    camp, rooms, people = camp_day
    board = open_as(make_organizer(camp), LAPTOP)
    board.goto(f"{live_server.url}/{camp.slug}/board/")
    expect(board.locator(".board-grid")).to_contain_text("Rust in production")

    board.get_by_role("button", name="Re-plan around the pins").click()
    expect(board.locator(".messages, #board .message").first).to_contain_text("Re-planned")
    board.get_by_role("button", name="Publish", exact=True).click()
    expect(board.locator("#board")).to_contain_text("Published as version 1")

    projector = open_as(None, PROJECTOR)
    projector.goto(f"{live_server.url}/{camp.slug}/projector/")
    phone = open_as(people[0].user, PHONE)
    phone.goto(f"{live_server.url}/{camp.slug}/plan/")
    expect(projector.locator(".wall-grid")).to_contain_text("Rust in production")
    expect(phone.locator("#plan-live")).to_contain_text("Rust in production")
    saal_cell = board.locator(f'td[data-cell-room="{rooms[0].pk}"]').filter(
        has_text="Rust in production"
    )
    expect(saal_cell).to_have_count(1)

    target = board.locator(f'td[data-cell-room="{rooms[1].pk}"]').last
    board.locator(".board-card", has_text="Rust in production").drag_to(target)
    expect(target).to_contain_text("Rust in production")

    moved_on_wall = projector.locator(".wall-grid td.is-moved")
    expect(moved_on_wall).to_contain_text("Rust in production", timeout=5_000)
    expect(phone.locator(".grid-session.is-moved")).to_contain_text("Küche", timeout=5_000)
    assert projector.evaluate("document.documentElement.scrollHeight") <= PROJECTOR["height"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_open_board_follows_a_vote_within_seconds(open_as, live_server, camp_day):
    # No worker: the poll hands the re-plan to a thread, and a later poll shows its result.
    camp, rooms, people = camp_day
    board = open_as(make_organizer(camp), LAPTOP)
    board.goto(f"{live_server.url}/{camp.slug}/board/")
    cells = board.locator("td[data-cell-room]")
    expect(cells.filter(has_text="Rust in production")).to_have_count(1)

    late = make_session(camp=camp, title="Late pitch")
    make_vote(late, people[0])
    live.mark_changed(camp.slug, live.VOTES)  # outside a transaction: at once, as a vote does

    expect(cells.filter(has_text="Late pitch")).to_have_count(1, timeout=15_000)

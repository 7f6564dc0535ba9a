"""An organizer reads the feedback on a laptop after the day: each bar is its rating's share of
all ratings, with the count beside it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import (
    make_camp,
    make_organizer,
    make_participant,
    make_room,
    make_session,
    make_slot,
)
from voting.grid import board
from voting.models import SessionFeedback

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}


def rated_session(camp, room, hour, title, ratings):
    session = make_session(camp=camp, title=title)
    slot = make_slot(camp, start=datetime.time(hour, 0), end=datetime.time(hour, 45))
    board.move_session(session=session, room=room, slot=slot)
    for rating in ratings:
        SessionFeedback.objects.create(
            session=session, participant=make_participant(camp=camp), rating=rating
        )
    return session


def bars(article):
    """[(rating, the bar's filled share, the count beside it)] as the browser shows them."""
    return article.locator(".distribution-row").evaluate_all(
        """rows => rows.map(row => {
            const meter = row.querySelector("meter");
            return [
                row.querySelector("dt").textContent.trim(),
                Math.round(100 * (meter.value - meter.min) / (meter.max - meter.min)),
                row.querySelector(".distribution-count").textContent.trim(),
            ];
        })"""
    )


def test_organizer_reads_bars_scaled_to_the_ratings_on_a_laptop(open_as, live_server):
    day = timezone.localdate() - datetime.timedelta(days=1)
    camp = make_camp(start_date=day, end_date=day)
    room = make_room(camp)
    rated_session(camp, room, 10, "Eine Stimme", [2])
    rated_session(camp, room, 11, "Drei Stimmen", [5, 4, 2])
    rated_session(camp, room, 12, "Vier Stimmen", [4, 4, 4, 1])
    board.publish_plan(camp=camp, date=day)
    page = open_as(make_organizer(camp), LAPTOP)

    page.goto(f"{live_server.url}/{camp.slug}/feedback/results/")

    one, three, four = (
        page.locator(".feedback-session", has_text=title)
        for title in ("Eine Stimme", "Drei Stimmen", "Vier Stimmen")
    )
    expect(three).to_contain_text("3 ratings")
    assert bars(one) == [
        ["5", 0, "0"],
        ["4", 0, "0"],
        ["3", 0, "0"],
        ["2", 100, "1"],
        ["1", 0, "0"],
    ]
    assert bars(three) == [
        ["5", 33, "1"],
        ["4", 33, "1"],
        ["3", 0, "0"],
        ["2", 33, "1"],
        ["1", 0, "0"],
    ]
    assert bars(four) == [
        ["5", 0, "0"],
        ["4", 75, "3"],
        ["3", 0, "0"],
        ["2", 0, "0"],
        ["1", 25, "1"],
    ]
    # Every bar has the same length, so that a share is the same width in every row and session.
    widths = page.locator(".distribution meter").evaluate_all(
        "meters => meters.map(m => Math.round(m.getBoundingClientRect().width))"
    )
    assert len(set(widths)) == 1 and widths[0] > 200
    counts = three.locator(".distribution-count")
    for index in range(5):
        meter_box = three.locator("meter").nth(index).bounding_box()
        count_box = counts.nth(index).bounding_box()
        assert count_box["x"] >= meter_box["x"] + meter_box["width"]
        assert abs(count_box["y"] - meter_box["y"]) < meter_box["height"] + 8
        assert count_box["x"] + count_box["width"] <= LAPTOP["width"]

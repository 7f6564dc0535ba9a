"""The day itself on phones: the Orga checks a Teilgeber in at the door; a Teilgeber rates a
session that has started."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Participant
from tests.browser.conftest import PHONE
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


def test_organizer_finds_and_checks_in_a_teilgeber_on_a_phone(open_as, live_server):
    camp = make_camp(capacity=10)
    jurgen = make_participant(camp=camp, display_name="Jürgen Weiß", hashtags=["köln"])
    make_participant(camp=camp, display_name="Anna Schmidt")
    make_participant(camp=camp, display_name="Jule Waiting", status=Participant.Status.WAITLISTED)
    page = open_as(make_organizer(camp), PHONE)

    page.goto(f"{live_server.url}/{camp.slug}/door/")
    expect(page.locator("#door-count")).to_contain_text("0 / 2")
    expect(page.locator("#door-count")).to_contain_text("1 on the waitlist")
    page.get_by_label("Name or ticket code").press_sequentially("jür", delay=50)
    row = page.locator(".door-person", has_text="Jürgen Weiß")
    expect(row).to_be_visible()
    expect(page.locator(".door-person")).to_have_count(1)  # searched as typed, no submit
    row.get_by_role("button", name="Check in").click()

    expect(page.locator(".door-person")).to_contain_text("Welcome, Jürgen Weiß: checked in.")
    expect(page.locator("#door-count")).to_contain_text("1 / 2")
    expect(page.get_by_role("button", name="Undo check-in")).to_be_visible()
    jurgen.refresh_from_db()
    assert jurgen.is_checked_in
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("Name or ticket code").fill(jurgen.ticket_code.lower())
    expect(page.locator(".door-person")).to_have_count(1)
    page.get_by_role("button", name="Undo check-in").click()
    expect(page.locator("#door-count")).to_contain_text("0 / 2")


def test_teilgeber_rates_a_session_that_started_on_a_phone(open_as, live_server):
    day = timezone.localdate() - datetime.timedelta(days=1)
    camp = make_camp(start_date=day, end_date=day)
    session = make_session(camp=camp, title="Barrierefreiheit prüfen")
    board.move_session(session=session, room=make_room(camp), slot=make_slot(camp))
    board.publish_plan(camp=camp, date=day)
    teilgeber = make_participant(camp=camp)
    page = open_as(teilgeber.user, PHONE)

    page.goto(f"{live_server.url}/{camp.slug}/plan/?day={day.isoformat()}")
    page.locator(".plan-slot .rate-link").first.click()
    expect(page.get_by_role("heading", name="How was it?")).to_be_visible()
    page.get_by_label("Comment (optional, anonymous)").fill("Sehr praktisch, danke!")
    page.get_by_role("button", name="4").click()

    expect(page.locator("#feedback-form")).to_contain_text("Thank you! Your rating is saved")
    expect(page.get_by_role("button", name="4")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="5 – excellent").click()
    expect(page.get_by_role("button", name="5 – excellent")).to_have_attribute(
        "aria-pressed", "true"
    )
    feedback = SessionFeedback.objects.get()
    assert (feedback.participant_id, feedback.rating) == (teilgeber.pk, 5)
    assert feedback.comment == "Sehr praktisch, danke!"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

"""Before and after the day, on a phone: wishing for topics, taking one up as a session, choosing
the e-mails; and an organizer setting up the next camp of a series in the admin."""

import datetime

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.models import Camp, NotificationSettings
from sessions.models import TopicWish
from tests.browser.conftest import LAPTOP, PHONE
from tests.factories import (
    make_camp,
    make_organizer,
    make_participant,
    make_room,
    make_series,
    make_slot,
    make_user,
    make_wish,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def series_world():
    series = make_series(name="Barcamp Köln", slug="barcamp-koeln")
    camp = make_camp(name="Barcamp Köln 2027", slug="bcko-2027", series=series)
    teilgeber = make_participant(camp=camp, display_name="Anna", language="en")
    wisher = make_user(email="wisher@example.org")
    make_participant(camp=camp, user=wisher, language="en")
    rust = make_wish(series, title="Rust for beginners", by=wisher, votes=[wisher])
    make_wish(series, title="Kaffee", votes=[wisher, make_user()])
    return {"series": series, "camp": camp, "teilgeber": teilgeber, "rust": rust, "wisher": wisher}


def test_teilgeber_votes_a_wish_and_takes_one_up_as_a_session_on_a_phone(
    open_as, live_server, series_world
):
    page = open_as(series_world["teilgeber"].user, PHONE)
    rust = series_world["rust"]
    page.goto(f"{live_server.url}/series/barcamp-koeln/wishes/")

    card = page.locator(f"#wish-{rust.pk}")
    card.get_by_role("button", name="Me too").click()
    expect(card.locator(".vote-count strong")).to_have_text("2")
    expect(card.get_by_role("button", name="Me too")).to_have_attribute("aria-pressed", "true")
    page.screenshot(path="test-results/series-wishes-phone.png", full_page=True)

    page.goto(f"{live_server.url}/bcko-2027/sessions/")
    page.get_by_role("link", name="2 wished topics").click()
    page.locator(".wished-topics .wish-card", has_text="Rust for beginners").get_by_role(
        "link", name="Take it up"
    ).click()
    expect(page.get_by_label("Title")).to_have_value("Rust for beginners")
    page.get_by_label("Title").fill("Rust for beginners, hands on")
    page.get_by_role("button", name="Propose").click()

    expect(page.locator(".messages")).to_contain_text("Your session is in the pitch queue.")
    expect(page.locator("h1")).to_have_text("Rust for beginners, hands on")
    rust.refresh_from_db()
    assert rust.session.title == "Rust for beginners, hands on"
    assert [m.to for m in mail.outbox if "is a session" in m.subject] == [["wisher@example.org"]]
    page.goto(f"{live_server.url}/series/barcamp-koeln/wishes/")
    expect(page.locator(f"#wish-{rust.pk} .wish-taken")).to_contain_text(
        "Rust for beginners, hands on"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_teilgeber_changes_the_email_settings_on_a_phone(open_as, live_server, series_world):
    user = series_world["teilgeber"].user
    page = open_as(user, PHONE)
    page.goto(f"{live_server.url}/bcko-2027/profile/")

    page.get_by_role("link", name="Which e-mails you get").click()
    expect(page.get_by_label("my registration and the waitlist")).to_be_disabled()
    page.get_by_label("the plan of a day is published").check()
    page.get_by_label("a reminder the day before the camp").uncheck()
    page.get_by_role("button", name="Save").click()

    expect(page.locator("#settings-form .message")).to_have_text("Your e-mail settings are saved.")
    current = NotificationSettings.objects.get(user=user)
    assert (current.plan_published, current.reminder, current.session_placed) == (True, False, True)
    expect(page.get_by_label("a reminder the day before the camp")).not_to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_organizer_sets_up_the_next_camp_of_the_series_in_the_admin(
    open_as, live_server, series_world
):
    camp = series_world["camp"]
    make_room(camp, name="Saal", capacity=80)
    make_slot(camp, start=datetime.time(10, 0), end=datetime.time(10, 45))
    organizer = make_organizer(camp)
    page = open_as(organizer, LAPTOP)
    page.goto(f"{live_server.url}/admin/events/series/")

    page.get_by_role("link", name="New camp in this series").click()
    page.get_by_label("Name:", exact=True).fill("Barcamp Köln 2028")
    page.get_by_label("Short name in the address").fill("bcko-2028")
    next_year = camp.start_date.replace(year=camp.start_date.year + 1)
    page.get_by_label("First day").fill(next_year.isoformat())
    page.get_by_label("Last day").fill(next_year.isoformat())
    page.get_by_role("button", name="Create the camp").click()

    expect(page.locator(".messagelist")).to_contain_text(
        "“Barcamp Köln 2028” is set up like “Barcamp Köln 2027”: 1 rooms, 1 slots"
    )
    new = Camp.objects.get(slug="bcko-2028")
    assert (new.series, new.rooms.get().name, new.participants.count()) == (
        series_world["series"],
        "Saal",
        0,
    )
    assert TopicWish.objects.filter(series=new.series).count() == 2

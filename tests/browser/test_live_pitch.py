"""The plenum: an organizer runs the pitch, two phones vote, the projector counts live."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LAPTOP, PHONE, PROJECTOR
from tests.factories import make_camp, make_organizer, make_participant, make_session, open_voting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plenum():
    camp = make_camp(name="Barcamp Köln")
    open_voting(camp)
    make_session(camp=camp, title="Warm-up round", pitch_position=1)
    second = make_session(camp=camp, title="Rust in production", pitch_position=2)
    phones = [make_participant(camp=camp, display_name=name).user for name in ("Anna", "Ben")]
    return camp, second, make_organizer(camp), phones


def test_pitch_advanced_both_phones_vote_projector_counts_two(open_as, live_server, plenum):
    camp, second, organizer, phone_users = plenum
    projector = open_as(None, PROJECTOR)
    projector.goto(f"{live_server.url}/{camp.slug}/projector/")
    phones = [open_as(user, PHONE) for user in phone_users]
    for phone in phones:
        phone.goto(f"{live_server.url}/{camp.slug}/pitch/")
        expect(phone.locator("#pitch-live")).to_contain_text("No pitch is running right now")
    orga = open_as(organizer, LAPTOP)
    orga.goto(f"{live_server.url}/{camp.slug}/pitch/manage/")

    orga.get_by_role("button", name="Start the pitch").click()
    expect(orga.locator(".current-pitch")).to_contain_text("Warm-up round")
    orga.get_by_role("button", name="Next").click()
    expect(orga.locator(".current-pitch")).to_contain_text("Rust in production")

    expect(projector.locator(".stage-title")).to_have_text("Rust in production", timeout=5_000)
    expect(projector.locator("#interest-count")).to_have_text("0")
    for phone in phones:
        expect(phone.locator(".pitch-title")).to_have_text("Rust in production", timeout=5_000)
        phone.get_by_role("button", name="I want to go").click()
        expect(phone.get_by_role("button", name="I want to go")).to_have_attribute(
            "aria-pressed", "true"
        )

    expect(projector.locator("#interest-count")).to_have_text("2", timeout=3_000)
    assert second.votes.count() == 2
    assert projector.evaluate("document.documentElement.scrollHeight") <= PROJECTOR["height"]
    assert phones[0].evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_projector_keeps_its_picture_while_offline_and_recovers(open_as, live_server, plenum):
    camp, second, _organizer, phone_users = plenum
    from voting.plenum import services

    services.start_pitch(camp=camp, date=camp.start_date)
    services.step_pitch(camp=camp, step=1)
    projector = open_as(None, PROJECTOR)
    projector.goto(f"{live_server.url}/{camp.slug}/projector/")
    expect(projector.locator(".stage-title")).to_have_text("Rust in production")

    projector.route("**/projector/?v=*", lambda route: route.abort("internetdisconnected"))
    failed = []
    projector.on("requestfailed", lambda request: failed.append(request.url))
    services.set_vote(session=second, participant=phone_users[0].participations.get(), want=True)
    projector.wait_for_timeout(4_500)
    still_shown = projector.locator(".stage-title").inner_text()
    projector.unroute("**/projector/?v=*")

    assert len(failed) >= 1
    assert still_shown == "Rust in production"
    expect(projector.locator("#interest-count")).to_have_text("1", timeout=5_000)


def test_a_phone_takes_its_vote_back_with_the_button_the_vote_brought(open_as, live_server, plenum):
    camp, second, _organizer, phone_users = plenum
    from voting.plenum import services

    services.start_pitch(camp=camp, date=camp.start_date)
    services.step_pitch(camp=camp, step=1)
    phone = open_as(phone_users[0], PHONE)
    phone.goto(f"{live_server.url}/{camp.slug}/pitch/")
    button = phone.get_by_role("button", name="I want to go")

    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    # The answer's form carries no CSRF token: the page's <body> sends it (hx-headers).
    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")

    assert second.votes.count() == 0
    phone.reload()
    expect(phone.get_by_role("button", name="I want to go")).to_have_attribute(
        "aria-pressed", "false"
    )


HIDE = """() => {
  Object.defineProperty(document, "hidden", {configurable: true, get: () => true});
  Object.defineProperty(document, "visibilityState", {configurable: true, get: () => "hidden"});
  document.dispatchEvent(new Event("visibilitychange"));
}"""
TICKS = """() => {
  if (!window.pollTicks) {
    window.pollTicks = [];
    document.addEventListener("htmx:confirm", () => window.pollTicks.push(performance.now()));
  }
  return window.pollTicks.length;
}"""
SHOW = """() => {
  delete document.hidden;
  delete document.visibilityState;
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def test_a_hidden_phone_skips_its_polls_and_shows_the_pitch_at_once_when_shown(
    open_as, live_server, plenum
):
    camp, _second, _organizer, phone_users = plenum
    from voting.plenum import services

    phone = open_as(phone_users[0], PHONE)
    polls = []
    phone.on("request", lambda request: "/pitch/?v=" in request.url and polls.append(request.url))
    phone.goto(f"{live_server.url}/{camp.slug}/pitch/")
    expect(phone.locator("#pitch-live")).to_contain_text("No pitch is running right now")
    phone.wait_for_timeout(2_500)
    assert polls, "a shown page polls every 2 s"

    phone.evaluate(HIDE)  # the phone goes into a pocket
    polls.clear()
    services.start_pitch(camp=camp, date=camp.start_date)
    phone.wait_for_timeout(4_500)
    # Shown right after a tick of the timer (a poll skipped), so the next is 2 s away.
    ticks = phone.evaluate(TICKS)
    while phone.evaluate(TICKS) == ticks:  # (the page's CSP keeps wait_for_function out)
        phone.wait_for_timeout(20)
    while_hidden = list(polls)
    phone.evaluate(SHOW)

    assert while_hidden == []
    expect(phone.locator(".pitch-title")).to_have_text("Warm-up round", timeout=1_000)

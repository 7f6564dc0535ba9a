"""The Teilgeber's journey on a phone, through the real pages only: from the camp's link to "I'm
in" by a code sent to a new address; the fourth of a camp for three, waiting during the pitch;
and a newcomer's session named as they chose, on the projector, the plan and the exports."""

import json
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.models import Participant
from tests.browser.conftest import PHONE, PROJECTOR
from tests.factories import make_camp, make_room, make_session, make_slot, open_voting
from voting.grid import board
from voting.plenum import services as voting_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 360, "height": 740}


def code_sent_to(address):
    message = [m for m in mail.outbox if m.to == [address]][-1]
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE)
    assert match, message.body
    return match.group(1)


def join_from_the_camp_link(page, camp_url, address, name):
    """Tap join on the camp page, type the address, the code from the mail, the name."""
    page.goto(camp_url)
    page.locator("#registration").get_by_role("button").click()
    expect(page.get_by_role("heading", name="Log in or sign up")).to_be_visible()
    page.get_by_label("Your e-mail address").fill(address)
    page.get_by_role("button", name="Send me a code").click()
    page.get_by_label("Code").fill(code_sent_to(address))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#registration")).to_contain_text(
        "Almost done: how should the others see you?"
    )
    page.get_by_label("Your name").fill(name)
    page.locator("#registration").get_by_role("button").click()


@pytest.mark.parametrize("viewport", [PHONE, SMALL_PHONE], ids=["390", "360"])
def test_a_newcomer_joins_from_the_camp_link_in_one_flow_by_code(open_as, live_server, viewport):
    camp = make_camp(name="Barcamp Köln", capacity=20)
    page = open_as(None, viewport)

    join_from_the_camp_link(page, f"{live_server.url}/{camp.slug}/", "kim@example.org", "Kim")

    expect(page.locator("#registration")).to_contain_text(
        "You are registered. See you at the camp!"
    )
    expect(page.locator("#registration").get_by_role("link", name="Your ticket")).to_be_visible()
    participant = Participant.objects.get(camp=camp, user__email="kim@example.org")
    assert (participant.status, participant.display_name) == (Participant.Status.REGISTERED, "Kim")
    # One notice of the outcome, in the panel; none of the mails was a dead end.
    assert page.get_by_text("You are registered").count() == 1
    assert "Unknown Account" not in [m.subject for m in mail.outbox]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.fixture(params=[False, True], ids=["DEBUG off", "DEBUG on"])
def debug(request, settings):
    """django-htmx's debug script is on the page only with DEBUG on: the journey runs with both."""
    settings.DEBUG = request.param
    return request.param


def test_the_fourth_newcomer_waits_sees_why_and_the_page_follows_the_pitch(
    open_as, live_server, debug
):
    camp = make_camp(name="Barcamp Klein", capacity=3)
    open_voting(camp)
    camp_url = f"{live_server.url}/{camp.slug}/"
    phones = []
    for number in range(1, 5):
        phone = open_as(None, PHONE)
        join_from_the_camp_link(phone, camp_url, f"neu{number}@example.org", f"Neu {number}")
        phones.append(phone)
    fourth = phones[3]
    expect(fourth.locator("#registration")).to_contain_text("You are on the waitlist, number 1.")
    assert fourth.get_by_text("on the waitlist").count() == 1  # the notice once, not twice
    if debug:
        assert fourth.locator("script[src*='django-htmx.js']").count() == 1
    host = Participant.objects.get(camp=camp, display_name="Neu 1")
    make_session(camp=camp, host=host, title="Warm-up round", pitch_position=1)
    make_session(camp=camp, host=host, title="Rust in production", pitch_position=2)
    make_session(camp=camp, host=host, title="Knitting for coders", pitch_position=3)
    voting_services.start_pitch(camp=camp, date=camp.start_date)

    fourth.get_by_role("link", name="Pitch").click()
    expect(fourth.locator(".pitch-title")).to_have_text("Warm-up round")
    button = fourth.locator(".pitch-vote").get_by_role("button", name="I want to go")
    expect(button).to_be_disabled()
    expect(fourth.locator(".pitch-vote")).to_contain_text(
        "You are on the waitlist – you can vote as soon as you move up."
    )

    # The third has the pitch open with a live button, then gives up the seat in another tab.
    third = phones[2]
    third.goto(f"{live_server.url}/{camp.slug}/pitch/")
    expect(third.locator(".pitch-title")).to_have_text("Warm-up round")
    other_tab = third.context.new_page()
    other_tab.goto(camp_url)
    other_tab.once("dialog", lambda dialog: dialog.accept())
    other_tab.get_by_role("button", name="Cancel registration").click()
    expect(other_tab.locator("#registration")).to_contain_text("Your registration is cancelled.")
    # Its stale button is refused: the answer takes the button's place, never the page's.
    stylesheets = third.locator("head link[rel=stylesheet]").count()
    third.locator(".pitch-vote").get_by_role("button", name="I want to go").click()
    expect(third.locator(".pitch-vote .vote-error")).to_have_text(
        "Only registered Teilgeber of this camp can vote."
    )
    expect(third.locator(".camp-nav")).to_be_visible()
    assert third.locator("head link[rel=stylesheet]").count() == stylesheets > 0

    voting_services.step_pitch(camp=camp, step=1)

    for phone in (third, fourth):
        expect(phone.locator(".pitch-title")).to_have_text("Rust in production", timeout=6_000)
    # The fourth moved up into the freed seat: from this pitch on, the button is theirs.
    expect(fourth.locator(".pitch-vote").get_by_role("button", name="I want to go")).to_be_enabled()
    fourth.locator(".pitch-vote").get_by_role("button", name="I want to go").click()
    expect(
        fourth.locator(".pitch-vote").get_by_role("button", name="I want to go")
    ).to_have_attribute("aria-pressed", "true")
    expect(third.locator(".pitch-vote")).to_contain_text("Join the camp to vote.")
    assert Participant.objects.get(camp=camp, display_name="Neu 4").is_registered
    assert fourth.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_session_of_someone_who_signed_up_with_just_an_address_shows_their_name(
    open_as, live_server
):
    camp = make_camp(name="Barcamp Namen", capacity=20)
    open_voting(camp)
    room = make_room(camp, name="Saal 1")
    slot = make_slot(camp)
    page = open_as(None, PHONE)
    join_from_the_camp_link(
        page, f"{live_server.url}/{camp.slug}/", "kim.versteckt@example.org", "Kim"
    )
    expect(page.locator("#registration")).to_contain_text("You are registered.")

    page.get_by_role("link", name="Pitch").click()
    page.get_by_role("link", name="Propose a session").click()
    page.get_by_label("Title").fill("Knitting for coders")
    page.get_by_role("button", name="Propose").click()
    expect(page.locator(".messages")).to_contain_text("Your session is in the pitch queue.")
    session = camp.sessions.get()
    board.move_session(session=session, room=room, slot=slot)
    board.publish_plan(camp=camp, date=camp.start_date)

    page.get_by_role("link", name="Plan").click()
    expect(page.locator("main")).to_contain_text("Kim")
    projector = open_as(None, PROJECTOR)
    projector.goto(f"{live_server.url}/{camp.slug}/projector/")
    expect(projector.locator(".wall-title")).to_have_text("Knitting for coders")
    voting_services.start_pitch(camp=camp, date=camp.start_date)
    expect(projector.locator(".stage-hosts")).to_contain_text("Kim", timeout=6_000)
    exports = {}
    for name in ("schedule.json", "schedule.xml"):
        response = page.request.get(f"{live_server.url}/{camp.slug}/{name}")
        assert response.status == 200
        exports[name] = response.text()

    persons = [
        person["public_name"]
        for day in json.loads(exports["schedule.json"])["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
        for person in event["persons"]
    ]
    assert persons == ["Kim"]
    assert ">Kim</person>" in exports["schedule.xml"]
    # (The person's own header names their account by its address in a tooltip, for them.)
    for text in (
        page.locator("main").inner_html(),
        projector.content(),
        exports["schedule.json"],
        exports["schedule.xml"],
    ):
        assert "kim.versteckt" not in text

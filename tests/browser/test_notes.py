"""Session notes on a phone: a Teilgeber finds a placed session's notes from the plan, writes,
previews and saves them; a second editor who saved over them merges the conflict by hand."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.factories import make_camp, make_notes, make_participant, make_placed_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def placed():
    camp = make_camp(name="Barcamp Köln")
    host = make_participant(camp=camp, display_name="Hanna", is_public=True)
    session = make_placed_session(camp, host=host, title="Open Source im Marketing")
    return camp, session


def test_teilgeber_writes_previews_and_saves_notes_on_a_phone(open_as, live_server, placed):
    camp, session = placed
    anna = make_participant(camp=camp, display_name="Anna")
    phone = open_as(anna.user, PHONE)
    phone.goto(f"{live_server.url}/{camp.slug}/plan/")

    phone.get_by_role("link", name=re.compile(r"^Notes\W+Open Source im Marketing$")).click()
    expect(phone.locator("h1")).to_contain_text("Open Source im Marketing")
    expect(phone.locator(".notes-body")).to_contain_text("No notes yet.")
    phone.get_by_role("link", name="Write the notes").click()
    textarea = phone.get_by_role("textbox", name="Notes")
    textarea.fill("## Ergebnisse\n- Geschichten wirken\n- **Danke** sagen")
    phone.get_by_role("button", name="Preview").click()
    expect(phone.locator("#notes-preview strong")).to_have_text("Danke")
    expect(textarea).to_have_value("## Ergebnisse\n- Geschichten wirken\n- **Danke** sagen")
    phone.get_by_role("button", name="Save").click()

    expect(phone.locator(".messages")).to_contain_text("The notes are saved.")
    expect(phone.locator(".notes-text h3")).to_have_text("Ergebnisse")  # right below "Notes" (h2)
    expect(phone.locator(".notes-text li")).to_have_count(2)
    expect(phone.locator(".revision-item")).to_contain_text("Revision 1")
    expect(phone.locator(".revision-item")).to_contain_text("you")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_second_editor_merges_a_conflict_by_hand(open_as, live_server, placed):
    camp, session = placed
    make_notes(session, "Intro\n\nResult: open")
    first = open_as(make_participant(camp=camp, display_name="Anna").user, PHONE)
    second = open_as(make_participant(camp=camp, display_name="Ben").user, PHONE)
    editor = f"{live_server.url}/{camp.slug}/sessions/{session.pk}/notes/?edit=1"
    first.goto(editor)
    second.goto(editor)

    first.get_by_role("textbox", name="Notes").fill("Intro\n\nResult: yes")
    first.get_by_role("button", name="Save").click()
    expect(first.locator(".messages")).to_contain_text("The notes are saved.")
    second.get_by_role("textbox", name="Notes").fill("Intro\n\nResult: no")
    second.get_by_role("button", name="Save").click()

    expect(second.locator(".notes-conflict")).to_contain_text("changed the same lines")
    expect(second.locator(".conflict-mine")).to_have_text("Result: no")
    expect(second.locator(".conflict-theirs")).to_have_text("Result: yes")
    proposal = second.get_by_role("textbox", name="Notes")
    expect(proposal).to_have_value(
        "Intro\n\n<<<<<<< your version\nResult: no\n======= saved meanwhile (revision 2)\n"
        "Result: yes\n>>>>>>>"
    )
    assert second.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    proposal.fill("Intro\n\nResult: yes for some, no for others")
    second.get_by_role("button", name="Save").click()

    expect(second.locator(".messages")).to_contain_text("The notes are saved.")
    expect(second.locator(".notes-text")).to_contain_text("Result: yes for some, no for others")
    expect(second.locator(".revision-item")).to_have_count(3)

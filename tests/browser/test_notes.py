"""Session notes on a phone: a Teilgeber finds a placed session's notes from the plan, writes,
previews and saves them; when two change the same line at once, the second chooses what stays
(theirs, the saved one, or both), and may edit the result before saving."""

import re

import pytest
from playwright.sync_api import expect

from sessions.models import NoteRevision
from tests.browser.conftest import LAPTOP, PHONE
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


def open_conflict(open_as, live_server, placed, viewport, language="en"):
    """Anna and Ben open the editor on their phones at once and change the same line; Ben saves
    second. Returns Ben's page, on the conflict."""
    camp, session = placed
    make_notes(session, "Intro\n\nResult: open\n\nNext: meet again")
    first = open_as(make_participant(camp=camp, display_name="Anna").user, viewport, language)
    second = open_as(make_participant(camp=camp, display_name="Ben").user, viewport, language)
    editor = f"{live_server.url}/{camp.slug}/sessions/{session.pk}/notes/?edit=1"
    first.goto(editor)
    second.goto(editor)
    first.locator("textarea[name=text]").fill("Intro\n\nResult: yes\n\nNext: meet again")
    first.locator("button[value=save]").click()
    expect(first.locator(".messages")).to_be_visible()
    second.locator("textarea[name=text]").fill("Intro!\n\nResult: no\n\nNext: meet again")
    second.locator("button[value=save]").click()
    expect(second.locator(".notes-conflict")).to_be_visible()
    return second


def saved_texts(session):
    return list(NoteRevision.objects.filter(notes__session=session).values_list("text", flat=True))


def has_marker_line(text):
    return any(line.startswith(("<<<<<<<", "=======", ">>>>>>>")) for line in text.split("\n"))


@pytest.mark.parametrize(
    ("choice", "result", "message"),
    [
        ("Keep yours", "Intro!\n\nResult: no\n\nNext: meet again", "The notes are saved."),
        ("Keep the saved one", "Intro!\n\nResult: yes\n\nNext: meet again", "saved."),
        (
            "Keep both, one after the other",
            "Intro!\n\nResult: yes\nResult: no\n\nNext: meet again",
            "The notes are saved.",
        ),
    ],
)
def test_two_phones_change_the_same_line_and_the_second_chooses_what_stays(
    open_as, live_server, placed, choice, result, message
):
    camp, session = placed
    phone = open_conflict(open_as, live_server, placed, PHONE)

    conflict = phone.locator(".notes-conflict")
    expect(conflict).to_contain_text("changed the same lines")
    expect(conflict).to_contain_text("after “Intro!”")
    expect(phone.locator(".conflict-mine")).to_have_text("Result: no")
    expect(phone.locator(".conflict-theirs")).to_have_text("Result: yes")
    expect(phone.get_by_role("textbox", name="Notes")).to_have_count(0)
    assert "<<<<<<<" not in phone.content() and ">>>>>>>" not in phone.content()
    # The whole choice is on the phone's first screen: the page opens at the editor.
    expect(phone.get_by_role("button", name="Save")).to_be_in_viewport()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.get_by_role("radio", name=re.compile(f"^{re.escape(choice)}")).check()
    phone.get_by_role("button", name="Save").click()

    expect(phone.locator(".messages")).to_contain_text(message)
    expect(phone.locator(".notes-text")).to_contain_text(result.split("\n")[2])
    assert saved_texts(session)[0] == result
    assert not any(has_marker_line(text) for text in saved_texts(session))


def test_on_a_small_phone_the_second_edits_the_result_of_the_choice_before_saving(
    open_as, live_server, placed
):
    camp, session = placed
    phone = open_conflict(open_as, live_server, placed, {"width": 360, "height": 740}, "de")

    expect(phone.locator(".notes-conflict")).to_contain_text("dieselben Zeilen geändert")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("radio", name=re.compile("^Beide behalten")).check()
    phone.get_by_role("button", name="Erst das Ergebnis bearbeiten").click()

    textarea = phone.get_by_role("textbox", name="Notizen")
    expect(textarea).to_have_value("Intro!\n\nResult: yes\nResult: no\n\nNext: meet again")
    textarea.fill("Intro!\n\nResult: yes for some, no for others\n\nNext: meet again")
    phone.get_by_role("button", name="Speichern").click()

    expect(phone.locator(".messages")).to_contain_text("gespeichert")
    expect(phone.locator(".notes-text")).to_contain_text("Result: yes for some, no for others")
    expect(phone.locator(".revision-item")).to_have_count(3)
    assert not any(has_marker_line(text) for text in saved_texts(session))


def test_the_conflict_on_a_laptop_shows_both_versions_side_by_side(open_as, live_server, placed):
    page = open_conflict(open_as, live_server, placed, LAPTOP)

    mine = page.locator(".conflict-choice-mine").bounding_box()
    theirs = page.locator(".conflict-choice-theirs").bounding_box()
    both = page.locator(".conflict-choice-both").bounding_box()
    assert mine["y"] == theirs["y"] and mine["x"] + mine["width"] <= theirs["x"]
    assert both["y"] >= mine["y"] + mine["height"]
    assert both["width"] >= mine["width"] + theirs["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    expect(page.get_by_role("button", name="Save")).to_be_in_viewport()

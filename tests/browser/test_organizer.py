"""The organizer's day begins in the admin: a new camp, its rooms and slots, then the plenum, the
board and the projector, reached by clicking only (no address typed after the admin's login)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Camp
from tests.browser.conftest import PROJECTOR
from tests.factories import make_participant, make_session, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
ENGLISH_IN_THE_GERMAN_ADMIN = ["Select an option", "Choose all", "Note: Enter times", "Remove all"]


def test_the_organizer_goes_from_the_admin_to_plenum_board_and_projector_by_clicking(
    open_as, live_server
):
    make_user(username="orga", is_staff=True, password="ein-langes-passwort")
    day = timezone.localdate() + datetime.timedelta(days=30)
    page = open_as(None, LAPTOP, language="de")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "orga")
    page.fill("#id_password", "ein-langes-passwort")
    page.get_by_role("button", name="Einloggen").click()

    # A new camp with its rooms, in the order they are entered.
    page.locator("#content-main .model-camp").get_by_role("link", name="Hinzufügen").click()
    expect(page.locator(".orga-hint")).to_contain_text("Slots eines Tages in einem Schritt")
    page.fill("#id_name", "Barcamp Bonn")
    page.fill("#id_start_date", f"{day:%d.%m.%Y}")
    page.fill("#id_end_date", f"{day:%d.%m.%Y}")
    page.fill("#id_capacity", "80")
    for index, (room, seats) in enumerate([("Werkstatt", 12), ("Aula", 120), ("Mensa", 40)]):
        page.get_by_role("button", name="Raum hinzufügen").click()
        page.fill(f"#id_rooms-{index}-name", room)
        page.fill(f"#id_rooms-{index}-capacity", str(seats))
    content = page.content()
    assert [text for text in ENGLISH_IN_THE_GERMAN_ADMIN if text in content] == []
    page.get_by_role("button", name="Speichern", exact=True).click()

    # Saved without slots: the organizer goes on to generating them.
    expect(page.locator("h1")).to_have_text("Slots für Barcamp Bonn erzeugen")
    page.get_by_role("button", name="Slots erzeugen").click()
    expect(page.locator(".messagelist")).to_contain_text(f"7 Slots für {day.day}. ")

    camp = Camp.objects.get(slug="barcamp-bonn")
    checklist = page.locator(".orga-checklist")
    expect(checklist).to_contain_text("Räume: 3 Räume")
    expect(checklist).to_contain_text("Slots: 6 Session-Slots")  # and the lunch break
    expect(checklist.locator(".is-next")).to_contain_text("Abstimmung: noch nicht offen")
    # Meanwhile, Teilgeber propose sessions from their phones.
    for title in ("Rust in production", "Kaffee-Runde", "Löten für Anfänger"):
        make_session(camp=camp, host=make_participant(camp=camp), title=title)

    page.locator(".orga-links").get_by_role("link", name="Plenum leiten").click()
    expect(page.locator("h1")).to_have_text("Plenum leiten")
    page.get_by_role("button", name="Abstimmung öffnen").click()
    expect(page.locator("#voting-state")).to_contain_text("offen")

    page.get_by_role("link", name="Tag planen (Board)").click()
    expect(page.locator("h1")).to_have_text("Tag planen")
    page.get_by_role("button", name="Neu planen (Angeheftetes bleibt)").click()
    expect(page.locator("#board")).to_contain_text("Neu geplant: 3 Sessions im Plan")
    expect(page.locator(".board-grid")).to_contain_text("Rust in production")
    page.get_by_role("button", name="Veröffentlichen", exact=True).click()
    expect(page.locator("#board")).to_contain_text("Version 1")

    with page.expect_popup() as popup:
        page.get_by_role("link", name="Beamer-Ansicht öffnen").click()
    projector = popup.value
    projector.set_viewport_size(PROJECTOR)
    expect(projector.locator(".projector-head")).to_contain_text("Barcamp Bonn")
    expect(projector.locator(".wall-grid")).to_contain_text("Rust in production")
    rooms = [name.strip() for name in projector.locator(".wall-room").all_inner_texts()]
    assert rooms == ["Werkstatt", "Aula", "Mensa"]
    assert page.url.startswith(live_server.url)
    assert projector.url == f"{live_server.url}/barcamp-bonn/projector/"

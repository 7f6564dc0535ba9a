"""The projector, read from the back row: the day's grid fills the screen at 3, 8 and 16 rooms,
and after the last slot it says what comes next.

With PROJECTOR_SCREENSHOTS=docs/screenshots the tests also write the README's projector
screenshots there (test-results/ otherwise)."""

import datetime
import os
from pathlib import Path
from unittest import mock

import pytest
from playwright.sync_api import expect

from events import wall
from events.models import Slot
from tests.browser.conftest import PROJECTOR
from tests.factories import (
    make_camp,
    make_organizer,
    make_participant,
    make_room,
    make_series,
    make_session,
    make_slot,
    make_sponsor,
)
from voting.grid import board
from voting.models import Placement, VotingDay
from voting.plenum import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("PROJECTOR_SCREENSHOTS", "test-results"))
ROOMS = [
    "Saal",
    "Raum Rhein",
    "Raum Dom",
    "Werkstatt",
    "Bibliothek",
    "Foyer",
    "Seminarraum 1",
    "Seminarraum 2",
    "Dachterrasse",
    "Kleiner Saal",
    "Raum Severin",
    "Raum Deutz",
    "Küche",
    "Studio",
    "Lounge",
    "Garten",
]
TITLES = [
    "Design Systems für kleine Teams",
    "Podcasts ohne Budget",
    "Barrierefreiheit in 30 Minuten prüfen: ein Werkzeugkasten für alle",
    "Remote-Teams, die wirklich reden",
    "Open Source im Marketing: geht das?",
    "Python für Nicht-Programmierer",
    "SEO-Mythen, die nicht sterben",
    "Community-Events nachhaltig organisieren",
    "Kaffee-Runde",
    "Mastodon für Vereine",
    "Datenschutz im Ehrenamt",
    "Löten für Anfänger",
    "Wie wir unser Barcamp finanzieren",
    "Rust in production",
    "Kanban mit Kindern",
    "Schreibwerkstatt",
]


# A title as long as a title may be (120 characters): clamped, never taller than its row.
LONGEST_TITLE = (
    "Wie wir mit Ehrenamtlichen, Sponsoren und der Stadtverwaltung ein Barcamp für "
    "dreihundert Leute organisiert haben: Tipps"
)


def at(camp, hour, minute=0):
    """The camp's clock at that time of its first day (the live server runs in this process)."""
    moment = datetime.datetime.combine(camp.start_date, datetime.time(hour, minute), tzinfo=camp.tz)
    return mock.patch("voting.grid.queries.camp_now", return_value=moment)


def camp_with_rooms(count):
    """A day with `count` rooms, sessions in the first two slots of every room (one of them
    a two-slot workshop), a lunch break, sponsors and a pinned announcement, published."""
    camp = make_camp(name="Barcamp Köln", slug="barcamp-koeln-2027", hashtag="bcko27")
    rooms = [
        make_room(camp, name=name, capacity=100 - index) for index, name in enumerate(ROOMS[:count])
    ]
    slots = [
        make_slot(camp, start=datetime.time(hour, 0), end=datetime.time(hour, 45))
        for hour in (10, 11, 12)
    ]
    make_slot(
        camp,
        start=datetime.time(12, 45),
        end=datetime.time(13, 45),
        kind=Slot.Kind.BREAK,
        title="Mittagspause",
    )
    slots.append(make_slot(camp, start=datetime.time(13, 45), end=datetime.time(14, 30)))
    for index, room in enumerate(rooms):
        for offset, slot in enumerate(slots[:2]):
            if offset == 1 and index == 1:
                continue  # the workshop goes on here
            title = TITLES[(index * 2 + offset) % len(TITLES)]
            if (offset, index) == (1, count - 1):
                title = LONGEST_TITLE
            session = make_session(
                camp=camp, title=title, length=2 if (offset, index) == (0, 1) else 1
            )
            # Placed as the board would, without its undo step (not what is tested here).
            Placement.objects.create(session=session, room=room, slot=slot, pinned=True)
    board.publish_plan(camp=camp, date=camp.start_date)
    make_sponsor(camp, name="Kaffeerösterei Ehrenfeld")
    make_sponsor(camp, name="Netzwerk Köln e.V.")
    organizer = make_organizer(camp)
    wall.post_announcement(camp=camp, by=organizer, text="Mittagessen ab 12:45 im Foyer.")
    poster = make_participant(camp=camp, display_name="Zoë Łukasik")
    for text in POSTS:
        post = wall.post_message(camp=camp, participant=poster, text=text)
        wall.show_post(post=post, by=organizer)
    return camp, rooms


POSTS = [  # oldest first
    "Wer fährt ab Köln Hbf? Ich hätte noch zwei Plätze frei.",
    "Danke für den tollen Tag! " * 10,  # 260 characters
    "Folien der Podcast-Session: https://example.org/folien",
    "Bis zum nächsten Mal!",
    "Wer hat Lust auf einen Podcast-Stammtisch nach dem Camp? #podcasts",
    "Guten Morgen! Der Kaffee im Foyer ist großartig ☕",
]
WALL_ITEMS = """() => {
    const wall = document.querySelector('#projector-wall').getBoundingClientRect();
    return [...document.querySelectorAll('.side-item')].map(item => {
        const box = item.getBoundingClientRect();
        const inside = box.top >= wall.top - 1 && box.bottom <= wall.bottom + 1
            && box.left >= wall.left - 1 && box.right <= wall.right + 1;
        const outside = box.left >= wall.right || box.top >= wall.bottom;
        const clipped = item.scrollHeight > item.clientHeight + 1;
        const mask = getComputedStyle(item.parentNode).maskImage;
        return {text: item.innerText.trim(), inside, outside, clipped, mask};
    });
}"""


def assert_whole_items_only(page):
    """Each announcement and post is whole on screen or wholly out of sight: none cut off, no
    fade; some wait out of sight (there are more than fit)."""
    items = page.evaluate(WALL_ITEMS)
    assert all((item["inside"] and not item["clipped"]) or item["outside"] for item in items), items
    assert any(item["inside"] for item in items)
    assert any(item["outside"] for item in items)
    assert all(item["mask"] == "none" for item in items)


@pytest.mark.parametrize("rooms", [3, 8, 16])
def test_the_grid_fills_the_projector_and_reads_from_the_back_row(open_as, live_server, rooms):
    camp, room_list = camp_with_rooms(rooms)
    projector = open_as(None, PROJECTOR, language="de")

    with at(camp, 10, 15):
        projector.goto(f"{live_server.url}/{camp.slug}/projector/")
        table = projector.locator(".wall-grid")
        expect(table).to_be_visible()
        projector.screenshot(path=SCREENSHOTS / f"projector-grid-{rooms}-rooms.png")

    measured = projector.evaluate(
        """() => {
            const size = el => parseFloat(getComputedStyle(el).fontSize);
            const box = el => el.getBoundingClientRect();
            const titles = [...document.querySelectorAll('.wall-title')];
            const clipped = [...document.querySelectorAll('.wall-grid td, .wall-room')]
                .filter(el => el.scrollHeight > el.clientHeight + 1).length;
            return {
                width: box(document.querySelector('.wall-grid')).width,
                bottom: box(document.querySelector('.wall-grid')).bottom,
                stripTop: box(document.querySelector('.join')).top,
                titles: titles.map(size),
                rooms: [...document.querySelectorAll('.wall-room')].map(size),
                times: [...document.querySelectorAll('.slot-time')].map(size),
                clipped,
                head: document.querySelector('.projector-head').innerText,
                scrollHeight: document.documentElement.scrollHeight,
            };
        }"""
    )
    assert measured["width"] >= 0.9 * PROJECTOR["width"]
    assert measured["bottom"] <= measured["stripTop"]
    assert measured["scrollHeight"] <= PROJECTOR["height"]
    assert measured["clipped"] == 0  # every room's row fits its room name and its titles
    if rooms <= 8:
        assert min(measured["titles"]) >= 32
    assert min(measured["rooms"]) >= min(measured["times"])  # room names as prominent as times
    assert [name.strip() for name in projector.locator(".wall-room").all_inner_texts()] == [
        room.name for room in room_list
    ]
    assert "Barcamp Köln" in measured["head"]
    assert camp.start_date.strftime("%Y") in measured["head"]
    expect(projector.locator("thead .wall-slot").first).to_contain_text("Jetzt")
    expect(projector.locator("thead .wall-slot").first).to_contain_text("10:00–10:45")
    # The two-slot workshop spans both columns instead of leaving the next one empty.
    expect(projector.locator("td[colspan='2']")).to_contain_text("bis 11:45")
    assert_whole_items_only(projector)


def test_after_the_last_slot_the_projector_says_what_comes_next(open_as, live_server):
    camp, _rooms = camp_with_rooms(3)
    camp.series = make_series(name="Barcamp Köln")
    camp.save()
    next_year = camp.start_date + datetime.timedelta(days=364)
    make_camp(
        name="Barcamp Köln 2028",
        slug="barcamp-koeln-2028",
        series=camp.series,
        start_date=next_year,
        end_date=next_year,
    )
    services.set_voting_state(camp=camp, date=camp.start_date, state=VotingDay.State.CLOSED)
    projector = open_as(None, PROJECTOR, language="de")

    with at(camp, 18, 30):
        projector.goto(f"{live_server.url}/{camp.slug}/projector/")
        expect(projector.locator(".stage-body")).to_contain_text("Barcamp Köln ist vorbei.")
        projector.screenshot(path=SCREENSHOTS / "projector-after-the-day.png")

    body = projector.locator(".stage-body")
    expect(body).to_contain_text(
        f"localhost:{live_server.url.rsplit(':', 1)[1]}/{camp.slug}/documentation/"
    )
    expect(body).to_contain_text(f"/{camp.slug}/feedback/")
    expect(body).to_contain_text("Das nächste Camp: Barcamp Köln 2028")
    expect(projector.locator(".projector-head")).to_contain_text("Barcamp Köln")
    expect(projector.locator(".join-hint")).not_to_contain_text("Will ich hin")
    expect(projector.locator(".join-hint")).to_contain_text("Notizen")
    assert_whole_items_only(projector)
    assert projector.evaluate("document.documentElement.scrollHeight") <= PROJECTOR["height"]


def test_the_longest_announcement_and_post_fit_the_strip_below_the_grid_whole(open_as, live_server):
    camp, _rooms = camp_with_rooms(8)
    organizer = camp.organizers.get()
    longest = ("Wer den Beamer im Saal braucht, meldet sich bitte vorher am Empfang. " * 5)[
        : wall.WALL_TEXT_LENGTH
    ]
    projector = open_as(None, PROJECTOR, language="de")

    seen = []
    for publish in ("post", "announcement"):
        if publish == "post":
            author = make_participant(camp=camp, display_name="Anna")
            wall.show_post(
                post=wall.post_message(camp=camp, participant=author, text=longest), by=organizer
            )
        else:
            wall.post_announcement(camp=camp, by=organizer, text=longest)
        with at(camp, 10, 15):
            projector.goto(f"{live_server.url}/{camp.slug}/projector/")
            expect(projector.locator(".wall-grid")).to_be_visible()
        items = projector.evaluate(WALL_ITEMS)
        seen.append(next(item for item in items if item["text"].startswith(longest[:40])))
        assert_whole_items_only(projector)

    assert [(item["inside"], item["clipped"]) for item in seen] == [(True, False), (True, False)]

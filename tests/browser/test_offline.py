"""The phone without a network (issue 29): what a Teilgeber has seen stays readable, a vote, a wall
post or a notes save tapped offline is sent when the network is back — under the server's rules
then — and logging out leaves nothing of the person on the phone. Chromium's own offline mode
(`context.set_offline`) cuts the network, the service worker's included."""

import datetime
import json
import re
import time
import zoneinfo
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from events.models import WallPost
from sessions.models import SessionNotes
from tests.browser.conftest import PHONE, PROJECTOR
from tests.factories import (
    make_camp,
    make_notes,
    make_participant,
    make_placed_session,
    make_room,
    make_session,
    open_voting,
)
from voting.models import Vote, VotingDay
from voting.plenum import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AS_OF = re.compile(r"^offline – as of \d\d:\d\d$")
PENDING = "will be sent as soon as you are online again"
# Back online, a page asks the server at once (the browser's online event), else every 5 s; and
# Chromium lifts its offline mode from the page and the worker one after the other.
BACK = 15_000


@pytest.fixture
def camp():
    camp = make_camp(name="Barcamp Offline", slug="offline-camp")
    open_voting(camp)
    return camp


def until(check, timeout=10):
    """Wait until check() is true (the worker keeps its copies after it answered the page)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout} s: {check.__doc__ or check}")
        time.sleep(0.1)


def controlled(page):
    # Polled from here: wait_for_function evaluates a string, which the page's CSP forbids.
    until(lambda: page.evaluate("navigator.serviceWorker.controller !== null"))


def kept(page):
    """The addresses (path and query) of the pages the worker kept."""
    return page.evaluate(
        """async () => {
            if (!(await caches.has("barcamp-pages"))) return [];
            const keys = await (await caches.open("barcamp-pages")).keys();
            return keys.map((request) => { const url = new URL(request.url); return url.pathname + url.search; });
        }"""
    )


def visit_and_keep(page, base, *paths):
    for path in paths:
        page.goto(base + path)
        controlled(page)
    until(lambda: set(paths) <= set(kept(page)))


def queue(page):
    return page.evaluate("JSON.parse(localStorage.getItem('barcamp-offline-queue') || '[]')")


def test_a_phone_that_opened_the_plan_and_two_sessions_shows_them_offline(
    open_as, live_server, camp
):
    room = make_room(camp, name="Großer Saal")
    first = make_placed_session(camp, room=room, title="Offline first")
    second = make_session(camp=camp, title="Second thoughts")
    never_opened = make_session(camp=camp, title="Never opened")
    teilgeber = make_participant(camp=camp)
    phone = open_as(teilgeber.user, PHONE)
    plan, one, two = (
        f"/{camp.slug}/plan/",
        f"/{camp.slug}/sessions/{first.pk}/",
        f"/{camp.slug}/sessions/{second.pk}/",
    )
    visit_and_keep(phone, live_server.url, plan, one, two)

    phone.context.set_offline(True)

    banner = phone.locator(".offline-banner")
    phone.goto(live_server.url + plan)
    expect(banner).to_have_text(AS_OF)
    expect(phone.locator("#plan-live")).to_contain_text("Offline first")
    expect(phone.locator("#plan-live")).to_contain_text("Großer Saal")
    phone.goto(live_server.url + one)
    expect(banner).to_have_text(AS_OF)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Offline first")
    phone.get_by_role("link", name="All sessions").click()  # not opened: the offline page
    expect(phone.get_by_role("heading", level=1)).to_have_text("You are offline")
    phone.goto(live_server.url + two)
    expect(banner).to_have_text(AS_OF)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Second thoughts")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path="test-results/offline-session-phone.png")
    phone.goto(f"{live_server.url}/{camp.slug}/sessions/{never_opened.pk}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("You are offline")

    phone.context.set_offline(False)

    # The banner goes, and the page loads itself from the server: the real session now.
    expect(phone.get_by_role("heading", level=1)).to_have_text("Never opened", timeout=BACK)
    expect(banner).to_have_count(0)


def test_online_every_page_comes_from_the_server_first(open_as, live_server, camp):
    session = make_session(camp=camp, title="Old title")
    phone = open_as(make_participant(camp=camp).user, PHONE)
    path = f"/{camp.slug}/sessions/{session.pk}/"
    visit_and_keep(phone, live_server.url, path)

    session.title = "New title"
    session.save()
    phone.goto(f"{live_server.url}/{camp.slug}/")
    phone.goto(live_server.url + path)

    expect(phone.get_by_role("heading", level=1)).to_have_text("New title")
    expect(phone.locator(".offline-banner")).to_have_count(0)
    # The copy follows what the server said last.
    copy = """async (path) => (await (await caches.open("barcamp-pages")).match(path)).text()"""
    until(lambda: "New title" in phone.evaluate(copy, path))
    phone.context.set_offline(True)
    phone.goto(live_server.url + path)
    expect(phone.get_by_role("heading", level=1)).to_have_text("New title")


def test_the_banner_speaks_german_and_goes_when_the_network_is_back(open_as, live_server, camp):
    camp.time_zone = "Asia/Tokyo"  # the banner's clock is the camp's, as the plan's
    camp.save()
    session = make_session(camp=camp, title="Auf Deutsch")
    phone = open_as(make_participant(camp=camp).user, PHONE, language="de")
    path = f"/{camp.slug}/sessions/{session.pk}/"
    visit_and_keep(phone, live_server.url, path)
    phone.context.set_offline(True)
    phone.goto(live_server.url + path)
    banner = phone.locator(".offline-banner")
    tokyo = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Tokyo"))
    times = {f"{(tokyo - datetime.timedelta(minutes=m)):%H:%M}" for m in range(2)}
    expect(banner).to_have_text(re.compile(f"^offline – Stand ({'|'.join(times)})$"))
    served_at = phone.evaluate("performance.timeOrigin")

    phone.context.set_offline(False)

    expect(banner).to_have_count(0, timeout=BACK)  # a new page: it reloaded itself
    assert phone.evaluate("performance.timeOrigin") > served_at


def test_a_vote_tapped_twice_offline_is_sent_once_and_counted_once(open_as, live_server, camp):
    session = make_session(camp=camp, title="Count me once")
    teilgeber = make_participant(camp=camp)
    phone = open_as(teilgeber.user, PHONE)
    path = f"/{camp.slug}/sessions/{session.pk}/"
    visit_and_keep(phone, live_server.url, path)
    answered = []  # votes that reached the server (offline ones fail on the phone)
    phone.context.on(
        "response",
        lambda response: response.request.method == "POST" and answered.append(response.url),
    )
    phone.context.set_offline(True)
    button = phone.get_by_role("button", name="I want to go")

    button.click()
    expect(phone.locator(".vote .offline-pending")).to_have_text(PENDING)
    button.click()

    expect(phone.locator(".vote .offline-pending")).to_have_count(1)
    assert [entry["fields"][0] for entry in queue(phone)] == [["want", "1"]]
    phone.screenshot(path="test-results/offline-vote-phone.png")
    phone.reload()  # the kept page shows what waits, too
    expect(phone.locator(".vote .offline-pending")).to_have_text(PENDING)
    assert Vote.objects.filter(session=session).count() == 0

    phone.context.set_offline(False)

    expect(phone.get_by_role("button", name="I want to go")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(phone.locator(".offline-pending")).to_have_count(0)
    assert list(Vote.objects.filter(session=session).values_list("participant", flat=True)) == [
        teilgeber.pk
    ]
    assert queue(phone) == []
    assert answered == [f"{live_server.url}/{camp.slug}/sessions/{session.pk}/vote/"]


def test_a_vote_kept_from_an_earlier_visit_is_sent_by_the_next_page_opened(
    open_as, live_server, camp
):
    session = make_session(camp=camp, title="Later")
    teilgeber = make_participant(camp=camp)
    phone = open_as(teilgeber.user, PHONE)
    path = f"/{camp.slug}/sessions/{session.pk}/"
    visit_and_keep(phone, live_server.url, path)
    phone.context.set_offline(True)
    phone.get_by_role("button", name="I want to go").click()
    expect(phone.locator(".offline-pending")).to_have_count(1)
    context = phone.context
    phone.close()  # the phone goes back into the pocket

    context.set_offline(False)
    later = context.new_page()
    later.goto(f"{live_server.url}/{camp.slug}/sessions/")

    card = later.locator(".session-card", has_text="Later")
    expect(card.get_by_role("button")).to_have_attribute("aria-pressed", "true", timeout=BACK)
    assert list(Vote.objects.values_list("participant", flat=True)) == [teilgeber.pk]


def test_a_vote_taken_back_offline_sends_only_the_last_wish(open_as, live_server, camp):
    voted, other = make_session(camp=camp, title="Was wanted"), make_session(camp=camp, title="New")
    teilgeber = make_participant(camp=camp)
    services.set_vote(session=voted, participant=teilgeber, want=True)
    phone = open_as(teilgeber.user, PHONE)
    visit_and_keep(phone, live_server.url, f"/{camp.slug}/sessions/")
    posts = []
    phone.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    phone.context.set_offline(True)

    phone.locator(".session-card", has_text="Was wanted").get_by_role("button").click()
    phone.locator(".session-card", has_text="New").get_by_role("button").click()

    assert [(entry["label"], entry["fields"][0]) for entry in queue(phone)] == [
        ("Was wanted", ["want", "0"]),
        ("New", ["want", "1"]),
    ]
    posts.clear()
    phone.context.set_offline(False)
    expect(phone.locator(".offline-pending")).to_have_count(0, timeout=BACK)

    assert list(Vote.objects.values_list("session__title", flat=True)) == ["New"]
    assert [urlsplit(url).path for url in posts] == [
        f"/{camp.slug}/sessions/{voted.pk}/vote/",
        f"/{camp.slug}/sessions/{other.pk}/vote/",
    ]


def test_a_vote_tapped_offline_meets_a_clear_refusal_when_voting_closed_meanwhile(
    open_as, live_server, camp
):
    session = make_session(camp=camp, title="Too late")
    phone = open_as(make_participant(camp=camp).user, PHONE)
    path = f"/{camp.slug}/sessions/{session.pk}/"
    visit_and_keep(phone, live_server.url, path)
    phone.context.set_offline(True)
    phone.get_by_role("button", name="I want to go").click()
    expect(phone.locator(".offline-pending")).to_have_text(PENDING)

    services.set_voting_state(camp=camp, date=camp.start_date, state=VotingDay.State.CLOSED)
    phone.context.set_offline(False)

    refusal = phone.get_by_role("alert")
    expect(refusal).to_have_text(
        "Your vote for “Too late” was sent when you were back online and not counted:"
        " Voting for this day is not open.",
        timeout=BACK,
    )
    expect(phone.locator(".vote")).to_contain_text("Voting is not open.")
    assert Vote.objects.count() == 0
    assert queue(phone) == []
    phone.screenshot(path="test-results/offline-refused-phone.png")


def test_a_wall_post_written_offline_is_posted_once_when_back(open_as, live_server, camp):
    teilgeber = make_participant(camp=camp)
    phone = open_as(teilgeber.user, PHONE)
    visit_and_keep(phone, live_server.url, f"/{camp.slug}/wall/")
    phone.context.set_offline(True)
    text = phone.get_by_role("textbox")

    text.fill("Wer fährt nach Köln?")
    phone.get_by_role("button", name="Post").click()
    expect(phone.locator(".compose + .offline-pending")).to_have_text(
        f"„Wer fährt nach Köln?“ – {PENDING}"
    )
    expect(text).to_have_value("")
    text.fill("Kaffee im Foyer")
    phone.get_by_role("button", name="Post").click()

    nonces = [dict(entry["fields"])["nonce"] for entry in queue(phone)]
    assert len(set(nonces)) == 2
    phone.context.set_offline(False)
    expect(phone.locator(".offline-pending")).to_have_count(0, timeout=BACK)

    assert sorted(WallPost.objects.values_list("text", flat=True)) == [
        "Kaffee im Foyer",
        "Wer fährt nach Köln?",
    ]
    expect(phone.locator(".wall-posts")).to_contain_text("Kaffee im Foyer")


def test_notes_saved_offline_end_on_the_servers_conflict_page(open_as, live_server, camp):
    session = make_placed_session(camp, title="Notes offline")
    make_notes(session, "Intro\n\nResult: open")
    anna = make_participant(camp=camp, display_name="Anna")
    phone = open_as(anna.user, PHONE)
    editor = f"/{camp.slug}/sessions/{session.pk}/notes/?edit=1"
    visit_and_keep(phone, live_server.url, editor)
    phone.context.set_offline(True)
    phone.goto(live_server.url + editor)  # the kept editor

    phone.get_by_role("textbox", name="Notes").fill("Intro\n\nResult: no")
    phone.get_by_role("button", name="Save").click()

    expect(phone.locator(".notes-form .offline-pending")).to_have_text(PENDING)
    phone.reload()  # what waits is what the editor shows
    expect(phone.get_by_role("textbox", name="Notes")).to_have_value("Intro\n\nResult: no")
    make_notes(session, "Intro\n\nResult: yes")  # someone with a network saved meanwhile
    phone.context.set_offline(False)

    expect(phone.locator(".notes-conflict")).to_contain_text("changed the same lines", timeout=BACK)
    expect(phone.locator(".conflict-mine")).to_have_text("Result: no")
    expect(phone.locator(".conflict-theirs")).to_have_text("Result: yes")
    assert SessionNotes.objects.get(session=session).text == "Intro\n\nResult: yes"
    assert queue(phone) == []


def test_notes_saved_offline_are_saved_when_back(open_as, live_server, camp):
    session = make_placed_session(camp, title="Notes merged")
    make_notes(session, "Intro\n\nResult: open")
    phone = open_as(make_participant(camp=camp).user, PHONE)
    editor = f"/{camp.slug}/sessions/{session.pk}/notes/?edit=1"
    visit_and_keep(phone, live_server.url, editor)
    phone.context.set_offline(True)
    phone.get_by_role("textbox", name="Notes").fill("Intro\n\nResult: open\n\nNext: in May")
    phone.get_by_role("button", name="Save").click()
    expect(phone.locator(".notes-form .offline-pending")).to_have_text(PENDING)
    make_notes(session, "Intro, longer\n\nResult: open")

    phone.context.set_offline(False)

    expect(phone.locator(".messages")).to_contain_text(
        "your changes are merged with theirs", timeout=BACK
    )
    assert SessionNotes.objects.get(session=session).text == (
        "Intro, longer\n\nResult: open\n\nNext: in May"
    )


def test_live_pages_say_since_when_they_have_not_heard_from_the_server(open_as, live_server, camp):
    room = make_room(camp)
    make_placed_session(camp, room=room, title="Live and well")
    phone = open_as(make_participant(camp=camp).user, PHONE)
    phone.goto(f"{live_server.url}/{camp.slug}/pitch/")
    projector = open_as(None, PROJECTOR)
    projector.goto(f"{live_server.url}/{camp.slug}/projector/")
    sign = open_as(None, PROJECTOR)
    sign.goto(f"{live_server.url}/{camp.slug}/rooms/{room.pk}/sign/")

    for page in (phone, projector, sign):
        page.context.set_offline(True)

    since = re.compile(r"^no connection since \d\d:\d\d$")
    for page in (phone, projector, sign):
        expect(page.locator(".offline-banner")).to_have_text(since, timeout=BACK)
    expect(sign.locator(".sign-room")).to_be_visible()  # the last picture stays
    expect(projector.locator("#projector-stage")).to_be_visible()
    projector.screenshot(path="test-results/offline-projector.png")

    for page in (phone, projector, sign):
        page.context.set_offline(False)
    for page in (phone, projector, sign):
        expect(page.locator(".offline-banner")).to_be_hidden(timeout=BACK)


def test_logging_out_leaves_nothing_of_the_person_on_the_phone(open_as, live_server, camp):
    session = make_placed_session(camp, title="Private agenda")
    teilgeber = make_participant(camp=camp)
    services.set_vote(session=session, participant=teilgeber, want=True)
    phone = open_as(teilgeber.user, PHONE)
    visit_and_keep(phone, live_server.url, f"/{camp.slug}/plan/", f"/{camp.slug}/ticket/")
    phone.evaluate("localStorage.setItem('barcamp-offline-queue', '[{\"kind\": \"vote\"}]')")

    phone.get_by_role("button", name="Log out").click()

    expect(phone.get_by_role("link", name="Log in")).to_be_visible()
    controlled(phone)  # a new worker, for whoever comes next
    assert kept(phone) == []
    assert queue(phone) == []
    phone.context.set_offline(True)
    phone.goto(f"{live_server.url}/{camp.slug}/plan/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("You are offline")
    expect(phone.locator("body")).not_to_contain_text("Private agenda")
    phone.goto(f"{live_server.url}/{camp.slug}/ticket/")
    expect(phone.locator("body")).not_to_contain_text(teilgeber.display_name)


def test_the_app_is_installable_and_its_worker_controls_the_camp(
    browser_type, browser_type_launch_args, live_server, camp, tmp_path
):
    # A real profile: Chromium installs nothing from an incognito one, which new_context() is.
    context = browser_type.launch_persistent_context(
        tmp_path / "profile", **browser_type_launch_args, viewport=PHONE
    )
    phone = context.new_page()
    phone.goto(f"{live_server.url}/{camp.slug}/plan/")
    controlled(phone)
    cdp = context.new_cdp_session(phone)

    # Chromium's own check, the one Lighthouse's installability audit read.
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    manifest = cdp.send("Page.getAppManifest")
    worker = phone.evaluate(
        "navigator.serviceWorker.ready.then((r) => [r.scope, r.active.scriptURL])"
    )

    context.close()
    assert worker == [f"{live_server.url}/", f"{live_server.url}/sw.js"]
    assert errors == []
    assert manifest["url"] == f"{live_server.url}/{camp.slug}/manifest.webmanifest"
    assert manifest["errors"] == []
    parsed = json.loads(manifest["data"])
    assert parsed["start_url"] == f"/{camp.slug}/"
    assert parsed["scope"] == "/"
    assert parsed["display"] == "standalone"
    assert {(icon["sizes"], icon["purpose"]) for icon in parsed["icons"]} == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }


def test_nothing_leaves_our_origin_and_the_csp_blocks_nothing(open_as, live_server, camp):
    session = make_placed_session(camp, title="Same origin")
    phone = open_as(make_participant(camp=camp).user, PHONE)
    hosts, violations = set(), []
    # The context sees the worker's requests too, not only the page's.
    phone.context.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    phone.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )
    path = f"/{camp.slug}/sessions/{session.pk}/"
    visit_and_keep(phone, live_server.url, f"/{camp.slug}/", f"/{camp.slug}/plan/", path)
    phone.context.set_offline(True)
    phone.goto(live_server.url + path)
    phone.get_by_role("button", name="I want to go").click()
    expect(phone.locator(".offline-pending")).to_have_count(1)
    phone.context.set_offline(False)
    expect(phone.locator(".offline-pending")).to_have_count(0, timeout=BACK)

    assert hosts == {urlsplit(live_server.url).netloc}
    assert violations == []


def test_axe_finds_nothing_on_a_kept_page_with_its_banner_and_a_waiting_vote(
    open_as, live_server, camp
):
    session = make_session(camp=camp, title="Accessible offline")
    phone = open_as(make_participant(camp=camp).user, PHONE)
    path = f"/{camp.slug}/sessions/{session.pk}/"
    visit_and_keep(phone, live_server.url, path)
    phone.context.set_offline(True)
    phone.goto(live_server.url + path)
    phone.get_by_role("button", name="I want to go").click()
    expect(phone.locator(".offline-pending")).to_have_count(1)

    results = Axe().run(phone)

    assert results.violations_count == 0, results.generate_report()

"""
Takes the README's screenshots from a running demo (`make run` in another terminal).

    DEBUG=true .venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000] [--only docs-]

Logs in as the demo organizer and a demo Teilgeber by creating sessions in the demo's
database, starts the demo camp's pitch, and writes PNGs to docs/screenshots/.
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "barcamp.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from events import notifications  # noqa: E402
from events.login_sessions.db import SessionStore  # noqa: E402
from events.models import Camp, Notification  # noqa: E402
from sessions import services as session_services  # noqa: E402
from sessions.models import SessionNotes  # noqa: E402
from voting.management.commands.load_demo import ARCHIVE_SLUG, DEMO_SLUG, ONLINE_SLUG  # noqa: E402
from voting.plenum import services  # noqa: E402

CONFLICT_BASE = (
    "1. Tastatur: geht alles ohne Maus?\n2. Kontraste prüfen\n3. Bilder mit Alternativtext"
)

OUT = ROOT / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1366, "height": 900}


def session_cookie(username):
    user = get_user_model().objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument(
        "--only", default="", help="comma-separated beginnings of the names to take, e.g. docs-"
    )
    args = parser.parse_args()
    base = args.base.rstrip("/")
    camp = Camp.objects.get(slug=DEMO_SLUG)
    services.start_pitch(camp=camp, date=camp.start_date)
    prepare_journey(camp)
    # Playwright runs an event loop in this thread, so the sessions are made beforehand.
    sessions = {
        username: session_cookie(username)
        for username in ("demo1", "demo2", "demo3", "orga", NEWCOMER, WAITING)
    }
    only = tuple(filter(None, args.only.split(",")))
    first_room = camp.rooms.first()
    archive = Camp.objects.get(slug=ARCHIVE_SLUG)
    documented = archive.sessions.filter(notes__revision__gt=1).order_by("pk").first()
    conflicted = archive.sessions.get(title__startswith="Barrierefreiheit")
    # The conflict is staged afresh each time: both editors begin from this text.
    conflict_host = conflicted.hosts.get().participant
    session_services.save_notes(
        session=conflicted,
        user=conflict_host.user,
        participant=conflict_host,
        text=CONFLICT_BASE,
        base_revision=SessionNotes.objects.get(session=conflicted).revision,
    )
    first_session = camp.sessions.filter(feedback__isnull=False).order_by("pk").first().pk
    # A session demo1 does not want yet, voted for offline in the offline shot.
    voted_for = (
        camp.sessions.visible()
        .exclude(votes__participant__user__username="demo1")
        .exclude(hosts__participant__user__username="demo1")
        .order_by("pk")
        .first()
    )
    wish = camp.series.wishes.order_by("pk").first() if camp.series else None
    online = Camp.objects.get(slug=ONLINE_SLUG)
    online_session = online.sessions.filter(placement__slot__isnull=False).order_by("pk").first()
    unsubscribe = notifications.unsubscribe_url(
        get_user_model().objects.get(username="demo2"), Notification.REMINDER
    ).split("/account/", 1)[1]

    def projector_shows(what):
        """The organizer switches the projector on the board: through the server, whose own
        cache (local memory under `make run`) then learns of it, as it does in the room."""
        context = browser.new_context(viewport=LAPTOP)
        context.add_cookies(
            [
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "domain": host, "path": "/"},
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": sessions["orga"],
                    "domain": host,
                    "path": "/",
                },
            ]
        )
        page = context.new_page()
        page.goto(f"{base}/{DEMO_SLUG}/board/")
        with page.expect_response(lambda response: response.request.method == "POST"):
            page.get_by_role("button", name=what, exact=True).click()
        context.close()

    OUT.mkdir(parents=True, exist_ok=True)
    host = base.split("//", 1)[1].split(":")[0]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
            ],
        )
        projector_shows("the pitch")  # started above; the server may have kept it stopped

        def badge_png(browser, path):
            """The first badge sheet as PNG (needs pdftoppm from poppler-utils)."""
            if shutil.which("pdftoppm") is None:
                # The other screenshots are still worth taking.
                print("skipped door-badges.png: needs pdftoppm (apt-get install poppler-utils)")
                return
            context = browser.new_context()
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": sessions["orga"],
                        "domain": host,
                        "path": "/",
                    }
                ]
            )
            pdf = OUT / "door-badges.pdf"
            pdf.write_bytes(context.request.get(base + path).body())
            context.close()
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "110",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    pdf,
                    OUT / "door-badges",
                ],
                check=True,
            )
            pdf.unlink()
            print(f"wrote {OUT / 'door-badges'}.png")

        def shoot(name, path, viewport, user=None, full_page=False):
            if only and not name.startswith(only):
                return
            context = browser.new_context(viewport=viewport, device_scale_factor=1)
            cookies = [
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": "de", "domain": host, "path": "/"}
            ]
            if user:
                cookies.append(
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": sessions[user],
                        "domain": host,
                        "path": "/",
                    }
                )
            context.add_cookies(cookies)
            page = context.new_page()
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=OUT / f"{name}.png", full_page=full_page)
            context.close()
            print(f"wrote {OUT / name}.png")

        if not only or any("journey-".startswith(p) or p.startswith("journey-") for p in only):
            shoot_journey(browser, base, host, sessions)
        shoot("journey-waitlist-pitch-phone", f"/{DEMO_SLUG}/pitch/", PHONE, user=WAITING)
        shoot("camp-phone", f"/{DEMO_SLUG}/", PHONE, user="demo1", full_page=True)
        shoot("sessions-phone", f"/{DEMO_SLUG}/sessions/", PHONE, user="demo2")
        shoot("pitch-phone", f"/{DEMO_SLUG}/pitch/", PHONE, user="demo3")
        shoot("projector", f"/{DEMO_SLUG}/projector/", PROJECTOR)
        shoot("manage-phone", f"/{DEMO_SLUG}/pitch/manage/", PHONE, user="orga", full_page=True)
        shoot("admin-camp", f"/admin/events/camp/{camp.pk}/change/", LAPTOP, user="orga")
        shoot("orga-camp", f"/{DEMO_SLUG}/", LAPTOP, user="orga")
        projector_shows("the grid")
        shoot("projector-grid", f"/{DEMO_SLUG}/projector/", PROJECTOR)
        shoot("plan-phone", f"/{DEMO_SLUG}/plan/", PHONE, user="demo1", full_page=True)
        shoot("board", f"/{DEMO_SLUG}/board/", LAPTOP, user="orga")
        shoot("network-directory-phone", f"/{DEMO_SLUG}/people/?tag=ux", PHONE, user="demo1")
        shoot("network-interests-phone", f"/{DEMO_SLUG}/people/interests/", PHONE, user="demo1")
        shoot("network-wall-phone", f"/{DEMO_SLUG}/wall/", PHONE, user="demo2")
        shoot("network-projector", f"/{DEMO_SLUG}/projector/", PROJECTOR)
        shoot(
            "docs-notes-phone",
            f"/{ARCHIVE_SLUG}/sessions/{documented.pk}/notes/",
            PHONE,
            user="demo3",
            full_page=True,
        )
        if not only or "docs-conflict-phone".startswith(only):
            shoot_conflict(
                browser, base, host, sessions, f"/{ARCHIVE_SLUG}/sessions/{conflicted.pk}/notes/"
            )
        shoot("docs-documentation", f"/{ARCHIVE_SLUG}/documentation/", LAPTOP, full_page=True)
        shoot(
            "room-sign", f"/{DEMO_SLUG}/rooms/{first_room.pk}/sign/", {"width": 1280, "height": 800}
        )
        shoot("door-checkin-phone", f"/{DEMO_SLUG}/door/?q=a", PHONE, user="orga")
        shoot("door-ticket-phone", f"/{DEMO_SLUG}/ticket/", PHONE, user="demo1")
        shoot(
            "door-feedback-phone",
            f"/{DEMO_SLUG}/sessions/{first_session}/feedback/",
            PHONE,
            user="demo3",
        )
        shoot(
            "door-feedback-results",
            f"/{DEMO_SLUG}/feedback/results/",
            LAPTOP,
            user="orga",
            full_page=True,
        )
        badge_png(browser, f"/{DEMO_SLUG}/door/badges.pdf")
        if camp.series:
            series = camp.series.slug
            shoot(
                "series-wishes-phone",
                f"/series/{series}/wishes/",
                PHONE,
                user="demo1",
                full_page=True,
            )
            shoot(
                "series-take-up-phone",
                f"/{DEMO_SLUG}/sessions/new/?wish={wish.pk}",
                PHONE,
                user="demo2",
            )
            shoot(
                "series-next-camp",
                f"/admin/events/series/{camp.series.pk}/next-camp/",
                LAPTOP,
                user="orga",
            )
        shoot(
            "series-sessions-wishes-phone",
            f"/{DEMO_SLUG}/sessions/",
            PHONE,
            user="demo2",
            full_page=True,
        )
        shoot(
            "series-notifications-phone",
            "/account/notifications/",
            PHONE,
            user="demo2",
            full_page=True,
        )
        shoot("series-unsubscribe-phone", f"/account/{unsubscribe}", PHONE)
        shoot("online-plan-phone", f"/{ONLINE_SLUG}/plan/", PHONE, user="demo1")
        shoot("online-session-phone", online_session.get_absolute_url(), PHONE, user="demo2")
        if not only or "offline-phone".startswith(only):
            shoot_offline(browser, base, host, sessions["demo1"], voted_for)
        browser.close()


def shoot_offline(browser, base, host, session_key, session):
    """A phone that opened the plan and a session loses the network and votes: the kept page with
    its offline banner and the vote that waits. Back online, the vote is sent."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    context.add_cookies(
        [
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "de", "domain": host, "path": "/"},
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session_key,
                "domain": host,
                "path": "/",
            },
        ]
    )
    page = context.new_page()
    kept = f"{base}{session.get_absolute_url()}"
    for url in (f"{base}/{DEMO_SLUG}/plan/", kept):
        page.goto(url)
        page.wait_for_function("() => navigator.serviceWorker.controller")
    page.wait_for_timeout(1000)  # the worker keeps its copy after the page arrived
    context.set_offline(True)
    page.goto(kept)
    page.locator(".vote [type=submit]").click()
    page.locator(".offline-pending").wait_for()
    page.screenshot(path=OUT / "offline-phone.png")
    print(f"wrote {OUT / 'offline-phone'}.png")
    context.set_offline(False)
    page.locator(".offline-pending").wait_for(state="detached", timeout=20_000)
    context.close()


# The newcomer's journey: an account without a name, not yet in the demo camp (made afresh on
# every run), and somebody on its waitlist during the pitch.
NEWCOMER = "journey-newcomer"
WAITING = "journey-waiting"
# Typed into the e-mail box: an account for it is opened by the first run, known after that.
BOX_ADDRESS = "kim@example.org"


def prepare_journey(camp):
    from allauth.account.models import EmailAddress

    from events.models import Participant

    user_model = get_user_model()
    newcomer, _ = user_model.objects.get_or_create(
        username=NEWCOMER, defaults={"email": "neu@example.org"}
    )
    newcomer.first_name = ""
    newcomer.set_unusable_password()
    newcomer.save()
    Participant.objects.filter(user=newcomer).delete()
    waiting, _ = user_model.objects.get_or_create(
        username=WAITING, defaults={"email": "warteliste@example.org", "first_name": "Wanda"}
    )
    for user in (newcomer, waiting):
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    Participant.objects.update_or_create(
        camp=camp,
        user=waiting,
        defaults={"status": Participant.Status.WAITLISTED, "display_name": "Wanda"},
    )


def shoot_journey(browser, base, host, sessions):
    """From the camp's link to "I'm in": join, the e-mail box, the code, the name, in."""

    def new_page(user=None):
        context = browser.new_context(viewport=PHONE, device_scale_factor=1)
        cookies = [
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "de", "domain": host, "path": "/"}
        ]
        if user:
            cookies.append(
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": sessions[user],
                    "domain": host,
                    "path": "/",
                }
            )
        context.add_cookies(cookies)
        return context.new_page()

    def shot(page, name):
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / f"{name}.png")
        print(f"wrote {OUT / name}.png")

    page = new_page()
    page.goto(f"{base}/{DEMO_SLUG}/")
    shot(page, "journey-1-join-phone")
    page.locator("#registration button").click()
    page.locator("input[name=email]").fill(BOX_ADDRESS)
    shot(page, "journey-2-address-phone")
    page.locator("input[name=email]").press("Enter")
    shot(page, "journey-3-code-phone")
    page.context.close()

    # The code arrives by mail (the server's console here); the newcomer is back from it.
    page = new_page(NEWCOMER)
    page.goto(f"{base}/{DEMO_SLUG}/")
    page.locator("input[name=display_name]").fill("Kim")
    page.locator("#registration").scroll_into_view_if_needed()
    shot(page, "journey-4-name-phone")
    page.locator("#registration button[type=submit]").click()
    page.get_by_text("Wir sehen uns beim Camp!").wait_for()
    shot(page, "journey-5-in-phone")
    page.context.close()


def shoot_conflict(browser, base, host, sessions, path):
    """Two Teilgeber edit the same line at once; the second sees the conflict page."""
    pages = []
    for user in ("demo2", "demo3"):
        context = browser.new_context(viewport=PHONE, device_scale_factor=1)
        context.add_cookies(
            [
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": "de", "domain": host, "path": "/"},
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": sessions[user],
                    "domain": host,
                    "path": "/",
                },
            ]
        )
        page = context.new_page()
        page.goto(f"{base}{path}?edit=1")
        pages.append(page)
    changes = ("Kontraste prüfen (Tool: WebAIM)", "Kontraste im Hellen prüfen")
    for page, change in zip(pages, changes, strict=True):
        page.locator("textarea[name=text]").fill(CONFLICT_BASE.replace("Kontraste prüfen", change))
        page.locator("button[value=save]").click()
        page.wait_for_load_state("networkidle")
    pages[1].screenshot(path=OUT / "docs-conflict-phone.png", full_page=True)
    print(f"wrote {OUT / 'docs-conflict-phone'}.png")
    for page in pages:
        page.context.close()


if __name__ == "__main__":
    main()

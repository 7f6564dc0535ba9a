"""
Takes the README's screenshots from a running demo (`make run` in another terminal).

    DEBUG=true .venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000]

Logs in as the demo organizer and a demo Teilgeber by creating sessions in the demo's
database, starts the demo camp's pitch, and writes PNGs to docs/screenshots/.
"""

import argparse
import os
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "barcamp.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from events import notifications  # noqa: E402
from events.models import Camp, Notification  # noqa: E402
from voting import services  # noqa: E402
from voting.management.commands.load_demo import DEMO_SLUG  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1366, "height": 900}


def session_cookie(username):
    user = get_user_model().objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    base = parser.parse_args().base.rstrip("/")
    camp = Camp.objects.get(slug=DEMO_SLUG)
    services.start_pitch(camp=camp, date=camp.start_date)
    # Playwright runs an event loop in this thread, so the sessions are made beforehand.
    sessions = {
        username: session_cookie(username) for username in ("demo1", "demo2", "demo3", "orga")
    }
    first_room = camp.rooms.first()
    wish = camp.series.wishes.order_by("pk").first() if camp.series else None
    unsubscribe = notifications.unsubscribe_url(
        get_user_model().objects.get(username="demo2"), Notification.REMINDER
    ).split("/account/", 1)[1]

    def stop_pitch():
        # Django refuses database work inside Playwright's event loop; a worker thread may.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(services.stop_pitch, camp=camp).result()

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

        def shoot(name, path, viewport, user=None, full_page=False):
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

        shoot("camp-phone", f"/{DEMO_SLUG}/", PHONE, user="demo1", full_page=True)
        shoot("sessions-phone", f"/{DEMO_SLUG}/sessions/", PHONE, user="demo2")
        shoot("pitch-phone", f"/{DEMO_SLUG}/pitch/", PHONE, user="demo3")
        shoot("projector", f"/{DEMO_SLUG}/projector/", PROJECTOR)
        shoot("manage-phone", f"/{DEMO_SLUG}/pitch/manage/", PHONE, user="orga", full_page=True)
        shoot("admin-camp", f"/admin/events/camp/{camp.pk}/change/", LAPTOP, user="orga")
        stop_pitch()
        shoot("projector-grid", f"/{DEMO_SLUG}/projector/", PROJECTOR)
        shoot("plan-phone", f"/{DEMO_SLUG}/plan/", PHONE, user="demo1", full_page=True)
        shoot("board", f"/{DEMO_SLUG}/board/", LAPTOP, user="orga")
        shoot(
            "room-sign", f"/{DEMO_SLUG}/rooms/{first_room.pk}/sign/", {"width": 1280, "height": 800}
        )
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
        browser.close()


if __name__ == "__main__":
    main()

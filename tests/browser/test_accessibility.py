"""axe-core finds nothing on any page, on a phone and on the projector.

The pages come from the URL conf (tests/urlconf.py): every route of ours that answers HTML, as
the organizer where they see it, else as a Teilgeber, else as a visitor (and the pages with a
Teilgeber's own controls as a Teilgeber too); the pitch page and the projector once more while
a pitch runs. Django's admin is left out (its templates
are Django's). One browser context and one page walk them all."""

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

from tests.browser.conftest import PHONE, PROJECTOR
from tests.http import session_cookie_for
from tests.urlconf import build_world, covered_routes, url_of
from voting.plenum import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ("organizer", "teilgeber", "anonymous")
# Every rule axe-core has (WCAG A and AA, and its best practices); violations only.
AXE_RUN = "axe.run({resultTypes: ['violations']})"


# Pages where a Teilgeber sees controls an organizer does not (votes, the own agenda, joining):
# checked for both; every other page for the first role in ROLES that sees it.
TEILGEBER_TOO = {
    "events:camp",
    "voting:session-list",
    "voting:session-detail",
    "voting:pitch",
    "voting:plan",
    "sessions:wishes",
}


def html_pages(world):
    """{role: [(route name, path)]} of the routes that answer HTML, each with who checks it."""
    clients = {}
    for role, user in world["users"].items():
        clients[role] = Client()
        if user is not None:
            clients[role].force_login(user)
    pages = {role: [] for role in ROLES}
    for name in covered_routes():
        if name.startswith("admin:"):
            continue
        path = url_of(world, name)
        seen_by = [
            role
            for role in ROLES
            if (response := clients[role].get(path)).status_code == 200
            and response["Content-Type"].startswith("text/html")
        ]
        for role in seen_by:
            if role == seen_by[0] or (role == "teilgeber" and name in TEILGEBER_TOO):
                pages[role].append((name, path))
    return pages


def test_no_page_has_an_axe_violation_on_a_phone_or_the_projector(
    browser, live_server, settings_override
):
    world = build_world(settings_override)
    pages = html_pages(world)
    camp = world["camp"]
    context = browser.new_context(locale="de-DE")
    # axe-core in every document the page opens, so each check only runs it.
    context.add_init_script(script=Axe().axe_script)
    page = context.new_page()
    host = urlsplit(live_server.url).hostname
    violations, checked = [], []

    def log_in(role):
        context.clear_cookies()
        if world["users"][role] is not None:
            cookie = session_cookie_for(world["users"][role])
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": cookie,
                        "domain": host,
                        "path": "/",
                    }
                ]
            )

    def check(role, name, path):
        page.set_viewport_size(PHONE)
        page.goto(live_server.url + path)
        for size, viewport in (("phone", PHONE), ("projector", PROJECTOR)):
            page.set_viewport_size(viewport)
            for violation in page.evaluate(AXE_RUN)["violations"]:
                targets = [node["target"] for node in violation["nodes"]][:3]
                violations.append((name, role, size, violation["id"], violation["impact"], targets))
        checked.append(name)

    for role in ROLES:
        log_in(role)
        for name, path in pages[role]:
            check(role, name, path)
    services.start_pitch(camp=camp, date=camp.start_date)
    check("anonymous", "voting:projector (a pitch runs)", url_of(world, "voting:projector"))
    log_in("teilgeber")
    check("teilgeber", "voting:pitch (a pitch runs)", url_of(world, "voting:pitch"))
    context.close()

    assert "\n".join(map(str, violations)) == ""
    assert {"voting:projector", "voting:pitch", "voting:documentation", "events:ticket"} <= set(
        checked
    )


@pytest.fixture
def settings_override(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path

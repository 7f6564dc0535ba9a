"""The camp's tab bar on a phone: every tab is readable, or the bar shows with a fade and an arrow
on that side that it scrolls; the current tab is always fully in view."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_camp, make_participant, make_placed_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The bar scrolls only by which tab is current: these are all its tabs' pages, and a page with
# none current.
PAGES = ["", "sessions/", "pitch/", "plan/", "people/", "wall/", "sessions/{session}/"]

MEASURE = """nav => {
    const box = nav.getBoundingClientRect();
    const hint = side => {
        const style = getComputedStyle(nav, side);
        const shown = style.visibility === "visible" && style.content.includes(side === "::before" ? "‹" : "›");
        return shown ? parseFloat(style.width) : 0;
    };
    return {
        width: nav.clientWidth,
        overflows: nav.scrollWidth > nav.clientWidth,
        before: hint("::before"),
        after: hint("::after"),
        tabs: Array.from(nav.querySelectorAll("a"), a => {
            const r = a.getBoundingClientRect();
            return {
                label: a.textContent.trim(),
                left: r.left - box.left,
                right: r.right - box.left,
                current: a.getAttribute("aria-current") === "page",
            };
        }),
    };
}"""


def check_tabs(bar, where, *, current_in_view=True):
    """Each tab whole in view, or cut on a side that shows its hint; the current one whole and
    not under a hint (as the page opens); no hint on a bar that does not scroll."""
    for tab in bar["tabs"]:
        whole = tab["left"] >= 0 and tab["right"] <= bar["width"]
        hinted = (tab["left"] < 0 and bar["before"]) or (
            tab["right"] > bar["width"] and bar["after"]
        )
        assert whole or hinted, f"{where}: “{tab['label']}” is cut and no hint says so: {bar}"
        if tab["current"] and current_in_view:
            assert bar["before"] <= tab["left"], f"{where}: the current tab is hidden: {bar}"
            assert tab["right"] <= bar["width"] - bar["after"], f"{where}: current hidden: {bar}"
    if not bar["overflows"]:
        assert (bar["before"], bar["after"]) == (0, 0), f"{where}: a hint on a bar that fits"


# 320 px too (the smallest phones in use): there the bar scrolls whatever the font.
@pytest.mark.parametrize("width", [320, 360, 390])
@pytest.mark.parametrize("language", ["de", "en"])
def test_every_tab_is_readable_or_the_bar_shows_that_it_scrolls(
    open_as, live_server, width, language
):
    camp = make_camp(name="Barcamp Köln")
    teilgeber = make_participant(camp=camp, display_name="Anna", is_public=True)
    session = make_placed_session(camp, title="Open Source im Marketing")
    page = open_as(teilgeber.user, {"width": width, "height": 740}, language=language)

    for path in PAGES:
        page.goto(f"{live_server.url}/{camp.slug}/{path.format(session=session.pk)}")
        nav = page.locator(".camp-nav")
        expect(nav).to_be_visible()

        check_tabs(nav.evaluate(MEASURE), f"/{path} at {width} px in {language}")


def test_swiping_the_bar_back_shows_the_first_tab_and_moves_the_hint(open_as, live_server):
    camp = make_camp(name="Barcamp Köln")
    teilgeber = make_participant(camp=camp, display_name="Anna")
    page = open_as(teilgeber.user, {"width": 320, "height": 640}, language="de")
    page.goto(f"{live_server.url}/{camp.slug}/wall/")
    nav = page.locator(".camp-nav")
    bar = nav.evaluate(MEASURE)
    if not bar["overflows"]:
        pytest.skip("this machine's font fits every German tab into 320 px")
    assert bar["before"] and not bar["after"]

    nav.evaluate("nav => { nav.scrollLeft = 0; }")

    expect(nav).to_have_class("camp-nav more-after")
    bar = nav.evaluate(MEASURE)
    assert (bool(bar["before"]), bool(bar["after"])) == (False, True)
    assert bar["tabs"][0]["label"] == "Camp" and bar["tabs"][0]["left"] >= 0
    check_tabs(bar, "the wall, swiped back", current_in_view=False)

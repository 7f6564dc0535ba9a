"""Networking in the browser: the directory on a phone, the wall from phone to projector, interests."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LAPTOP, PHONE, PROJECTOR
from tests.factories import make_camp, make_organizer, make_participant, make_session, make_vote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page, viewport):
    return page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_phone_filters_the_directory_by_a_tapped_hashtag_and_by_search(open_as, live_server):
    camp = make_camp(hashtag="bcks")
    make_participant(
        camp=camp, display_name="Anna Schmidt", hashtags=["python", "community"], is_public=True
    )
    make_participant(camp=camp, display_name="Ben Wolf", hashtags=["ux", "Python"], is_public=True)
    make_participant(
        camp=camp, display_name="Carla Meyer", hashtags=["ux"], bio="x" * 400, is_public=True
    )
    make_participant(camp=camp, display_name="Private Dana", hashtags=["ux"])
    phone = open_as(None, PHONE)
    phone.goto(f"{live_server.url}/{camp.slug}/people/")
    people = phone.locator("#people-results .person-name")
    expect(people).to_have_text(["Anna Schmidt", "Ben Wolf", "Carla Meyer"])

    phone.locator(".tag-cloud").get_by_role("link", name=re.compile("#ux")).click()

    expect(phone).to_have_url(re.compile(r"\?tag=ux$"))
    expect(people).to_have_text(["Ben Wolf", "Carla Meyer"])
    expect(phone.locator(".filter-state")).to_contain_text("2 Teilgeber with #ux")

    phone.get_by_role("link", name="#community").click()
    expect(people).to_have_text(["Anna Schmidt"])

    phone.get_by_role("searchbox").fill("#PY")  # live search, no button pressed
    expect(people).to_have_text(["Anna Schmidt", "Ben Wolf"])
    phone.get_by_role("searchbox").fill("carla")
    expect(people).to_have_text(["Carla Meyer"])
    assert no_sideways_scroll(phone, PHONE)


def test_phone_posts_on_the_wall_and_the_projector_shows_it_once_approved(open_as, live_server):
    camp = make_camp(hashtag="bcks")
    organizer = make_organizer(camp)
    anna = make_participant(camp=camp, display_name="Anna")
    projector = open_as(None, PROJECTOR)
    projector.goto(f"{live_server.url}/{camp.slug}/projector/")
    expect(projector.locator("#projector-wall")).to_contain_text("Post on the wall from your phone")
    phone = open_as(anna.user, PHONE)
    phone.goto(f"{live_server.url}/{camp.slug}/wall/")

    phone.get_by_label("Your post on #bcks").fill("Who shares a taxi from the station? #taxi")
    expect(phone.locator(".counter")).to_have_text("239")
    phone.get_by_role("button", name="Post", exact=True).click()

    expect(phone.locator("#wall-compose")).to_contain_text("once the organizers approve it")
    expect(phone.get_by_label("Your post on #bcks")).to_have_value("")
    mine = phone.locator(".wall-post").first
    expect(mine).to_contain_text("Who shares a taxi")
    expect(mine).to_contain_text("Waiting for the organizers’ approval — only you see it")
    expect(projector.locator("#projector-wall")).not_to_contain_text("taxi")

    orga = open_as(organizer, LAPTOP)
    orga.goto(f"{live_server.url}/{camp.slug}/wall/")
    orga.get_by_label("New announcement").fill("Lunch is served in the foyer")
    orga.get_by_role("button", name="Pin the announcement").click()
    expect(orga.locator("#wall-orga")).to_contain_text("The announcement is pinned")
    orga.get_by_role("button", name="Approve").click()
    expect(orga.locator("#wall-live")).to_contain_text("The post is on the wall.")

    panel = projector.locator("#projector-wall")
    expect(panel.locator(".side-post-text")).to_have_text(
        "Who shares a taxi from the station? #taxi", timeout=8_000
    )
    expect(panel.locator(".side-post-author")).to_contain_text("Anna")
    expect(panel.locator(".announcement")).to_have_text("Lunch is served in the foyer")
    expect(mine).not_to_contain_text("Waiting for", timeout=8_000)  # the phone follows live
    expect(phone.locator("#wall-live .announcement")).to_have_text("Lunch is served in the foyer")
    assert projector.evaluate("document.documentElement.scrollHeight") <= PROJECTOR["height"]
    assert no_sideways_scroll(phone, PHONE)


def test_phone_finds_people_who_want_the_same_sessions(open_as, live_server):
    camp = make_camp()
    sessions = [make_session(camp=camp, title=f"Session {i}") for i in range(3)]
    me = make_participant(camp=camp, display_name="Me", is_public=True)
    ben = make_participant(camp=camp, display_name="Ben Wolf", hashtags=["ux"], is_public=True)
    shy = make_participant(camp=camp, display_name="Shy Sam")
    for session in sessions[:2]:
        make_vote(session, me)
        make_vote(session, ben)
        make_vote(session, shy)
    phone = open_as(me.user, PHONE)
    phone.goto(f"{live_server.url}/{camp.slug}/people/")

    phone.get_by_role("link", name="People who want to attend the same sessions as you").click()

    expect(phone.locator(".person")).to_have_count(1)
    expect(phone.locator(".person")).to_contain_text("Ben Wolf")
    expect(phone.locator(".person")).to_contain_text("2 sessions you both want to attend")
    expect(phone.locator("main")).not_to_contain_text("Session 0")
    assert no_sideways_scroll(phone, PHONE)

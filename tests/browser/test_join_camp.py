"""A new Teilgeber on a phone: sign up without a password, join a camp, introduce themself."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from events.models import Participant
from tests.factories import make_camp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_from_last_mail():
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.MULTILINE)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_new_user_signs_up_joins_and_edits_profile_on_a_phone(live_server, page):
    camp = make_camp(name="Barcamp Köln", capacity=50, hashtag="bcks")
    page.goto(f"{live_server.url}/{camp.slug}/")
    page.get_by_role("button", name="EN").click()

    page.get_by_role("button", name="Join the camp").click()  # anonymous: asks to log in
    # Wait for the login page: the header has a "Sign up" link too, and clicking it before
    # the redirect lands loses the click to the navigation that follows.
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_role("link", name="Create an account with a password").click()
    page.get_by_label("Your name").fill("Anna")
    page.get_by_label("Email").fill("anna@example.org")
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_label("Code").fill(code_from_last_mail())
    page.get_by_role("button", name="Confirm").click()

    # The tap on "Join the camp" was kept through the sign-up: no second tap.
    expect(page).to_have_url(f"{live_server.url}/{camp.slug}/")
    expect(page.locator("#registration")).to_contain_text("You are registered.")

    page.get_by_role("link", name="Edit your profile").click()
    page.get_by_label("Display name").fill("Anna Schmidt")
    page.get_by_label("Hashtag 1").fill("#python")
    page.get_by_label("Hashtag 2").fill("community")
    page.get_by_label("Hashtag 3").fill("two words")
    page.get_by_label("Show me in the camp’s public list of Teilgeber").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field-error")).to_contain_text("A hashtag is one word")
    page.get_by_label("Hashtag 3").fill("barcamp")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Your profile is saved.")

    page.get_by_role("link", name="Who is coming").click()
    expect(page.locator(".person")).to_contain_text("Anna Schmidt")
    expect(page.locator(".person .tag")).to_have_text(["#python", "#community", "#barcamp"])
    participant = Participant.objects.get(camp=camp, user__email="anna@example.org")
    assert participant.status == Participant.Status.REGISTERED
    assert participant.hashtags == ["python", "community", "barcamp"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

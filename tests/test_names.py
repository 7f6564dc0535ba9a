"""No page, feed, export or mail names a Teilgeber by their e-mail address or a part of it.

Two people sign up with nothing but an e-mail address (the code box): Kim gives a name at the
first join, as the page asks; the other joins without ever giving one (an organizer's import,
a service call), and is "Teilgeber <n>". Every output that names people is read as whoever
may read it, and must name them so, never by address."""

import io
import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from events import services as event_services
from events import wall
from sessions.models import Session
from tests.factories import (
    make_camp,
    make_notes,
    make_organizer,
    make_placed_session,
    make_room,
    make_slot,
    open_voting,
)
from voting.plenum import services as voting_services

pytestmark = pytest.mark.django_db

KIM = "kim.versteckt@example.org"
NAMELESS = "ohne.namen@example.org"


def _code():
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.M).group(1)


def sign_up_with_just_an_address(email):
    client = Client()
    client.cookies["django_language"] = "en"
    requested = client.post("/accounts/login/code/", {"email": email})
    client.post(requested["Location"], {"code": _code()})
    assert client.session.get("_auth_user_id")
    return client


def _text(response):
    if response["Content-Type"] == "application/pdf":
        return "\n".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        )
    return response.content.decode()


def assert_no_address(where, text):
    for address in (KIM, NAMELESS):
        local = address.split("@")[0]
        assert local.casefold() not in text.casefold(), f"{where} shows {local}"


@pytest.fixture
def camp_with_newcomers():
    camp = make_camp(name="Barcamp Namen", wall_needs_approval=False, hashtag="namen")
    organizer = make_organizer(camp)
    open_voting(camp)
    room = make_room(camp, name="Saal")
    first, second = make_slot(camp), make_slot(camp, start="11:00", end="11:45")

    kim_client = sign_up_with_just_an_address(KIM)
    asked = kim_client.post(reverse("events:register", args=[camp.slug]))
    assert "Shown publicly" in asked.content.decode()  # the first join asks for the name
    kim_client.post(reverse("events:register", args=[camp.slug]), {"display_name": "Kim"})
    kim = camp.participants.get(user__email=KIM)
    event_services.update_profile(
        participant=kim, display_name="Kim", hashtags=["knit"], bio="", links=[], is_public=True
    )
    nameless_client = sign_up_with_just_an_address(NAMELESS)
    nameless_user = nameless_client.session["_auth_user_id"]
    from django.contrib.auth import get_user_model

    nameless = event_services.register_participant(
        camp=camp, user=get_user_model().objects.get(pk=nameless_user)
    )

    kims = make_placed_session(camp=camp, host=kim, room=room, slot=first, title="Knitting")
    theirs = make_placed_session(camp=camp, host=nameless, room=room, slot=second, title="Tea")
    make_notes(kims, "Kim wrote this.", author=kim)
    wall.post_message(camp=camp, participant=kim, text="Hello from Kim")
    wall.post_message(camp=camp, participant=nameless, text="Hello from the nameless")
    return {
        "camp": camp,
        "organizer": organizer,
        "kim": kim,
        "nameless": nameless,
        "sessions": (kims, theirs),
        "room": room,
    }


def test_a_teilgeber_without_a_chosen_name_gets_a_neutral_one(camp_with_newcomers):
    assert camp_with_newcomers["kim"].display_name == "Kim"
    assert camp_with_newcomers["nameless"].display_name == "Teilgeber 2"


def test_no_output_names_anybody_by_their_e_mail_address(camp_with_newcomers):
    camp = camp_with_newcomers["camp"]
    kims, theirs = camp_with_newcomers["sessions"]
    slug = camp.slug
    anonymous = Client()
    anonymous.cookies["django_language"] = "en"
    organizer = Client()
    organizer.cookies["django_language"] = "en"
    organizer.force_login(camp_with_newcomers["organizer"])

    public = {
        "camp page": f"/{slug}/",
        "session list": reverse("voting:session-list", args=[slug]),
        "session page": kims.get_absolute_url(),
        "other session page": theirs.get_absolute_url(),
        "plan": reverse("voting:plan", args=[slug]),
        "plan.ics": reverse("voting:plan-ics", args=[slug]),
        "schedule.json": reverse("voting:schedule-json", args=[slug]),
        "schedule.xml": reverse("voting:schedule-xml", args=[slug]),
        "room sign": reverse("voting:room-sign", args=[slug, camp_with_newcomers["room"].pk]),
        "people": reverse("events:people", args=[slug]),
        "wall": reverse("events:wall", args=[slug]),
        "projector wall": reverse("voting:projector-wall", args=[slug]),
        "notes": reverse("voting:notes", args=[slug, kims.pk]),
        "documentation": reverse("voting:documentation", args=[slug]),
        "documentation.md": reverse("voting:documentation-markdown", args=[slug]),
    }
    for_organizers = {
        "board": reverse("voting:board", args=[slug]),
        "plenum": reverse("voting:manage-pitch", args=[slug]),
        "door": reverse("events:door", args=[slug]) + "?q=Kim",
        "door, the other": reverse("events:door", args=[slug]) + "?q=Teilgeber",
        "badges": reverse("events:badges", args=[slug]),
        "notes history": reverse("voting:notes-revision", args=[slug, kims.pk, 1]),
        "wall with moderation": reverse("events:wall", args=[slug]),
    }
    voting_services.start_pitch(camp=camp, date=camp.start_date)
    stage = {"projector during the pitch": reverse("voting:projector", args=[slug])}

    seen = {}
    for client, pages in ((anonymous, public), (organizer, for_organizers), (anonymous, stage)):
        for where, url in pages.items():
            response = client.get(url)
            assert response.status_code == 200, where
            seen[where] = _text(response)
            assert_no_address(where, seen[where])
    voting_services.stop_pitch(camp=camp)
    seen["projector with the grid"] = _text(anonymous.get(reverse("voting:projector", args=[slug])))
    assert_no_address("projector with the grid", seen["projector with the grid"])

    for where in ("session page", "plan", "board", "plenum", "door", "badges", "people", "wall"):
        assert "Kim" in seen[where], where
    for where in ("other session page", "plan", "board", "door, the other", "badges", "wall"):
        assert "Teilgeber 2" in seen[where], where
    assert "Kim" in seen["projector during the pitch"]
    assert "Teilgeber 2" in seen["projector with the grid"]
    persons = [
        person["public_name"]
        for day in json.loads(seen["schedule.json"])["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
        for person in event["persons"]
    ]
    assert sorted(persons) == ["Kim", "Teilgeber 2"]
    assert ">Kim</person>" in seen["schedule.xml"]
    assert ">Teilgeber 2</person>" in seen["schedule.xml"]


def test_mails_greet_by_the_chosen_name_and_name_nobody_by_address(
    camp_with_newcomers, django_capture_on_commit_callbacks
):
    camp = camp_with_newcomers["camp"]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        event_services.cancel_registration(participant=camp_with_newcomers["nameless"])
        event_services.register_participant(camp=camp, user=camp_with_newcomers["nameless"].user)

    assert mail.outbox
    for message in mail.outbox:
        assert_no_address(message.subject, message.subject + message.body)
    assert [message.body.splitlines()[0] for message in mail.outbox] == ["Hallo Teilgeber 2,"]
    assert Session.objects.filter(camp=camp).count() == 2

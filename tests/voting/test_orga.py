"""The organizers' way into the day: links from the camp page and the admin, the day's checklist."""

import datetime
import re
from unittest import mock

import pytest
from django.urls import reverse

from events.models import Camp, Slot
from tests.factories import (
    make_camp,
    make_organizer,
    make_participant,
    make_room,
    make_session,
    make_slot,
)
from voting.grid import board, checklist
from voting.models import VotingDay
from voting.plenum import services

pytestmark = pytest.mark.django_db


def on(camp, date):
    """A patch that makes it noon of that date in the camp's time zone."""
    moment = datetime.datetime.combine(date, datetime.time(12, 0), tzinfo=camp.tz)
    return mock.patch("voting.grid.checklist.camp_now", return_value=moment)


def steps(camp):
    ready = checklist.day_readiness(camp, camp.start_date)
    return [step for step in ready.STEPS if ready.done[step]], ready.next_step


def test_the_checklist_follows_the_day_from_rooms_to_the_published_plan():
    camp = make_camp()
    seen = [steps(camp)]
    room = make_room(camp)
    seen.append(steps(camp))
    make_slot(camp, kind=Slot.Kind.BREAK)
    seen.append(steps(camp))  # a break takes no sessions
    slot = make_slot(camp, start=datetime.time(11, 0), end=datetime.time(11, 45))
    seen.append(steps(camp))
    services.set_voting_state(camp=camp, date=camp.start_date, state=VotingDay.State.OPEN)
    seen.append(steps(camp))
    session = make_session(camp=camp)
    services.start_pitch(camp=camp, date=camp.start_date)
    running = checklist.day_readiness(camp, camp.start_date)
    services.stop_pitch(camp=camp)
    seen.append(steps(camp))
    board.move_session(session=session, room=room, slot=slot)
    board.publish_plan(camp=camp, date=camp.start_date)
    seen.append(steps(camp))

    assert seen == [
        ([], "rooms"),
        (["rooms"], "slots"),
        (["rooms"], "slots"),
        (["rooms", "slots"], "voting"),
        (["rooms", "slots", "voting"], "pitch"),
        (["rooms", "slots", "voting", "pitch"], "plan"),
        (["rooms", "slots", "voting", "pitch", "plan"], None),
    ]
    assert (running.pitch, running.next_step, running.sessions) == (
        checklist.Pitch.RUNNING,
        "pitch",
        1,
    )
    assert checklist.day_readiness(camp, camp.start_date).plan_version == 1


def test_a_pitch_on_a_later_day_counts_as_held_for_the_day_before():
    camp = make_camp()
    camp.end_date = camp.start_date + datetime.timedelta(days=1)
    camp.save()

    services.start_pitch(camp=camp, date=camp.end_date)

    assert checklist.day_readiness(camp, camp.start_date).pitch == checklist.Pitch.HELD
    assert checklist.day_readiness(camp, camp.end_date).pitch == checklist.Pitch.RUNNING


def test_the_checklist_is_for_today_during_the_camp_and_the_nearest_day_otherwise():
    camp = make_camp()
    camp.end_date = camp.start_date + datetime.timedelta(days=2)
    camp.save()
    one_day = datetime.timedelta(days=1)

    days = []
    for date in (camp.start_date - one_day, camp.start_date + one_day, camp.end_date + one_day):
        with on(camp, date):
            days.append(checklist.checklist_day(camp))

    assert days == [camp.start_date, camp.start_date + one_day, camp.end_date]


def test_the_checklist_counts_in_a_constant_number_of_queries(django_assert_num_queries):
    small, large = make_camp(), make_camp()
    make_room(small)
    for hour in range(9, 17):
        make_room(large)
        make_slot(large, start=datetime.time(hour, 0), end=datetime.time(hour, 45))
        make_session(camp=large)

    with django_assert_num_queries(6):
        checklist.day_readiness(small, small.start_date)
    with django_assert_num_queries(6):
        checklist.day_readiness(large, large.start_date)


# --- Where the organizers find it ----------------------------------------------------------------


ORGA_PAGES = {
    "Run the plenum": "voting:manage-pitch",
    "Plan the day (board)": "voting:board",
    "Open the projector": "voting:projector",
    "Check-in at the door": "events:door",
    "Name badges (PDF)": "events:badges",
    "Feedback": "voting:feedback-results",
}


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def links(content):
    """{text: href} of the organizer panel's links."""
    panel = content.split('class="orga-links"', 1)[1].split("</ul>", 1)[0]
    return {
        text.strip(): href.replace("&amp;", "&")
        for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>([^<]+)</a>', panel)
    }


@pytest.mark.parametrize("where", ["camp", "admin"])
def test_organizers_find_every_page_of_the_day_and_the_checklist(client, where):
    camp = make_camp()
    make_room(camp)
    client.force_login(make_organizer(camp))
    client.cookies["django_language"] = "en"
    url = (
        reverse("events:camp", args=[camp.slug])
        if where == "camp"
        else reverse("admin:events_camp_change", args=[camp.pk])
    )

    content = client.get(url).content.decode()

    found = links(content)
    for label, name in ORGA_PAGES.items():
        assert found[label].split("?")[0] == reverse(name, args=[camp.slug])
    assert found["Run the plenum"] == (
        reverse("voting:manage-pitch", args=[camp.slug]) + f"?day={camp.start_date.isoformat()}"
    )
    checklist = text(content.split('class="orga-checklist"', 1)[1])
    assert "Rooms: 1 room" in checklist
    assert "Slots: none on this day yet Generate slots up next" in checklist
    assert "Voting: not open yet" in checklist
    assert "Plan: not published yet" in checklist
    generate = reverse("admin:events_camp_generate_slots", args=[camp.pk])
    assert f'href="{generate}?date={camp.start_date.isoformat()}"' in content


def test_the_camp_page_shows_the_organizer_panel_to_its_organizers_only(client):
    camp = make_camp()
    other_organizer = make_organizer(make_camp())
    teilgeber = make_participant(camp=camp).user

    seen = []
    for user in (None, teilgeber, other_organizer):
        if user:
            client.force_login(user)
        seen.append("orga-checklist" in client.get(reverse("events:camp", args=[camp.slug])).text)

    assert seen == [False, False, False]


def test_the_plenum_page_links_to_the_board_of_its_day(client):
    camp = make_camp()
    client.force_login(make_organizer(camp))

    content = client.get(reverse("voting:manage-pitch", args=[camp.slug])).content.decode()

    board = reverse("voting:board", args=[camp.slug]) + f"?day={camp.start_date.isoformat()}"
    assert f'href="{board}"' in content


# --- Slots when a camp is created -----------------------------------------------------------------


def new_camp_data(**overrides):
    data = {
        "name": "Barcamp Bonn",
        "slug": "barcamp-bonn",
        "visibility": "listed",
        "start_date": "2027-05-08",
        "end_date": "2027-05-08",
        "time_zone": "Europe/Berlin",
        "capacity": 80,
        "registration_open": "on",
        "pitching_open": "on",
        "wall_needs_approval": "on",
    }
    for prefix in ("rooms", "slots", "sponsors"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(overrides)
    return data


def test_the_add_form_says_how_the_slots_are_made(client):
    client.force_login(make_organizer())
    client.cookies["django_language"] = "en"

    content = client.get(reverse("admin:events_camp_add")).content.decode()

    assert "you go on to generating the slots of a day in one step" in content


def test_a_new_camp_saved_without_slots_goes_on_to_generating_them(client):
    client.force_login(make_organizer())

    response = client.post(reverse("admin:events_camp_add"), new_camp_data())
    generate = client.get(response["Location"])

    camp = Camp.objects.get(slug="barcamp-bonn")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:events_camp_generate_slots", args=[camp.pk])
    assert generate.status_code == 200


@pytest.mark.parametrize(
    ("extra", "goes_to"),
    [
        ({"_continue": "1"}, "change"),
        ({"_addanother": "1"}, "add"),
        (
            {
                "slots-TOTAL_FORMS": 1,
                "slots-0-date": "2027-05-08",
                "slots-0-start": "10:00",
                "slots-0-end": "10:45",
                "slots-0-kind": "sessions",
            },
            "changelist",
        ),
    ],
)
def test_a_new_camp_goes_where_the_organizer_asked_otherwise(client, extra, goes_to):
    client.force_login(make_organizer())

    response = client.post(reverse("admin:events_camp_add"), new_camp_data(**extra))

    camp = Camp.objects.get(slug="barcamp-bonn")
    args = [camp.pk] if goes_to == "change" else []
    assert response.status_code == 302
    assert response["Location"] == reverse(f"admin:events_camp_{goes_to}", args=args)


def test_the_slot_generator_starts_on_the_day_the_checklist_names(client):
    camp = make_camp()
    camp.end_date = camp.start_date + datetime.timedelta(days=1)
    camp.save()
    client.force_login(make_organizer(camp))
    url = reverse("admin:events_camp_generate_slots", args=[camp.pk])

    second = client.get(url, {"date": camp.end_date.isoformat()}).context["form"]
    unknown = client.get(url, {"date": "1999-01-01"}).context["form"]

    assert second["date"].value() == camp.end_date.isoformat()
    assert unknown["date"].value() is None

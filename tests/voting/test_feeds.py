"""What other programs read: the iCalendar feeds with their time zone, and frab's schedule.json and
schedule.xml as the c3voc schemas (tests/voting/c3voc/) and pretalx have them."""

import datetime
import json
import re
from pathlib import Path

import icalendar
import jsonschema
import pytest
from django.urls import reverse
from lxml import etree

from events.models import Participant
from events.services import register_participant
from tests.factories import (
    make_camp,
    make_participant,
    make_room,
    make_session,
    make_slot,
    make_user,
    make_vote,
)
from voting.grid import board

pytestmark = pytest.mark.django_db

C3VOC = Path(__file__).parent / "c3voc"
UTC = datetime.UTC


def published_camp(*, start_date, slug="demo-camp", sessions=1):
    camp = make_camp(
        slug=slug, start_date=start_date, end_date=start_date, time_zone="Europe/Berlin"
    )
    room = make_room(camp, name="Saal 1")
    slot = make_slot(camp, start=datetime.time(10, 0), end=datetime.time(10, 45))
    later = make_slot(camp, start=datetime.time(11, 0), end=datetime.time(11, 45))
    made = [make_session(camp=camp, title=f"Session {index}") for index in range(sessions)]
    for session, cell in zip(made, [slot, later], strict=False):
        board.move_session(session=session, room=room, slot=cell)
    board.publish_plan(camp=camp, date=camp.start_date)
    return camp, made


# --- iCalendar ---------------------------------------------------------------------------------


def utc_start_from_vtimezone(ics):
    """The first event's start in UTC, from the feed's own VTIMEZONE alone, as a calendar
    without a zone table of its own (ical.js) reads it: the TZID only names the VTIMEZONE."""
    calendar = icalendar.Calendar.from_ical(ics)
    start = calendar.walk("VEVENT")[0]["DTSTART"]
    tzid = start.params["TZID"]
    (zone,) = [tz for tz in calendar.walk("VTIMEZONE") if str(tz["TZID"]) == tzid]
    rules = zone.to_tz(lookup_tzid=False)  # the component's rules, not the system's zoneinfo
    assert "zoneinfo" not in type(rules).__module__
    wall_time = start.dt.replace(tzinfo=None)
    return wall_time.replace(tzinfo=rules).astimezone(UTC)


def tzids(ics):
    return set(re.findall(rb"TZID=([^:;]+)", ics))


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [(datetime.date(2027, 1, 16), 9), (datetime.date(2027, 7, 17), 8)],
    ids=["winter", "summer"],
)
def test_both_calendars_carry_the_camp_zone_so_10_berlin_is_the_right_utc(client, day, utc_hour):
    camp, (session,) = published_camp(start_date=day)
    make_vote(session, voter := make_participant(camp=camp))

    feeds = [
        client.get(reverse("voting:plan-ics", args=[camp.slug])).content,
        client.get(reverse("voting:agenda-ics", args=[camp.slug, voter.calendar_token])).content,
    ]

    for ics in feeds:
        zones = {
            str(tz["TZID"]).encode() for tz in icalendar.Calendar.from_ical(ics).walk("VTIMEZONE")
        }
        assert tzids(ics) == {b"Europe/Berlin"}
        assert zones == {b"Europe/Berlin"}
        assert utc_start_from_vtimezone(ics) == datetime.datetime.combine(
            day, datetime.time(utc_hour), tzinfo=UTC
        )


def test_a_camp_across_the_change_to_summer_time_gets_both_offsets(client):
    # Saturday before and Sunday of the change (the last Sunday of March 2027 is the 28th).
    camp = make_camp(
        start_date=datetime.date(2027, 3, 27),
        end_date=datetime.date(2027, 3, 28),
        time_zone="Europe/Berlin",
    )
    room = make_room(camp)
    sessions = []
    for day in camp.days:
        slot = make_slot(camp, date=day, start=datetime.time(10), end=datetime.time(11))
        session = make_session(camp=camp, day=day, title=f"On {day}")
        board.move_session(session=session, room=room, slot=slot)
        board.publish_plan(camp=camp, date=day)
        sessions.append(session)

    ics = client.get(reverse("voting:plan-ics", args=[camp.slug])).content

    calendar = icalendar.Calendar.from_ical(ics)
    (zone,) = calendar.walk("VTIMEZONE")
    rules = zone.to_tz(lookup_tzid=False)
    starts = sorted(
        event["DTSTART"].dt.replace(tzinfo=None).replace(tzinfo=rules).astimezone(UTC)
        for event in calendar.walk("VEVENT")
    )
    assert starts == [
        datetime.datetime(2027, 3, 27, 9, tzinfo=UTC),
        datetime.datetime(2027, 3, 28, 8, tzinfo=UTC),
    ]


# --- frab / c3voc ------------------------------------------------------------------------------


def c3voc_json_validator():
    schema = json.loads((C3VOC / "schema.json").read_text())
    return jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER
    )


def c3voc_xml_schema():
    return etree.XMLSchema(etree.parse(str(C3VOC / "schedule.xml.xsd")))


def exports(client, camp):
    as_json = client.get(reverse("voting:schedule-json", args=[camp.slug]))
    as_xml = client.get(reverse("voting:schedule-xml", args=[camp.slug]))
    return as_json, as_xml


def test_both_frab_exports_are_valid_against_the_c3voc_schemas(client):
    camp, _sessions = published_camp(start_date=datetime.date(2027, 5, 8), sessions=2)
    make_room(camp, name="Empty room")

    as_json, as_xml = exports(client, camp)

    errors = [error.message for error in c3voc_json_validator().iter_errors(as_json.json())]
    assert errors == []
    xml_schema = c3voc_xml_schema()
    valid = xml_schema.validate(etree.fromstring(as_xml.content))
    assert (valid, [str(error) for error in xml_schema.error_log]) == (True, [])


def test_the_json_export_is_refused_by_the_schema_with_a_slug_as_acronym(client):
    """The schema check can fail: the camp's slug itself (as the export had it) is refused."""
    camp, _sessions = published_camp(start_date=datetime.date(2027, 5, 8))
    data = client.get(reverse("voting:schedule-json", args=[camp.slug])).json()
    data["schedule"]["conference"]["acronym"] = camp.slug

    errors = [error.message for error in c3voc_json_validator().iter_errors(data)]

    assert errors == ["'demo-camp' does not match '^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$'"]


@pytest.mark.parametrize(
    ("slug", "acronym"),
    [("demo-camp", "demo_camp"), ("bc", "bc__"), ("Barcamp-2027-Koeln", "barcamp_2027_koeln")],
)
def test_the_acronym_is_the_slug_in_the_schemas_shape(client, slug, acronym):
    camp, _sessions = published_camp(start_date=datetime.date(2027, 5, 8), slug=slug)

    as_json, as_xml = exports(client, camp)

    assert as_json.json()["schedule"]["conference"]["acronym"] == acronym
    assert etree.fromstring(as_xml.content).findtext("conference/acronym") == acronym
    assert list(c3voc_json_validator().iter_errors(as_json.json())) == []
    assert c3voc_xml_schema().validate(etree.fromstring(as_xml.content))


def test_the_json_export_carries_what_pretalx_emits(client):
    camp, (session,) = published_camp(start_date=datetime.date(2027, 7, 17))
    room = camp.rooms.get()
    host = session.hosts.get().participant
    host.is_public = True
    host.display_name = "Anna Berg"
    host.save()

    data = client.get(reverse("voting:schedule-json", args=[camp.slug])).json()

    schedule = data["schedule"]
    conference = schedule["conference"]
    (event,) = conference["days"][0]["rooms"]["Saal 1"]
    session_url = f"http://testserver/{camp.slug}/sessions/{session.pk}/"
    assert data["$schema"] == "https://c3voc.de/schedule/schema.json"
    assert data["generator"] == {"name": "barcamp", "version": "0.1.0"}
    assert schedule["base_url"] == "http://testserver/"
    assert conference["rooms"] == [
        {
            "name": "Saal 1",
            "guid": conference["rooms"][0]["guid"],
            "description": None,
            "capacity": room.capacity,
        }
    ]
    assert re.fullmatch(
        r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", conference["rooms"][0]["guid"]
    )
    assert (event["date"], event["end"], event["duration"]) == (
        "2027-07-17T10:00:00+02:00",
        "2027-07-17T10:45:00+02:00",
        "00:45",
    )
    assert event["url"] == event["origin_url"] == session_url
    assert event["feedback_url"] == session_url + "feedback/"
    assert event["do_not_record"] is True
    assert event["slug"] == f"demo_camp-{session.pk}-session-0"
    (person,) = event["persons"]
    assert (person["name"], person["public_name"]) == ("Anna Berg", "Anna Berg")
    assert re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", person["guid"])


def test_the_xml_export_carries_the_recording_opt_out_and_what_pretalx_emits(client):
    camp, (session,) = published_camp(start_date=datetime.date(2027, 7, 17))

    as_json, as_xml = exports(client, camp)

    root = etree.fromstring(as_xml.content)
    json_event = as_json.json()["schedule"]["conference"]["days"][0]["rooms"]["Saal 1"][0]
    json_room = as_json.json()["schedule"]["conference"]["rooms"][0]
    event = root.find("day/room/event")
    assert root.find("generator").attrib == {"name": "barcamp", "version": "0.1.0"}
    assert root.findtext("conference/base_url") == "http://testserver/"
    assert root.find("day/room").attrib == {"name": "Saal 1", "guid": json_room["guid"]}
    assert event.get("guid") == json_event["guid"]
    assert json_event["do_not_record"] is True
    assert (event.findtext("recording/license"), event.findtext("recording/optout")) == ("", "true")
    assert event.findtext("feedback_url") == json_event["feedback_url"]
    assert event.findtext("origin_url") == json_event["origin_url"]
    assert event.find("persons/person").get("guid") == json_event["persons"][0]["guid"]


def test_hosts_in_the_exports_are_named_as_on_the_plan_and_never_by_an_address(client):
    camp, (session,) = published_camp(start_date=datetime.date(2027, 7, 17))
    nameless = register_participant(
        camp=camp, user=make_user(email="anna.schmidt@example.org", first_name="")
    )
    session.hosts.update(participant=nameless)
    named = make_participant(camp=camp, display_name="Bodo Named", is_public=False)
    session.hosts.create(participant=named)
    board.publish_plan(camp=camp, date=camp.start_date)  # the plan's hosts as published now
    client.cookies["django_language"] = "en"

    as_json, as_xml = exports(client, camp)

    event = as_json.json()["schedule"]["conference"]["days"][0]["rooms"]["Saal 1"][0]
    names = sorted(person["name"] for person in event["persons"])
    assert names == ["Bodo Named", nameless.display_name]
    assert nameless.display_name.startswith("Teilgeber ")
    for body in (as_json.content, as_xml.content):
        assert b"anna" not in body.lower()
        assert b"example.org" not in body


# --- Online and hybrid rooms -------------------------------------------------------------------

MEET = "https://meet.example.org/bc-lovelace"
HYBRID = "https://meet.example.org/bc-saal"


def online_camp(*, public):
    """A camp at the Stadthalle with an online, a hybrid and a venue room, a session in each."""
    camp = make_camp(
        slug="demo-camp",
        start_date=datetime.date(2027, 5, 8),
        end_date=datetime.date(2027, 5, 8),
        venue_name="Stadthalle",
        room_links_public=public,
    )
    rooms = [
        make_room(camp, name="Lovelace", online_url=MEET, online_only=True, order=0),
        make_room(camp, name="Saal", online_url=HYBRID, order=1),
        make_room(camp, name="Küche", order=2),
    ]
    slot = make_slot(camp, start=datetime.time(10, 0), end=datetime.time(10, 45))
    sessions = [make_session(camp=camp, title=f"In {room.name}") for room in rooms]
    for session, room in zip(sessions, rooms, strict=True):
        board.move_session(session=session, room=room, slot=slot)
    board.publish_plan(camp=camp, date=camp.start_date)
    return camp, sessions


def events_by_title(ics):
    return {
        str(event["SUMMARY"]): event for event in icalendar.Calendar.from_ical(ics).walk("VEVENT")
    }


def test_a_public_camps_calendar_carries_the_link_as_url_location_and_conference(client):
    camp, (online, hybrid, venue) = online_camp(public=True)
    client.cookies["django_language"] = "en"

    events = events_by_title(client.get(reverse("voting:plan-ics", args=[camp.slug])).content)

    page = f"http://testserver{online.get_absolute_url()}"
    event = events["In Lovelace"]
    assert (str(event["URL"]), str(event["LOCATION"])) == (MEET, MEET)
    assert (str(event["CONFERENCE"]), event["CONFERENCE"].params["FEATURE"]) == (MEET, "VIDEO")
    assert event["CONFERENCE"].params["LABEL"] == "Lovelace"
    assert str(event["DESCRIPTION"]).endswith(page)  # the session's page, moved from URL
    event = events["In Saal"]
    assert str(event["LOCATION"]) == f"Saal, Stadthalle, and online: {HYBRID}"
    assert str(event["URL"]) == HYBRID
    event = events["In Küche"]
    assert str(event["LOCATION"]) == "Küche, Stadthalle"
    assert str(event["URL"]) == f"http://testserver{venue.get_absolute_url()}"
    assert "CONFERENCE" not in event


def test_a_camp_that_keeps_its_links_for_teilgeber_keeps_them_out_of_the_public_feeds(client):
    camp, (online, hybrid, venue) = online_camp(public=False)
    client.cookies["django_language"] = "en"

    ics = client.get(reverse("voting:plan-ics", args=[camp.slug])).content
    as_json, as_xml = exports(client, camp)

    for body in (ics, as_json.content, as_xml.content):
        assert b"meet.example.org" not in body
    events = events_by_title(ics)
    assert str(events["In Lovelace"]["LOCATION"]) == "Lovelace (online)"
    assert str(events["In Saal"]["LOCATION"]) == "Saal, Stadthalle, and online"
    assert str(events["In Lovelace"]["URL"]) == f"http://testserver{online.get_absolute_url()}"
    assert "CONFERENCE" not in events["In Lovelace"]
    rooms = as_json.json()["schedule"]["conference"]["rooms"]
    assert [room.get("type") for room in rooms] == ["online", None, None]  # online is no secret


@pytest.mark.parametrize(
    ("status", "sees_link"),
    [
        (Participant.Status.REGISTERED, True),
        (Participant.Status.WAITLISTED, False),
        (Participant.Status.CANCELLED, False),
    ],
)
def test_the_personal_calendar_carries_the_link_while_its_teilgeber_is_registered(
    client, status, sees_link
):
    camp, (online, *_rest) = online_camp(public=False)
    person = make_participant(camp=camp, status=status)
    make_vote(online, person)

    response = client.get(reverse("voting:agenda-ics", args=[camp.slug, person.calendar_token]))

    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert (str(event["URL"]) == MEET) is sees_link
    assert (MEET.encode() in response.content) is sees_link


def test_frab_exports_with_online_rooms_are_valid_and_carry_the_link_where_c3voc_has_it(client):
    camp, _sessions = online_camp(public=True)
    client.cookies["django_language"] = "en"

    as_json, as_xml = exports(client, camp)

    errors = [error.message for error in c3voc_json_validator().iter_errors(as_json.json())]
    assert errors == []
    xml_schema = c3voc_xml_schema()
    valid = xml_schema.validate(etree.fromstring(as_xml.content))
    assert (valid, [str(error) for error in xml_schema.error_log]) == (True, [])
    conference = as_json.json()["schedule"]["conference"]
    lovelace, saal, kueche = conference["rooms"]
    assert (lovelace["type"], lovelace["url"]) == ("online", MEET)
    assert ("type" not in saal, saal["url"]) == (True, HYBRID)  # a place first, with a link
    assert "url" not in kueche and "type" not in kueche
    rooms = conference["days"][0]["rooms"]
    assert rooms["Lovelace"][0]["links"] == [{"type": "web", "url": MEET, "title": "Join online"}]
    assert rooms["Saal"][0]["links"] == [{"type": "web", "url": HYBRID, "title": "Join online"}]
    assert rooms["Küche"][0]["links"] == []
    root = etree.fromstring(as_xml.content)
    links = {
        room.get("name"): [
            (link.get("href"), link.get("type"), link.text) for link in room.iter("link")
        ]
        for room in root.iterfind("day/room")
    }
    assert links == {
        "Lovelace": [(MEET, "web", "Join online")],
        "Saal": [(HYBRID, "web", "Join online")],
        "Küche": [],
    }

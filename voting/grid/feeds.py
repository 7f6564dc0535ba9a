"""The published plan for other programs: iCalendar, and frab's schedule.json and schedule.xml.

The frab files carry what pretalx's exporters carry, so that the c3voc tools (recording
pipeline, schedule apps, signage) read a camp like a pretalx event; tests/voting/c3voc/ holds
the schemas they are checked against.
"""

import datetime
import re
import uuid
from xml.etree import ElementTree

import icalendar
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from events.models import Room, Slot

from . import queries

GENERATOR = {"name": "barcamp", "version": "0.1.0"}
SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
# The c3voc schema wants at least four of [a-z0-9_] (a hyphen only at its start); a camp slug
# such as "demo-camp" keeps its words apart with underscores instead.
ACRONYM_MIN_LENGTH = 4


def published_days(camp):
    return [(day, queries.published_grid(camp, day)) for day in camp.days]


def session_times(camp, day, slot, end):
    start = datetime.datetime.combine(day, slot.start, tzinfo=camp.tz)
    return start, datetime.datetime.combine(day, end, tzinfo=camp.tz)


def placed_entries(camp, *, only=None):
    """(day, session, room, slot, end) of every session in a published plan, in time order."""
    entries = []
    for day, published in published_days(camp):
        if published is None:
            continue
        for session_id, (room, slot, end) in queries.placements_by_session(published).items():
            session = next(s for s in published.sessions if s.pk == session_id)
            if only is None or session_id in only:
                entries.append((day, session, room, slot, end))
    return sorted(entries, key=lambda entry: (entry[0], entry[3].start, entry[2].order))


# --- iCalendar --------------------------------------------------------------------------------


def location(camp, room, join_url):
    """Where a session is, as a calendar's LOCATION: the room at the venue, the online address
    (alone for an online room, as video conference invitations have it, so that calendar apps
    make it a link), both for a hybrid room; `join_url` is "" for whoever may not see it."""
    if room.kind == Room.Kind.ONLINE:
        return join_url or _("%(room)s (online)") % {"room": room.name}
    place = f"{room.name}, {camp.venue_name}" if camp.venue_name else room.name
    if room.kind == Room.Kind.HYBRID:
        if join_url:
            return _("%(place)s, and online: %(link)s") % {"place": place, "link": join_url}
        return _("%(place)s, and online") % {"place": place}
    return place


def calendar(camp, entries, *, name, absolute, show_links=False):
    """An iCalendar of the entries, with a VTIMEZONE for the camp's zone: RFC 5545 requires one
    for every TZID, and calendars without a zone table of their own (ical.js, in many web
    calendars) would otherwise show 10:00 Berlin as 10:00 wherever they are.

    With `show_links`, a session in an online or hybrid room carries the room's online address
    as its URL, in its LOCATION and as a CONFERENCE (RFC 7986); its page moves to the end of the
    description. Without, nothing of the address."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//barcamp//session plan//DE")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", camp.time_zone)
    for day, session, room, slot, end in entries:
        start, finish = session_times(camp, day, slot, end)
        event = icalendar.Event()
        event.add("uid", f"{session_guid(camp, session)}@barcamp")
        event.add("summary", session.title)
        event.add("dtstart", start)
        event.add("dtend", finish)
        event.add("dtstamp", timezone.now())
        join_url = room.join_url if show_links else ""
        page = absolute(session.get_absolute_url())
        event.add("location", location(camp, room, join_url))
        if join_url:
            event.add("url", join_url)
            event.add(
                "conference",
                join_url,
                parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": room.name},
            )
            event.add("description", "\n\n".join(filter(None, [session.description, page])))
        else:
            event.add("url", page)
            event.add("description", session.description)
        cal.add_component(event)
    # The zone's rules for the camp's days only: a few lines instead of every change since 1970.
    cal.add_missing_timezones(
        first_date=camp.start_date - datetime.timedelta(days=1),
        last_date=camp.end_date + datetime.timedelta(days=2),
    )
    return cal.to_ical()


# --- frab / c3voc ------------------------------------------------------------------------------


def _uuid(camp, kind, pk):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"barcamp:{camp.slug}:{kind}{pk}"))


def session_guid(camp, session):
    return _uuid(camp, "", session.pk)


def room_guid(camp, room):
    return _uuid(camp, "room:", room.pk)


def person_guid(camp, participant):
    # Not from the e-mail address, as the c3voc schema suggests: a hash of an address can be
    # recognised by anyone who has the address, and a Teilgeber has not made theirs public.
    return _uuid(camp, "participant:", participant.pk)


def acronym(camp):
    """The camp's slug in the shape c3voc's schema.json asks for (e.g. demo-camp: demo_camp)."""
    text = re.sub(r"[^a-z0-9_]", "_", camp.slug.lower())
    return text.ljust(ACRONYM_MIN_LENGTH, "_")


def _event_slug(camp, session):
    title = slugify(session.title)[:50].strip("-_") or "session"
    return f"{acronym(camp)}-{session.pk}-{title}"


def _duration(start, end):
    minutes = (
        datetime.datetime.combine(datetime.date.min, end)
        - datetime.datetime.combine(datetime.date.min, start)
    ).seconds // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _person(camp, host):
    # A host (queries.ShownHost) is named with their session as on the public plan and the
    # projector: by the name they chose knowing it is shown (never their address; who never
    # chose one is "Teilgeber 12"). The public list's opt-in is about the directory of
    # everybody, not about hosts.
    name = host.display_name
    # public_name: frab's, still read by some apps
    return {"name": name, "public_name": name, "guid": person_guid(camp, host)}


def _join_links(room, show_links):
    """An online room's address among an event's links ("web", as c3voc's schema names a link
    to a page): schedule apps show an event's links, not its room's."""
    if not show_links or not room.join_url:
        return []
    return [{"type": "web", "url": room.join_url, "title": _("Join online")}]


def _room(camp, room, show_links):
    entry = {
        "name": room.name,
        "guid": room_guid(camp, room),
        "description": None,
        "capacity": room.capacity,
    }
    # c3voc's room types have "online" (a hybrid room is a place first, with no type of its own).
    if room.kind == Room.Kind.ONLINE:
        entry["type"] = "online"
    if show_links and room.join_url:
        entry["url"] = room.join_url
    return entry


def frab_schedule(camp, *, absolute, show_links=False):
    """The published plan in the shape pretalx publishes (schedule.json); `absolute` turns a
    path into a full URL. With `show_links`, the online rooms' addresses: as the room's `url`
    and among each of its events' `links`."""
    days = []
    for index, (day, published) in enumerate(published_days(camp), start=1):
        rooms = {room.name: [] for room in camp.rooms.all()}
        entries = queries.placements_by_session(published) if published else {}
        for session in published.sessions if published else []:
            room, slot, end = entries[session.pk]
            start, finish = session_times(camp, day, slot, end)
            url = absolute(session.get_absolute_url())
            rooms[room.name].append(
                {
                    "guid": session_guid(camp, session),
                    "id": session.pk,
                    "logo": None,
                    "date": start.isoformat(),
                    "start": f"{slot.start:%H:%M}",
                    "end": finish.isoformat(),
                    "duration": _duration(slot.start, end),
                    "room": room.name,
                    "slug": _event_slug(camp, session),
                    "url": url,
                    "title": session.title,
                    "subtitle": "",
                    "track": None,
                    "type": session.format,
                    "language": session.language,
                    "abstract": "",
                    "description": session.description,
                    "recording_license": "",
                    # A barcamp session is a conversation among those in the room: nobody
                    # agreed to be recorded.
                    "do_not_record": True,
                    "persons": [_person(camp, host) for host in session.shown_hosts],
                    "links": _join_links(room, show_links),
                    "feedback_url": absolute(
                        reverse("voting:session-feedback", args=[camp.slug, session.pk])
                    ),
                    "origin_url": url,
                    "attachments": [],
                }
            )
        slots = list(Slot.objects.filter(camp=camp, date=day).order_by("start"))
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": datetime.datetime.combine(
                    day, slots[0].start if slots else datetime.time(0), tzinfo=camp.tz
                ).isoformat(),
                "day_end": datetime.datetime.combine(
                    day, slots[-1].end if slots else datetime.time(23, 59), tzinfo=camp.tz
                ).isoformat(),
                "rooms": rooms,
            }
        )
    return {
        "$schema": SCHEMA_URL,
        "generator": GENERATOR,
        "schedule": {
            "url": absolute(reverse("voting:plan", args=[camp.slug])),
            "version": ", ".join(
                f"{day.isoformat()} v{published.version}"
                for day, published in published_days(camp)
                if published
            )
            or "unpublished",
            "base_url": absolute("/"),
            "conference": {
                "acronym": acronym(camp),
                "title": camp.name,
                "start": camp.start_date.isoformat(),
                "end": camp.end_date.isoformat(),
                "daysCount": len(camp.days),
                "timeslot_duration": "00:15",
                "time_zone_name": camp.time_zone,
                "url": absolute(camp.get_absolute_url()),
                "rooms": [_room(camp, room, show_links) for room in camp.rooms.all()],
                "tracks": [],
                "days": days,
            },
        },
    }


EVENT_TEXT_FIELDS = (
    "date",
    "start",
    "duration",
    "room",
    "slug",
    "url",
    "title",
    "subtitle",
    "type",
    "language",
    "abstract",
    "description",
)


def frab_xml(data):
    """schedule.xml from frab_schedule's data, element by element as pretalx writes it."""
    schedule = data["schedule"]
    conference = schedule["conference"]
    guids = {room["name"]: room["guid"] for room in conference["rooms"]}
    root = ElementTree.Element("schedule")
    ElementTree.SubElement(root, "generator", data["generator"])
    ElementTree.SubElement(root, "url").text = schedule["url"]
    ElementTree.SubElement(root, "version").text = schedule["version"]
    element = ElementTree.SubElement(root, "conference")
    for key in ("acronym", "title", "start", "end"):
        ElementTree.SubElement(element, key).text = conference[key]
    ElementTree.SubElement(element, "days").text = str(conference["daysCount"])
    ElementTree.SubElement(element, "timeslot_duration").text = conference["timeslot_duration"]
    ElementTree.SubElement(element, "base_url").text = schedule["base_url"]
    ElementTree.SubElement(element, "url").text = conference["url"]
    ElementTree.SubElement(element, "time_zone_name").text = conference["time_zone_name"]
    for day in conference["days"]:
        day_element = ElementTree.SubElement(
            root,
            "day",
            index=str(day["index"]),
            date=day["date"],
            start=day["day_start"],
            end=day["day_end"],
        )
        for room_name, events in day["rooms"].items():
            room_element = ElementTree.SubElement(
                day_element, "room", name=room_name, guid=guids[room_name]
            )
            for event in events:
                _event_xml(room_element, event)
    body = ElementTree.tostring(root, encoding="unicode", xml_declaration=False)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _event_xml(room_element, event):
    element = ElementTree.SubElement(room_element, "event", guid=event["guid"], id=str(event["id"]))
    for key in EVENT_TEXT_FIELDS:
        ElementTree.SubElement(element, key).text = event[key] or ""
    recording = ElementTree.SubElement(element, "recording")
    ElementTree.SubElement(recording, "license").text = event["recording_license"]
    ElementTree.SubElement(recording, "optout").text = "true" if event["do_not_record"] else "false"
    ElementTree.SubElement(element, "track").text = event["track"] or ""
    ElementTree.SubElement(element, "logo").text = event["logo"] or ""
    persons = ElementTree.SubElement(element, "persons")
    for person in event["persons"]:
        attributes = {"guid": person["guid"]} if "guid" in person else {}
        ElementTree.SubElement(persons, "person", attributes).text = person["name"]
    links = ElementTree.SubElement(element, "links")
    for link in event["links"]:
        ElementTree.SubElement(links, "link", href=link["url"], type=link["type"]).text = link[
            "title"
        ]
    ElementTree.SubElement(element, "attachments")
    ElementTree.SubElement(element, "feedback_url").text = event["feedback_url"]
    ElementTree.SubElement(element, "origin_url").text = event["origin_url"]

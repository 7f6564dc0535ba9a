"""The grid's pages: the organizers' board, the phones' plan, the door sign, feeds and exports."""

import datetime
import secrets
import uuid
from xml.etree import ElementTree

import icalendar
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from barcamp.decorators import live_page, login_required
from barcamp.http import as_id
from events import live, wall
from events import queries as event_queries
from events.models import Participant, Room, Slot
from events.webapp import kept_offline
from sessions import queries as session_queries

from . import feedback, grid, queries, services
from .views import _unchanged

PLAN_PAGE = (live.PLAN,)
# Everything but the wall: a post does not re-render the board.
BOARD_PAGE = (live.PITCH, live.VOTES, live.PLAN, live.DRAFT)
BOARD_ACTIONS = {
    "move",
    "unplace",
    "pin",
    "unpin",
    "lock",
    "unlock",
    "replan",
    "publish",
    "undo",
    "publish-changes",
    "projector",
    "announce",
}


def _day_from(request, camp, default):
    wanted = request.POST.get("day") or request.GET.get("day")
    return next((day for day in camp.days if day.isoformat() == wanted), default)


# --- The board ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def board(request, camp_slug):
    """The organizers plan a day: the draft follows the votes; pin, move, swap, lock, publish, undo."""
    if request.method == "GET" and _unchanged(request, camp_slug, BOARD_PAGE):
        return HttpResponse(status=204)
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
    if not viewer.is_organizer:
        raise Http404
    day = _day_from(request, camp, queries.default_day(camp))
    status = 200
    if request.method == "POST":
        try:
            notice = _run_board_action(request, camp, day)
        except (grid.GridError, services.PitchError) as error:
            messages.error(request, str(error))
            status = 409
        except ValueError as error:
            messages.error(request, str(error))
            status = 400
        else:
            if notice:
                messages.success(request, notice)
            if not request.htmx:
                return redirect(f"{request.path}?day={day.isoformat()}")
    else:
        grid.follow_votes(camp=camp, date=day)
    version = live.current_version(camp.slug, BOARD_PAGE)  # before what it versions
    draft = queries.draft_grid(camp, day)
    published = queries.latest_published(camp, day)
    pitch = queries.live_pitch(camp)
    context = {
        "camp": camp,
        "day": day,
        "grid": draft,
        "published": published,
        "unpublished_changes": _unpublished_changes(draft, published),
        "grid_day": camp.grid_days.filter(date=day).first(),
        "pitch_running": bool(pitch and pitch.running),
        "version": live.page_version(version, changes_at=draft.changes_at),
        "can_undo": grid.BoardSnapshot.objects.filter(camp=camp, date=day).exists(),
        # The announcement form's one-time token: a double click pins it once.
        "announce_nonce": secrets.token_urlsafe(16),
    }
    template = "voting/board.html#board" if request.htmx else "voting/board.html"
    return render(request, template, context, status=status)


def _unpublished_changes(draft, published):
    if published is None:
        return None
    now = {
        (cell.session.pk, cell.room.pk, row.slot.pk)
        for row in draft.rows
        for cell in row.cells
        if cell.session and not cell.continued
    }
    then = {(row["session"], row["room"], row["slot"]) for row in published.placements}
    return len({entry[0] for entry in now ^ then})


def _run_board_action(request, camp, day):
    action = request.POST.get("action")
    if action not in BOARD_ACTIONS:
        raise ValueError(_("Unknown action."))
    session = session_queries.get_session(camp, as_id(request.POST.get("session")))
    if action in {"move", "unplace", "pin", "unpin"} and session is None:
        raise ValueError(_("That session is not here (any more)."))
    if action == "move":
        room = Room.objects.filter(camp=camp, pk=as_id(request.POST.get("room"))).first()
        slot = Slot.objects.filter(camp=camp, pk=as_id(request.POST.get("slot"))).first()
        if room is None or slot is None:
            raise ValueError(_("Choose a cell of this camp's grid."))
        grid.move_session(session=session, room=room, slot=slot)
        return None
    if action == "unplace":
        grid.unplace_session(session=session)
    elif action in {"pin", "unpin"}:
        grid.set_pinned(session=session, pinned=action == "pin")
    elif action in {"lock", "unlock"}:
        slot = Slot.objects.filter(camp=camp, date=day, pk=as_id(request.POST.get("slot"))).first()
        if slot is None:
            raise ValueError(_("Choose a slot of this day."))
        grid.set_slot_locked(slot=slot, locked=action == "lock")
    elif action == "replan":
        outcome = grid.plan_day(camp=camp, date=day)
        return _("Re-planned: %(placed)d sessions in the grid, %(moves)d moved.") % {
            "placed": outcome.placed,
            "moves": len(outcome.moves),
        }
    elif action == "publish":
        plan = grid.publish_plan(camp=camp, date=day)
        return _("Published as version %(version)d: phones and the projector show it now.") % {
            "version": plan.version
        }
    elif action == "undo":
        return _("Undone: %(label)s") % {"label": grid.undo(camp=camp, date=day)}
    elif action == "publish-changes":
        grid.set_publish_changes(
            camp=camp, date=day, publish_changes=request.POST.get("value") == "1"
        )
    elif action == "projector":
        if request.POST.get("value") == "pitch":
            services.start_pitch(camp=camp, date=day)
        else:
            services.stop_pitch(camp=camp)
    elif action == "announce":
        try:
            wall.post_announcement(
                camp=camp,
                by=request.user,
                text=request.POST.get("announcement", ""),
                nonce=request.POST.get("nonce", ""),
            )
        except wall.WallError as error:
            raise ValueError(str(error)) from error
        return _("The announcement is pinned on phones and the projector.")
    return None


# --- The phones' plan ------------------------------------------------------------------------------


@require_GET
@live_page(*PLAN_PAGE)
@kept_offline
def plan(request, camp_slug):
    """Today's published grid, now & next, and the Teilgeber's own agenda with clashes marked."""
    camp = event_queries.get_camp(camp_slug)
    # Both before what they version: the page's, and the grid's for what is kept per process.
    version = live.current_version(camp.slug, PLAN_PAGE)
    grid_version = live.memo_version(camp.slug, queries.GRID_TOPICS)
    viewer = event_queries.viewer(camp, request.user)
    day = _day_from(request, camp, queries.default_day(camp))
    published = queries.published_grid(camp, day, version=grid_version)
    entries, rateable = [], set()
    if published and viewer.participant:
        voted, hosted = queries.own_session_ids(viewer.participant)
        entries = queries.agenda(published, voted=voted, hosted=hosted)
        if viewer.is_registered:
            rateable = feedback.started_session_ids(published, queries.camp_now(camp)) - hosted
        for entry in entries:
            entry["rateable"] = entry["session"].pk in rateable
    context = {
        "camp": camp,
        "viewer": viewer,
        "day": day,
        "grid": published,
        **_shared_plan_parts(request, camp, day, published, rateable, grid_version),
        "agenda": entries,
        "rateable": rateable,
        # The full page only: the poll's partial does not need it.
        "camp_feedback_open": (
            viewer.is_registered
            and not request.htmx
            and queries.camp_now(camp) >= _camp_feedback_opens_at(camp)
        ),
        "announcements": wall.pinned_announcements(camp),
        "version": live.page_version(
            version, changes_at=published.changes_at if published else None
        ),
        "feed_url": request.build_absolute_uri(reverse("voting:plan-ics", args=[camp.slug])),
        "agenda_feed_url": (
            request.build_absolute_uri(
                reverse("voting:agenda-ics", args=[camp.slug, viewer.participant.calendar_token])
            )
            if viewer.participant
            else None
        ),
    }
    template = "voting/plan.html#plan-live" if request.htmx else "voting/plan.html"
    return render(request, template, context)


def _camp_feedback_opens_at(camp):
    """When the camp's feedback opens (its first slot), kept per version of the plan in each
    process: every Teilgeber's plan page asks. Slots change through the admin and the slot
    generator, which give every topic new tokens; the camp's day and zone are in the key."""
    return live.memoized(
        camp.slug,
        (live.PLAN,),
        ("camp-feedback-opens", camp.start_date, camp.time_zone),
        lambda: feedback.camp_feedback_opens_at(camp),
    )


def _shared_plan_parts(request, camp, day, published, rateable, grid_version):
    """The now & next and whole-day parts of the plan: the same for almost every phone, so each
    process renders them once per version of the plan, language, moment the clock changes them
    and set of sessions the viewer may rate (all that began, less those they host). Kept under
    `grid_version`, the version read before `published`."""
    if published is None:
        return {}
    key = ("plan-parts", day, translation.get_language(), published.changes_at, frozenset(rateable))

    def render_parts():
        # The request only for its path (the rating links return to the plan).
        context = {"request": request, "camp": camp, "grid": published, "rateable": rateable}
        return {
            "now_next_html": render_to_string("voting/plan.html#now-next", context),
            "whole_day_html": render_to_string("voting/plan.html#whole-day", context),
        }

    return live.memoized(camp.slug, queries.GRID_TOPICS, key, render_parts, version=grid_version)


@require_GET
@live_page(*PLAN_PAGE)
@kept_offline
def room_sign(request, camp_slug, room_id):
    """A tablet at the door: this room's session now and next."""
    camp = event_queries.get_camp(camp_slug)
    version = live.current_version(camp.slug, PLAN_PAGE)  # before what it versions
    room = get_object_or_404(Room, camp=camp, pk=room_id)
    published = queries.published_grid(camp, queries.default_day(camp))
    now_entry, next_entry = queries.room_now_and_next(published, room, queries.camp_now(camp))
    context = {
        "camp": camp,
        "room": room,
        "now_entry": now_entry,
        "next_entry": next_entry,
        "version": live.page_version(
            version, changes_at=published.changes_at if published else None
        ),
    }
    template = "voting/room_sign.html#sign-live" if request.htmx else "voting/room_sign.html"
    return render(request, template, context)


# --- Feeds and exports ---------------------------------------------------------------------------


def _published_days(camp):
    return [(day, queries.published_grid(camp, day)) for day in camp.days]


def _session_times(camp, day, slot, end):
    start = datetime.datetime.combine(day, slot.start, tzinfo=camp.tz)
    return start, datetime.datetime.combine(day, end, tzinfo=camp.tz)


def _calendar(camp, request, entries, name):
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//barcamp//session plan//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", camp.time_zone)
    for day, session, room, slot, end in entries:
        start, finish = _session_times(camp, day, slot, end)
        event = icalendar.Event()
        event.add("uid", f"{_guid(camp, session)}@barcamp")
        event.add("summary", session.title)
        event.add("dtstart", start)
        event.add("dtend", finish)
        event.add("dtstamp", timezone.now())
        event.add("location", f"{room.name}, {camp.venue_name}" if camp.venue_name else room.name)
        event.add("url", request.build_absolute_uri(session.get_absolute_url()))
        event.add("description", session.description)
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{camp.slug}.ics"'
    return response


def _placed_entries(camp, *, only=None):
    entries = []
    for day, published in _published_days(camp):
        if published is None:
            continue
        for session_id, (room, slot, end) in queries.placements_by_session(published).items():
            session = next(s for s in published.sessions if s.pk == session_id)
            if only is None or session_id in only:
                entries.append((day, session, room, slot, end))
    return sorted(entries, key=lambda entry: (entry[0], entry[3].start, entry[2].order))


@require_GET
def plan_ics(request, camp_slug):
    """The camp's published plan as an iCalendar feed; calendar apps re-read it as it changes."""
    camp = event_queries.get_camp(camp_slug)
    return _calendar(camp, request, _placed_entries(camp), camp.name)


@require_GET
def agenda_ics(request, camp_slug, token):
    """The Teilgeber's own sessions behind a secret link (no login: calendar apps cannot log in)."""
    camp = event_queries.get_camp(camp_slug)
    participant = Participant.objects.filter(camp=camp, calendar_token=token).first()
    if participant is None:
        raise Http404
    voted, hosted = queries.own_session_ids(participant)
    mine = voted | hosted
    return _calendar(
        camp,
        request,
        _placed_entries(camp, only=mine),
        _("%(camp)s: my sessions") % {"camp": camp.name},
    )


def _guid(camp, session):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"barcamp:{camp.slug}:{session.pk}"))


def _duration(start, end):
    minutes = (
        datetime.datetime.combine(datetime.date.min, end)
        - datetime.datetime.combine(datetime.date.min, start)
    ).seconds // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _frab(camp, request):
    """The published plan in the shape frab and pretalx publish (schedule.json, "v" version)."""
    days = []
    for index, (day, published) in enumerate(_published_days(camp), start=1):
        rooms = {room.name: [] for room in camp.rooms.all()}
        entries = queries.placements_by_session(published) if published else {}
        for session in published.sessions if published else []:
            room, slot, end = entries[session.pk]
            start, _finish = _session_times(camp, day, slot, end)
            rooms[room.name].append(
                {
                    "id": session.pk,
                    "guid": _guid(camp, session),
                    "date": start.isoformat(),
                    "start": f"{slot.start:%H:%M}",
                    "duration": _duration(slot.start, end),
                    "room": room.name,
                    "slug": f"{camp.slug}-{session.pk}",
                    "url": request.build_absolute_uri(session.get_absolute_url()),
                    "title": session.title,
                    "subtitle": "",
                    "track": None,
                    "type": session.format,
                    "language": session.language,
                    "abstract": "",
                    "description": session.description,
                    "recording_license": "",
                    "do_not_record": True,
                    "persons": [
                        {"id": host.participant_id, "public_name": host.participant.display_name}
                        for host in session.hosts.all()
                    ],
                    "links": [],
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
        "schedule": {
            "version": ", ".join(
                f"{day.isoformat()} v{published.version}"
                for day, published in _published_days(camp)
                if published
            )
            or "unpublished",
            "base_url": request.build_absolute_uri("/"),
            "conference": {
                "acronym": camp.slug,
                "title": camp.name,
                "start": camp.start_date.isoformat(),
                "end": camp.end_date.isoformat(),
                "daysCount": len(camp.days),
                "timeslot_duration": "00:15",
                "time_zone_name": camp.time_zone,
                "days": days,
            },
        }
    }


@require_GET
def schedule_json(request, camp_slug):
    camp = event_queries.get_camp(camp_slug)
    return JsonResponse(
        _frab(camp, request), json_dumps_params={"ensure_ascii": False, "indent": 1}
    )


@require_GET
def schedule_xml(request, camp_slug):
    camp = event_queries.get_camp(camp_slug)
    data = _frab(camp, request)["schedule"]
    conference = data["conference"]
    root = ElementTree.Element("schedule")
    ElementTree.SubElement(root, "version").text = data["version"]
    element = ElementTree.SubElement(root, "conference")
    for key in ("acronym", "title", "start", "end"):
        ElementTree.SubElement(element, key).text = conference[key]
    ElementTree.SubElement(element, "days").text = str(conference["daysCount"])
    ElementTree.SubElement(element, "timeslot_duration").text = conference["timeslot_duration"]
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
            room_element = ElementTree.SubElement(day_element, "room", name=room_name)
            for event in events:
                event_element = ElementTree.SubElement(
                    room_element, "event", guid=event["guid"], id=str(event["id"])
                )
                for key in (
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
                ):
                    ElementTree.SubElement(event_element, key).text = event[key] or ""
                ElementTree.SubElement(event_element, "track")
                persons = ElementTree.SubElement(event_element, "persons")
                for person in event["persons"]:
                    ElementTree.SubElement(persons, "person", id=str(person["id"])).text = person[
                        "public_name"
                    ]
                ElementTree.SubElement(event_element, "links")
                ElementTree.SubElement(event_element, "attachments")
    body = ElementTree.tostring(root, encoding="unicode", xml_declaration=False)
    return HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + body,
        content_type="application/xml; charset=utf-8",
    )

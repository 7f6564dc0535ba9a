"""The grid's pages: the organizers' board, the phones' plan, the door sign, feeds and exports."""

import secrets
from html import escape
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import time_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from barcamp.decorators import login_required, public_feed
from barcamp.http import as_id
from barcamp.live.polls import is_unchanged_poll, live_page
from events import live, wall
from events import queries as event_queries
from events.decorators import camp_view
from events.models import Participant, Room, Slot
from events.permissions import can_see_room_links, keep_room_links_private
from events.webapp import kept_offline
from sessions import queries as session_queries
from voting.aftercamp import feedback
from voting.grid import board as grid
from voting.grid import feeds, queries
from voting.plenum import queries as plenum_queries
from voting.plenum import services

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


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def board(request, camp_slug):
    """The organizers plan a day: the draft follows the votes; pin, move, swap, lock, publish, undo."""
    if request.method != "POST" and is_unchanged_poll(request, camp_slug, BOARD_PAGE):
        return HttpResponse(status=204)
    return _board(request, camp_slug)


@camp_view(organizer_only=True)
def _board(request, camp_slug):
    camp = request.camp
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
    version = live.current_version(camp.slug, BOARD_PAGE)  # before what it versions
    grid_day = camp.grid_days.filter(date=day).first()
    # Never planned here: a task re-plans a draft that is behind the votes, and the page looks
    # again by then.
    look_again_at = grid.ask_to_follow_votes(camp=camp, date=day, grid_day=grid_day)
    draft = queries.draft_grid(camp, day)
    published = queries.latest_published(camp, day)
    context = {
        "camp": camp,
        "day": day,
        "grid": draft,
        "published": published,
        "unpublished_changes": _unpublished_changes(draft, published),
        "grid_day": grid_day,
        "pitch_running": plenum_queries.pitch_running(camp),
        "version": live.page_version(
            version, changes_at=min(filter(None, [draft.changes_at, look_again_at]), default=None)
        ),
        "can_undo": grid.BoardSnapshot.objects.filter(camp=camp, date=day).exists(),
        # The announcement form's one-time token: a double click pins it once.
        "announce_nonce": secrets.token_urlsafe(16),
        **_move_options(draft),
    }
    template = "voting/board.html#board" if request.htmx else "voting/board.html"
    return render(request, template, context, status=status)


def _move_options(draft):
    """The choices of every card's move form, rendered once per page instead of once per card
    (they were half the board's CPU): the slots, the rooms with none chosen (`room_options`,
    for the cards outside the grid), and on each room its list with itself chosen."""
    option = '<option value="{}"{}>{}</option>'
    for room in draft.rooms:
        room.move_options = format_html_join(
            "", option, ((r.pk, " selected" if r == room else "", r.name) for r in draft.rooms)
        )
    return {
        "room_options": format_html_join("", option, ((r.pk, "", r.name) for r in draft.rooms)),
        "slot_options": format_html_join(
            "",
            option,
            (
                (row.slot.pk, "", time_format(row.slot.start, "H:i"))
                for row in draft.rows
                if row.takes_sessions
            ),
        ),
    }


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


@require_safe
@live_page(*PLAN_PAGE)
@kept_offline
@camp_view
def plan(request, camp_slug):
    """Today's published grid, now & next, and the Teilgeber's own agenda with clashes marked."""
    camp = request.camp
    # Both before what they version: the page's, and the grid's for what is kept per process.
    version = live.current_version(camp.slug, PLAN_PAGE)
    grid_version = live.memo_version(camp.slug, queries.GRID_TOPICS)
    viewer = request.viewer
    day = _day_from(request, camp, queries.default_day(camp))
    published = queries.published_grid(camp, day, version=grid_version)
    show_links = can_see_room_links(camp, viewer)
    entries, rateable = [], set()
    if published and viewer.participant:
        voted, hosted = plenum_queries.own_session_ids(viewer.participant)
        entries = queries.agenda(published, voted=voted, hosted=hosted)
        if viewer.is_registered:
            rateable = feedback.started_session_ids(published, queries.camp_now(camp)) - hosted
        for entry in entries:
            entry["rateable"] = entry["session"].pk in rateable
            entry["join_url"] = entry["room"].join_url if show_links else ""
    online = bool(published and published.has_online_rooms)
    context = {
        "camp": camp,
        "viewer": viewer,
        "day": day,
        "grid": published,
        **_shared_plan_parts(request, camp, day, published, rateable, grid_version, show_links),
        "agenda": entries,
        "rateable": rateable,
        "links_hint": online and not show_links,
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
    response = render(request, template, context)
    return keep_room_links_private(response, camp=camp, shown=online and show_links)


def _camp_feedback_opens_at(camp):
    """When the camp's feedback opens (its first slot), kept in each process: every Teilgeber's
    plan page asks. Slots change through the admin and the slot generator, which give every topic
    new tokens; the camp's day and zone are in the key. Under the pitch's topic, not the plan's:
    a publish would make every process read it again while the phones ask."""
    return live.memoized(
        camp.slug,
        (live.PITCH,),
        ("camp-feedback-opens", camp.start_date, camp.time_zone),
        lambda: feedback.camp_feedback_opens_at(camp),
    )


def _shared_plan_parts(request, camp, day, published, rateable, grid_version, show_links):
    """The now & next and whole-day parts of the plan: the same for almost every phone, so each
    process renders them once per version of the plan, language, moment the clock changes them,
    set of sessions the viewer may rate (all that began, less those they host) and whether the
    viewer sees the rooms' links. Kept under `grid_version`, the version read before `published`."""
    if published is None:
        return {}
    key = (
        "plan-parts",
        day,
        translation.get_language(),
        published.changes_at,
        frozenset(rateable),
        show_links,
    )

    def render_parts():
        cells = _plan_cells(camp=camp, rateable=rateable, show_links=show_links, path=request.path)

        def row_html(row, *, beginning_only=False):
            return mark_safe(  # noqa: S308 (_plan_cells escapes what it puts in)
                "".join(
                    cells(cell)
                    for cell in row.cells
                    if cell.session and not (beginning_only and cell.continued)
                )
            )

        now_row, next_row = published.now_row, published.next_row
        context = {
            "now": now_row and {"slot": now_row.slot, "cells": row_html(now_row)},
            "next": next_row
            and {"slot": next_row.slot, "cells": row_html(next_row, beginning_only=True)},
            "rows": [{"row": row, "cells": row_html(row)} for row in published.rows],
        }
        return {
            "now_next_html": render_to_string("voting/plan.html#now-next", context),
            "whole_day_html": render_to_string("voting/plan.html#whole-day", context),
        }

    return live.memoized(camp.slug, queries.GRID_TOPICS, key, render_parts, version=grid_version)


def _session_urls(name, camp_slug):
    """The URL of the camp's page `name` for any session id, from one reverse(): the plan links
    each of its sessions twice, and a reverse() per link was a tenth of its rendering."""
    marker = 2**31 - 1
    head, _marker, tail = reverse(name, args=[camp_slug, marker]).rpartition(str(marker))
    return lambda session_id: f"{head}{session_id}{tail}"


def _plan_cells(*, camp, rateable, show_links, path):
    """cell -> the plan's `<li>` for it: the session, room and hosts, the links to join, to the
    notes and (once begun) to rate it. Built from strings escaped here (html.escape, as
    Django's escape), not by an include per cell nor format_html: the parts are rendered once
    per version of the plan in each process, but right after a publish every process renders
    them while the phones ask."""
    session_url = _session_urls("voting:session-detail", camp.slug)
    notes_url = _session_urls("voting:notes", camp.slug)
    feedback_url = _session_urls("voting:session-feedback", camp.slug)
    back = escape(quote(path, safe="/"))
    kinds = {
        Room.Kind.ONLINE: f' <span class="room-kind">{escape(_("online"))}</span>',
        Room.Kind.HYBRID: f' <span class="room-kind">{escape(_("on site + online"))}</span>',
    }
    continued_mark = f" · {escape(_('continued from the slot before'))}"
    moved_mark = f' · <strong class="moved-mark">{escape(_("moved"))}</strong>'
    notes_text, join_text = escape(_("Notes")), escape(_("Join online"))
    rate_text = escape(_("How was it?"))
    built = {}

    def cell_html(cell):
        session, room = cell.session, cell.room
        key = (session.pk, room.pk, cell.continued, cell.moved)
        if key in built:
            return built[key]
        pk, title, continued, moved = session.pk, escape(session.title), cell.continued, cell.moved
        hosts = "".join(f" · {escape(host.display_name)}" for host in session.shown_hosts)
        join = room.join_url if show_links else ""
        built[key] = html = (
            f'<li><a class="grid-session{" is-moved" if moved else ""}'
            f'{" is-continued" if continued else ""}" href="{escape(session_url(pk))}">\n'
            f'  <span class="grid-session-title">{"↳ " if continued else ""}{title}</span>\n'
            f'  <span class="grid-session-meta">{escape(room.name)}'
            f"{kinds.get(room.marked_kind, '')}{continued_mark if continued else ''}{hosts}"
            f"{moved_mark if moved else ''}</span>\n</a>\n"
            + (
                f'<a class="join-link" href="{escape(join)}" rel="noopener noreferrer" '
                f'target="_blank">{join_text}<span class="visually-hidden"> – {title}</span></a>'
                if join
                else ""
            )
            + f'<a class="plan-notes-link" href="{escape(notes_url(pk))}">{notes_text}'
            f'<span class="visually-hidden"> – {title}</span></a>'
            + (
                f'<a class="rate-link" href="{escape(feedback_url(pk))}?next={back}">'
                f"★ {rate_text}</a>\n"
                if pk in rateable
                else ""
            )
            + "</li>"
        )
        return html

    return cell_html


@require_safe
@live_page(*PLAN_PAGE)
@kept_offline
@camp_view
def room_sign(request, camp_slug, room_id):
    """A tablet at the door: this room's session now and next."""
    camp = request.camp
    version = live.current_version(camp.slug, PLAN_PAGE)  # before what it versions
    room = get_object_or_404(camp.rooms, pk=room_id)
    published = queries.published_grid(camp, queries.default_day(camp))
    now_entry, next_entry = queries.room_now_and_next(published, room, queries.camp_now(camp))
    # A tablet at the door, logged out, shows the link only if the camp made the links public;
    # a Teilgeber who opens an online room's sign on the phone joins from it.
    viewer = request.viewer
    join_url = room.join_url if can_see_room_links(camp, viewer) else ""
    context = {
        "camp": camp,
        "room": room,
        "join_url": join_url,
        "now_entry": now_entry,
        "next_entry": next_entry,
        "version": live.page_version(
            version, changes_at=published.changes_at if published else None
        ),
    }
    template = "voting/room_sign.html#sign-live" if request.htmx else "voting/room_sign.html"
    response = render(request, template, context)
    return keep_room_links_private(response, camp=camp, shown=bool(join_url))


# --- Feeds and exports ---------------------------------------------------------------------------


def _calendar_response(camp, request, entries, name, *, show_links):
    body = feeds.calendar(
        camp, entries, name=name, absolute=request.build_absolute_uri, show_links=show_links
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{camp.slug}.ics"'
    return response


@require_safe
@public_feed
@camp_view
def plan_ics(request, camp_slug):
    """The camp's published plan as an iCalendar feed; calendar apps re-read it as it changes.
    Anybody may read it: the online rooms' addresses only if the camp made them public."""
    camp = request.camp
    return _calendar_response(
        camp,
        request,
        feeds.placed_entries(camp),
        camp.name,
        show_links=camp.room_links_public,
    )


@require_safe
@camp_view
def agenda_ics(request, camp_slug, token):
    """The Teilgeber's own sessions behind a secret link (no login: calendar apps cannot log in).
    The link stands for its Teilgeber: the online rooms' addresses while they are registered."""
    camp = request.camp
    participant = (
        Participant.objects.filter(camp=camp, calendar_token=token).select_related("user").first()
    )
    if participant is None:
        raise Http404
    voted, hosted = plenum_queries.own_session_ids(participant)
    mine = voted | hosted
    viewer = event_queries.Viewer(camp=camp, user=participant.user, participant=participant)
    show_links = can_see_room_links(camp, viewer)
    response = _calendar_response(
        camp,
        request,
        feeds.placed_entries(camp, only=mine),
        _("%(camp)s: my sessions") % {"camp": camp.name},
        show_links=show_links,
    )
    return keep_room_links_private(response, camp=camp, shown=show_links)


@require_safe
@public_feed
@camp_view
def schedule_json(request, camp_slug):
    """The published plan for schedule apps (frab/c3voc JSON); public, like plan.ics."""
    camp = request.camp
    data = feeds.frab_schedule(
        camp, absolute=request.build_absolute_uri, show_links=camp.room_links_public
    )
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})


@require_safe
@public_feed
@camp_view
def schedule_xml(request, camp_slug):
    """The published plan for schedule apps (frab/c3voc XML); public, like plan.ics."""
    camp = request.camp
    data = feeds.frab_schedule(
        camp, absolute=request.build_absolute_uri, show_links=camp.room_links_public
    )
    return HttpResponse(feeds.frab_xml(data), content_type="application/xml; charset=utf-8")

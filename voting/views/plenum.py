"""The plenum: every phone's pitch, the room's projector, and the organizers' pitch page."""

import copy
import io

import segno
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe

from barcamp.decorators import login_required
from barcamp.http import as_id
from barcamp.live.polls import live_page
from events import live, sponsors, wall
from events import queries as event_queries
from events.decorators import camp_view
from events.webapp import kept_offline
from sessions import queries as session_queries
from sessions.models import Session
from voting.grid import queries as grid_queries
from voting.models import VotingDay
from voting.plenum import queries, services

from .shared import PITCH_PAGE, budget_context, decorate

# --- The live pitch ------------------------------------------------------------------------


PROJECTOR_PAGE = (live.PITCH, live.VOTES, live.PLAN)
# The projector's wall panel polls by itself: a post re-renders the panel, not the grid.
PROJECTOR_WALL = (live.WALL,)


def _pitch_context(request, camp, viewer, pitch_version):
    # Every phone of the plenum shows the same pitch: each process reads it (and the days'
    # voting states, which change the pitch's version too) once per version of the pitch,
    # `pitch_version` (live.memo_version, read before this).
    pitch, states = live.memoized(
        camp.slug,
        PITCH_PAGE,
        "live-pitch",
        lambda: (queries.live_pitch(camp), queries.day_states(camp)),
        version=pitch_version,
    )
    session = None
    if pitch and pitch.running and pitch.current:
        # A copy for this viewer: the memoized session is shared by every request.
        session = copy.copy(pitch.current)
        session.vote_count, mine = queries.vote_count_and_mine(session, viewer.participant)
        participant_id = viewer.participant.pk if viewer.participant else None
        hosted = {h.session_id for h in session.hosts.all() if h.participant_id == participant_id}
        voted = {session.pk} if mine else set()
        decorate([session], camp=camp, viewer=viewer, states=states, voted=voted, hosted=hosted)
    return {
        "camp": camp,
        "viewer": viewer,
        "pitch": pitch,
        "session": session,
        "voting_open": VotingDay.State.OPEN in states.values(),
    }


@require_safe
@live_page(*PITCH_PAGE)
@kept_offline
@camp_view
def pitch(request, camp_slug):
    """Every Teilgeber's phone during the plenum: the current pitch and one big button.

    It follows the pitch, not every vote: a thousand phones re-render when the next session
    comes up, not on each tap in the room (the projector shows the count rising)."""
    camp = request.camp
    # Read once, before the pitch: the page shows it, and what is kept per process is kept
    # under it (the card below is rendered from the pitch read after it).
    pitch_version = live.memo_version(camp.slug, PITCH_PAGE)
    viewer = request.viewer
    context = {
        **_pitch_context(request, camp, viewer, pitch_version),
        "version": pitch_version or live.current_version(camp.slug, PITCH_PAGE),
        **budget_context(camp, viewer),
    }
    if context["session"]:
        context["pitch_session_html"] = live.memoized(
            camp.slug,
            PITCH_PAGE,
            ("pitch-session", translation.get_language()),
            lambda: render_to_string(
                "voting/pitch.html#pitch-session", {"camp": camp, "session": context["session"]}
            ),
            version=pitch_version,
        )
    if not request.htmx:
        return render(request, "voting/pitch.html", context)
    # A changed poll: a thousand phones ask for it within two seconds of the moderator's "Next".
    # As the vote's answer (votes._voted), the partial reads only what it is given, and its vote
    # form needs no CSRF token: the page's <body> sends it with every htmx request.
    context.update(user=request.user, request=request)
    return HttpResponse(get_template("voting/pitch.html#pitch-live").render(context))


def _projector_wall_context(request, camp):
    return {
        "camp": camp,
        "wall_version": live.current_version(camp.slug, PROJECTOR_WALL),
        "wall_posts": wall.projector_posts(camp),
        "announcements": wall.pinned_announcements(camp, limit=wall.PROJECTOR_ANNOUNCEMENTS),
        "wall_url": request.build_absolute_uri(reverse("events:wall", args=[camp.slug])),
    }


@require_safe
@live_page(*PROJECTOR_PAGE)
@camp_view
def projector(request, camp_slug):
    """The room's screen all day: the live pitch while it runs, the published grid of the day
    otherwise; beside it the pinned announcements and the newest posts of the wall."""
    camp = request.camp
    # Both before what they version: the stage's, and the pitch's for what is kept per process.
    version = live.current_version(camp.slug, PROJECTOR_PAGE)
    pitch_version = live.memo_version(camp.slug, PITCH_PAGE)
    viewer = event_queries.Viewer(participant=None, is_organizer=False)
    context = {
        **_pitch_context(request, camp, viewer, pitch_version),
        "join_url": request.build_absolute_uri(camp.get_absolute_url()),
        "sponsors": sponsors.for_camp(camp),
    }
    grid = None
    if context["session"] is None:
        grid = context["grid"] = grid_queries.published_grid(camp, grid_queries.default_day(camp))
    if grid:
        stage = context["stage"] = grid_queries.projector_stage(
            grid, today=grid_queries.camp_now(camp).date()
        )
        if stage.over:
            context.update(_after_the_day(request, camp, grid.date))
    context["day"] = grid.date if grid else (context["pitch"].date if context["session"] else None)
    context["version"] = live.page_version(version, changes_at=grid.changes_at if grid else None)
    if request.htmx:
        return render(request, "voting/projector.html#projector-stage", context)
    context.update(_projector_wall_context(request, camp))
    return render(request, "voting/projector.html", context)


def _after_the_day(request, camp, date):
    """Where the room goes once the day's sessions are over, as addresses to read off the wall."""

    def address(path):
        return request.build_absolute_uri(path).split("://", 1)[1]

    after = grid_queries.after_the_day(camp, date)
    next_camp = after.get("next_camp")
    return {
        "after": after,
        "documentation_address": address(reverse("voting:documentation", args=[camp.slug])),
        "feedback_address": address(reverse("voting:camp-feedback", args=[camp.slug])),
        "next_camp_address": address(next_camp.get_absolute_url()) if next_camp else "",
    }


@require_safe
@live_page(*PROJECTOR_WALL)
@camp_view
def projector_wall(request, camp_slug):
    """The projector's wall panel, polled by itself: a post re-renders the panel, not the grid."""
    if not request.htmx:  # the panel alone is no page: opened as one, it is the projector
        return projector(request, camp_slug)
    camp = request.camp
    context = _projector_wall_context(request, camp)
    return render(request, "voting/projector.html#projector-wall", context)


@require_safe
@cache_control(max_age=3600, public=True)
@camp_view
def qr_code(request, camp_slug):
    camp = request.camp
    buffer = io.BytesIO()
    segno.make(request.build_absolute_uri(camp.get_absolute_url()), error="m").save(
        buffer, kind="svg", scale=10, border=2, xmldecl=False, svgns=True, title=camp.name
    )
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


MANAGE_ACTIONS = {
    "open-voting",
    "close-voting",
    "start",
    "stop",
    "next",
    "previous",
    "skip",
    "up",
    "down",
}


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@camp_view(organizer_only=True)
def manage_pitch(request, camp_slug):
    """The organizer runs the plenum from a phone or laptop."""
    camp = request.camp
    pitch_state = queries.live_pitch(camp)
    day = next(
        (
            d
            for d in camp.days
            if d.isoformat() == (request.POST.get("day") or request.GET.get("day"))
        ),
        pitch_state.date if pitch_state else camp.start_date,
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            _run_manage_action(camp, day, action, request.POST.get("session"))
        except (services.PitchError, ValueError) as exc:
            messages.error(request, str(exc))
            status = 409
        if status == 200 and not request.htmx:
            return redirect(f"{request.path}?day={day.isoformat()}")
        pitch_state = queries.live_pitch(camp)
    queue = list(
        queries.with_vote_count(
            session_queries.for_display(Session.objects.pitch_queue(camp=camp, date=day))
        )
    )
    states = queries.day_states(camp)
    context = {
        "camp": camp,
        "day": day,
        "pitch": pitch_state,
        "running": bool(pitch_state and pitch_state.running and pitch_state.date == day),
        "queue": queue,
        "voting_state": states[day],
        "states": states,
        "VotingDay": VotingDay,
    }
    template = "voting/manage.html#manage-panel" if request.htmx else "voting/manage.html"
    return render(request, template, context, status=status)


def _run_manage_action(camp, day, action, session_id):
    if action not in MANAGE_ACTIONS:
        raise ValueError(_("Unknown action."))
    if action == "open-voting":
        services.set_voting_state(camp=camp, date=day, state=VotingDay.State.OPEN)
    elif action == "close-voting":
        services.set_voting_state(camp=camp, date=day, state=VotingDay.State.CLOSED)
    elif action == "start":
        services.start_pitch(camp=camp, date=day)
    elif action == "stop":
        services.stop_pitch(camp=camp)
    elif action in {"next", "previous"}:
        services.step_pitch(camp=camp, step=1 if action == "next" else -1)
    elif action == "skip":
        services.skip_pitch(camp=camp)
    else:
        session = session_queries.get_session(camp, as_id(session_id))
        if session is None:
            raise ValueError(_("That session is not here (any more)."))
        services.move_in_queue(session=session, offset=-1 if action == "up" else 1)

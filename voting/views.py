import copy
import dataclasses
import io

import segno
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from barcamp.decorators import (
    is_unchanged_poll,
    live_page,
    login_required,
    login_then_continue,
    rate_limit,
)
from barcamp.http import as_id, safe_next, typed_text
from events import intents, live, sponsors, wall
from events import queries as event_queries
from events.models import Camp
from events.permissions import can_see_room_links, keep_room_links_private
from events.webapp import kept_offline
from sessions import permissions as session_permissions
from sessions import queries as session_queries
from sessions.models import Session

from . import documentation, feedback, queries, services
from .models import VotingDay

QUICK_SKIPPED = "quick-vote-skipped-{camp_id}"


def _decorate(sessions, *, camp, viewer, states=None, voted=None, hosted=None):
    """Give each session what its vote button shows to this viewer."""
    states = queries.day_states(camp) if states is None else states
    if voted is None or hosted is None:
        own_voted, own_hosted = queries.own_session_ids(viewer.participant)
        voted = own_voted if voted is None else voted
        hosted = own_hosted if hosted is None else hosted
    # Only a camp that hides counts needs to know (one query) whether the viewer organizes it.
    organizer = camp.hide_counts_until_closed and viewer.is_organizer
    refusal = _vote_refusal(viewer)
    for session in sessions:
        session.vote_refusal = refusal
        state = states.get(session.day, VotingDay.State.NOT_OPEN)
        session.voted = session.pk in voted
        session.hosted_by_viewer = session.pk in hosted
        session.voting_open = state == VotingDay.State.OPEN
        session.show_count = queries.counts_visible(camp, state, is_organizer=organizer)
    return sessions


def _vote_refusal(viewer):
    """Why a logged-in viewer may not vote in the camp at all ("waitlist", "join"), or None:
    their button says so instead of failing. A logged-out viewer's tap is kept for the login."""
    user = viewer.user
    if user is None or not user.is_authenticated or viewer.is_registered:
        return None
    participant = viewer.participant
    return "waitlist" if participant is not None and participant.is_waitlisted else "join"


def _budget_context(camp, viewer):
    if camp.vote_budget is None or not viewer.is_registered:
        return {"votes_left": None}
    return {"votes_left": max(0, camp.vote_budget - queries.votes_used(viewer.participant))}


def _visible_session_or_404(camp, session_id, viewer, user):
    session = session_queries.get_session(camp, session_id)
    if session is None or not session_permissions.can_see_session(
        user, session, viewer.participant
    ):
        raise Http404
    return session


# --- Session list and detail ---------------------------------------------------------------


@require_safe
@kept_offline
def session_list(request, camp_slug):
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
    states = queries.day_states(camp)
    filters = {
        "search": typed_text(request.GET.get("q"), 100),
        "tag": typed_text(request.GET.get("tag"), 30),
        "format": request.GET.get("format", "")
        if request.GET.get("format") in Session.Format.values
        else "",
        "day": next((day for day in camp.days if day.isoformat() == request.GET.get("day")), None),
    }
    sort = request.GET.get("sort") if request.GET.get("sort") in queries.SORTS else "newest"
    organizer = camp.hide_counts_until_closed and viewer.is_organizer
    counts_shown = all(
        queries.counts_visible(camp, state, is_organizer=organizer) for state in states.values()
    )
    if sort == "wanted" and not counts_shown:
        sort = "newest"  # sorting by votes would give away the hidden counts
    mine = request.GET.get("mine") == "1"
    sessions = list(
        queries.session_list(
            camp=camp, participant=viewer.participant, sort=sort, mine=mine, **filters
        )
    )
    _decorate(sessions, camp=camp, viewer=viewer, states=states)
    # The series' open wishes wait for a host while the camp is ahead or running.
    wishes = (
        session_queries.open_wishes(camp.series, request.user)
        if camp.series and not request.htmx and camp.end_date >= timezone.localdate()
        else []
    )
    context = {
        "camp": camp,
        "viewer": viewer,
        "sessions": sessions,
        "wishes": wishes,
        "filters": filters,
        "sort": sort,
        "mine": mine,
        "counts_shown": counts_shown,
        "tags": session_queries.camp_tags(camp),
        "formats": Session.Format.choices,
        "any_voting_open": VotingDay.State.OPEN in states.values(),
        **_budget_context(camp, viewer),
    }
    template = (
        "voting/session_list.html#session-results" if request.htmx else "voting/session_list.html"
    )
    return render(request, template, context)


@require_safe
@kept_offline
def session_detail(request, camp_slug, session_id):
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
    session = _visible_session_or_404(camp, session_id, viewer, request.user)
    return _render_session_detail(request, camp, viewer, session)


def _render_session_detail(request, camp, viewer, session, status=200):
    session.vote_count = session.votes.count()
    _decorate([session], camp=camp, viewer=viewer)
    place = _published_place(camp, session)
    join_url = place["room"].join_url if place and can_see_room_links(camp, viewer) else ""
    context = {
        "camp": camp,
        "viewer": viewer,
        "session": session,
        "place": place,
        "join_url": join_url,
        "can_edit": session_permissions.can_edit_session(request.user, session, viewer.participant),
        "has_notes_page": documentation.has_notes_page(session),
        "invite_url": request.build_absolute_uri(
            reverse("sessions:cohost", args=[camp.slug, session.pk, session.invite_token])
        ),
        "merge_targets": (
            Session.objects.filter(camp=camp, day=session.day)
            .visible()
            .exclude(pk=session.pk)
            .order_by("title")
            if viewer.is_organizer
            else []
        ),
        **_budget_context(camp, viewer),
        **_feedback_context(session, viewer),
    }
    response = render(request, "voting/session_detail.html", context, status=status)
    return keep_room_links_private(response, camp=camp, shown=bool(join_url))


def _published_place(camp, session):
    """Where and when the session is in its day's published plan ({room, slot, end}), or None;
    from the published grid every phone reads (kept per version of the plan)."""
    if session.day not in camp.days:
        return None
    published = queries.published_grid(camp, session.day)
    if published is None:
        return None
    where = queries.placements_by_session(published).get(session.pk)
    if where is None:
        return None
    room, slot, end = where
    return {"room": room, "slot": slot, "end": end}


def _feedback_context(session, viewer):
    """Hosts and organizers see the session's ratings; a Teilgeber gets the link once it started."""
    context = {"feedback_summary": None, "feedback_open": False}
    if session.hosted_by_viewer or viewer.is_organizer:
        context["feedback_summary"] = feedback.session_summary(session)
    if viewer.is_registered and not session.hosted_by_viewer and session.is_visible:
        try:
            feedback.check_session_feedback(session=session, participant=viewer.participant)
        except feedback.FeedbackError:
            pass
        else:
            context["feedback_open"] = True
    return context


# --- Voting --------------------------------------------------------------------------------


def _parse_want(value):
    return {"1": True, "0": False, None: None, "": None}.get(value, "invalid")


@require_http_methods(["GET", "HEAD", "POST"])
@login_then_continue
@rate_limit("vote")
def vote(request, camp_slug, session_id):
    if request.method != "POST":
        return _vote_kept(request, camp_slug, session_id)
    want = _parse_want(request.POST.get("want"))
    if want == "invalid":
        return HttpResponseBadRequest(_("“want” must be 1 or 0."))
    if want is not None:
        # The plenum's hottest write: one statement decides and writes, another counts, and
        # the button needs nothing more. Anything else takes the full path below.
        quick = services.vote_quickly(
            camp_slug=camp_slug, user=request.user, session_id=session_id, want=want
        )
        if quick is not None:
            return _voted_quickly(request, camp_slug, session_id, want, quick)
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
    # A session hidden or withdrawn after the page was loaded gets the service's clear message
    # instead of a bare 404; ids of other camps find nothing.
    session = session_queries.get_session(camp, session_id)
    if session is None:
        raise Http404
    try:
        voted = services.set_vote(session=session, participant=viewer.participant, want=want)
    except services.VoteError as exc:
        status = 403 if isinstance(exc, services.NotAllowedToVote) else 409
        if request.htmx:
            session.vote_count = session.votes.count()
            _decorate([session], camp=camp, viewer=viewer)
            context = {"camp": camp, "session": session, "vote_error": str(exc)}
            context.update(oob_budget=True, **_budget_context(camp, viewer))
            return render(request, "voting/includes/_vote_button.html", context, status=status)
        messages.error(request, str(exc))
        return _render_session_detail(request, camp, viewer, session, status)
    return _voted(request, camp, session, voted, viewer=viewer)


def _vote_kept(request, camp_slug, session_id):
    """
    The GET a login returns to after a logged-out tap on "I want to go" (events.intents): the
    vote is cast now and the person is back on the page they tapped on, with a message saying
    how it went. A Teilgeber-to-be joins first: the vote waits (the camp page's join goes on to
    it). Without a kept tap this GET changes nothing.
    """
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
    session = _visible_session_or_404(camp, session_id, viewer, request.user)
    kept = intents.take(request, request.path)
    if kept is None:
        return redirect(session)
    participant = viewer.participant
    if participant is None or participant.is_cancelled:
        intents.remember(request, path=request.path, page=kept.page)
        messages.info(
            request,
            _("Join the camp first: then your vote for “%(title)s” counts.")
            % {"title": session.title},
        )
        return redirect(camp)
    try:
        services.set_vote(session=session, participant=participant, want=True)
    except services.VoteError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your vote for “%(title)s” counts.") % {"title": session.title})
    return redirect(kept.page)


def _voted(request, camp, session, voted, *, viewer):
    """The answer to a vote that went through: the new button, or back to the page."""
    if not request.htmx:
        return redirect(safe_next(request, session.get_absolute_url()))
    show_count = queries.counts_visible(
        camp,
        VotingDay.State.OPEN,
        is_organizer=camp.hide_counts_until_closed and viewer.is_organizer,
    )
    budget = _budget_context(camp, viewer) if camp.vote_budget is not None else None
    return _vote_button(
        request, camp.slug, session.pk, voted, session.votes.count(), show_count, budget
    )


def _voted_quickly(request, camp_slug, session_id, voted, quick):
    """
    _voted for services.vote_quickly: the statement brought everything the button needs, so
    no model instance is built (a Camp and a Session, each setting its fields' defaults, were a
    noticeable part of the vote's CPU: bench/README.md). A quick vote never counts a vote budget.
    """
    if not request.htmx:
        page = reverse(
            "voting:session-detail", kwargs={"camp_slug": camp_slug, "session_id": session_id}
        )
        return redirect(safe_next(request, page))
    organizer = quick.hide_counts_until_closed and (
        Camp(pk=quick.camp_id, slug=camp_slug).is_organized_by(request.user)
    )
    # The quick vote carries the camp's hide_counts_until_closed, all counts_visible reads.
    show_count = queries.counts_visible(quick, VotingDay.State.OPEN, is_organizer=organizer)
    return _vote_button(request, camp_slug, session_id, voted, quick.vote_count, show_count)


@dataclasses.dataclass(slots=True)
class _VotedSession:
    """What the vote button reads of a session whose vote went through."""

    pk: int
    voted: bool
    vote_count: int
    show_count: bool
    # Voting is open and the viewer does not host the session, or the vote would not have
    # gone through.
    hosted_by_viewer: bool = False
    voting_open: bool = True


def _vote_button(request, camp_slug, session_id, voted, count, show_count, budget=None):
    session = _VotedSession(pk=session_id, voted=voted, vote_count=count, show_count=show_count)
    context = {"camp": {"slug": camp_slug}, "session": session, "oob_budget": budget is not None}
    context.update(budget or {})
    # The plenum's hottest answer: the button reads only what it is given (the login), so it
    # skips the context processors (messages, CSP nonce, language list). It goes into a page
    # whose <body> sends the CSRF token with every htmx request (hx-headers), so its form needs
    # none: a token here would cost a fresh mask and a Set-Cookie on every vote.
    context.update(user=request.user)
    return HttpResponse(get_template("voting/includes/_vote_button.html").render(context))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@rate_limit("vote")
def quick_vote(request, camp_slug):
    """One session at a time, fewest votes first (while counts are hidden, in the Teilgeber's
    own shuffled order), so that every pitch gets seen."""
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
    if not viewer.is_registered:
        messages.info(request, _("Join the camp to vote."))
        return redirect(camp)
    skipped_key = QUICK_SKIPPED.format(camp_id=camp.pk)
    skipped = request.session.get(skipped_key, [])
    status = 200
    if request.method == "POST":
        choice = request.POST.get("choice")
        session = session_queries.get_session(camp, as_id(request.POST.get("session")))
        if choice == "restart":
            request.session[skipped_key] = []
            skipped = []
        elif session is None or choice not in {"want", "skip"}:
            messages.error(request, _("That session is not here (any more)."))
            status = 400
        elif choice == "skip":
            skipped = [*skipped, session.pk][-500:]
            request.session[skipped_key] = skipped
        else:
            try:
                services.set_vote(session=session, participant=viewer.participant, want=True)
            except services.VoteError as exc:
                messages.error(request, str(exc))
                status = 409
        if status == 200 and not request.htmx:
            return redirect("voting:quick-vote", camp_slug=camp.slug)
    states = queries.day_states(camp)
    open_days = [day for day, state in states.items() if state == VotingDay.State.OPEN]
    organizer = camp.hide_counts_until_closed and viewer.is_organizer
    session, remaining = queries.quick_vote_candidate(
        camp=camp,
        participant=viewer.participant,
        skipped=skipped,
        open_days=open_days,
        by_votes=queries.counts_visible(camp, VotingDay.State.OPEN, is_organizer=organizer),
    )
    if session:
        _decorate([session], camp=camp, viewer=viewer, states=states)
    context = {
        "camp": camp,
        "session": session,
        "remaining": remaining,
        "skipped_count": len(skipped),
        "voting_open": bool(open_days),
        **_budget_context(camp, viewer),
    }
    template = "voting/quick_vote.html#quick-card" if request.htmx else "voting/quick_vote.html"
    return render(request, template, context, status=status)


# --- The live pitch ------------------------------------------------------------------------


PITCH_PAGE = (live.PITCH,)
PROJECTOR_PAGE = (live.PITCH, live.VOTES, live.PLAN)
# The projector's wall panel polls by itself: a post re-renders the panel, not the grid.
PROJECTOR_WALL = (live.WALL,)


def _unchanged(request, camp_slug, topics):
    """An HTMX poll that already shows the current version: answer 204 without touching the database."""
    return is_unchanged_poll(request, camp_slug, topics)


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
        _decorate([session], camp=camp, viewer=viewer, states=states, voted=voted, hosted=hosted)
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
def pitch(request, camp_slug):
    """Every Teilgeber's phone during the plenum: the current pitch and one big button.

    It follows the pitch, not every vote: a thousand phones re-render when the next session
    comes up, not on each tap in the room (the projector shows the count rising)."""
    camp = event_queries.get_camp(camp_slug)
    # Read once, before the pitch: the page shows it, and what is kept per process is kept
    # under it (the card below is rendered from the pitch read after it).
    pitch_version = live.memo_version(camp.slug, PITCH_PAGE)
    viewer = event_queries.viewer(camp, request.user)
    context = {
        **_pitch_context(request, camp, viewer, pitch_version),
        "version": pitch_version or live.current_version(camp.slug, PITCH_PAGE),
        **_budget_context(camp, viewer),
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
    # As the vote's answer (_voted), the partial reads only what it is given, and its vote
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
def projector(request, camp_slug):
    """The room's screen all day: the live pitch while it runs, the published grid of the day
    otherwise; beside it the pinned announcements and the newest posts of the wall."""
    camp = event_queries.get_camp(camp_slug)
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
        grid = context["grid"] = queries.published_grid(camp, queries.default_day(camp))
    if grid:
        stage = context["stage"] = queries.projector_stage(
            grid, today=queries.camp_now(camp).date()
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

    after = queries.after_the_day(camp, date)
    next_camp = after.get("next_camp")
    return {
        "after": after,
        "documentation_address": address(reverse("voting:documentation", args=[camp.slug])),
        "feedback_address": address(reverse("voting:camp-feedback", args=[camp.slug])),
        "next_camp_address": address(next_camp.get_absolute_url()) if next_camp else "",
    }


@require_safe
@live_page(*PROJECTOR_WALL)
def projector_wall(request, camp_slug):
    """The projector's wall panel, polled by itself: a post re-renders the panel, not the grid."""
    if not request.htmx:  # the panel alone is no page: opened as one, it is the projector
        return projector(request, camp_slug)
    camp = event_queries.get_camp(camp_slug)
    context = _projector_wall_context(request, camp)
    return render(request, "voting/projector.html#projector-wall", context)


@require_safe
@cache_control(max_age=3600, public=True)
def qr_code(request, camp_slug):
    camp = event_queries.get_camp(camp_slug)
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
def manage_pitch(request, camp_slug):
    """The organizer runs the plenum from a phone or laptop."""
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
    if not viewer.is_organizer:
        raise Http404
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


@require_POST
@login_required
def merge(request, camp_slug, session_id):
    camp = event_queries.get_camp(camp_slug)
    viewer = event_queries.viewer(camp, request.user)
    if not viewer.is_organizer:
        raise Http404
    duplicate = session_queries.get_session(camp, session_id)
    keep = session_queries.get_session(camp, as_id(request.POST.get("into")))
    if duplicate is None:
        raise Http404
    if keep is None:
        messages.error(request, _("Choose the session to merge into."))
        return _render_session_detail(request, camp, viewer, duplicate, 400)
    try:
        services.merge_sessions(keep=keep, duplicate=duplicate)
    except services.PitchError as exc:
        messages.error(request, str(exc))
        return _render_session_detail(request, camp, viewer, duplicate, 409)
    messages.success(
        request, _("“%(duplicate)s” is merged into this session.") % {"duplicate": duplicate.title}
    )
    return redirect(keep)

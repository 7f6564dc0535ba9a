"""Where Teilgeber vote: the session list and page, the vote button, quick voting; and the
organizers' merging of duplicates."""

import dataclasses

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from barcamp import intents
from barcamp.decorators import login_required, login_then_continue, rate_limit
from barcamp.http import as_id, safe_next, typed_text
from events import live
from events.decorators import camp_view
from events.models import Camp
from events.permissions import can_see_room_links, keep_room_links_private
from events.webapp import kept_offline
from sessions import permissions as session_permissions
from sessions import queries as session_queries
from sessions.models import Session
from voting.aftercamp import documentation, feedback
from voting.grid import queries as grid_queries
from voting.models import VotingDay
from voting.plenum import queries, services

from .shared import PITCH_PAGE, budget_context, decorate, visible_session_or_404

QUICK_SKIPPED = "quick-vote-skipped-{camp_id}"


# --- Session list and detail ---------------------------------------------------------------


@require_safe
@kept_offline
@camp_view
def session_list(request, camp_slug):
    camp = request.camp
    # Before the sessions: what is kept per version of them is kept under it.
    version = live.memo_version(camp.slug, PITCH_PAGE)
    viewer = request.viewer
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
    decorate(sessions, camp=camp, viewer=viewer, states=states)
    heads = _session_heads(camp, version)
    for session in sessions:
        session.head = heads.get(session.pk) or _session_head(camp, session.pk)
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
        "tags": _kept(camp, version, "tags", lambda: session_queries.camp_tags(camp)),
        "formats": Session.Format.choices,
        "any_voting_open": VotingDay.State.OPEN in states.values(),
        **budget_context(camp, viewer),
    }
    template = (
        "voting/session_list.html#session-results" if request.htmx else "voting/session_list.html"
    )
    return render(request, template, context)


def _kept(camp, version, key, compute):
    """compute(), kept per version of the camp's sessions (`version`, read before it)."""
    return live.memoized(camp.slug, PITCH_PAGE, key, compute, version=version)


def _session_heads(camp, version):
    """{session id: its card's head on the list}: title, format, day, tags and hosts, the same
    for every phone. Each process renders them for all the camp's visible sessions once per
    version of the sessions and language (they were two thirds of the list's CPU), under
    `version`, read before the request's own read of the sessions."""

    def render_heads():
        template = get_template("voting/session_list.html#session-head")
        sessions = session_queries.for_display(Session.objects.filter(camp=camp).visible())
        return {s.pk: template.render({"camp": camp, "session": s}) for s in sessions}

    return _kept(camp, version, ("session-heads", translation.get_language()), render_heads)


def _session_head(camp, session_id):
    """The head of a session that came after the kept heads were rendered."""
    session = session_queries.get_session(camp, session_id)
    template = get_template("voting/session_list.html#session-head")
    return template.render({"camp": camp, "session": session})


@require_safe
@kept_offline
@camp_view
def session_detail(request, camp_slug, session_id):
    camp = request.camp
    viewer = request.viewer
    session = visible_session_or_404(camp, session_id, viewer, request.user)
    return _render_session_detail(request, camp, viewer, session)


def _render_session_detail(request, camp, viewer, session, status=200):
    session.vote_count = session.votes.count()
    decorate([session], camp=camp, viewer=viewer)
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
        **budget_context(camp, viewer),
        **_feedback_context(session, viewer),
    }
    response = render(request, "voting/session_detail.html", context, status=status)
    return keep_room_links_private(response, camp=camp, shown=bool(join_url))


def _published_place(camp, session):
    """Where and when the session is in its day's published plan ({room, slot, end}), or None;
    from the published grid every phone reads (kept per version of the plan)."""
    if session.day not in camp.days:
        return None
    published = grid_queries.published_grid(camp, session.day)
    if published is None:
        return None
    where = grid_queries.placements_by_session(published).get(session.pk)
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
    return _vote_in_full(request, camp_slug, session_id, want)


@camp_view
def _vote_in_full(request, camp_slug, session_id, want):
    """A vote the quick path left: a refusal, a repeated tap, a camp with a vote budget."""
    camp = request.camp
    viewer = request.viewer
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
            decorate([session], camp=camp, viewer=viewer)
            context = {"camp": camp, "session": session, "vote_error": str(exc)}
            context.update(oob_budget=True, **budget_context(camp, viewer))
            return render(request, "voting/includes/_vote_button.html", context, status=status)
        messages.error(request, str(exc))
        return _render_session_detail(request, camp, viewer, session, status)
    return _voted(request, camp, session, voted, viewer=viewer)


@camp_view
def _vote_kept(request, camp_slug, session_id):
    """
    The GET a login returns to after a logged-out tap on "I want to go" (barcamp.intents): the
    vote is cast now and the person is back on the page they tapped on, with a message saying
    how it went. A Teilgeber-to-be joins first: the vote waits (the camp page's join goes on to
    it). Without a kept tap this GET changes nothing.
    """
    camp = request.camp
    viewer = request.viewer
    session = visible_session_or_404(camp, session_id, viewer, request.user)
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
    budget = budget_context(camp, viewer) if camp.vote_budget is not None else None
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
@camp_view
def quick_vote(request, camp_slug):
    """One session at a time, fewest votes first (while counts are hidden, in the Teilgeber's
    own shuffled order), so that every pitch gets seen."""
    camp = request.camp
    viewer = request.viewer
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
        decorate([session], camp=camp, viewer=viewer, states=states)
    context = {
        "camp": camp,
        "session": session,
        "remaining": remaining,
        "skipped_count": len(skipped),
        "voting_open": bool(open_days),
        **budget_context(camp, viewer),
    }
    template = "voting/quick_vote.html#quick-card" if request.htmx else "voting/quick_vote.html"
    return render(request, template, context, status=status)


@require_POST
@login_required
@camp_view(organizer_only=True)
def merge(request, camp_slug, session_id):
    camp = request.camp
    viewer = request.viewer
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

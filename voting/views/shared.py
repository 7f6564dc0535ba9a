"""What several of voting's view modules need; nothing here is a view."""

from django.http import Http404

from events import live
from sessions import permissions as session_permissions
from sessions import queries as session_queries
from voting.models import VotingDay
from voting.plenum import queries

# What the pitch page shows, and the session list's cards: both change with the sessions.
PITCH_PAGE = (live.PITCH,)


def decorate(sessions, *, camp, viewer, states=None, voted=None, hosted=None):
    """Give each session what its vote button shows to this viewer."""
    states = queries.day_states(camp) if states is None else states
    if voted is None or hosted is None:
        own_voted, own_hosted = queries.own_session_ids(viewer.participant)
        voted = own_voted if voted is None else voted
        hosted = own_hosted if hosted is None else hosted
    # Only a camp that hides counts needs to know (one query) whether the viewer organizes it.
    organizer = camp.hide_counts_until_closed and viewer.is_organizer
    refusal = vote_refusal(viewer)
    for session in sessions:
        session.vote_refusal = refusal
        state = states.get(session.day, VotingDay.State.NOT_OPEN)
        session.voted = session.pk in voted
        session.hosted_by_viewer = session.pk in hosted
        session.voting_open = state == VotingDay.State.OPEN
        session.show_count = queries.counts_visible(camp, state, is_organizer=organizer)
    return sessions


def vote_refusal(viewer):
    """Why a logged-in viewer may not vote in the camp at all ("waitlist", "join"), or None:
    their button says so instead of failing. A logged-out viewer's tap is kept for the login."""
    user = viewer.user
    if user is None or not user.is_authenticated or viewer.is_registered:
        return None
    participant = viewer.participant
    return "waitlist" if participant is not None and participant.is_waitlisted else "join"


def budget_context(camp, viewer):
    if camp.vote_budget is None or not viewer.is_registered:
        return {"votes_left": None}
    return {"votes_left": max(0, camp.vote_budget - queries.votes_used(viewer.participant))}


def visible_session_or_404(camp, session_id, viewer, user):
    session = session_queries.get_session(camp, session_id)
    if session is None or not session_permissions.can_see_session(
        user, session, viewer.participant
    ):
        raise Http404
    return session

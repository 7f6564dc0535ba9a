"""Reads that combine sessions with their votes, and the live pitch."""

from django.db.models import Count, Q

from sessions.models import Session
from sessions.queries import filtered_sessions, for_display

from .models import LivePitch, Vote, VotingDay

SORTS = ("newest", "wanted")


def with_vote_count(queryset):
    return queryset.annotate(vote_count=Count("votes", distinct=True))


def session_list(*, camp, participant=None, sort="newest", mine=False, **filters):
    """The list page: visible sessions filtered, with hosts and vote counts, in a fixed number of queries."""
    sessions = filtered_sessions(camp=camp, **filters)
    if mine:
        if participant is None:
            return Session.objects.none()
        sessions = sessions.filter(
            Q(hosts__participant=participant) | Q(votes__participant=participant)
        ).distinct()
    sessions = for_display(with_vote_count(sessions))
    if sort == "wanted":
        return sessions.order_by("-vote_count", "-created_at", "-pk")
    return sessions.order_by("-created_at", "-pk")


def voted_session_ids(participant):
    """The ids of the sessions the Teilgeber wants to go to (one query)."""
    if participant is None:
        return set()
    return set(Vote.objects.filter(participant=participant).values_list("session_id", flat=True))


def day_states(camp):
    """{date: VotingDay.State} for every day of the camp (one query)."""
    states = dict(VotingDay.objects.filter(camp=camp).values_list("date", "state"))
    return {day: states.get(day, VotingDay.State.NOT_OPEN) for day in camp.days}


def counts_visible(camp, state, *, is_organizer=False):
    """Vote counts stay hidden until the day's voting closes, if the camp wants that; organizers always see them."""
    return is_organizer or not camp.hide_counts_until_closed or state == VotingDay.State.CLOSED


def votes_used(participant):
    if participant is None:
        return 0
    return Vote.objects.counted().filter(participant=participant).count()


def live_pitch(camp):
    """The camp's live pitch with its current session, hosts and vote count, or None (two queries)."""
    pitch = LivePitch.objects.filter(camp=camp).select_related("current").first()
    if pitch and pitch.current_id:
        pitch.current = for_display(
            with_vote_count(Session.objects.filter(pk=pitch.current_id))
        ).first()
    return pitch


def quick_vote_candidate(*, camp, participant, skipped, open_days):
    """The next session to show in quick voting: not yet decided on, fewest votes first, then pitch order."""
    decided = Vote.objects.filter(participant=participant).values("session_id")
    candidates = (
        Session.objects.filter(camp=camp, day__in=open_days)
        .visible()
        .exclude(pk__in=decided)
        .exclude(hosts__participant=participant)
        .exclude(pk__in=skipped)
    )
    remaining = candidates.count()
    session = (
        for_display(with_vote_count(candidates))
        .order_by("vote_count", "day", "pitch_position", "pk")
        .first()
    )
    return session, remaining

"""Reads of sessions with their votes: the list, counts, quick voting, the live pitch."""

from django.db import connection
from django.db.models import Count, Q
from django.utils.crypto import salted_hmac

from sessions.models import Session, SessionHost
from sessions.queries import filtered_sessions, for_display
from voting.models import LivePitch, Vote, VotingDay

SORTS = ("newest", "wanted")


def with_vote_count(queryset):
    return queryset.annotate(vote_count=Count("votes", distinct=True))


def session_list(*, camp, participant=None, sort="newest", mine=False, **filters):
    """The list page: visible sessions filtered, with vote counts, in one query. Only what
    differs between requests: the rest of each card is kept per version (`voting.views.votes`)."""
    sessions = filtered_sessions(camp=camp, **filters)
    if mine:
        if participant is None:
            return Session.objects.none()
        sessions = sessions.filter(
            Q(hosts__participant=participant) | Q(votes__participant=participant)
        ).distinct()
    sessions = with_vote_count(sessions).only("pk", "day", "created_at")
    if sort == "wanted":
        return sessions.order_by("-vote_count", "-created_at", "-pk")
    return sessions.order_by("-created_at", "-pk")


def vote_count_and_mine(session, participant=None):
    """The session's vote count, and whether the Teilgeber is among its votes (one query)."""
    # A plain statement, because every phone's pitch page asks: as an ORM aggregate(), which
    # Django compiles anew each time, the page cost clearly more CPU (bench/README.md).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(CASE WHEN participant_id = %s THEN 1 END)"
            f" FROM {Vote._meta.db_table} WHERE session_id = %s",
            [participant.pk if participant else None, session.pk],
        )
        count, mine = cursor.fetchone()
    return count, mine > 0


def own_session_ids(participant):
    """(voted, hosted): the ids of the sessions the Teilgeber wants to go to, and of those they
    host (one query)."""
    if participant is None:
        return set(), set()
    # One plain statement for both, because every phone's plan page asks: with two ORM
    # querysets the page cost clearly more CPU (bench/README.md).
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT session_id, 0 FROM {Vote._meta.db_table} WHERE participant_id = %s"
            f" UNION ALL SELECT session_id, 1 FROM {SessionHost._meta.db_table}"
            " WHERE participant_id = %s",
            [participant.pk, participant.pk],
        )
        voted, hosted = set(), set()
        for session_id, host in cursor.fetchall():
            (hosted if host else voted).add(session_id)
    return voted, hosted


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


def pitch_running(camp):
    """Whether the camp's pitch runs (the projector shows it): one small query."""
    return LivePitch.objects.filter(camp=camp, running=True).exists()


def quick_vote_candidate(*, camp, participant, skipped, open_days, by_votes=True):
    """(the next session to show in quick voting, how many are left): the sessions not yet
    decided on, fewest votes first, then in pitch order; or, `by_votes=False` while the counts
    are hidden, in an order of the Teilgeber's own that no vote changes."""
    decided = Vote.objects.filter(participant=participant).values("session_id")
    candidates = (
        Session.objects.filter(camp=camp, day__in=open_days)
        .visible()
        .exclude(pk__in=decided)
        .exclude(hosts__participant=participant)
        .exclude(pk__in=skipped)
    )
    if not by_votes:
        # Fewest first would tell the hidden counts to whoever skips through the sessions
        # (and a new vote to whoever watches the order change).
        ids = list(candidates.values_list("pk", flat=True))
        if not ids:
            return None, 0
        first = min(ids, key=lambda pk: shuffled_rank(participant, pk))
        return for_display(Session.objects.filter(pk=first)).first(), len(ids)
    remaining = candidates.count()
    session = (
        for_display(with_vote_count(candidates))
        .order_by("vote_count", "day", "pitch_position", "pk")
        .first()
    )
    return session, remaining


def shuffled_rank(participant, session_id):
    """The session's place in the Teilgeber's own shuffled order: the same on every visit,
    different for each Teilgeber, so that every session is seen first by someone."""
    return salted_hmac(
        "voting.quick-vote-order", f"{participant.pk}:{session_id}", algorithm="sha256"
    ).digest()

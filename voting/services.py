"""Every write of the voting app: votes, voting days, the live pitch, merging duplicates."""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events import live
from events.models import Camp, Participant
from sessions.models import Session, SessionHost

from .models import LivePitch, Vote, VotingDay


class VoteError(Exception):
    """A vote breaks a rule; the message is meant for the person."""


class NotAllowedToVote(VoteError):
    """The person may not vote in this camp at all (not registered)."""


class PitchError(Exception):
    """The pitch queue cannot do that; the message is meant for the organizer."""


def voting_state(*, camp, date):
    state = VotingDay.objects.filter(camp=camp, date=date).values_list("state", flat=True).first()
    return state or VotingDay.State.NOT_OPEN


def set_voting_state(*, camp, date, state):
    """Organizers open voting for a day, or close it."""
    if date not in camp.days:
        raise PitchError(_("%(day)s is not a day of this camp.") % {"day": date})
    with transaction.atomic():
        VotingDay.objects.update_or_create(camp=camp, date=date, defaults={"state": state})
        live.mark_changed(camp.slug)


def set_vote(*, session, participant, want=None):
    """
    Record whether the Teilgeber wants to go to the session; `want=None` toggles.

    Returns whether they want to go now. Asking for the state it already has changes
    nothing, so two taps at once count once. Hosts count as attending and do not vote;
    only registered Teilgeber vote, only on visible sessions, only while the day's voting
    is open, and never beyond the camp's vote budget.
    """
    camp = session.camp
    if participant is None or participant.camp_id != camp.pk or not participant.is_registered:
        if participant is not None and participant.camp_id == camp.pk and participant.is_waitlisted:
            raise NotAllowedToVote(
                _("You are on the waitlist – you can vote as soon as you move up.")
            )
        raise NotAllowedToVote(_("Only registered Teilgeber of this camp can vote."))
    if not session.is_visible:
        raise VoteError(_("This session is not open for votes."))
    # session.hosts may be prefetched (the views do): then this costs no query.
    if any(host.participant_id == participant.pk for host in session.hosts.all()):
        raise VoteError(_("You host this session: you are counted as attending anyway."))
    if voting_state(camp=camp, date=session.day) != VotingDay.State.OPEN:
        raise VoteError(_("Voting for this day is not open."))
    votes = Vote.objects.filter(session=session, participant=participant)
    if want is not None and camp.vote_budget is None:
        # The plenum's hot path: one statement, no transaction around it. The unique
        # constraint decides, so a second tap at the same moment inserts nothing.
        if want:
            Vote.objects.bulk_create(
                [Vote(session=session, participant=participant)], ignore_conflicts=True
            )
            live.mark_changed(camp.slug, live.VOTES)
        elif votes.delete()[0]:
            live.mark_changed(camp.slug, live.VOTES)
        return want
    with transaction.atomic():
        # A toggle reads before it writes, and a budget counts before it adds: the lock on the
        # Teilgeber's row queues their parallel taps; other Teilgeber never wait for it.
        Participant.objects.select_for_update().filter(pk=participant.pk).first()
        has_vote = votes.exists()
        if want is None:
            want = not has_vote
        if want == has_vote:
            return want
        if (
            want
            and camp.vote_budget is not None
            and votes_left(participant=participant, budget=camp.vote_budget) <= 0
        ):
            raise VoteError(
                _("You have used all your %(budget)d votes. Take one back to vote here.")
                % {"budget": camp.vote_budget}
            )
        if want:
            Vote.objects.create(session=session, participant=participant)
        else:
            votes.delete()
        live.mark_changed(camp.slug, live.VOTES)
    return want


@functools.cache
def _quick_vote_sql(*, vendor, synchronous_commit):
    """The quick vote's statements: on PostgreSQL one that writes and counts, elsewhere a write
    and a count."""
    vote, session, camp = Vote._meta.db_table, Session._meta.db_table, Camp._meta.db_table
    participant, host = Participant._meta.db_table, SessionHost._meta.db_table
    day = VotingDay._meta.db_table
    # The statement runs in a transaction of its own (autocommit), which this makes commit
    # without waiting for the disk (settings.VOTE_SYNCHRONOUS_COMMIT): PostgreSQL evaluates a
    # volatile function in FROM once, and the setting lasts until the commit.
    commit_mode = (
        ""
        if synchronous_commit
        else "CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS commit_mode"
    )
    # The rules of set_vote, as a condition on the one row the statement writes: a camp without
    # a vote budget, the user's registered Teilgeber record in it, a visible session of it, its
    # day's voting open, the Teilgeber not one of its hosts.
    allowed = f"""
        FROM {session} s {commit_mode}
        JOIN {camp} c ON c.id = s.camp_id
        JOIN {participant} p ON p.camp_id = s.camp_id
        JOIN {day} d ON d.camp_id = s.camp_id AND d.date = s.day
        WHERE s.id = %(session)s AND c.slug = %(camp)s AND c.vote_budget IS NULL
          AND p.user_id = %(user)s AND p.status = %(registered)s
          AND NOT s.hidden AND s.status <> %(withdrawn)s AND d.state = %(open)s
          AND NOT EXISTS (
            SELECT 1 FROM {host} h WHERE h.session_id = s.id AND h.participant_id = p.id
          )
    """
    insert = f"""
        INSERT INTO {vote} (session_id, participant_id, created_at)
        SELECT s.id, p.id, %(now)s {allowed}
        ON CONFLICT (session_id, participant_id) DO NOTHING
    """
    delete = f"""
        DELETE FROM {vote} WHERE session_id = %(session)s
          AND participant_id IN (SELECT p.id {allowed})
    """
    # What the answer's button shows: the count, and whether the camp hides counts for now.
    if vendor != "postgresql":
        count = f"""
            SELECT c.id, c.hide_counts_until_closed,
                   (SELECT count(*) FROM {vote} v WHERE v.session_id = %(session)s)
            FROM {camp} c WHERE c.slug = %(camp)s
        """
        return {True: (insert, count), False: (delete, count)}
    # On PostgreSQL the write and the count are one statement, one round trip. Its parts share
    # one snapshot, so the count does not see the write yet: the statement adds (or takes off)
    # what the write changed, 1 or 0, which it also returns.
    counted = f"""
        SELECT c.id, c.hide_counts_until_closed,
               (SELECT count(*) FROM {vote} v WHERE v.session_id = %(session)s)
               {{sign}} (SELECT count(*) FROM changed),
               (SELECT count(*) FROM changed)
        FROM {camp} c WHERE c.slug = %(camp)s
    """
    return {
        True: (f"WITH changed AS ({insert} RETURNING 1) {counted.format(sign='+')}",),
        False: (f"WITH changed AS ({delete} RETURNING 1) {counted.format(sign='-')}",),
    }


@dataclass(frozen=True)
class QuickVote:
    camp_id: int
    hide_counts_until_closed: bool
    vote_count: int


def vote_quickly(*, camp_slug, user, session_id, want):
    """
    The plenum's hot path of set_vote: check every rule and write the vote in one statement.

    Returns the session's new vote count (with what the button needs of its camp) when the vote
    changed as asked, or None when it did not — a rule said no, the session is not there, the
    camp counts a vote budget, or the vote already was as asked. The caller then asks set_vote,
    which applies the same rules with a message for the person (or confirms a second tap).
    """
    if not user.is_authenticated:
        return None
    statements = _quick_vote_sql(
        vendor=connection.vendor,
        synchronous_commit=settings.VOTE_SYNCHRONOUS_COMMIT or connection.vendor != "postgresql",
    )[bool(want)]
    params = {
        "session": session_id,
        "camp": camp_slug,
        "user": user.pk,
        "registered": Participant.Status.REGISTERED,
        "withdrawn": Session.Status.WITHDRAWN,
        "open": VotingDay.State.OPEN,
        "now": connection.ops.adapt_datetimefield_value(timezone.now()),
    }
    with _preparing_cursor() as cursor:
        # Outside a transaction, like set_vote's hot path: the unique constraint decides, so
        # a second tap at the same moment changes nothing.
        if len(statements) == 1:
            cursor.execute(statements[0], params)
            row = cursor.fetchone()
            if row is None or row[3] != 1:
                return None
        else:
            write, count = statements
            cursor.execute(write, params)
            if cursor.rowcount != 1:
                return None
            cursor.execute(count, params)
            row = cursor.fetchone()
    live.mark_changed(camp_slug, live.VOTES)
    camp_id, hide_counts, votes = row[:3]
    return QuickVote(camp_id=camp_id, hide_counts_until_closed=bool(hide_counts), vote_count=votes)


def _preparing_cursor():
    """
    A cursor whose statements PostgreSQL prepares (settings: `prepare_threshold`), else Django's.

    Planning the vote's five-table statement took PostgreSQL longer than running it, so a
    prepared statement costs a fraction of an unprepared one (bench/README.md). Django's own
    cursors bind on the client, which never prepares; this one binds on the server, through
    Django's wrapper all the same (its errors, query logging and execute wrappers).
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(ServerBindingCursor(connection.connection))


def votes_left(*, participant, budget):
    return budget - Vote.objects.counted().filter(participant=participant).count()


def merge_sessions(*, keep, duplicate):
    """
    Fold a duplicate into the session to keep: its hosts and votes move over, nobody counted twice.

    A voter of both keeps one vote; a voter who hosts the kept session is a host, not a voter.
    The duplicate is withdrawn and points at the kept session.
    """
    if keep.pk == duplicate.pk:
        raise PitchError(_("A session cannot be merged into itself."))
    if keep.camp_id != duplicate.camp_id:
        raise PitchError(_("Only sessions of the same camp can be merged."))
    if not keep.is_visible:
        raise PitchError(_("Merge into a visible session."))
    with transaction.atomic():
        sessions = (
            Session.objects.select_for_update()
            .filter(pk__in=[keep.pk, duplicate.pk])
            .order_by("pk")
        )
        list(sessions)  # lock both, in a fixed order
        keep_hosts = set(keep.hosts.values_list("participant_id", flat=True))
        for host in duplicate.hosts.exclude(participant_id__in=keep_hosts):
            SessionHost.objects.create(session=keep, participant_id=host.participant_id)
            keep_hosts.add(host.participant_id)
        Vote.objects.filter(session=keep, participant_id__in=keep_hosts).delete()
        keep_voters = set(keep.votes.values_list("participant_id", flat=True))
        moving = duplicate.votes.exclude(participant_id__in=keep_voters | keep_hosts)
        Vote.objects.bulk_create(
            [Vote(session=keep, participant_id=vote.participant_id) for vote in moving],
            ignore_conflicts=True,
        )
        duplicate.votes.all().delete()
        duplicate.status = Session.Status.WITHDRAWN
        duplicate.merged_into = keep
        duplicate.save(update_fields=["status", "merged_into", "updated_at"])
        live.mark_changed(keep.camp.slug)
    return keep


# --- The live pitch ------------------------------------------------------------------------


def _pitch_for_update(camp):
    pitch, _created = LivePitch.objects.select_for_update().get_or_create(
        camp=camp, defaults={"date": camp.start_date}
    )
    return pitch


def start_pitch(*, camp, date):
    """The plenum begins: the day's queue runs, from its first session (or where it stopped)."""
    if date not in camp.days:
        raise PitchError(_("%(day)s is not a day of this camp.") % {"day": date})
    with transaction.atomic():
        pitch = _pitch_for_update(camp)
        if pitch.date != date or pitch.current is None or not pitch.current.is_visible:
            pitch.current = Session.objects.pitch_queue(camp=camp, date=date).first()
        pitch.date = date
        pitch.running = True
        pitch.save()
        live.mark_changed(camp.slug, live.PITCH)
    return pitch


def stop_pitch(*, camp):
    with transaction.atomic():
        pitch = _pitch_for_update(camp)
        pitch.running = False
        pitch.save()
        live.mark_changed(camp.slug, live.PITCH)
    return pitch


def step_pitch(*, camp, step):
    """Move to the next (step=1) or previous (step=-1) session of the queue."""
    with transaction.atomic():
        pitch = _pitch_for_update(camp)
        queue = list(
            Session.objects.pitch_queue(camp=camp, date=pitch.date).values_list("pk", flat=True)
        )
        if not queue:
            raise PitchError(_("No session is waiting to be pitched on this day."))
        index = queue.index(pitch.current_id) if pitch.current_id in queue else -1
        target = index + step
        if target < 0 or target >= len(queue):
            raise PitchError(
                _("That was the last pitch.") if step > 0 else _("This is the first pitch.")
            )
        pitch.current_id = queue[target]
        pitch.save()
        live.mark_changed(camp.slug, live.PITCH)
    return pitch


def skip_pitch(*, camp):
    """The host is not in the room: their session moves to the end of the queue, the next one comes up."""
    with transaction.atomic():
        pitch = _pitch_for_update(camp)
        queue = list(Session.objects.pitch_queue(camp=camp, date=pitch.date))
        if pitch.current_id is None or len(queue) < 2:
            raise PitchError(_("There is no other session to go on with."))
        index = next((i for i, session in enumerate(queue) if session.pk == pitch.current_id), None)
        if index is None:
            raise PitchError(_("The current session is no longer in the queue."))
        skipped = queue.pop(index)
        queue.append(skipped)
        _renumber(queue)
        pitch.current = queue[index] if index < len(queue) - 1 else queue[0]
        pitch.save()
        live.mark_changed(camp.slug, live.PITCH)
    return pitch


def move_in_queue(*, session, offset):
    """Move a session up (offset < 0) or down (offset > 0) in its day's pitch queue."""
    with transaction.atomic():
        _pitch_for_update(session.camp)  # the queue's order changes under the pitch lock
        queue = list(Session.objects.pitch_queue(camp=session.camp, date=session.day))
        index = next((i for i, item in enumerate(queue) if item.pk == session.pk), None)
        if index is None:
            raise PitchError(_("This session is not in the pitch queue."))
        target = max(0, min(len(queue) - 1, index + offset))
        queue.insert(target, queue.pop(index))
        _renumber(queue)
        live.mark_changed(session.camp.slug, live.PITCH)


def _renumber(queue):
    for position, session in enumerate(queue, start=1):
        if session.pitch_position != position:
            session.pitch_position = position
            session.save(update_fields=["pitch_position"])

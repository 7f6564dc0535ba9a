import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection

from barcamp.live import versions
from events import live
from events.models import Participant
from sessions import services as session_services
from sessions.models import Session
from tests.factories import make_camp, make_participant, make_session, make_vote, open_voting
from voting.models import LivePitch, Vote, VotingDay
from voting.plenum import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def camp():
    camp = make_camp()
    open_voting(camp)
    return camp


def test_set_vote_toggles(camp):
    session = make_session(camp=camp)
    voter = make_participant(camp=camp)

    first = services.set_vote(session=session, participant=voter)
    second = services.set_vote(session=session, participant=voter)

    assert (first, second) == (True, False)
    assert Vote.objects.count() == 0


def test_set_vote_with_the_state_it_has_changes_nothing(camp):
    session = make_session(camp=camp)
    voter = make_participant(camp=camp)

    results = [services.set_vote(session=session, participant=voter, want=True) for _ in range(3)]

    assert results == [True, True, True]
    assert Vote.objects.filter(session=session).count() == 1


def test_host_does_not_vote_for_own_session(camp):
    host = make_participant(camp=camp)
    session = make_session(camp=camp, host=host)

    with pytest.raises(services.VoteError, match="You host this session"):
        services.set_vote(session=session, participant=host, want=True)

    assert Vote.objects.count() == 0


@pytest.mark.parametrize("status", [Participant.Status.WAITLISTED, Participant.Status.CANCELLED])
def test_only_registered_teilgeber_vote(camp, status):
    session = make_session(camp=camp)

    with pytest.raises(services.NotAllowedToVote):
        services.set_vote(
            session=session, participant=make_participant(camp=camp, status=status), want=True
        )

    assert Vote.objects.count() == 0


def test_teilgeber_of_another_camp_cannot_vote(camp):
    session = make_session(camp=camp)
    other = make_camp()
    open_voting(other)

    with pytest.raises(services.NotAllowedToVote):
        services.set_vote(session=session, participant=make_participant(camp=other), want=True)


@pytest.mark.parametrize(
    "change", [{"hidden": True}, {"status": Session.Status.WITHDRAWN}], ids=["hidden", "withdrawn"]
)
def test_no_vote_on_hidden_or_withdrawn_session(camp, change):
    session = make_session(camp=camp, **change)

    with pytest.raises(services.VoteError, match="not open for votes"):
        services.set_vote(session=session, participant=make_participant(camp=camp), want=True)

    assert Vote.objects.count() == 0


@pytest.mark.parametrize("state", [None, VotingDay.State.NOT_OPEN, VotingDay.State.CLOSED])
def test_no_vote_while_the_day_is_not_open(state):
    camp = make_camp()
    if state:
        VotingDay.objects.create(camp=camp, date=camp.start_date, state=state)
    session = make_session(camp=camp)

    with pytest.raises(services.VoteError, match="Voting for this day is not open"):
        services.set_vote(session=session, participant=make_participant(camp=camp), want=True)


def test_vote_budget_is_kept_and_taking_a_vote_back_frees_one():
    camp = make_camp(vote_budget=2)
    open_voting(camp)
    voter = make_participant(camp=camp)
    first, second, third = (make_session(camp=camp) for _ in range(3))
    services.set_vote(session=first, participant=voter, want=True)
    services.set_vote(session=second, participant=voter, want=True)

    with pytest.raises(services.VoteError, match="used all your 2 votes"):
        services.set_vote(session=third, participant=voter, want=True)
    services.set_vote(session=first, participant=voter, want=False)
    services.set_vote(session=third, participant=voter, want=True)

    assert set(Vote.objects.values_list("session_id", flat=True)) == {second.pk, third.pk}


def test_vote_on_a_withdrawn_session_no_longer_uses_the_budget():
    camp = make_camp(vote_budget=1)
    open_voting(camp)
    voter = make_participant(camp=camp)
    gone, other = make_session(camp=camp), make_session(camp=camp)
    services.set_vote(session=gone, participant=voter, want=True)
    session_services.withdraw_session(session=gone)

    assert services.set_vote(session=other, participant=voter, want=True) is True


def test_a_vote_changes_the_live_version(camp, django_capture_on_commit_callbacks):
    session = make_session(camp=camp)
    before = live.current_version(camp.slug)

    with django_capture_on_commit_callbacks(execute=True):
        services.set_vote(session=session, participant=make_participant(camp=camp), want=True)

    assert live.cached_version(camp.slug) != before


def test_live_version_is_recreated_and_stable_after_the_cache_lost_it(camp):
    live.current_version(camp.slug)
    cache.clear()

    recreated = live.current_version(camp.slug)

    assert recreated is not None
    assert live.cached_version(camp.slug) == recreated


# --- The tallies' token: at most one new token per interval and process ------------------------


def _vote_and_commit(camp, session, capture, participant=None):
    participant = participant or make_participant(camp=camp)
    with capture(execute=True):
        services.set_vote(session=session, participant=participant, want=True)


def _wait_for_change(camp, version, seconds=5.0):
    deadline = time.monotonic() + seconds
    while live.cached_version(camp.slug, (live.VOTES,)) == version:
        assert time.monotonic() < deadline, "the tallies' token did not change"
        time.sleep(0.01)


def test_votes_within_the_interval_share_one_new_token_at_its_end(
    camp, settings, django_capture_on_commit_callbacks
):
    # Long enough for the votes to fall within one interval on a busy machine too.
    settings.LIVE_VOTES_INTERVAL = 1.5
    session = make_session(camp=camp)
    voters = [make_participant(camp=camp) for _ in range(4)]
    before = live.current_version(camp.slug, (live.VOTES,))

    _vote_and_commit(camp, session, django_capture_on_commit_callbacks, voters[0])
    first = live.cached_version(camp.slug, (live.VOTES,))
    for voter in voters[1:]:
        _vote_and_commit(camp, session, django_capture_on_commit_callbacks, voter)
    right_after = live.cached_version(camp.slug, (live.VOTES,))
    _wait_for_change(camp, first)

    assert first != before  # the first vote of a quiet moment shows at once
    assert right_after == first  # the next ones wait for the end of the interval ...
    assert live.cached_version(camp.slug, (live.VOTES,)) != first  # ... and then show


def test_votes_of_an_interval_cost_two_cache_writes(
    camp, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.LIVE_VOTES_INTERVAL = 1.5
    session = make_session(camp=camp)
    voters = [make_participant(camp=camp) for _ in range(10)]
    writes = []
    set_token = versions._publish
    monkeypatch.setattr(versions, "_publish", lambda key: (writes.append(key), set_token(key)))
    live.current_version(camp.slug, (live.VOTES,))

    for voter in voters:
        _vote_and_commit(camp, session, django_capture_on_commit_callbacks, voter)
    before_the_end = len(writes)
    deadline = time.monotonic() + 5
    while len(writes) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(1.5)  # one more interval: nothing else is due

    assert (before_the_end, len(writes)) == (1, 2)


def _wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the token was not set in time"
        time.sleep(0.005)


def test_the_tokens_due_later_are_set_by_one_thread_of_the_process(monkeypatch):
    coalescing = versions._Coalescing(interval=lambda: 0.05)
    setters = []
    monkeypatch.setattr(
        versions, "_publish", lambda key: setters.append(threading.current_thread())
    )

    coalescing.publish("tallies")  # at once, by the voter's thread
    for held in range(1, 4):
        coalescing.publish("tallies")  # within the interval: held back to its end
        _wait_for(lambda count=held + 1: len(setters) == count)

    assert setters[0] is threading.current_thread()
    later = set(setters[1:])
    assert len(later) == 1 and threading.current_thread() not in later


def test_the_tokens_thread_goes_on_after_a_failure(monkeypatch):
    coalescing = versions._Coalescing(interval=lambda: 0.05)
    set_keys = []

    def publish(key):
        if key == "broken":
            raise RuntimeError("a token that cannot be set")
        set_keys.append(key)

    monkeypatch.setattr(versions, "_publish", publish)
    coalescing.last.update(broken=time.monotonic(), tallies=time.monotonic())
    coalescing.publish("broken")
    _wait_for(lambda: not coalescing.pending)
    coalescing.publish("tallies")

    _wait_for(lambda: set_keys == ["tallies"])


def test_a_stopping_process_sets_the_tokens_still_due(
    camp, settings, django_capture_on_commit_callbacks
):
    settings.LIVE_VOTES_INTERVAL = 60
    session = make_session(camp=camp)
    _vote_and_commit(camp, session, django_capture_on_commit_callbacks)
    first = live.cached_version(camp.slug, (live.VOTES,))
    _vote_and_commit(camp, session, django_capture_on_commit_callbacks)
    held = live.cached_version(camp.slug, (live.VOTES,))

    versions._coalescing.flush_all()

    assert held == first
    assert live.cached_version(camp.slug, (live.VOTES,)) != first


def test_the_tallies_of_camps_have_their_own_intervals(
    camp, settings, django_capture_on_commit_callbacks
):
    settings.LIVE_VOTES_INTERVAL = 60
    other = make_camp()
    open_voting(other)
    here, there = make_session(camp=camp), make_session(camp=other)
    _vote_and_commit(camp, here, django_capture_on_commit_callbacks)
    before = live.current_version(other.slug, (live.VOTES,))

    _vote_and_commit(other, there, django_capture_on_commit_callbacks)

    assert live.cached_version(other.slug, (live.VOTES,)) != before


def test_a_change_of_another_topic_is_never_held_back(
    camp, settings, django_capture_on_commit_callbacks
):
    settings.LIVE_VOTES_INTERVAL = 60
    session = make_session(camp=camp)
    _vote_and_commit(camp, session, django_capture_on_commit_callbacks)
    _vote_and_commit(camp, session, django_capture_on_commit_callbacks)  # held back
    before = live.current_version(camp.slug, (live.PITCH,))

    with django_capture_on_commit_callbacks(execute=True):
        live.mark_changed(camp.slug, live.PITCH)

    assert live.cached_version(camp.slug, (live.PITCH,)) != before


# --- The quick vote (one statement) keeps every rule of set_vote ---------------------------------


def test_vote_quickly_writes_and_takes_back_a_vote_and_counts(camp):
    session = make_session(camp=camp)
    make_vote(session)
    voter = make_participant(camp=camp)

    added = services.vote_quickly(
        camp_slug=camp.slug, user=voter.user, session_id=session.pk, want=True
    )
    again = services.vote_quickly(
        camp_slug=camp.slug, user=voter.user, session_id=session.pk, want=True
    )
    taken_back = services.vote_quickly(
        camp_slug=camp.slug, user=voter.user, session_id=session.pk, want=False
    )

    assert (added.vote_count, again, taken_back.vote_count) == (2, None, 1)
    assert (added.camp_id, added.hide_counts_until_closed) == (camp.pk, False)
    assert not Vote.objects.filter(session=session, participant=voter).exists()


def _not_registered(camp, session, voter):
    voter.status = Participant.Status.WAITLISTED
    voter.save()


def _cancelled(camp, session, voter):
    voter.status = Participant.Status.CANCELLED
    voter.save()


def _host(camp, session, voter):
    session.hosts.create(participant=voter)


def _hidden(camp, session, voter):
    Session.objects.filter(pk=session.pk).update(hidden=True)


def _withdrawn(camp, session, voter):
    Session.objects.filter(pk=session.pk).update(status=Session.Status.WITHDRAWN)


def _voting_closed(camp, session, voter):
    VotingDay.objects.filter(camp=camp).update(state=VotingDay.State.CLOSED)


def _voting_not_opened(camp, session, voter):
    VotingDay.objects.filter(camp=camp).delete()


def _other_camp(camp, session, voter):
    Session.objects.filter(pk=session.pk).update(camp=make_camp())


def _budget(camp, session, voter):
    camp.vote_budget = 3
    camp.save()


@pytest.mark.parametrize(
    "rule",
    [
        _not_registered,
        _cancelled,
        _host,
        _hidden,
        _withdrawn,
        _voting_closed,
        _voting_not_opened,
        _other_camp,
        _budget,
    ],
)
@pytest.mark.parametrize("want", [True, False])
def test_vote_quickly_leaves_every_refusal_to_set_vote(camp, rule, want):
    session = make_session(camp=camp)
    voter = make_participant(camp=camp)
    if not want:
        Vote.objects.create(session=session, participant=voter)  # there to be taken back
    rule(camp, session, voter)
    before = list(Vote.objects.values_list("session", "participant"))

    result = services.vote_quickly(
        camp_slug=camp.slug, user=voter.user, session_id=session.pk, want=want
    )

    assert result is None
    assert list(Vote.objects.values_list("session", "participant")) == before


def test_vote_quickly_ignores_unknown_sessions_and_anonymous_users(camp):
    from django.contrib.auth.models import AnonymousUser

    voter = make_participant(camp=camp)

    assert (
        services.vote_quickly(camp_slug=camp.slug, user=voter.user, session_id=0, want=True) is None
    )
    assert (
        services.vote_quickly(camp_slug=camp.slug, user=AnonymousUser(), session_id=1, want=True)
        is None
    )


def test_vote_quickly_changes_the_votes_topic_only(camp, django_capture_on_commit_callbacks):
    session = make_session(camp=camp)
    voter = make_participant(camp=camp)
    pitch_before = live.current_version(camp.slug, (live.PITCH, live.PLAN))
    votes_before = live.current_version(camp.slug, (live.VOTES,))

    with django_capture_on_commit_callbacks(execute=True):
        services.vote_quickly(
            camp_slug=camp.slug, user=voter.user, session_id=session.pk, want=True
        )

    assert live.current_version(camp.slug, (live.PITCH, live.PLAN)) == pitch_before
    assert live.current_version(camp.slug, (live.VOTES,)) != votes_before


def test_vote_quickly_is_planned_once_per_connection_on_postgresql(
    camp, postgres_only, django_assert_num_queries
):
    sessions = [make_session(camp=camp) for _ in range(6)]
    voter = make_participant(camp=camp)

    # One statement per vote, which writes and counts (Django sees and counts it all the same).
    with django_assert_num_queries(12):
        for session in sessions:
            for want in (True, False):
                services.vote_quickly(
                    camp_slug=camp.slug, user=voter.user, session_id=session.pk, want=want
                )

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    # psycopg prepares a statement from its sixth use on (prepare_threshold 5).
    assert any("INSERT INTO voting_vote" in statement for statement in prepared), prepared
    assert any("count(*)" in statement for statement in prepared), prepared
    assert not Vote.objects.filter(participant=voter).exists()


def _commit_mode_after(camp, want):
    session = make_session(camp=camp)
    voter = make_participant(camp=camp)
    if want is False:
        make_vote(session, voter)
    with connection.cursor() as cursor:
        # The test runs in a transaction: what the statement set for its commit is still set.
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
        quick = services.vote_quickly(
            camp_slug=camp.slug, user=voter.user, session_id=session.pk, want=want
        )
        cursor.execute("SHOW synchronous_commit")
        assert quick is not None
        return cursor.fetchone()[0]


@pytest.mark.parametrize("want", [True, False])
def test_a_vote_waits_for_the_disk_by_default(camp, postgres_only, want):
    # What the phone is answered as counted survives a crash of the database server: the
    # settings as loaded (no override) commit the vote with synchronous_commit on.
    assert _commit_mode_after(camp, want) == "on"


@pytest.mark.parametrize("want", [True, False])
def test_a_vote_commits_without_waiting_for_the_disk_when_the_settings_say_so(
    camp, postgres_only, settings, want
):
    settings.VOTE_SYNCHRONOUS_COMMIT = False

    assert _commit_mode_after(camp, want) == "off"


@pytest.mark.django_db(transaction=True)
def test_the_connection_waits_for_the_disk_again_after_the_vote(postgres_only):
    camp = make_camp()
    open_voting(camp)
    voter = make_participant(camp=camp)
    session = make_session(camp=camp)

    quick = services.vote_quickly(
        camp_slug=camp.slug, user=voter.user, session_id=session.pk, want=True
    )

    # Autocommit, as in a request: the setting ended with the vote's own transaction, so the
    # next write on this (pooled) connection waits for the disk.
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    assert quick is not None and Vote.objects.filter(participant=voter).exists()


def test_merge_sessions_unites_hosts_and_votes_counting_nobody_twice(camp):
    keep_host, duplicate_host = make_participant(camp=camp), make_participant(camp=camp)
    keep = make_session(camp=camp, host=keep_host)
    duplicate = make_session(camp=camp, host=duplicate_host)
    both, only_keep, only_duplicate = (make_participant(camp=camp) for _ in range(3))
    for voter in (both, only_keep):
        make_vote(keep, voter)
    for voter in (both, only_duplicate, keep_host):
        make_vote(duplicate, voter)
    make_vote(keep, duplicate_host)  # will be a host of the merged session

    services.merge_sessions(keep=keep, duplicate=duplicate)

    duplicate.refresh_from_db()
    assert set(keep.hosts.values_list("participant_id", flat=True)) == {
        keep_host.pk,
        duplicate_host.pk,
    }
    assert set(keep.votes.values_list("participant_id", flat=True)) == {
        both.pk,
        only_keep.pk,
        only_duplicate.pk,
    }
    assert duplicate.votes.count() == 0
    assert (duplicate.status, duplicate.merged_into) == (Session.Status.WITHDRAWN, keep)


def test_merge_session_into_itself_or_across_camps_is_refused(camp):
    session = make_session(camp=camp)

    with pytest.raises(services.PitchError, match="into itself"):
        services.merge_sessions(keep=session, duplicate=session)
    with pytest.raises(services.PitchError, match="same camp"):
        services.merge_sessions(keep=session, duplicate=make_session())


def _queue(camp):
    return list(
        Session.objects.pitch_queue(camp=camp, date=camp.start_date).values_list("title", flat=True)
    )


def test_pitch_starts_with_the_first_and_steps_through_the_queue(camp):
    first, second, _third = (
        make_session(camp=camp, title=t, pitch_position=i) for i, t in enumerate("ABC", 1)
    )

    started = services.start_pitch(camp=camp, date=camp.start_date)
    stepped = services.step_pitch(camp=camp, step=1)

    assert started.current == first
    assert stepped.current == second
    assert services.step_pitch(camp=camp, step=-1).current == first
    with pytest.raises(services.PitchError, match="first pitch"):
        services.step_pitch(camp=camp, step=-1)


def test_step_past_the_last_pitch_is_refused(camp):
    make_session(camp=camp)
    services.start_pitch(camp=camp, date=camp.start_date)

    with pytest.raises(services.PitchError, match="last pitch"):
        services.step_pitch(camp=camp, step=1)


def test_skip_moves_the_current_session_to_the_end(camp):
    for position, title in enumerate("ABC", 1):
        make_session(camp=camp, title=title, pitch_position=position)
    services.start_pitch(camp=camp, date=camp.start_date)

    pitch = services.skip_pitch(camp=camp)

    assert pitch.current.title == "B"
    assert _queue(camp) == ["B", "C", "A"]


def test_move_in_queue_reorders(camp):
    for position, title in enumerate("ABC", 1):
        make_session(camp=camp, title=title, pitch_position=position)
    c = Session.objects.get(title="C")

    services.move_in_queue(session=c, offset=-1)
    services.move_in_queue(session=c, offset=-5)

    assert _queue(camp) == ["C", "A", "B"]


def test_stop_pitch_keeps_the_position(camp):
    make_session(camp=camp, title="A", pitch_position=1)
    make_session(camp=camp, title="B", pitch_position=2)
    services.start_pitch(camp=camp, date=camp.start_date)
    services.step_pitch(camp=camp, step=1)

    services.stop_pitch(camp=camp)
    resumed = services.start_pitch(camp=camp, date=camp.start_date)

    assert LivePitch.objects.get(camp=camp).running is True
    assert resumed.current.title == "B"


def test_set_voting_state_opens_and_closes_a_day(camp):
    services.set_voting_state(camp=camp, date=camp.start_date, state=VotingDay.State.CLOSED)

    assert services.voting_state(camp=camp, date=camp.start_date) == VotingDay.State.CLOSED

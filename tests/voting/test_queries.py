import pytest

from tests.factories import make_camp, make_participant, make_session, make_vote, open_voting
from voting.plenum import queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def camp():
    camp = make_camp()
    open_voting(camp)
    return camp


def test_vote_count_and_mine_counts_the_session_and_finds_the_viewer(
    camp, django_assert_num_queries
):
    session, other = make_session(camp=camp), make_session(camp=camp)
    viewer, stranger, bystander = (make_participant(camp=camp) for _ in range(3))
    make_vote(session=session, participant=viewer)
    make_vote(session=session, participant=stranger)
    make_vote(session=other, participant=bystander)

    with django_assert_num_queries(1):
        seen_by_viewer = queries.vote_count_and_mine(session, viewer)
    assert seen_by_viewer == (2, True)
    assert queries.vote_count_and_mine(session, bystander) == (2, False)
    assert queries.vote_count_and_mine(other, bystander) == (1, True)


def test_vote_count_and_mine_without_a_teilgeber_or_votes(camp):
    session = make_session(camp=camp)
    make_vote(session=session, participant=make_participant(camp=camp))

    assert queries.vote_count_and_mine(session) == (1, False)
    assert queries.vote_count_and_mine(make_session(camp=camp), None) == (0, False)


def test_own_session_ids_tells_votes_from_hosted_sessions(camp, django_assert_num_queries):
    me, other = make_participant(camp=camp), make_participant(camp=camp)
    wanted, foreign = make_session(camp=camp), make_session(camp=camp)
    hosted = make_session(camp=camp, host=me)
    make_vote(session=wanted, participant=me)
    make_vote(session=foreign, participant=other)
    make_vote(session=hosted, participant=other)

    with django_assert_num_queries(1):
        voted, mine = queries.own_session_ids(me)

    assert (voted, mine) == ({wanted.pk}, {hosted.pk})
    assert queries.own_session_ids(other) == ({foreign.pk, hosted.pk}, set())
    assert queries.own_session_ids(None) == (set(), set())

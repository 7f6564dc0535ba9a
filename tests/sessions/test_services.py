import datetime

import pytest

from events.models import Participant
from sessions import services
from sessions.models import Session
from tests.factories import make_camp, make_participant, make_session

pytestmark = pytest.mark.django_db


def _propose(camp, participant, **overrides):
    fields = {
        "title": "Rust für Einsteiger",
        "format": "talk",
        "language": "de",
        "tags": ["rust"],
        "day": camp.start_date,
    }
    fields.update(overrides)
    return services.propose_session(camp=camp, participant=participant, **fields)


def test_propose_session_makes_the_teilgeber_its_host_at_the_end_of_the_queue():
    camp = make_camp()
    first = _propose(camp, make_participant(camp=camp))
    participant = make_participant(camp=camp)

    session = _propose(camp, participant, tags=["#Rust", "rust", "Web"])

    assert [host.participant for host in session.hosts.all()] == [participant]
    assert session.hosts.get().is_proposer is True
    assert session.tags == ["rust", "web"]
    assert (first.pitch_position, session.pitch_position) == (1, 2)
    assert session.status == Session.Status.PROPOSED


@pytest.mark.parametrize(
    "status",
    [Participant.Status.WAITLISTED, Participant.Status.CANCELLED],
    ids=["waitlisted", "cancelled"],
)
def test_propose_session_needs_a_registered_teilgeber(status):
    camp = make_camp()

    with pytest.raises(services.SessionError, match="Only registered Teilgeber"):
        _propose(camp, make_participant(camp=camp, status=status))

    assert Session.objects.count() == 0


def test_propose_session_by_teilgeber_of_another_camp_is_refused():
    camp = make_camp()

    with pytest.raises(services.SessionError, match="Only registered Teilgeber"):
        _propose(camp, make_participant(camp=make_camp()))


def test_propose_session_while_pitching_is_closed_is_refused():
    camp = make_camp(pitching_open=False)

    with pytest.raises(services.SessionError, match="closed the pitch"):
        _propose(camp, make_participant(camp=camp))


def test_propose_session_on_a_day_outside_the_camp_is_refused():
    camp = make_camp()

    with pytest.raises(services.SessionError, match="not a day of this camp"):
        _propose(camp, make_participant(camp=camp), day=camp.end_date + datetime.timedelta(days=1))


def test_update_session_to_another_day_queues_it_at_that_days_end():
    start = datetime.date(2027, 5, 1)
    camp = make_camp(start_date=start, end_date=start + datetime.timedelta(days=1))
    make_session(camp=camp, day=camp.end_date, pitch_position=4)
    session = make_session(camp=camp, pitch_position=1)

    services.update_session(
        session=session,
        title="New",
        description="",
        format="talk",
        language="en",
        tags=[],
        length=2,
        day=camp.end_date,
    )

    session.refresh_from_db()
    assert (session.title, session.day, session.pitch_position, session.length) == (
        "New",
        camp.end_date,
        5,
        2,
    )


def test_update_withdrawn_session_is_refused():
    session = make_session(status=Session.Status.WITHDRAWN)

    with pytest.raises(services.SessionError, match="withdrawn"):
        services.update_session(
            session=session,
            title="x",
            description="",
            format="talk",
            language="de",
            tags=[],
            length=1,
            day=session.day,
        )


def test_withdraw_session_takes_it_out_of_the_list_and_queue():
    session = make_session()

    services.withdraw_session(session=session)

    assert list(Session.objects.visible()) == []
    assert list(Session.objects.pitch_queue(camp=session.camp, date=session.day)) == []


def test_accept_cohost_invitation_adds_a_host_once():
    session = make_session()
    cohost = make_participant(camp=session.camp)

    services.accept_cohost_invitation(
        session=session, participant=cohost, token=session.invite_token
    )
    services.accept_cohost_invitation(
        session=session, participant=cohost, token=session.invite_token
    )

    assert session.hosts.filter(participant=cohost, is_proposer=False).count() == 1


def test_accept_cohost_invitation_with_wrong_or_renewed_token_is_refused():
    session = make_session()
    old_token = session.invite_token
    services.renew_invitation(session=session)

    with pytest.raises(services.SessionError, match="not valid"):
        services.accept_cohost_invitation(
            session=session, participant=make_participant(camp=session.camp), token=old_token
        )

    assert session.hosts.count() == 1


def test_accept_cohost_invitation_keeps_the_cohost_limit():
    session = make_session()
    for _ in range(Session.MAX_COHOSTS):
        services.accept_cohost_invitation(
            session=session,
            participant=make_participant(camp=session.camp),
            token=session.invite_token,
        )

    with pytest.raises(services.SessionError, match="already has 3 co-hosts"):
        services.accept_cohost_invitation(
            session=session,
            participant=make_participant(camp=session.camp),
            token=session.invite_token,
        )


def test_accept_cohost_invitation_needs_a_registered_teilgeber_of_the_camp():
    session = make_session()

    with pytest.raises(services.SessionError, match="Only registered Teilgeber"):
        services.accept_cohost_invitation(
            session=session,
            participant=make_participant(camp=session.camp, status=Participant.Status.WAITLISTED),
            token=session.invite_token,
        )


def test_set_hidden_hides_and_shows_again():
    session = make_session()

    services.set_hidden(session=session, hidden=True)
    hidden = list(Session.objects.visible())
    services.set_hidden(session=session, hidden=False)

    assert hidden == []
    assert list(Session.objects.visible()) == [session]


def test_normalize_tags_keeps_five_distinct_lower_case_tags():
    assert services.normalize_tags(["#A", "a", " b ", "#", "c", "d", "e", "f"]) == [
        "a",
        "b",
        "c",
        "d",
        "e",
    ]

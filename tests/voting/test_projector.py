"""The projector's stage: the slot now and the next one with sessions, breaks, the end of the day."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from events.models import Slot
from tests.factories import make_camp, make_room, make_series, make_session, make_slot, open_voting
from voting.grid import board, queries
from voting.models import VotingDay
from voting.plenum import services

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def at(camp, hour, minute=0, *, day=0):
    moment = datetime.datetime.combine(
        camp.start_date + datetime.timedelta(days=day), datetime.time(hour, minute), tzinfo=camp.tz
    )
    return mock.patch("voting.grid.queries.camp_now", return_value=moment)


@pytest.fixture
def day():
    """Two rooms; slots at 10, 11 and 12, lunch 12:45-13:45, a slot at 13:45. A workshop runs
    10-11:45 in room A; the 12:00 slot is empty."""
    camp = make_camp(name="Barcamp Köln", time_zone="Europe/Berlin")
    rooms = [make_room(camp, name="Saal"), make_room(camp, name="Küche")]
    slots = [
        make_slot(camp, start=datetime.time(hour, 0), end=datetime.time(hour, 45))
        for hour in (10, 11, 12)
    ]
    make_slot(
        camp,
        start=datetime.time(12, 45),
        end=datetime.time(13, 45),
        kind=Slot.Kind.BREAK,
        title="Mittagspause",
    )
    slots.append(make_slot(camp, start=datetime.time(13, 45), end=datetime.time(14, 30)))
    placed = {
        "workshop": (rooms[0], slots[0], 2),
        "talk": (rooms[1], slots[0], 1),
        "late talk": (rooms[1], slots[1], 1),
        "after lunch": (rooms[0], slots[3], 1),
    }
    for title, (room, slot, length) in placed.items():
        session = make_session(camp=camp, title=title, length=length)
        board.move_session(session=session, room=room, slot=slot)
    board.publish_plan(camp=camp, date=camp.start_date)
    return camp, rooms, slots


def stage_at(camp, hour, minute=0, *, day=0):
    with at(camp, hour, minute, day=day):
        published = queries.published_grid(camp, camp.start_date)
        return queries.projector_stage(published, today=queries.camp_now(camp).date())


def shown(stage):
    """[(room, [(title or "", span), ...]), ...] of a stage's lines."""
    return [
        (
            room.name,
            [(part.cell.session.title if part.cell.session else "", part.span) for part in cells],
        )
        for room, cells in stage.lines
    ]


def test_during_a_slot_the_stage_shows_it_and_the_next_one_a_workshop_across_both(day):
    camp, _rooms, slots = day

    stage = stage_at(camp, 10, 15)

    assert [row.slot for row in stage.columns] == [slots[0], slots[1]]
    assert stage.columns[0].is_now
    assert shown(stage) == [("Saal", [("workshop", 2)]), ("Küche", [("talk", 1), ("late talk", 1)])]
    assert (stage.over, stage.current_break, stage.break_between) == (False, None, None)


def test_an_empty_slot_is_passed_over_and_the_break_between_is_named(day):
    camp, _rooms, slots = day

    stage = stage_at(camp, 11, 10)  # the 12:00 slot is empty, lunch follows

    assert [row.slot for row in stage.columns] == [slots[1], slots[3]]
    assert stage.break_between.slot.title == "Mittagspause"
    assert shown(stage) == [
        ("Saal", [("workshop", 1), ("after lunch", 1)]),
        ("Küche", [("late talk", 1), ("", 1)]),
    ]


def test_during_the_break_it_says_so_and_shows_what_comes_after_it(day):
    camp, _rooms, slots = day

    stage = stage_at(camp, 13, 0)

    assert stage.current_break.slot.title == "Mittagspause"
    assert [row.slot for row in stage.columns] == [slots[3]]
    assert not stage.columns[0].is_now


def test_between_two_slots_the_coming_one_comes_first(day):
    camp, _rooms, slots = day

    stage = stage_at(camp, 9, 30)

    assert [row.slot for row in stage.columns] == [slots[0], slots[1]]
    assert not stage.columns[0].is_now


def test_after_the_last_slot_and_on_a_later_day_the_day_is_over(day):
    camp, _rooms, _slots = day

    assert stage_at(camp, 14, 30).over
    assert stage_at(camp, 9, 0, day=1).over
    assert not stage_at(camp, 14, 29).over


def test_the_projector_shows_the_slots_with_room_names_and_a_head_with_camp_and_date(client, day):
    camp, _rooms, _slots = day
    client.cookies["django_language"] = "en"

    with at(camp, 11, 10):
        content = client.get(reverse("voting:projector", args=[camp.slug])).content.decode()

    assert '<th scope="row" class="wall-room">Saal</th>' in content
    assert '<span class="slot-label">Now</span>' in content
    assert '<span class="slot-label">After that</span>' in content
    assert "after: Mittagspause" in content
    assert '<span class="head-name">Barcamp Köln</span>' in content
    date = f"{date_format(camp.start_date, 'l')}, {date_format(camp.start_date)}"
    assert f'<span class="head-date">{date}</span>' in content


@pytest.mark.parametrize(
    ("hour", "voting", "hint"),
    [
        (10, VotingDay.State.OPEN, "Scan, tap “I want to go”."),
        (10, VotingDay.State.CLOSED, "Scan: the plan and the wall on your phone."),
        (18, VotingDay.State.OPEN, "Scan, tap “I want to go”."),
        (18, VotingDay.State.CLOSED, "Scan: notes, slides and feedback."),
    ],
)
def test_the_qr_code_asks_for_votes_only_while_there_is_something_to_vote_on(
    client, day, hour, voting, hint
):
    camp, _rooms, _slots = day
    services.set_voting_state(camp=camp, date=camp.start_date, state=voting)
    client.cookies["django_language"] = "en"

    with at(camp, hour):
        content = client.get(reverse("voting:projector", args=[camp.slug])).content.decode()

    assert f'<p class="join-hint">{hint}</p>' in content


def test_the_stage_poll_brings_the_way_to_join_along(
    client, day, django_capture_on_commit_callbacks
):
    camp, _rooms, _slots = day
    open_voting(camp)
    client.cookies["django_language"] = "en"
    url = reverse("voting:projector", args=[camp.slug])
    with at(camp, 10):
        version = client.get(url).context["version"]

    with django_capture_on_commit_callbacks(execute=True):
        services.set_voting_state(camp=camp, date=camp.start_date, state=VotingDay.State.CLOSED)
    with at(camp, 10):
        poll = client.get(url, {"v": version}, headers=HTMX)

    assert poll.status_code == 200
    assert "Scan: the plan and the wall on your phone." in poll.content.decode()


def test_after_the_day_the_projector_invites_to_the_notes_feedback_and_the_next_day(client):
    camp = make_camp(name="Barcamp Köln")
    camp.end_date = camp.start_date + datetime.timedelta(days=1)
    camp.save()
    room = make_room(camp)
    slot = make_slot(camp)
    make_slot(camp, date=camp.end_date, start=datetime.time(9, 30), end=datetime.time(10, 15))
    session = make_session(camp=camp, title="Rust in production")
    board.move_session(session=session, room=room, slot=slot)
    board.publish_plan(camp=camp, date=camp.start_date)
    client.cookies["django_language"] = "en"

    with at(camp, 20):
        content = client.get(reverse("voting:projector", args=[camp.slug])).content.decode()

    assert "Today’s sessions are over." in content
    assert f"testserver/{camp.slug}/documentation/" in content
    assert f"testserver/{camp.slug}/feedback/" in content
    date = f"{date_format(camp.end_date, 'l')}, {date_format(camp.end_date, 'MONTH_DAY_FORMAT')}"
    assert f"On {date} we go on, from 09:30" in content
    assert "Rust in production" not in content


def test_after_the_last_day_the_projector_names_the_next_camp_of_the_series(client):
    series = make_series(name="Barcamp Köln")
    camp = make_camp(name="Barcamp Köln 2027", series=series)
    later = camp.start_date + datetime.timedelta(days=365)
    make_camp(
        name="Barcamp Köln 2028", slug="bcko28", series=series, start_date=later, end_date=later
    )
    make_camp(name="Somebody else's camp", start_date=later, end_date=later)
    room, slot = make_room(camp), make_slot(camp)
    board.move_session(session=make_session(camp=camp), room=room, slot=slot)
    board.publish_plan(camp=camp, date=camp.start_date)
    client.cookies["django_language"] = "en"

    with at(camp, 20):
        response = client.get(reverse("voting:projector", args=[camp.slug]))

    content = response.content.decode()
    assert "Barcamp Köln 2027 is over." in content
    assert "The next camp: Barcamp Köln 2028" in content
    assert "testserver/bcko28/" in content
    assert "Somebody else" not in content

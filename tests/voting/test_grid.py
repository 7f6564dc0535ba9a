import datetime

import pytest

from events import live
from events.models import Slot
from tests.factories import (
    make_camp,
    make_participant,
    make_room,
    make_session,
    make_slot,
    make_vote,
)
from voting.grid import board
from voting.models import BoardSnapshot, Placement, PublishedPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    """A camp day: two rooms (30 and 10 seats), three session slots, lunch between the 2nd and 3rd."""
    camp = make_camp()
    big, small = (
        make_room(camp, name="Saal", capacity=30, order=0),
        make_room(camp, name="Küche", capacity=10, order=1),
    )
    times = [(10, 11), (11, 12), (13, 14)]
    slots = [make_slot(camp, start=datetime.time(a, 0), end=datetime.time(b, 0)) for a, b in times]
    make_slot(camp, start=datetime.time(12, 0), end=datetime.time(13, 0), kind=Slot.Kind.BREAK)
    return camp, [big, small], slots


def cells(camp):
    return {
        p.session.title: (
            p.room.name if p.room else None,
            f"{p.slot.start:%H}" if p.slot else None,
            p.pinned,
        )
        for p in Placement.objects.filter(session__camp=camp).select_related(
            "session", "room", "slot"
        )
    }


def test_plan_day_puts_the_most_wanted_into_the_big_room_and_keeps_shared_audiences_apart(day):
    camp, (big, small), slots = day
    people = [make_participant(camp=camp) for _ in range(12)]
    popular = make_session(camp=camp, title="Popular")
    niche = make_session(camp=camp, title="Niche")
    twin = make_session(camp=camp, title="Twin")
    for person in people:
        make_vote(popular, person)
    for person in people[:4]:
        make_vote(niche, person)
        make_vote(twin, person)

    outcome = board.plan_day(camp=camp, date=camp.start_date)

    placed = cells(camp)
    assert outcome.placed == 3
    assert placed["Popular"][0] == "Saal"
    assert placed["Niche"][1] != placed["Twin"][1]  # the same four people want both


def test_plan_day_keeps_pins_and_follows_them(day):
    camp, (big, small), slots = day
    session = make_session(camp=camp, title="Pinned")
    for _ in range(5):
        make_vote(session)
    board.plan_day(camp=camp, date=camp.start_date)
    board.move_session(session=session, room=small, slot=slots[2])

    board.plan_day(camp=camp, date=camp.start_date)

    assert cells(camp)["Pinned"] == ("Küche", "13", True)


def test_host_never_in_two_places(day):
    camp, (big, small), slots = day
    host = make_participant(camp=camp)
    first, second = (
        make_session(camp=camp, host=host, title="A"),
        make_session(camp=camp, host=host, title="B"),
    )
    board.move_session(session=first, room=big, slot=slots[0])

    with pytest.raises(board.GridError, match="A host of “B” holds “A”"):
        board.move_session(session=second, room=small, slot=slots[0])
    board.plan_day(camp=camp, date=camp.start_date)

    placed = cells(camp)
    assert placed["A"][1] != placed["B"][1]


def test_move_onto_an_occupied_cell_swaps(day):
    camp, (big, small), slots = day
    a, b = make_session(camp=camp, title="A"), make_session(camp=camp, title="B")
    board.move_session(session=a, room=big, slot=slots[0])
    board.move_session(session=b, room=small, slot=slots[1])

    board.move_session(session=a, room=small, slot=slots[1])

    assert cells(camp) == {"A": ("Küche", "11", True), "B": ("Saal", "10", True)}


def test_two_slot_session_never_spans_the_lunch_break(day):
    camp, (big, small), slots = day
    workshop = make_session(camp=camp, title="Workshop", length=2)

    with pytest.raises(board.GridError, match="two slots in a row"):
        board.move_session(session=workshop, room=big, slot=slots[1])
    board.move_session(session=workshop, room=big, slot=slots[0])

    assert cells(camp)["Workshop"] == ("Saal", "10", True)


def test_unplaced_session_stays_off_the_grid_when_replanning(day):
    camp, (big, small), slots = day
    session = make_session(camp=camp, title="Off")
    make_vote(session)
    board.plan_day(camp=camp, date=camp.start_date)

    board.unplace_session(session=session)
    board.plan_day(camp=camp, date=camp.start_date)

    assert cells(camp)["Off"] == (None, None, True)


def test_locked_slot_keeps_its_sessions_and_takes_no_new_one(day):
    camp, (big, small), slots = day
    kept = make_session(camp=camp, title="Kept")
    board.plan_day(camp=camp, date=camp.start_date)
    board.set_pinned(session=kept, pinned=False)
    kept_cell = cells(camp)["Kept"]
    locked_slot = Slot.objects.get(camp=camp, start=datetime.time(int(kept_cell[1]), 0))
    board.set_slot_locked(slot=locked_slot, locked=True)
    for index in range(6):
        newcomer = make_session(camp=camp, title=f"New {index}")
        make_vote(newcomer)

    board.plan_day(camp=camp, date=camp.start_date)

    placed = cells(camp)
    assert placed["Kept"][:2] == kept_cell[:2]
    assert [title for title, cell in placed.items() if cell[1] == kept_cell[1]] == ["Kept"]


def test_plan_day_fills_the_morning_first(day):
    camp, (big, small), slots = day
    fan = make_participant(camp=camp)
    for title in ("A", "B"):  # one fan wants both: they go into two slots
        make_vote(make_session(camp=camp, title=title), fan)

    board.plan_day(camp=camp, date=camp.start_date)

    assert sorted(cell[1] for cell in cells(camp).values()) == ["10", "11"]


def test_plan_day_leaves_no_session_out_while_an_open_room_is_free(day):
    camp, (big, small), slots = day
    kept = make_session(camp=camp, title="Kept")
    board.move_session(session=kept, room=big, slot=slots[0])
    board.set_slot_locked(slot=slots[0], locked=True)
    for index in range(4):
        make_session(camp=camp, title=f"New {index}")

    board.plan_day(camp=camp, date=camp.start_date)

    placed = cells(camp)
    assert [title for title, cell in placed.items() if cell[1] == "10"] == ["Kept"]
    assert sorted(cell[1] for title, cell in placed.items() if title != "Kept") == [
        "11",
        "11",
        "13",
        "13",
    ]


def test_undo_restores_the_draft_before_the_last_action(day):
    camp, (big, small), slots = day
    a = make_session(camp=camp, title="A")
    board.move_session(session=a, room=big, slot=slots[0])
    board.move_session(session=a, room=small, slot=slots[2])

    label = board.undo(camp=camp, date=camp.start_date)

    assert label == "Move “A”"
    assert cells(camp)["A"] == ("Saal", "10", True)
    board.undo(camp=camp, date=camp.start_date)
    assert cells(camp) == {}
    with pytest.raises(board.GridError, match="nothing to undo"):
        board.undo(camp=camp, date=camp.start_date)


def test_undo_keeps_a_bounded_history(day):
    camp, (big, small), slots = day
    a = make_session(camp=camp)
    for index in range(board.UNDO_DEPTH + 5):
        board.move_session(session=a, room=big if index % 2 else small, slot=slots[0])

    assert BoardSnapshot.objects.filter(camp=camp).count() == board.UNDO_DEPTH


def test_publish_marks_moved_sessions_and_later_moves_publish_at_once(day):
    camp, (big, small), slots = day
    a, b = make_session(camp=camp, title="A"), make_session(camp=camp, title="B")
    board.move_session(session=a, room=big, slot=slots[0])
    board.move_session(session=b, room=big, slot=slots[1])
    first = board.publish_plan(camp=camp, date=camp.start_date)

    board.move_session(session=b, room=small, slot=slots[2])

    latest = PublishedPlan.objects.filter(camp=camp).order_by("-version").first()
    rows = {row["session"]: row for row in latest.placements}
    assert (first.version, latest.version) == (1, 2)
    assert rows[a.pk]["moved_at"] is None
    assert rows[b.pk]["moved_at"] is not None
    assert (rows[b.pk]["room"], rows[b.pk]["slot"]) == (small.pk, slots[2].pk)


def test_without_publish_changes_moves_stay_in_the_draft(day):
    camp, (big, small), slots = day
    a = make_session(camp=camp, title="A")
    board.move_session(session=a, room=big, slot=slots[0])
    board.publish_plan(camp=camp, date=camp.start_date)
    board.set_publish_changes(camp=camp, date=camp.start_date, publish_changes=False)

    board.move_session(session=a, room=small, slot=slots[1])

    assert PublishedPlan.objects.filter(camp=camp).count() == 1


def test_infeasible_day_is_explained_with_session_titles(day):
    camp, (big, small), slots = day
    host = make_participant(camp=camp)
    a = make_session(camp=camp, host=host, title="Alpha")
    b = make_session(camp=camp, host=host, title="Beta")
    Placement.objects.create(session=a, room=big, slot=slots[0], pinned=True)
    Placement.objects.create(session=b, room=small, slot=slots[0], pinned=True)

    with pytest.raises(board.GridError) as error:
        board.plan_day(camp=camp, date=camp.start_date)

    assert "“Alpha”" in str(error.value)
    assert "“Beta”" in str(error.value)


def test_moving_into_a_break_or_another_camp_is_refused(day):
    camp, (big, small), slots = day
    session = make_session(camp=camp)
    lunch = Slot.objects.get(camp=camp, kind=Slot.Kind.BREAK)
    foreign_room = make_room(make_camp())

    with pytest.raises(board.GridError, match="takes no sessions"):
        board.move_session(session=session, room=big, slot=lunch)
    with pytest.raises(board.GridError, match="not part of this camp"):
        board.move_session(session=session, room=foreign_room, slot=slots[0])


def test_build_instance_scores_like_the_shared_format(day):
    camp, (big, small), slots = day
    host = make_participant(camp=camp)
    session = make_session(camp=camp, host=host, length=2)
    make_vote(session)

    instance = board.build_instance(camp, camp.start_date)

    assert [slot["day"] for slot in instance["slots"]] == [0, 0, 1]
    assert instance["sessions"][0]["hosts"] == [str(host.pk)]
    assert instance["sessions"][0]["length"] == 2
    assert len(instance["sessions"][0]["votes"]) == 1


def test_a_host_with_more_sessions_than_slots_gets_the_most_wanted_planned(day):
    camp, (big, small), slots = day
    host = make_participant(camp=camp)
    sessions = [make_session(camp=camp, host=host, title=f"S{i}") for i in range(5)]
    for index, session in enumerate(sessions):
        for _ in range(index):
            make_vote(session)

    outcome = board.plan_day(camp=camp, date=camp.start_date)

    placed = cells(camp)
    assert outcome.placed == 3
    assert sorted(placed) == ["S2", "S3", "S4"]
    assert len({cell[1] for cell in placed.values()}) == 3


def test_following_the_votes_publishes_nothing_and_leaves_locked_slots(
    day, django_capture_on_commit_callbacks
):
    camp, (big, small), slots = day
    make_session(camp=camp, title="Kept")
    board.plan_day(camp=camp, date=camp.start_date)
    board.publish_plan(camp=camp, date=camp.start_date)  # "publish every change at once" is on
    kept_cell = cells(camp)["Kept"]
    locked_slot = Slot.objects.get(camp=camp, start=datetime.time(int(kept_cell[1]), 0))
    board.set_slot_locked(slot=locked_slot, locked=True)
    for index in range(3):
        make_vote(make_session(camp=camp, title=f"New {index}"))
    with django_capture_on_commit_callbacks(execute=True):
        live.mark_changed(camp.slug, live.VOTES)

    outcome = board.follow_votes(camp=camp, date=camp.start_date)

    placed = cells(camp)
    assert outcome.placed == 4
    assert placed["Kept"] == kept_cell
    assert [title for title, cell in placed.items() if cell[1] == kept_cell[1]] == ["Kept"]
    assert PublishedPlan.objects.filter(camp=camp).count() == 1

import contextlib
import datetime
import json
import re
import threading
from unittest import mock
from xml.etree import ElementTree

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from barcamp.live import memo
from barcamp.live import versions as live_versions
from events import live, wall
from events.models import Announcement, Slot
from sessions.services import update_session
from tests.factories import (
    make_camp,
    make_organizer,
    make_participant,
    make_room,
    make_session,
    make_slot,
    make_user,
    make_vote,
)
from voting.grid import board, queries
from voting.models import Placement, PublishedPlan
from voting.views.grid import BOARD_PAGE, PLAN_PAGE

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def make_day(rooms=2, slots=3, sessions=3):
    camp = make_camp(name="Barcamp Köln", time_zone="Europe/Berlin")
    room_list = [make_room(camp, name=f"Raum {i}", capacity=20, order=i) for i in range(rooms)]
    slot_list = [
        make_slot(camp, start=datetime.time(10 + i, 0), end=datetime.time(10 + i, 45))
        for i in range(slots)
    ]
    session_list = [make_session(camp=camp, title=f"Session {i}") for i in range(sessions)]
    return camp, room_list, slot_list, session_list


def at(camp, hour, minute=0):
    """A patch that makes it the camp's first day at the given local time."""
    moment = datetime.datetime.combine(camp.start_date, datetime.time(hour, minute), tzinfo=camp.tz)
    return mock.patch("voting.grid.queries.camp_now", return_value=moment)


@pytest.fixture
def organizer_client(client):
    client.cookies["django_language"] = "en"
    return client


# --- Board ---------------------------------------------------------------------------------------


def test_board_is_404_for_teilgeber_and_other_organizers(client):
    camp, *_ = make_day()
    client.force_login(make_participant(camp=camp).user)
    as_teilgeber = client.get(reverse("voting:board", args=[camp.slug]))
    client.force_login(make_organizer(make_camp()))
    as_other_organizer = client.get(reverse("voting:board", args=[camp.slug]))

    assert (as_teilgeber.status_code, as_other_organizer.status_code) == (404, 404)


def test_board_is_404_for_an_organizer_whose_staff_status_was_taken_away(client):
    # Organizers are staff users (the admin offers only them); taking the status away ends it.
    camp, *_ = make_day()
    former = make_organizer(camp)
    former.is_staff = False
    former.save()
    client.force_login(former)

    assert client.get(reverse("voting:board", args=[camp.slug])).status_code == 404


def a_vote(session, capture):
    make_vote(session)
    with capture(execute=True):
        live.mark_changed(session.camp.slug, live.VOTES)  # what the vote's commit does


def board_poll(client, camp):
    """The board's HTMX poll, as from a page that shows an older version."""
    return client.get(reverse("voting:board", args=[camp.slug]), {"v": "old"}, headers=HTMX)


def test_board_draft_follows_the_votes_through_a_task(
    organizer_client, background_tasks, django_capture_on_commit_callbacks
):
    camp, rooms, slots, sessions = make_day()
    board.plan_day(camp=camp, date=camp.start_date)
    organizer_client.force_login(make_organizer(camp))
    late = make_session(camp=camp, title="Late pitch")
    a_vote(late, django_capture_on_commit_callbacks)

    poll = board_poll(organizer_client, camp)
    placed_by_the_poll = Placement.objects.filter(session=late).exists()
    background_tasks.run()
    next_poll = board_poll(organizer_client, camp)

    assert (poll.status_code, placed_by_the_poll) == (200, False)
    assert Placement.objects.filter(session=late, slot__isnull=False).exists()
    assert "Late pitch" in next_poll.content.decode()


def test_two_organizers_polling_after_a_vote_run_the_planner_once(
    client, background_tasks, django_capture_on_commit_callbacks
):
    camp, rooms, slots, sessions = make_day()
    board.plan_day(camp=camp, date=camp.start_date)
    first, second = make_organizer(camp), make_organizer(camp)
    a_vote(sessions[0], django_capture_on_commit_callbacks)

    with mock.patch("voting.grid.board.plan_day", wraps=board.plan_day) as plan_day:
        client.force_login(first)
        polls = [board_poll(client, camp)]
        client.force_login(second)
        polls.append(board_poll(client, camp))
        handed_over = len(background_tasks.handed_over)
        background_tasks.run()
        client.force_login(first)
        polls.append(board_poll(client, camp))  # reads what the task planned
        background_tasks.run()

    assert [poll.status_code for poll in polls] == [200, 200, 200]
    assert (handed_over, plan_day.call_count) == (1, 1)


def test_following_the_votes_plans_a_change_once_however_often_asked(
    background_tasks, django_capture_on_commit_callbacks
):
    # Two runs for one change: the board's claim ran out while the first was still queued.
    camp, rooms, slots, sessions = make_day()
    board.plan_day(camp=camp, date=camp.start_date)
    a_vote(sessions[0], django_capture_on_commit_callbacks)

    with mock.patch("voting.grid.board.plan_day", wraps=board.plan_day) as plan_day:
        runs = [
            board.follow_votes_task.call(camp.pk, camp.start_date.isoformat()) for _ in range(2)
        ]

    assert (runs, plan_day.call_count) == ([True, False], 1)


def test_board_poll_right_after_a_vote_writes_nothing(
    organizer_client, background_tasks, django_capture_on_commit_callbacks
):
    camp, rooms, slots, sessions = make_day()
    board.plan_day(camp=camp, date=camp.start_date)
    organizer_client.force_login(make_organizer(camp))
    a_vote(make_session(camp=camp, title="Late pitch"), django_capture_on_commit_callbacks)

    with CaptureQueriesContext(connection) as queries_of_the_poll:
        poll = board_poll(organizer_client, camp)

    writes = [
        query["sql"]
        for query in queries_of_the_poll.captured_queries
        if query["sql"].lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert poll.status_code == 200
    assert writes == []
    assert [task.name for task, _args in background_tasks.handed_over] == ["follow_votes_task"]


def test_board_behind_the_votes_polls_again_once_the_planner_may_run_again(
    client, background_tasks, django_capture_on_commit_callbacks, settings
):
    # The second organizer's poll finds the run claimed by the first: if that run planned an
    # older version, nothing else would make this board render (and ask) again.
    camp, rooms, slots, sessions = make_day()
    board.plan_day(camp=camp, date=camp.start_date)
    first, second = make_organizer(camp), make_organizer(camp)
    a_vote(sessions[0], django_capture_on_commit_callbacks)
    client.force_login(first)
    board_poll(client, camp)
    client.force_login(second)

    page = board_poll(client, camp).content.decode()

    version = re.search(r"v=([^\"&]+)", page).group(1)
    later = timezone.now() + datetime.timedelta(seconds=settings.GRID_FOLLOW_INTERVAL + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        current_later = live_versions.is_current(camp.slug, BOARD_PAGE, version)
    assert live_versions.is_current(camp.slug, BOARD_PAGE, version) is True
    assert current_later is False


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_the_draft_follows_in_a_thread_beside_the_poll(organizer_client):
    # `make run`: the immediate task backend, no worker; the poll's request must not plan.
    camp, rooms, slots, sessions = make_day()
    organizer_client.force_login(make_organizer(camp))

    planned_in = []
    plan_day = board.plan_day

    def noting_the_thread(**kwargs):
        planned_in.append(threading.current_thread().name)
        return plan_day(**kwargs)

    with mock.patch("voting.grid.board.plan_day", noting_the_thread):
        poll = board_poll(organizer_client, camp)
        for thread in threading.enumerate():
            if thread.name == "task-follow_votes_task":
                thread.join()

    assert (poll.status_code, planned_in) == (200, ["task-follow_votes_task"])
    assert Placement.objects.filter(slot__isnull=False).count() == 3


def test_board_actions_move_pin_publish_undo(organizer_client):
    camp, rooms, slots, sessions = make_day()
    organizer_client.force_login(make_organizer(camp))
    url = reverse("voting:board", args=[camp.slug])
    day = camp.start_date.isoformat()

    moved = organizer_client.post(
        url,
        {
            "action": "move",
            "session": sessions[0].pk,
            "room": rooms[1].pk,
            "slot": slots[2].pk,
            "day": day,
        },
        headers=HTMX,
    )
    published = organizer_client.post(url, {"action": "publish", "day": day}, headers=HTMX)
    undone = organizer_client.post(url, {"action": "undo", "day": day}, headers=HTMX)

    assert moved.status_code == 200
    assert moved.content.decode().lstrip().startswith('<div id="board"')
    assert PublishedPlan.objects.get(camp=camp, version=1).placements == [
        {"session": sessions[0].pk, "room": rooms[1].pk, "slot": slots[2].pk, "moved_at": None}
    ]
    assert "Published as version 1" in published.content.decode()
    assert "Undone: Move “Session 0”" in undone.content.decode()
    assert (
        PublishedPlan.objects.get(camp=camp, version=2).placements == []
    )  # the undo went out at once


def test_board_moves_and_undoes_a_session_with_the_longest_title(organizer_client):
    """The undo label names the title: it must fit its column (PostgreSQL refuses longer)."""
    camp, rooms, slots, sessions = make_day(sessions=1)
    title = "Lange Titel " + "x" * (120 - len("Lange Titel "))
    sessions[0].title = title
    sessions[0].save(update_fields=["title"])
    organizer_client.force_login(make_organizer(camp))
    url = reverse("voting:board", args=[camp.slug])
    day = camp.start_date.isoformat()
    move = {"action": "move", "session": sessions[0].pk, "room": rooms[1].pk, "slot": slots[2].pk}

    moved = organizer_client.post(url, {**move, "day": day}, headers=HTMX)
    placed = Placement.objects.filter(session=sessions[0], room=rooms[1], slot=slots[2]).exists()
    undone = organizer_client.post(url, {"action": "undo", "day": day}, headers=HTMX)

    assert moved.status_code == 200
    assert placed
    assert undone.status_code == 200
    assert "Undone: Move “Lange Titel xxx" in undone.content.decode()


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"action": "explode"}, 400, "Unknown action."),
        ({"action": "move", "session": "abc"}, 400, "That session is not here"),
        (
            {"action": "move", "session": "SESSION", "room": "999999", "slot": "1"},
            400,
            "Choose a cell",
        ),
        ({"action": "undo"}, 409, "There is nothing to undo."),
        ({"action": "lock", "slot": "x"}, 400, "Choose a slot of this day."),
        ({"action": "announce", "announcement": "x" * 281}, 400, "at most 280 characters"),
        ({"action": "announce", "announcement": " \n "}, 400, "Write the announcement first."),
    ],
)
def test_board_bad_input_is_4xx_with_message_and_changes_nothing(
    organizer_client, data, status, message
):
    camp, rooms, slots, sessions = make_day()
    organizer_client.force_login(make_organizer(camp))
    data = {
        key: (str(sessions[0].pk) if value == "SESSION" else value) for key, value in data.items()
    }

    response = organizer_client.post(reverse("voting:board", args=[camp.slug]), data, headers=HTMX)

    assert response.status_code == status
    assert message in response.content.decode()
    assert PublishedPlan.objects.count() == 0
    assert Announcement.objects.count() == 0


def test_board_pins_an_announcement_that_the_plan_shows(organizer_client):
    camp, rooms, slots, sessions = make_day()
    publish(camp, sessions, rooms, slots)
    organizer_client.force_login(make_organizer(camp))

    response = organizer_client.post(
        reverse("voting:board", args=[camp.slug]),
        {"action": "announce", "announcement": "Lunch in the foyer"},
        headers=HTMX,
    )
    plan = organizer_client.get(reverse("voting:plan", args=[camp.slug]))

    assert response.status_code == 200
    assert "The announcement is pinned on phones and the projector." in response.content.decode()
    assert Announcement.objects.get(camp=camp).pinned is True
    assert '<p class="announcement">Lunch in the foyer</p>' in plan.content.decode()


def test_board_move_into_a_cell_of_another_camp_is_refused(organizer_client):
    camp, rooms, slots, sessions = make_day()
    other, other_rooms, other_slots, _ = make_day()
    organizer_client.force_login(make_organizer(camp))

    response = organizer_client.post(
        reverse("voting:board", args=[camp.slug]),
        {
            "action": "move",
            "session": sessions[0].pk,
            "room": other_rooms[0].pk,
            "slot": other_slots[0].pk,
        },
        headers=HTMX,
    )

    assert response.status_code == 400
    assert not Placement.objects.filter(room=other_rooms[0]).exists()


def test_board_switches_the_projector_between_pitch_and_grid(organizer_client):
    camp, rooms, slots, sessions = make_day()
    organizer_client.force_login(make_organizer(camp))
    url = reverse("voting:board", args=[camp.slug])

    organizer_client.post(url, {"action": "projector", "value": "pitch"})
    running = camp.live_pitch.running
    organizer_client.post(url, {"action": "projector", "value": "grid"})
    camp.live_pitch.refresh_from_db()

    assert (running, camp.live_pitch.running) == (True, False)


def test_board_card_has_one_form_with_its_room_chosen_and_works_without_javascript(
    organizer_client,
):
    camp, rooms, slots, sessions = make_day(rooms=2, slots=2, sessions=1)
    organizer_client.force_login(make_organizer(camp))
    url = reverse("voting:board", args=[camp.slug])
    board.move_session(session=sessions[0], room=rooms[1], slot=slots[1])
    outside = make_session(camp=camp, title="Outside")
    board.move_session(session=outside, room=rooms[0], slot=slots[0])
    board.unplace_session(session=outside)  # kept off the grid: the planner leaves it there

    content = organizer_client.get(url).content.decode()
    cards = re.findall(r'<div class="board-card.*?</details>', content, re.DOTALL)
    placed = next(card for card in cards if f'data-session="{sessions[0].pk}"' in card)
    kept_off = next(card for card in cards if f'data-session="{outside.pk}"' in card)
    # A plain form post, as a browser without JavaScript sends the card's form.
    pinned = organizer_client.post(
        url,
        {"action": "pin", "session": sessions[0].pk, "day": camp.start_date.isoformat()},
    )

    assert len(cards) == 2
    assert [card.count("<form ") for card in cards] == [1, 1]
    assert [card.count('name="csrfmiddlewaretoken"') for card in cards] == [1, 1]
    assert f'<option value="{rooms[1].pk}" selected>Raum 1</option>' in placed
    assert f'<option value="{rooms[0].pk}">Raum 0</option>' in placed
    assert " selected" not in kept_off
    assert placed.count("<option ") == kept_off.count("<option ") == 2 + 2
    assert 'value="unplace"' in placed
    assert "Let the planner place it" in kept_off
    assert pinned.status_code == 302
    assert Placement.objects.get(session=sessions[0]).pinned is True


def test_board_query_count_does_not_grow_with_the_camp(
    organizer_client, django_assert_max_num_queries
):
    small, *_ = make_day(rooms=2, slots=2, sessions=2)
    large, large_rooms, _, large_sessions = make_day(rooms=8, slots=7, sessions=40)
    for session in large_sessions:
        make_vote(session)
    organizer = make_organizer(small)
    large.organizers.add(organizer)
    organizer_client.force_login(organizer)
    for camp in (small, large):
        board.plan_day(camp=camp, date=camp.start_date)

    with django_assert_max_num_queries(30) as few:
        organizer_client.get(reverse("voting:board", args=[small.slug]))
    with django_assert_max_num_queries(len(few)):
        organizer_client.get(reverse("voting:board", args=[large.slug]))


# --- The published plan on phones, projector, door ---------------------------------------------


def publish(camp, sessions, rooms, slots):
    for index, session in enumerate(sessions):
        board.move_session(
            session=session, room=rooms[index % len(rooms)], slot=slots[index // len(rooms)]
        )
    return board.publish_plan(camp=camp, date=camp.start_date)


def test_the_plan_escapes_what_people_typed_in_every_cell(client):
    """The plan's cells are built in Python (views.grid._plan_cells), not by the template
    engine: titles, names and room names must come out escaped all the same."""
    camp, *_ = make_day(rooms=0, slots=0, sessions=0)
    room = make_room(camp, name='Saal "A" & <b>B</b>', online_url="https://x.example/?a=1&b=2")
    slot = make_slot(camp, start=datetime.time(10, 0), end=datetime.time(10, 45))
    host = make_participant(camp=camp, display_name="<img src=x onerror=alert(1)>")
    session = make_session(camp=camp, host=host, title="<script>alert(1)</script>")
    publish(camp, [session], [room], [slot])
    client.force_login(host.user)

    with at(camp, 10, 15):
        page = client.get(reverse("voting:plan", args=[camp.slug])).content.decode()

    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "<b>B</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Saal &quot;A&quot; &amp; &lt;b&gt;B&lt;/b&gt;" in page
    assert 'href="https://x.example/?a=1&amp;b=2"' in page


def test_plan_before_publication_says_so(client):
    camp, *_ = make_day()
    client.cookies["django_language"] = "en"

    response = client.get(reverse("voting:plan", args=[camp.slug]))

    assert "not published yet" in response.content.decode()


def test_plan_shows_now_next_and_the_agenda_with_clashes(client):
    camp, rooms, slots, sessions = make_day(rooms=2, slots=2, sessions=3)
    me = make_participant(camp=camp)
    for session in sessions:
        make_vote(session, me)
    publish(camp, sessions, rooms, slots)  # 0 and 1 at 10:00, 2 at 11:00
    client.force_login(me.user)
    client.cookies["django_language"] = "en"

    with at(camp, 10, 15):
        response = client.get(reverse("voting:plan", args=[camp.slug]))

    context = response.context
    assert [cell.session.title for cell in context["grid"].now_row.cells if cell.session] == [
        "Session 0",
        "Session 1",
    ]
    assert [cell.session.title for cell in context["grid"].next_row.cells if cell.session] == [
        "Session 2"
    ]
    assert [(entry["session"].title, entry["clash"]) for entry in context["agenda"]] == [
        ("Session 0", True),
        ("Session 1", True),
        ("Session 2", False),
    ]
    assert "at the same time as another of your sessions" in response.content.decode()


def test_during_a_break_now_names_the_break_instead_of_an_empty_box(client):
    camp, rooms, slots, sessions = make_day(rooms=1, slots=2, sessions=2)
    make_slot(
        camp, start=datetime.time(12, 0), end=datetime.time(13, 0), kind="break", title="Lunch"
    )
    publish(camp, sessions, rooms, slots)
    client.cookies["django_language"] = "en"

    with at(camp, 12, 15):
        page = client.get(reverse("voting:plan", args=[camp.slug])).content.decode()

    now = page[
        page.index('<div class="now-block">') : page.index("</div>", page.index("now-block"))
    ]
    assert "12:00–13:00" in now
    assert '<p class="now-break">Lunch</p>' in now


def whole_day_slots(content):
    """{"10:00–10:45": the text of that slot's block} of the plan's whole day."""
    whole_day = content.split('id="whole-day"', 1)[1]
    blocks = whole_day.split('<div class="plan-slot')[1:]
    return {
        re.search(r"(\d\d:\d\d–\d\d:\d\d)", block)[1]: re.sub(r"<[^>]+>|\s+", " ", block)
        for block in blocks
    }


def test_the_whole_day_shows_a_two_slot_session_in_its_second_slot_too(client):
    camp, rooms, slots, _sessions = make_day(rooms=2, slots=3, sessions=0)
    workshop = make_session(camp=camp, title="Workshop Löten", length=2)
    talk = make_session(camp=camp, title="Kurzer Vortrag")
    board.move_session(session=workshop, room=rooms[0], slot=slots[1])
    board.move_session(session=talk, room=rooms[1], slot=slots[1])
    board.publish_plan(camp=camp, date=camp.start_date)
    client.cookies["django_language"] = "en"

    with at(camp, 9, 0):
        content = client.get(reverse("voting:plan", args=[camp.slug])).content.decode()

    day = whole_day_slots(content)
    assert "Workshop Löten" not in day["10:00–10:45"]
    assert "Workshop Löten" in day["11:00–11:45"]
    assert "Kurzer Vortrag" in day["11:00–11:45"]
    assert "↳ Workshop Löten" in day["12:00–12:45"]
    assert "continued from the slot before" in day["12:00–12:45"]
    assert "Kurzer Vortrag" not in day["12:00–12:45"]


@pytest.mark.parametrize("between", ["empty", "continued", "break"])
def test_next_names_the_next_slot_in_which_sessions_begin(client, between):
    camp, rooms, slots, _sessions = make_day(rooms=1, slots=3, sessions=0)
    first = make_session(camp=camp, title="Erste", length=2 if between == "continued" else 1)
    later = make_session(camp=camp, title="Später")
    board.move_session(session=first, room=rooms[0], slot=slots[0])
    board.move_session(session=later, room=rooms[0], slot=slots[2])
    if between == "break":
        slots[1].kind = Slot.Kind.BREAK
        slots[1].save()
    board.publish_plan(camp=camp, date=camp.start_date)
    client.cookies["django_language"] = "en"

    with at(camp, 10, 15):
        response = client.get(reverse("voting:plan", args=[camp.slug]))

    next_row = response.context["grid"].next_row
    assert next_row.slot == slots[2]
    assert [cell.session.title for cell in next_row.cells if cell.session] == ["Später"]
    now_next = response.context["now_next_html"]
    assert "12:00–12:45" in now_next.split("next-block", 1)[1]


def test_plan_agenda_entries_are_shared_yet_each_viewer_sees_their_own(
    client, django_capture_on_commit_callbacks
):
    camp, rooms, slots, sessions = make_day(rooms=1, slots=1, sessions=1)
    host = sessions[0].hosts.get().participant
    voter = make_participant(camp=camp)
    make_vote(sessions[0], voter)
    publish(camp, sessions, rooms, slots)
    client.cookies["django_language"] = "en"
    url = reverse("voting:plan", args=[camp.slug])

    client.force_login(voter.user)
    as_voter = client.get(url).content.decode()
    client.force_login(host.user)
    as_host = client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        update_session(
            session=sessions[0],
            title="Renamed",
            description="",
            format=sessions[0].format,
            language=sessions[0].language,
            tags=[],
            length=1,
            day=sessions[0].day,
        )
    renamed = client.get(url).content.decode()

    agenda = [
        page.split('<section class="agenda"', 1)[1].split("</section>", 1)[0]
        for page in (as_voter, as_host, renamed)
    ]
    assert "Session 0" in agenda[0] and "you host it" not in agenda[0]
    assert "Session 0" in agenda[1] and "you host it" in agenda[1]
    assert "Renamed" in agenda[2] and "Session 0" not in agenda[2]


def test_plan_shows_what_was_published_not_the_draft(client):
    camp, rooms, slots, sessions = make_day(rooms=1, slots=3, sessions=1)
    publish(camp, sessions, rooms, slots)
    board.set_publish_changes(camp=camp, date=camp.start_date, publish_changes=False)
    board.move_session(session=sessions[0], room=rooms[0], slot=slots[2])

    response = client.get(reverse("voting:plan", args=[camp.slug]))

    row = next(
        row for row in response.context["grid"].rows if any(cell.session for cell in row.cells)
    )
    assert row.slot == slots[0]


def test_unchanged_plan_poll_is_204_without_a_query(client, django_assert_num_queries):
    camp, rooms, slots, sessions = make_day()
    publish(camp, sessions, rooms, slots)
    version = live.current_version(camp.slug, PLAN_PAGE)

    with django_assert_num_queries(0):
        plan = client.get(reverse("voting:plan", args=[camp.slug]), {"v": version}, headers=HTMX)
        sign = client.get(
            reverse("voting:room-sign", args=[camp.slug, rooms[0].pk]), {"v": version}, headers=HTMX
        )

    assert (plan.status_code, sign.status_code) == (204, 204)


@contextlib.contextmanager
def clock(camp, hour, minute=0):
    """The camp's local time for rendering (camp_now) and for the poll's check (timezone.now)."""
    moment = datetime.datetime.combine(camp.start_date, datetime.time(hour, minute), tzinfo=camp.tz)
    with (
        mock.patch("voting.grid.queries.camp_now", return_value=moment),
        mock.patch("barcamp.live.versions.timezone.now", return_value=moment),
    ):
        yield


@pytest.mark.parametrize("page", ["voting:plan", "voting:projector", "voting:room-sign"])
def test_time_pages_poll_as_changed_when_a_slot_begins(client, page):
    camp, rooms, slots, sessions = make_day()  # slots at 10:00, 11:00, 12:00, 45 minutes each
    publish(camp, sessions, rooms, slots)
    args = [camp.slug, rooms[0].pk] if page == "voting:room-sign" else [camp.slug]
    url = reverse(page, args=args)

    with clock(camp, 10, 50):
        version = client.get(url).context["version"]
        unchanged = client.get(url, {"v": version}, headers=HTMX)
    with clock(camp, 11, 0):
        begun = client.get(url, {"v": version}, headers=HTMX)

    assert unchanged.status_code == 204
    assert begun.status_code == 200
    assert begun.context["version"] != version


def test_plan_version_goes_stale_at_the_next_slot_boundary_or_mark_expiry(client):
    camp, rooms, slots, sessions = make_day()
    publish(camp, sessions, rooms, slots)

    with at(camp, 10, 50):
        before_second = queries.published_grid(camp, camp.start_date).changes_at
    with at(camp, 11, 10):
        in_second = queries.published_grid(camp, camp.start_date).changes_at
    with at(camp, 23, 0):
        after_day = queries.published_grid(camp, camp.start_date).changes_at

    day = camp.start_date
    assert before_second == datetime.datetime.combine(day, datetime.time(11, 0), tzinfo=camp.tz)
    assert in_second == datetime.datetime.combine(day, datetime.time(11, 45), tzinfo=camp.tz)
    # After the last slot only the next day changes the picture (the projector's default day).
    assert after_day == datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time(0, 0), tzinfo=camp.tz
    )


def test_moved_session_reaches_the_plan_poll(client, django_capture_on_commit_callbacks):
    camp, rooms, slots, sessions = make_day()
    publish(camp, sessions, rooms, slots)
    version = live.current_version(camp.slug, PLAN_PAGE)

    with django_capture_on_commit_callbacks(execute=True):
        board.move_session(session=sessions[0], room=rooms[1], slot=slots[2])
    response = client.get(reverse("voting:plan", args=[camp.slug]), {"v": version}, headers=HTMX)

    assert response.status_code == 200
    assert response.context["grid"].version == 2
    assert "moved" in response.content.decode()


def test_plan_query_count_does_not_grow_with_the_camp(client, django_assert_max_num_queries):
    small, small_rooms, small_slots, small_sessions = make_day(rooms=1, slots=2, sessions=2)
    large, large_rooms, large_slots, large_sessions = make_day(rooms=6, slots=6, sessions=36)
    publish(small, small_sessions, small_rooms, small_slots)
    publish(large, large_sessions, large_rooms, large_slots)
    user = make_user()
    make_participant(camp=small, user=user)
    make_participant(camp=large, user=user)
    client.force_login(user)
    for camp in (small, large):  # warm the session, the language and the camps' cache
        client.get(reverse("voting:plan", args=[camp.slug]))

    def pages(camp):
        client.get(reverse("voting:plan", args=[camp.slug]))
        client.get(reverse("voting:projector", args=[camp.slug]))

    # The first reader of a published plan reads it from the database ...
    with django_assert_max_num_queries(20) as cold:
        memo._memo.clear()
        pages(small)
    cold = len(cold)
    with django_assert_max_num_queries(cold):
        memo._memo.clear()
        pages(large)
    # ... the next ones find it read (per process and version of the plan).
    pages(small)
    with django_assert_max_num_queries(cold - 4) as warm:
        pages(small)
    warm = len(warm)
    with django_assert_max_num_queries(warm):
        pages(large)


def test_projector_shows_the_grid_when_no_pitch_runs_with_now_highlighted(client):
    camp, rooms, slots, sessions = make_day()
    publish(camp, sessions, rooms, slots)
    wall.post_announcement(camp=camp, by=make_organizer(camp), text="Lunch in the foyer")

    with at(camp, 11, 10):
        response = client.get(reverse("voting:projector", args=[camp.slug]))

    content = response.content.decode()
    assert '<th scope="col" class="wall-slot is-now">' in content
    assert "Lunch in the foyer" in content
    assert "Session 2" in content
    assert "Session 0" not in content  # its slot is over


def test_room_sign_shows_now_and_next(client):
    camp, rooms, slots, sessions = make_day(rooms=1, slots=3, sessions=3)
    publish(camp, sessions, rooms, slots)

    with at(camp, 11, 30):
        response = client.get(reverse("voting:room-sign", args=[camp.slug, rooms[0].pk]))

    assert response.context["now_entry"][1].session == sessions[1]
    assert response.context["next_entry"][1].session == sessions[2]


def test_room_sign_of_another_camps_room_is_404(client):
    camp, *_ = make_day()
    _, other_rooms, *_ = make_day()

    assert (
        client.get(reverse("voting:room-sign", args=[camp.slug, other_rooms[0].pk])).status_code
        == 404
    )


# --- Feeds and exports --------------------------------------------------------------------------


def test_camp_ics_lists_published_sessions_with_times_and_rooms(client):
    camp, rooms, slots, sessions = make_day(rooms=2, slots=1, sessions=2)
    publish(camp, sessions, rooms, slots)

    response = client.get(reverse("voting:plan-ics", args=[camp.slug]))

    calendar = icalendar.Calendar.from_ical(response.content)
    events = sorted(calendar.walk("VEVENT"), key=lambda event: str(event["summary"]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert [str(event["summary"]) for event in events] == ["Session 0", "Session 1"]
    assert events[0].decoded("dtstart") == datetime.datetime.combine(
        camp.start_date, datetime.time(10), tzinfo=camp.tz
    )
    assert str(events[1]["location"]).startswith("Raum 1")


def test_personal_ics_needs_the_secret_and_lists_only_own_sessions(client):
    camp, rooms, slots, sessions = make_day(rooms=2, slots=2, sessions=3)
    me = make_participant(camp=camp)
    make_vote(sessions[2], me)
    publish(camp, sessions, rooms, slots)

    mine = client.get(reverse("voting:agenda-ics", args=[camp.slug, me.calendar_token]))
    wrong = client.get(reverse("voting:agenda-ics", args=[camp.slug, "guess"]))

    events = icalendar.Calendar.from_ical(mine.content).walk("VEVENT")
    assert [str(event["summary"]) for event in events] == ["Session 2"]
    assert wrong.status_code == 404


def test_ics_follows_the_published_plan(client):
    camp, rooms, slots, sessions = make_day(rooms=1, slots=3, sessions=1)
    publish(camp, sessions, rooms, slots)
    board.move_session(session=sessions[0], room=rooms[0], slot=slots[2])

    response = client.get(reverse("voting:plan-ics", args=[camp.slug]))

    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart").time() == datetime.time(12, 0)


def test_frab_json_and_xml_exports(client):
    camp, rooms, slots, sessions = make_day(rooms=2, slots=1, sessions=2)
    publish(camp, sessions, rooms, slots)

    as_json = json.loads(client.get(reverse("voting:schedule-json", args=[camp.slug])).content)
    as_xml = ElementTree.fromstring(
        client.get(reverse("voting:schedule-xml", args=[camp.slug])).content
    )

    conference = as_json["schedule"]["conference"]
    event = conference["days"][0]["rooms"]["Raum 0"][0]
    assert conference["title"] == "Barcamp Köln"
    assert (event["title"], event["start"], event["duration"], event["room"]) == (
        "Session 0",
        "10:00",
        "00:45",
        "Raum 0",
    )
    host = sessions[0].hosts.get().participant.display_name  # as on the plan, by the chosen name
    assert event["persons"][0]["name"] == event["persons"][0]["public_name"] == host
    assert as_xml.find("conference/title").text == "Barcamp Köln"
    assert [e.find("title").text for e in as_xml.iter("event")] == ["Session 0", "Session 1"]
    assert as_xml.find("day/room").get("name") == "Raum 0"


def test_exports_do_not_show_unpublished_or_hidden_sessions(client):
    camp, rooms, slots, sessions = make_day(rooms=2, slots=1, sessions=2)
    publish(camp, sessions, rooms, slots)
    sessions[1].hidden = True
    sessions[1].save()
    make_session(camp=camp, title="Only in the draft")

    content = client.get(reverse("voting:schedule-json", args=[camp.slug])).content.decode()

    assert "Session 0" in content
    assert "Session 1" not in content
    assert "Only in the draft" not in content


def test_break_slots_are_listed_but_take_no_sessions(client):
    camp, rooms, slots, sessions = make_day(rooms=1, slots=2, sessions=1)
    make_slot(
        camp,
        start=datetime.time(12, 0),
        end=datetime.time(13, 0),
        kind=Slot.Kind.BREAK,
        title="Lunch",
    )
    publish(camp, sessions, rooms, slots)

    response = client.get(reverse("voting:plan", args=[camp.slug]))

    assert "Lunch" in response.content.decode()


def test_board_of_a_camp_without_rooms_or_slots_explains_instead_of_failing(organizer_client):
    camp = make_camp()
    make_session(camp=camp, title="Lonely")
    organizer_client.force_login(make_organizer(camp))
    url = reverse("voting:board", args=[camp.slug])

    page = organizer_client.get(url)
    replan = organizer_client.post(url, {"action": "replan"}, headers=HTMX)

    assert page.status_code == 200
    assert "Lonely" in page.content.decode()
    assert replan.status_code == 409
    assert "This day has no rooms or no session slots yet" in replan.content.decode()


def test_board_announcement_clicked_twice_is_pinned_once(organizer_client):
    camp, *_ = make_day()
    organizer_client.force_login(make_organizer(camp))
    page = organizer_client.get(reverse("voting:board", args=[camp.slug]))
    nonce = page.context["announce_nonce"]

    for _ in range(2):
        organizer_client.post(
            reverse("voting:board", args=[camp.slug]),
            {"action": "announce", "announcement": "Lunch", "nonce": nonce},
            headers=HTMX,
        )

    assert Announcement.objects.count() == 1
    assert f'name="nonce" value="{nonce}"' in page.content.decode()


def test_the_plan_page_of_a_teilgeber_makes_one_query(client, settings, django_assert_num_queries):
    # What production keeps in Redis; the suite's cache is this process's memory.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.USER_CACHE_TIMEOUT = settings.CAMP_CACHE_TIMEOUT = 60
    settings.PARTICIPANT_CACHE_TIMEOUT = 60
    camp, rooms, slots, sessions = make_day()
    publish(camp, sessions, rooms, slots)
    teilgeber = make_participant(camp=camp)
    make_vote(sessions[0], teilgeber)
    hosted = make_session(camp=camp, host=teilgeber, title="My own session")
    board.move_session(session=hosted, room=rooms[1], slot=slots[2])
    board.publish_plan(camp=camp, date=camp.start_date)
    client.force_login(teilgeber.user)
    client.get(reverse("voting:plan", args=[camp.slug]))  # the plan, kept per version

    with at(camp, 9), django_assert_num_queries(1):  # the viewer's votes and hosted sessions
        response = client.get(reverse("voting:plan", args=[camp.slug]))

    assert [entry["session"].title for entry in response.context["agenda"]] == [
        sessions[0].title,
        "My own session",
    ]


def test_after_a_publish_the_plan_page_reads_only_the_new_plan(
    client, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    # A publish gives the plan's topic new tokens, not the pitch's: the sessions, their hosts'
    # names, the rooms and slots, and when the camp's feedback opens stay read in the process.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.USER_CACHE_TIMEOUT = settings.CAMP_CACHE_TIMEOUT = 60
    settings.PARTICIPANT_CACHE_TIMEOUT = 60
    camp, rooms, slots, sessions = make_day()
    with django_capture_on_commit_callbacks(execute=True):
        publish(camp, sessions, rooms, slots)
    teilgeber = make_participant(camp=camp)
    client.force_login(teilgeber.user)
    client.get(reverse("voting:plan", args=[camp.slug]))  # the plan, kept per version
    with django_capture_on_commit_callbacks(execute=True):
        board.move_session(session=sessions[0], room=rooms[1], slot=slots[2])
        board.publish_plan(camp=camp, date=camp.start_date)

    with at(camp, 9), django_assert_num_queries(2):  # the viewer's sessions; the new plan
        response = client.get(reverse("voting:plan", args=[camp.slug]))

    assert response.context["grid"].version == PublishedPlan.objects.latest("version").version
    assert [
        (cell.room.name, cell.session and cell.session.title)
        for cell in response.context["grid"].rows[2].cells
    ] == [("Raum 0", None), ("Raum 1", "Session 0")]

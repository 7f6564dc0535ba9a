"""The documentation's rules: when a session has its notes page, what was held, who is named."""

import datetime
from unittest import mock

import pytest

from events.models import Participant
from events.queries import Viewer
from sessions import services as session_services
from sessions.models import Session
from tests.factories import (
    make_camp,
    make_notes,
    make_organizer,
    make_participant,
    make_placed_session,
    make_room,
    make_session,
    make_slot,
    make_user,
)
from voting.aftercamp import documentation
from voting.grid import board

pytestmark = pytest.mark.django_db


def at(camp, day, hour, minute=0):
    moment = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=camp.tz)
    return mock.patch("voting.grid.queries.camp_now", return_value=moment)


# --- The notes page exists once the session is placed ------------------------------------------


def test_a_proposed_session_has_no_notes_page():
    assert documentation.has_notes_page(make_session()) is False


def test_a_session_in_the_draft_has_its_notes_page():
    assert documentation.has_notes_page(make_placed_session(publish=False)) is True


def test_a_session_in_the_published_plan_has_its_notes_page_after_leaving_the_draft():
    session = make_placed_session()
    board.set_publish_changes(camp=session.camp, date=session.day, publish_changes=False)
    board.unplace_session(session=session)

    assert documentation.has_notes_page(session) is True


def test_a_session_taken_off_the_grid_before_publication_loses_an_empty_notes_page():
    session = make_placed_session(publish=False)
    board.unplace_session(session=session)

    assert documentation.has_notes_page(session) is False


def test_written_notes_keep_their_page_when_the_session_leaves_the_grid():
    session = make_placed_session(publish=False)
    make_notes(session, "Something worth keeping")
    board.unplace_session(session=session)

    assert documentation.has_notes_page(session) is True


def test_links_keep_the_page_when_the_session_leaves_the_grid():
    session = make_placed_session(publish=False)
    host = session.hosts.get().participant
    session_services.add_link(
        session=session, user=host.user, participant=host, title="x", url="https://example.org"
    )
    board.unplace_session(session=session)

    assert documentation.has_notes_page(session) is True


# --- Names -----------------------------------------------------------------------------------------


def test_public_name_only_with_the_opt_in():
    camp = make_camp()
    public = make_participant(camp=camp, display_name="Anna", is_public=True)
    private = make_participant(camp=camp, display_name="Ben", is_public=False)
    gone = make_participant(
        camp=camp, display_name="Carla", is_public=True, status=Participant.Status.CANCELLED
    )

    assert documentation.public_name(public) == "Anna"
    assert documentation.public_name(private) == "a Teilgeber"
    assert documentation.public_name(gone) == "a Teilgeber"
    assert documentation.public_name(None) == "deleted Teilgeber"


@pytest.fixture
def authors():
    camp = make_camp()
    public = make_participant(camp=camp, display_name="Anna", is_public=True)
    private = make_participant(camp=camp, display_name="Ben", is_public=False)
    organizer = make_organizer(camp)
    elsewhere = make_user()
    return camp, public, private, organizer, elsewhere


def labels_for(camp, people, user):
    viewer = Viewer(camp=camp, user=user, participant=None)
    return documentation.author_labels(camp, [*people, None], viewer=viewer)


def test_author_labels_for_a_visitor_follow_the_opt_in(authors):
    camp, public, private, organizer, elsewhere = authors
    from django.contrib.auth.models import AnonymousUser

    labels = labels_for(
        camp, [public.user_id, private.user_id, organizer.pk, elsewhere.pk], AnonymousUser()
    )

    assert labels == {
        public.user_id: "Anna",
        private.user_id: "a Teilgeber",
        organizer.pk: "Orga",
        elsewhere.pk: "a Teilgeber",
        None: "deleted Teilgeber",
    }


def test_author_labels_for_a_teilgeber_follow_the_opt_in_and_say_you(authors):
    camp, public, private, organizer, _elsewhere = authors

    labels = labels_for(camp, [public.user_id, private.user_id], private.user)

    assert labels[public.user_id] == "Anna"
    assert labels[private.user_id] == "you"


def test_author_labels_for_organizers_name_everyone(authors):
    camp, public, private, organizer, _elsewhere = authors

    labels = labels_for(camp, [public.user_id, private.user_id, organizer.pk], organizer)

    assert labels[private.user_id] == "Ben"
    assert labels[organizer.pk] == "you"


def test_author_labels_of_another_camps_organizer_follow_the_opt_in(authors):
    camp, _public, private, _organizer, _elsewhere = authors

    labels = labels_for(camp, [private.user_id], make_organizer(make_camp()))

    assert labels[private.user_id] == "a Teilgeber"


# --- Held sessions -----------------------------------------------------------------------------


@pytest.fixture
def day():
    camp = make_camp(name="Barcamp Köln")
    saal, kueche = make_room(camp, name="Saal", order=0), make_room(camp, name="Küche", order=1)
    slots = [
        make_slot(camp, start=datetime.time(h, 0), end=datetime.time(h, 45)) for h in (10, 11, 12)
    ]
    anna = make_participant(camp=camp, display_name="Anna", is_public=True)
    ben = make_participant(camp=camp, display_name="Ben")
    first = make_session(camp=camp, host=anna, title="First")
    parallel = make_session(camp=camp, host=ben, title="Parallel")
    later = make_session(camp=camp, host=anna, title="Later")
    board.move_session(session=first, room=saal, slot=slots[0])
    board.move_session(session=parallel, room=kueche, slot=slots[0])
    board.move_session(session=later, room=saal, slot=slots[1])
    board.publish_plan(camp=camp, date=camp.start_date)
    return camp, (saal, kueche), slots, (first, parallel, later)


def titles(days):
    return [[[entry.session.title for entry in block.entries] for block in d.slots] for d in days]


def test_nothing_is_held_before_the_first_slot_begins(day):
    camp, _rooms, _slots, _sessions = day

    with at(camp, camp.start_date, 9, 59):
        assert documentation.documentation(camp) == []


def test_a_session_is_held_from_the_start_of_its_slot(day):
    camp, _rooms, _slots, _sessions = day

    with at(camp, camp.start_date, 10, 0):
        assert titles(documentation.documentation(camp)) == [[["First", "Parallel"]]]
    with at(camp, camp.start_date, 11, 30):
        assert titles(documentation.documentation(camp)) == [[["First", "Parallel"], ["Later"]]]


def test_after_the_camp_every_published_session_was_held(day):
    camp, _rooms, _slots, _sessions = day

    with at(camp, camp.start_date + datetime.timedelta(days=3), 8):
        days = documentation.documentation(camp)

    assert titles(days) == [[["First", "Parallel"], ["Later"]]]
    assert days[0].date == camp.start_date


def test_only_the_newest_published_plan_counts(day):
    camp, rooms, slots, (first, _parallel, later) = day
    board.move_session(session=later, room=rooms[1], slot=slots[2])
    board.publish_plan(camp=camp, date=camp.start_date)

    with at(camp, camp.start_date, 11, 30):
        assert titles(documentation.documentation(camp)) == [[["First", "Parallel"]]]


def test_the_draft_does_not_count_until_published(day):
    camp, rooms, slots, (_first, _parallel, later) = day
    board.set_publish_changes(camp=camp, date=camp.start_date, publish_changes=False)
    board.move_session(session=later, room=rooms[1], slot=slots[2])

    with at(camp, camp.start_date, 11, 30):
        assert titles(documentation.documentation(camp)) == [[["First", "Parallel"], ["Later"]]]


def test_withdrawn_and_hidden_sessions_are_not_documented(day):
    camp, _rooms, _slots, (first, parallel, _later) = day
    first.status = Session.Status.WITHDRAWN
    first.save()
    session_services.set_hidden(session=parallel, hidden=True)

    with at(camp, camp.start_date, 11, 30):
        assert titles(documentation.documentation(camp)) == [[["Later"]]]


def test_documentation_entries_carry_notes_links_and_public_host_names(day):
    camp, _rooms, _slots, (first, parallel, _later) = day
    make_notes(first, "# Result\n\nWe agreed.")
    anna = first.hosts.get().participant
    session_services.add_link(
        session=first, user=anna.user, participant=anna, title="Pad", url="https://pad.example"
    )

    with at(camp, camp.start_date, 10, 30):
        entries = documentation.documentation(camp)[0].slots[0].entries

    assert [(e.session.title, e.room.name, e.hosts, e.notes) for e in entries] == [
        ("First", "Saal", ["Anna"], "# Result\n\nWe agreed."),
        ("Parallel", "Küche", ["a Teilgeber"], ""),
    ]
    assert [link.title for link in entries[0].links] == ["Pad"]


def test_a_two_slot_session_ends_with_its_second_slot(day):
    camp, rooms, slots, (_first, _parallel, later) = day
    later.length = 2
    later.save()

    with at(camp, camp.start_date, 11, 5):
        entry = documentation.documentation(camp)[0].slots[1].entries[0]

    assert (entry.slot.start, entry.end) == (datetime.time(11), datetime.time(12, 45))


def test_a_session_whose_host_deleted_the_account_names_a_deleted_teilgeber(day):
    camp, _rooms, _slots, (_first, parallel, _later) = day
    parallel.hosts.get().participant.user.delete()

    with at(camp, camp.start_date, 10, 30):
        entries = documentation.documentation(camp)[0].slots[0].entries

    assert entries[1].hosts == ["deleted Teilgeber"]


def test_another_camps_plan_is_not_documented(day):
    camp, _rooms, _slots, _sessions = day
    other = make_camp()
    make_placed_session(other, title="Elsewhere")

    with at(camp, camp.start_date + datetime.timedelta(days=60), 8):
        assert "Elsewhere" not in str(titles(documentation.documentation(camp)))


# --- The Markdown export ---------------------------------------------------------------------


def test_markdown_export_has_days_sessions_notes_and_links(day):
    camp, _rooms, _slots, (first, _parallel, _later) = day
    make_notes(first, "# Result\n\nWe agreed.\n\n## Open\n\n- more")
    anna = first.hosts.get().participant
    session_services.add_link(
        session=first,
        user=anna.user,
        participant=anna,
        title="Pad [draft]",
        url="https://pad.example",
    )
    with at(camp, camp.start_date, 10, 30):
        days = documentation.documentation(camp)

    text = documentation.documentation_markdown(camp, days, absolute_url=lambda url: url)

    assert text.startswith("# Barcamp Köln\n")
    assert (
        "\n### 10:00–10:45 · Saal: First\n\nHosts: Anna\n\n#### Result\n\nWe agreed.\n\n##### Open\n"
        in text
    )
    assert "- Link: [Pad \\[draft\\]](<https://pad.example>)" in text
    assert "### 10:00–10:45 · Küche: Parallel\n\nHosts: a Teilgeber\n\n_No notes._" in text
    assert "Later" not in text


def test_markdown_export_of_an_undocumented_camp_says_so():
    camp = make_camp()

    text = documentation.documentation_markdown(camp, [], absolute_url=lambda url: url)

    assert "No session has been held yet." in text

"""The rules of a session's documentation: who writes the notes, revisions and conflicts, links
and slides."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from events.models import Participant
from sessions import queries, services
from sessions.models import NoteRevision, Session, SessionLink, SessionNotes
from tests.factories import (
    make_camp,
    make_notes,
    make_organizer,
    make_participant,
    make_session,
    make_user,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%fake but well-formed enough\n"


@pytest.fixture
def session():
    return make_session(camp=make_camp(), title="Open Source im Marketing")


@pytest.fixture
def teilgeber(session):
    return make_participant(camp=session.camp, display_name="Anna")


def save(session, participant, text, base, user=None):
    return services.save_notes(
        session=session,
        user=user or participant.user,
        participant=participant,
        text=text,
        base_revision=base,
    )


# --- Who writes -----------------------------------------------------------------------------


def test_save_notes_as_registered_teilgeber_makes_the_first_revision(session, teilgeber):
    saved = save(session, teilgeber, "First ideas\r\n", 0)

    notes = SessionNotes.objects.get(session=session)
    assert (saved.changed, saved.merged) == (True, False)
    assert (notes.text, notes.revision) == ("First ideas", 1)
    revision = NoteRevision.objects.get()
    assert (revision.number, revision.text, revision.author) == (1, "First ideas", teilgeber.user)
    assert (revision.lines_added, revision.lines_removed) == (1, 0)


def test_save_notes_as_organizer_without_teilgeber_record(session):
    organizer = make_organizer(session.camp)

    services.save_notes(
        session=session, user=organizer, participant=None, text="Orga note", base_revision=0
    )

    assert NoteRevision.objects.get().author == organizer


@pytest.mark.parametrize("status", [Participant.Status.WAITLISTED, Participant.Status.CANCELLED])
def test_save_notes_refused_for_waitlisted_and_cancelled(session, status):
    person = make_participant(camp=session.camp, status=status)

    with pytest.raises(services.SessionError, match="Only Teilgeber of this camp"):
        save(session, person, "text", 0)

    assert SessionNotes.objects.count() == 0


def test_save_notes_refused_for_another_camps_teilgeber_and_organizer(session):
    stranger = make_participant(camp=make_camp())
    other_organizer = make_organizer(make_camp())

    with pytest.raises(services.SessionError):
        save(session, stranger, "text", 0)
    with pytest.raises(services.SessionError):
        services.save_notes(
            session=session, user=other_organizer, participant=None, text="x", base_revision=0
        )

    assert NoteRevision.objects.count() == 0


def test_save_notes_refused_for_a_user_without_record(session):
    with pytest.raises(services.SessionError):
        services.save_notes(
            session=session, user=make_user(), participant=None, text="x", base_revision=0
        )


def test_save_notes_of_a_withdrawn_session_is_refused(session, teilgeber):
    session.status = Session.Status.WITHDRAWN
    session.save()

    with pytest.raises(services.SessionError, match="withdrawn"):
        save(session, teilgeber, "text", 0)


# --- Revisions ----------------------------------------------------------------------------------


def test_each_save_adds_a_revision_with_its_counts(session, teilgeber):
    save(session, teilgeber, "a\nb", 0)

    save(session, teilgeber, "a\nB\nc", 1)

    assert list(NoteRevision.objects.order_by("number").values_list("number", "text")) == [
        (1, "a\nb"),
        (2, "a\nB\nc"),
    ]
    latest = NoteRevision.objects.get(number=2)
    assert (latest.lines_added, latest.lines_removed) == (2, 1)
    assert SessionNotes.objects.get().revision == 2


def test_saving_the_same_text_again_adds_nothing(session, teilgeber):
    save(session, teilgeber, "Same", 0)

    twice = save(session, teilgeber, "Same\n", 0)

    assert (twice.changed, twice.revision.number) == (False, 1)
    assert NoteRevision.objects.count() == 1


def test_a_double_submit_from_the_same_base_counts_once(session, teilgeber):
    save(session, teilgeber, "Start", 0)
    save(session, teilgeber, "Start\nmore", 1)

    again = save(session, teilgeber, "Start\nmore", 1)

    assert again.changed is False
    assert NoteRevision.objects.count() == 2


@pytest.mark.parametrize("base", [-1, 2, 99])
def test_save_from_a_revision_that_does_not_exist_is_refused(session, teilgeber, base):
    save(session, teilgeber, "Start", 0)

    with pytest.raises(services.SessionError, match="does not exist"):
        save(session, teilgeber, "Other", base)

    assert NoteRevision.objects.count() == 1


def test_emptying_the_notes_is_a_revision(session, teilgeber):
    save(session, teilgeber, "Something", 0)

    save(session, teilgeber, "   ", 1)

    assert SessionNotes.objects.get().text == ""
    assert NoteRevision.objects.count() == 2


def test_notes_longer_than_the_limit_are_refused(session, teilgeber):
    with pytest.raises(services.SessionError, match="at most"):
        save(session, teilgeber, "x" * (SessionNotes.MAX_LENGTH + 1), 0)

    assert SessionNotes.objects.count() == 0


# --- Two editors ------------------------------------------------------------------------------


def test_edits_of_different_lines_from_the_same_base_are_merged(session, teilgeber):
    other = make_participant(camp=session.camp)
    save(session, teilgeber, "Intro\n\nIdeas\n\nNext", 0)
    save(session, other, "Intro (by Ben)\n\nIdeas\n\nNext", 1)

    saved = save(session, teilgeber, "Intro\n\nIdeas\n\nNext: a meetup", 1)

    assert saved.merged is True
    assert saved.revision.number == 3
    assert saved.revision.merged is True
    assert SessionNotes.objects.get().text == "Intro (by Ben)\n\nIdeas\n\nNext: a meetup"


def test_two_additions_at_the_end_are_both_kept(session, teilgeber):
    other = make_participant(camp=session.camp)
    save(session, teilgeber, "Notes", 0)
    save(session, other, "Notes\n- Ben's point", 1)

    save(session, teilgeber, "Notes\n- Anna's point", 1)

    assert SessionNotes.objects.get().text == "Notes\n- Ben's point\n- Anna's point"


def test_edits_of_the_same_line_raise_a_conflict_and_save_nothing(session, teilgeber):
    other = make_participant(camp=session.camp)
    save(session, teilgeber, "Result: open", 0)
    save(session, other, "Result: yes", 1)

    with pytest.raises(services.NotesConflict) as caught:
        save(session, teilgeber, "Result: no", 1)

    conflict = caught.value
    assert conflict.mine == "Result: no"
    assert conflict.base_revision == 1
    assert conflict.current.revision == 2
    assert conflict.current.text == "Result: yes"
    assert [(c.mine, c.theirs) for c in conflict.merge.conflicts] == [("Result: no", "Result: yes")]
    assert NoteRevision.objects.count() == 2
    assert SessionNotes.objects.get().text == "Result: yes"


def test_after_a_conflict_saving_from_the_newest_revision_works(session, teilgeber):
    other = make_participant(camp=session.camp)
    save(session, teilgeber, "Result: open", 0)
    save(session, other, "Result: yes", 1)

    saved = save(session, teilgeber, "Result: yes, and no", 2)

    assert (saved.revision.number, saved.merged) == (3, False)


def test_notes_merge_builds_again_the_conflict_the_save_found(session, teilgeber):
    other = make_participant(camp=session.camp)
    save(session, teilgeber, "Intro\nResult: open", 0)
    save(session, other, "Intro\nResult: yes", 1)
    with pytest.raises(services.NotesConflict) as caught:
        save(session, teilgeber, "Intro\nResult: no", 1)

    merge, theirs = queries.notes_merge(
        session, base_revision=1, theirs_revision=2, mine="Intro\nResult: no"
    )

    assert merge == caught.value.merge
    assert theirs == "Intro\nResult: yes"


def test_notes_merge_from_no_revision_merges_with_an_empty_start(session, teilgeber):
    save(session, teilgeber, "Anna's start", 0)

    merge, _theirs = queries.notes_merge(
        session, base_revision=0, theirs_revision=1, mine="Ben's start"
    )

    assert merge.text == "Anna's start\nBen's start"


@pytest.mark.parametrize(("base", "theirs"), [(1, 3), (2, 2), (2, 1), (5, 6)])
def test_notes_merge_of_revisions_that_do_not_fit_is_none(session, teilgeber, base, theirs):
    save(session, teilgeber, "one", 0)
    save(session, teilgeber, "two", 1)
    make_notes(make_session(camp=session.camp), "a", "b", "c", "d", "e", "f")

    assert (
        queries.notes_merge(session, base_revision=base, theirs_revision=theirs, mine="x") is None
    )


@pytest.mark.parametrize(
    "text",
    [
        "<<<<<<< your version\nResult: no\n=======\nResult: yes\n>>>>>>>",
        "Intro\n<<<<<<< HEAD\na\n>>>>>>> theirs\nEnd",
    ],
)
def test_notes_never_hold_merge_marker_lines(session, teilgeber, text):
    with pytest.raises(services.SessionError, match="marker lines"):
        save(session, teilgeber, text, 0)

    assert NoteRevision.objects.count() == 0


def test_merge_that_grows_past_the_limit_is_refused(session, teilgeber):
    other = make_participant(camp=session.camp)
    half = SessionNotes.MAX_LENGTH // 2 + 10
    save(session, teilgeber, "start", 0)
    save(session, other, "start\n" + "a" * half, 1)

    with pytest.raises(services.SessionError, match="at most"):
        save(session, teilgeber, "b" * half + "\nstart", 1)

    assert NoteRevision.objects.count() == 2


# --- Links and slides ------------------------------------------------------------------------


@pytest.fixture
def host(session):
    return session.hosts.get().participant


def test_host_adds_a_link(session, host):
    link = services.add_link(
        session=session,
        user=host.user,
        participant=host,
        title="  The   slides  ",
        url="https://example.org/s.pdf",
        kind="slides",
    )

    assert (link.title, link.kind, link.added_by) == ("The slides", "slides", host.user)


def test_organizer_adds_a_link(session):
    organizer = make_organizer(session.camp)

    services.add_link(
        session=session, user=organizer, participant=None, title="Pad", url="http://pad.example"
    )

    assert SessionLink.objects.get().kind == SessionLink.Kind.LINK


def test_a_teilgeber_who_does_not_host_cannot_add_links(session, teilgeber):
    with pytest.raises(services.SessionError, match="Only the hosts"):
        services.add_link(
            session=session,
            user=teilgeber.user,
            participant=teilgeber,
            title="x",
            url="https://example.org",
        )

    assert SessionLink.objects.count() == 0


@pytest.mark.parametrize(
    ("title", "url", "kind", "message"),
    [
        ("Pad", "javascript:alert(1)", "link", "starts with http"),
        ("Pad", "ftp://example.org/file", "link", "starts with http"),
        ("Pad", "data:text/html,hi", "link", "starts with http"),
        ("Pad", "example.org", "link", "starts with http"),
        ("Pad", "", "link", "starts with http"),
        ("Pad", "https://example.org/" + "x" * 500, "link", "at most 500"),
        ("   ", "https://example.org", "link", "title"),
        ("x" * 121, "https://example.org", "link", "at most 120"),
        ("Pad", "https://example.org", "video", "link or the slides"),
    ],
)
def test_add_link_refuses_bad_input(session, host, title, url, kind, message):
    with pytest.raises(services.SessionError, match=message):
        services.add_link(
            session=session, user=host.user, participant=host, title=title, url=url, kind=kind
        )

    assert SessionLink.objects.count() == 0


def test_the_same_address_twice_is_kept_once(session, host):
    first = services.add_link(
        session=session, user=host.user, participant=host, title="A", url="https://example.org"
    )

    second = services.add_link(
        session=session, user=host.user, participant=host, title="B", url="https://example.org"
    )

    assert second == first
    assert SessionLink.objects.count() == 1


def test_a_session_has_at_most_twenty_links(session, host):
    for number in range(SessionLink.MAX_PER_SESSION):
        services.add_link(
            session=session,
            user=host.user,
            participant=host,
            title=f"L{number}",
            url=f"https://example.org/{number}",
        )

    with pytest.raises(services.SessionError, match="at most 20"):
        services.add_link(
            session=session,
            user=host.user,
            participant=host,
            title="one more",
            url="https://x.example",
        )

    assert SessionLink.objects.count() == SessionLink.MAX_PER_SESSION


def test_no_links_on_a_withdrawn_session(session, host):
    session.status = Session.Status.WITHDRAWN
    session.save()

    with pytest.raises(services.SessionError, match="withdrawn"):
        services.add_link(
            session=session, user=host.user, participant=host, title="x", url="https://x.example"
        )


def test_host_uploads_slides_stored_under_a_random_name(session, host):
    link = services.add_slides(
        session=session,
        user=host.user,
        participant=host,
        title="Folien",
        file=ContentFile(PDF, name="../../etc/my slides.PDF"),
    )

    assert link.kind == SessionLink.Kind.SLIDES
    assert link.file.name.startswith(f"slides/{session.camp.slug}/")
    assert link.file.name.endswith(".pdf")
    assert "my slides" not in link.file.name
    assert default_storage.open(link.file.name).read() == PDF
    assert link.href == link.file.url


def test_the_same_file_twice_is_stored_once(session, host):
    first = services.add_slides(
        session=session,
        user=host.user,
        participant=host,
        title="A",
        file=ContentFile(PDF, name="a.pdf"),
    )

    second = services.add_slides(
        session=session,
        user=host.user,
        participant=host,
        title="B",
        file=ContentFile(PDF, name="b.pdf"),
    )

    assert second == first
    assert SessionLink.objects.count() == 1


def test_a_teilgeber_who_does_not_host_cannot_upload_slides(session, teilgeber):
    with pytest.raises(services.SessionError, match="Only the hosts"):
        services.add_slides(
            session=session,
            user=teilgeber.user,
            participant=teilgeber,
            title="x",
            file=ContentFile(PDF, name="x.pdf"),
        )

    assert SessionLink.objects.count() == 0


def test_removing_slides_deletes_the_file(session, host, django_capture_on_commit_callbacks):
    link = services.add_slides(
        session=session,
        user=host.user,
        participant=host,
        title="A",
        file=ContentFile(PDF, name="a.pdf"),
    )
    name = link.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.remove_link(link=link, user=host.user, participant=host)

    assert SessionLink.objects.count() == 0
    assert not default_storage.exists(name)


def test_a_teilgeber_who_does_not_host_cannot_remove_links(session, host, teilgeber):
    link = services.add_link(
        session=session, user=host.user, participant=host, title="A", url="https://example.org"
    )

    with pytest.raises(services.SessionError, match="Only the hosts"):
        services.remove_link(link=link, user=teilgeber.user, participant=teilgeber)

    assert SessionLink.objects.count() == 1

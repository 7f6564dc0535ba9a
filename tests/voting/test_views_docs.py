"""The documentation's pages: a session's notes (edit, preview, conflicts, history, links and
slides) and the camp's documentation with its exports."""

import datetime
import re
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.models import Participant
from sessions import notes as notes_text
from sessions import services as session_services
from sessions.models import NoteRevision, SessionLink, SessionNotes
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

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
PDF = b"%PDF-1.7\n1 0 obj\n"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def session():
    camp = make_camp(name="Barcamp Köln")
    host = make_participant(camp=camp, display_name="Hosting Hanna", is_public=True)
    return make_placed_session(camp, host=host, title="Open Source im Marketing")


@pytest.fixture
def host(session):
    return session.hosts.get().participant


@pytest.fixture
def teilgeber(session):
    return make_participant(camp=session.camp, display_name="Private Paul")


def notes_url(session):
    return reverse("voting:notes", args=[session.camp.slug, session.pk])


def save(client, session, text, base, **extra):
    return client.post(notes_url(session), {"text": text, "base_revision": base, **extra})


def revisions():
    return list(NoteRevision.objects.order_by("number").values_list("number", "text"))


# --- Reading -----------------------------------------------------------------------------


def test_notes_page_is_public_and_renders_sanitised_markdown(client, session):
    make_notes(session, "# Result\n\n**yes** <script>alert(1)</script> [x](javascript:alert(1))")

    response = client.get(notes_url(session))

    body = response.content.decode()
    assert response.status_code == 200
    assert "<h3>Result</h3>" in body
    assert "<strong>yes</strong>" in body
    assert "<script>alert" not in body
    assert "javascript:" not in body
    assert 'name="text"' not in body  # visitors get no editor


def test_notes_page_of_a_session_that_is_not_placed_is_404(client):
    session = make_session(title="Only proposed")

    assert client.get(notes_url(session)).status_code == 404


def test_notes_page_of_another_camps_session_is_404(client, session):
    other = make_camp()

    response = client.get(reverse("voting:notes", args=[other.slug, session.pk]))

    assert response.status_code == 404


def test_notes_page_of_a_hidden_session_is_404_but_for_hosts_and_organizers(client, session, host):
    session_services.set_hidden(session=session, hidden=True)

    assert client.get(notes_url(session)).status_code == 404
    client.force_login(host.user)
    assert client.get(notes_url(session)).status_code == 200
    client.force_login(make_organizer(session.camp))
    assert client.get(notes_url(session)).status_code == 200


def test_teilgeber_gets_the_editor_with_the_current_revision(client, session, teilgeber):
    make_notes(session, "One", "Two")
    client.force_login(teilgeber.user)

    response = client.get(notes_url(session), {"edit": "1"})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="base_revision" value="2"' in body
    assert "\nTwo</textarea>" in body


def test_history_names_only_teilgeber_who_opted_in_for_visitors(client, session, host, teilgeber):
    make_notes(session, "Hanna's start")
    make_notes(session, "Hanna's start\nPaul's line", author=teilgeber)
    teilgeber.user.delete()

    body = client.get(notes_url(session)).content.decode()

    assert "Hosting Hanna" in body
    assert "Private Paul" not in body
    assert "deleted Teilgeber" in body


def test_history_names_everyone_for_organizers(client, session, teilgeber):
    make_notes(session, "Paul's start", author=teilgeber)
    client.force_login(make_organizer(session.camp))

    body = client.get(notes_url(session)).content.decode()

    assert "Private Paul" in body


# --- Saving -------------------------------------------------------------------------------


def test_teilgeber_saves_the_notes(client, session, teilgeber):
    client.force_login(teilgeber.user)

    response = save(client, session, "First notes\r\n- point", 0, action="save")

    assert response.status_code == 302
    assert response["Location"] == notes_url(session)
    assert revisions() == [(1, "First notes\n- point")]
    page = client.get(response["Location"]).content.decode()
    assert "The notes are saved." in page
    assert "<li>point</li>" in page


def test_organizer_without_teilgeber_record_saves_the_notes(client, session):
    client.force_login(make_organizer(session.camp))

    response = save(client, session, "Orga", 0)

    assert response.status_code == 302
    assert revisions() == [(1, "Orga")]


def test_saving_needs_a_login(client, session):
    response = save(client, session, "Anonymous", 0)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert revisions() == []


@pytest.mark.parametrize(
    "status", [None, Participant.Status.WAITLISTED, Participant.Status.CANCELLED]
)
def test_saving_is_refused_for_who_is_not_teilgeber_of_the_camp(client, session, status):
    user = make_user()
    if status:
        make_participant(camp=session.camp, user=user, status=status)
    client.force_login(user)

    response = save(client, session, "Not mine to write", 0)

    assert response.status_code == 403
    assert "Only Teilgeber of this camp can write" in response.content.decode()
    assert revisions() == []


def test_saving_is_refused_for_another_camps_organizer(client, session):
    client.force_login(make_organizer(make_camp()))

    assert save(client, session, "x", 0).status_code == 403
    assert revisions() == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "x"}, "The form lost the revision it began from."),
        ({"text": "x", "base_revision": "one"}, "The form lost the revision it began from."),
        ({"text": "x", "base_revision": "-1"}, "The form lost the revision it began from."),
        ({"text": "x" * 50_001, "base_revision": "0"}, "at most 50000 characters"),
        (
            {"text": "<<<<<<< your version\na\n======= x\nb\n>>>>>>>", "base_revision": "0"},
            "delete the marker lines",
        ),
        ({"text": "nul \x00 byte", "base_revision": "0"}, "Null characters are not allowed."),
    ],
)
def test_bad_input_is_400_with_a_message_and_saves_nothing(
    client, session, teilgeber, data, message
):
    client.force_login(teilgeber.user)

    response = client.post(notes_url(session), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert revisions() == []


def test_a_long_text_with_crlf_counts_what_is_stored(client, session, teilgeber):
    client.force_login(teilgeber.user)
    text = "\r\n".join(["x" * 99] * 500)  # 50 000 characters with LF, 50 499 with CR LF

    response = save(client, session, text, 0)

    assert response.status_code == 302


def test_saving_from_a_revision_that_does_not_exist_is_409(client, session, teilgeber):
    client.force_login(teilgeber.user)

    response = save(client, session, "x", 5)

    assert response.status_code == 409
    assert "That revision of the notes does not exist." in response.content.decode()
    assert revisions() == []


def test_saving_over_someone_elses_change_elsewhere_merges(client, session, teilgeber, host):
    make_notes(session, "Intro\n\nMiddle\n\nEnd")
    make_notes(session, "Intro by Hanna\n\nMiddle\n\nEnd")
    client.force_login(teilgeber.user)

    response = save(client, session, "Intro\n\nMiddle\n\nEnd, said Paul", 1)

    assert response.status_code == 302
    assert revisions()[-1] == (3, "Intro by Hanna\n\nMiddle\n\nEnd, said Paul")
    assert "your changes are merged with theirs" in client.get(notes_url(session)).content.decode()


# --- A conflict: choose per place, then save or edit the result ---------------------------------

MINE = "Intro\n\nResult: no (Paul)\n\nEnd"


@pytest.fixture
def conflict(client, session, teilgeber, host):
    """Paul began at revision 1; Hanna saved revision 2 meanwhile, changing the same line."""
    make_notes(session, "Intro\n\nResult: open\n\nEnd")
    make_notes(session, "Intro\n\nResult: yes (Hanna)\n\nEnd")
    client.force_login(teilgeber.user)
    return save(client, session, MINE, 1)


def choose(client, session, action="resolve", **fields):
    data = {"mine": MINE, "base_revision": 1, "theirs_revision": 2, "action": action, **fields}
    return client.post(notes_url(session), data)


def test_a_conflict_is_409_with_three_choices_per_place_and_saves_nothing(conflict):
    body = conflict.content.decode()

    assert conflict.status_code == 409
    assert "changed the same lines" in body
    assert "Everything else is merged already." in body
    assert "after “Intro”" in body
    assert [
        re.search(rf'<input type="radio" name="place_1" value="{value}"[^>]*>', body) is not None
        for value in ("mine", "theirs", "both")
    ] == [True, True, True]
    assert 'class="conflict-text conflict-mine">Result: no (Paul)</span>' in body
    assert 'class="conflict-text conflict-theirs">Result: yes (Hanna)</span>' in body
    assert "Saved meanwhile by Hosting Hanna" in body
    assert 'name="base_revision" value="1"' in body
    assert 'name="theirs_revision" value="2"' in body
    assert 'name="mine" value="Intro\n\nResult: no (Paul)\n\nEnd"' in body
    assert 'name="text"' not in body
    assert "&lt;&lt;&lt;&lt;&lt;&lt;&lt;" not in body and "&gt;&gt;&gt;&gt;&gt;&gt;&gt;" not in body
    assert revisions()[-1][0] == 2


@pytest.mark.parametrize(
    ("choice", "saved", "message"),
    [
        ("mine", (3, "Intro\n\nResult: no (Paul)\n\nEnd"), "The notes are saved."),
        ("both", (3, "Intro\n\nResult: yes (Hanna)\nResult: no (Paul)\n\nEnd"), "saved."),
        # The saved version kept whole is what the notes read already: no new revision.
        ("theirs", (2, "Intro\n\nResult: yes (Hanna)\n\nEnd"), "Nothing changed"),
    ],
)
def test_a_choice_saves_the_text_it_builds(client, session, conflict, choice, saved, message):
    response = choose(client, session, place_1=choice)

    assert response.status_code == 302
    assert revisions()[-1] == saved
    assert message in client.get(notes_url(session)).content.decode()


def test_edit_the_result_first_shows_it_in_the_editor_and_saves_nothing(client, session, conflict):
    response = choose(client, session, action="review", place_1="both")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Your choices are in the text below." in body
    assert (
        'id="id_text">\nIntro\n\nResult: yes (Hanna)\nResult: no (Paul)\n\nEnd</textarea>' in body
    )
    assert 'name="base_revision" value="2"' in body
    assert revisions()[-1][0] == 2


def test_the_edited_result_saves_over_the_revision_it_was_built_on(client, session, conflict):
    choose(client, session, action="review", place_1="both")

    response = save(client, session, "Intro\n\nResult: yes for Hanna, no for Paul\n\nEnd", 2)

    assert response.status_code == 302
    assert revisions()[-1] == (3, "Intro\n\nResult: yes for Hanna, no for Paul\n\nEnd")


@pytest.mark.parametrize("action", ["resolve", "review"])
@pytest.mark.parametrize("choice", [None, "", "all", "MINE"])
def test_a_place_without_a_valid_choice_is_400_and_asks_again(
    client, session, conflict, action, choice
):
    fields = {} if choice is None else {"place_1": choice}

    response = choose(client, session, action=action, **fields)

    body = response.content.decode()
    assert response.status_code == 400
    assert "Choose what to keep here." in body
    assert 'name="place_1" value="theirs"' in body
    assert 'name="mine" value="Intro\n\nResult: no (Paul)\n\nEnd"' in body
    assert revisions()[-1][0] == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"base_revision": "2"},
        {"base_revision": "3", "theirs_revision": "2"},
        {"theirs_revision": "9"},
        {"theirs_revision": "0"},
        {"theirs_revision": "two"},
        {"base_revision": ""},
    ],
)
def test_choices_on_revisions_that_do_not_fit_are_400_and_keep_the_text(
    client, session, conflict, fields
):
    response = choose(client, session, place_1="mine", **fields)

    body = response.content.decode()
    assert response.status_code == 400
    assert "The form lost the revision it began from." in body
    assert "\nIntro\n\nResult: no (Paul)\n\nEnd</textarea>" in body
    assert revisions()[-1][0] == 2


def test_choices_never_save_marker_lines(client, session, conflict):
    marked = "Intro\n\n<<<<<<< mine\nResult: no\n=======\nResult: yes\n>>>>>>>\n\nEnd"

    response = choose(client, session, mine=marked, place_1="mine")

    assert response.status_code == 400
    assert "marker lines" in response.content.decode()
    assert revisions()[-1][0] == 2


def test_a_choice_merges_with_what_was_saved_since_elsewhere(client, session, conflict):
    make_notes(session, "Intro by Hanna\n\nResult: yes (Hanna)\n\nEnd")

    response = choose(client, session, place_1="mine")

    assert response.status_code == 302
    assert revisions()[-1] == (4, "Intro by Hanna\n\nResult: no (Paul)\n\nEnd")


def test_a_choice_over_a_new_change_of_the_same_line_is_a_new_conflict(client, session, conflict):
    make_notes(session, "Intro\n\nResult: maybe (Hanna)\n\nEnd")

    response = choose(client, session, place_1="mine")

    body = response.content.decode()
    assert response.status_code == 409
    assert 'name="theirs_revision" value="3"' in body
    assert 'class="conflict-text conflict-theirs">Result: maybe (Hanna)</span>' in body
    assert revisions()[-1][0] == 3


def test_the_whole_texts_stay_at_hand_on_the_conflict_page(conflict):
    body = conflict.content.decode()

    assert "Your whole text, as you wrote it" in body
    assert "\nIntro\n\nResult: no (Paul)\n\nEnd</textarea>" in body
    assert "The saved text (revision 2)" in body
    assert "\nIntro\n\nResult: yes (Hanna)\n\nEnd</textarea>" in body


# Below the notes' rate limit (30 a minute), with the save that found the conflict.
@settings(max_examples=25, suppress_health_check=list(HealthCheck), deadline=None)
@given(
    data=st.fixed_dictionaries(
        {"action": st.sampled_from(["resolve", "review"])},
        optional=dict.fromkeys(
            ["mine", "base_revision", "theirs_revision", "place_1", "place_2"],
            st.one_of(
                st.text(max_size=30),
                st.sampled_from(["0", "1", "2", "3", "-1", "99999999999999999999", "mine", "both"]),
                st.sampled_from(["\x00", "<<<<<<< a\nx\n>>>>>>>", "x" * 50_001]),
            ),
        ),
    )
)
def test_hostile_choices_never_fail_and_refusals_save_nothing(client, session, conflict, data):
    before = revisions()

    response = client.post(notes_url(session), data)

    assert response.status_code in (200, 302, 400, 409)
    if response.status_code != 302:
        assert revisions() == before
    else:
        assert not notes_text.has_conflict_markers(revisions()[-1][1])
        NoteRevision.objects.filter(number__gt=2).delete()
        SessionNotes.objects.filter(session=session).update(
            revision=2, text="Intro\n\nResult: yes (Hanna)\n\nEnd"
        )


def test_after_the_conflict_the_hand_merged_text_saves(client, session, teilgeber):
    make_notes(session, "Result: open")
    make_notes(session, "Result: yes")
    client.force_login(teilgeber.user)
    save(client, session, "Result: no", 1)

    response = save(client, session, "Result: yes and no", 2)

    assert response.status_code == 302
    assert revisions()[-1] == (3, "Result: yes and no")


def test_saving_the_same_text_again_says_nothing_changed(client, session, teilgeber):
    make_notes(session, "Same")
    client.force_login(teilgeber.user)

    response = save(client, session, "Same", 1)

    assert response.status_code == 302
    assert revisions() == [(1, "Same")]
    assert "Nothing changed" in client.get(notes_url(session)).content.decode()


def test_saving_notes_of_a_withdrawn_session_is_409(client, session, host):
    session_services.withdraw_session(session=session)
    client.force_login(host.user)

    response = save(client, session, "late", 0)

    assert response.status_code == 409
    assert "This session was withdrawn." in response.content.decode()
    assert revisions() == []


# --- Preview ----------------------------------------------------------------------------------


def test_preview_renders_and_saves_nothing(client, session, teilgeber):
    client.force_login(teilgeber.user)

    response = save(client, session, "**bold** idea", 0, action="preview")

    body = response.content.decode()
    assert response.status_code == 200
    assert "<strong>bold</strong> idea" in body
    assert "\n**bold** idea</textarea>" in body
    assert revisions() == []


def test_htmx_preview_is_the_partial_only(client, session, teilgeber):
    client.force_login(teilgeber.user)

    response = client.post(
        notes_url(session),
        {"text": "- one\n- two", "base_revision": 0, "action": "preview"},
        headers=HTMX,
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="notes-preview"')
    assert "<li>one</li>" in body
    assert "<html" not in body
    assert revisions() == []


def test_htmx_preview_of_bad_input_is_400_with_the_message(client, session, teilgeber):
    client.force_login(teilgeber.user)

    response = client.post(
        notes_url(session),
        {"text": "x" * 50_001, "base_revision": 0, "action": "preview"},
        headers=HTMX,
    )

    assert response.status_code == 400
    assert "at most 50000 characters" in response.content.decode()


def test_preview_keeps_conflict_markers_without_complaint(client, session, teilgeber):
    client.force_login(teilgeber.user)

    response = save(client, session, "<<<<<<< a\nx\n======= b\ny\n>>>>>>>", 0, action="preview")

    assert response.status_code == 200


# --- Revisions ----------------------------------------------------------------------------------


def test_revision_page_shows_the_diff_to_the_one_before(client, session):
    make_notes(session, "keep\nold line", "keep\nnew line")

    response = client.get(reverse("voting:notes-revision", args=[session.camp.slug, session.pk, 2]))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="diff-removed"><span class="visually-hidden">removed: </span>old line' in body
    assert 'class="diff-added"><span class="visually-hidden">added: </span>new line' in body
    assert "What changed since revision 1" in body


def test_first_revision_page_is_all_added(client, session):
    make_notes(session, "hello")

    response = client.get(reverse("voting:notes-revision", args=[session.camp.slug, session.pk, 1]))

    assert "The first version" in response.content.decode()


@pytest.mark.parametrize("number", [0, 2, 99])
def test_revision_that_does_not_exist_is_404(client, session, number):
    make_notes(session, "hello")

    response = client.get(
        reverse("voting:notes-revision", args=[session.camp.slug, session.pk, number])
    )

    assert response.status_code == 404


def test_revision_of_another_sessions_notes_is_404(client, session):
    other = make_placed_session(session.camp, title="Other")
    make_notes(other, "other's notes")

    response = client.get(reverse("voting:notes-revision", args=[session.camp.slug, session.pk, 1]))

    assert response.status_code == 404


# --- Links and slides -------------------------------------------------------------------------


def add_url(session):
    return reverse("voting:add-link", args=[session.camp.slug, session.pk])


def test_only_hosts_get_the_form_to_attach_even_on_a_conflict(client, session, host, conflict):
    as_teilgeber = [conflict, client.get(notes_url(session))]
    client.force_login(host.user)
    as_host = client.get(notes_url(session))

    assert ["Add a link or the slides" in r.content.decode() for r in as_teilgeber] == [False] * 2
    assert "Add a link or the slides" in as_host.content.decode()


def test_host_attaches_a_link(client, session, host):
    client.force_login(host.user)

    response = client.post(
        add_url(session), {"kind": "link", "title": "Pad", "url": "https://pad.example/x"}
    )

    assert response.status_code == 302
    assert response["Location"] == notes_url(session) + "#links"
    assert list(SessionLink.objects.values_list("title", "url")) == [
        ("Pad", "https://pad.example/x")
    ]
    page = client.get(notes_url(session)).content.decode()
    assert 'href="https://pad.example/x" rel="nofollow noopener ugc">Pad</a>' in page


def test_host_uploads_slides(client, session, host):
    client.force_login(host.user)

    response = client.post(
        add_url(session),
        {
            "kind": "link",
            "title": "Folien",
            "file": SimpleUploadedFile("f.pdf", PDF, "application/pdf"),
        },
    )

    assert response.status_code == 302
    link = SessionLink.objects.get()
    assert (link.kind, link.title) == ("slides", "Folien")
    assert link.file.read() == PDF


@pytest.mark.parametrize(
    ("data", "file", "message"),
    [
        ({"title": "x", "kind": "link"}, None, "Give a web address or choose a file."),
        (
            {"title": "", "kind": "link", "url": "https://x.example"},
            None,
            "This field is required.",
        ),
        ({"title": "x", "kind": "link", "url": "javascript:alert(1)"}, None, "Enter a valid URL."),
        ({"title": "x", "kind": "link", "url": "ftp://x.example/f"}, None, "http:// or https://"),
        (
            {"title": "x", "kind": "video", "url": "https://x.example"},
            None,
            "Select a valid choice.",
        ),
        ({"title": "x", "kind": "link", "url": "https://x.example"}, ("f.pdf", PDF), "not both"),
        ({"title": "x", "kind": "slides"}, ("evil.html", b"<script>"), "Slides as PDF"),
        ({"title": "x", "kind": "slides"}, ("evil.pdf", b"<html><script>"), "not a .pdf file"),
        ({"title": "x", "kind": "slides"}, ("noext", PDF), "Slides as PDF"),
        ({"title": "x", "kind": "slides"}, ("empty.pdf", b""), "The submitted file is empty."),
    ],
)
def test_bad_links_and_files_are_400_with_a_message(client, session, host, data, file, message):
    client.force_login(host.user)
    if file:
        data = {**data, "file": SimpleUploadedFile(file[0], file[1])}

    response = client.post(add_url(session), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert SessionLink.objects.count() == 0


@override_settings(SLIDES_MAX_MB=1)
def test_slides_over_the_size_limit_are_400(client, session, host):
    client.force_login(host.user)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))

    response = client.post(add_url(session), {"title": "Big", "kind": "slides", "file": big})

    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()
    assert SessionLink.objects.count() == 0


def test_a_teilgeber_who_does_not_host_cannot_attach(client, session, teilgeber):
    client.force_login(teilgeber.user)

    response = client.post(
        add_url(session), {"kind": "link", "title": "x", "url": "https://x.example"}
    )

    assert response.status_code == 404
    assert SessionLink.objects.count() == 0


def test_the_twenty_first_link_is_409(client, session, host):
    for number in range(SessionLink.MAX_PER_SESSION):
        SessionLink.objects.create(
            session=session, title=f"{number}", url=f"https://x.example/{number}"
        )
    client.force_login(host.user)

    response = client.post(
        add_url(session), {"kind": "link", "title": "x", "url": "https://y.example"}
    )

    assert response.status_code == 409
    assert "at most 20 links" in response.content.decode()


def test_host_removes_a_link(client, session, host):
    link = SessionLink.objects.create(session=session, title="Pad", url="https://pad.example")
    client.force_login(host.user)

    response = client.post(
        reverse("voting:remove-link", args=[session.camp.slug, session.pk, link.pk])
    )

    assert response.status_code == 302
    assert SessionLink.objects.count() == 0


def test_removing_is_404_for_non_hosts_and_for_another_sessions_link(
    client, session, host, teilgeber
):
    other = make_placed_session(session.camp, host=host, title="Other")
    link = SessionLink.objects.create(session=other, title="Pad", url="https://pad.example")

    client.force_login(teilgeber.user)
    not_host = client.post(
        reverse("voting:remove-link", args=[session.camp.slug, other.pk, link.pk])
    )
    client.force_login(host.user)
    wrong_session = client.post(
        reverse("voting:remove-link", args=[session.camp.slug, session.pk, link.pk])
    )

    assert (not_host.status_code, wrong_session.status_code) == (404, 404)
    assert SessionLink.objects.count() == 1


# --- Links into the notes and the documentation ----------------------------------------------


def test_session_page_links_the_notes_once_placed(client, session):
    proposed = make_session(camp=session.camp, title="Not yet placed")

    placed_page = client.get(session.get_absolute_url()).content.decode()
    proposed_page = client.get(proposed.get_absolute_url()).content.decode()

    assert notes_url(session) in placed_page
    assert notes_url(proposed) not in proposed_page


def test_the_plan_links_each_sessions_notes(client, session):
    response = client.get(reverse("voting:plan", args=[session.camp.slug]))

    assert notes_url(session) in response.content.decode()


def test_the_camp_page_links_the_documentation_once_the_camp_began(client):
    upcoming = make_camp()
    began = make_camp(start_date=datetime.date.today() - datetime.timedelta(days=1))
    link = reverse("voting:documentation", args=[began.slug])

    assert link in client.get(began.get_absolute_url()).content.decode()
    assert (
        reverse("voting:documentation", args=[upcoming.slug])
        not in client.get(upcoming.get_absolute_url()).content.decode()
    )


# --- The documentation page and its exports ---------------------------------------------------


def after(camp):
    moment = datetime.datetime.combine(
        camp.end_date + datetime.timedelta(days=1), datetime.time(9), tzinfo=camp.tz
    )
    return mock.patch("voting.grid.queries.camp_now", return_value=moment)


def test_documentation_page_lists_held_sessions_with_notes_and_links(client, session):
    make_notes(session, "We agreed on **everything**.")
    SessionLink.objects.create(session=session, title="Pad", url="https://pad.example")

    with after(session.camp):
        response = client.get(reverse("voting:documentation", args=[session.camp.slug]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Open Source im Marketing" in body
    assert "<strong>everything</strong>" in body
    assert "Hosting Hanna" in body
    assert 'href="https://pad.example"' in body


def test_documentation_before_the_camp_explains_that_it_fills_up(client, session):
    response = client.get(reverse("voting:documentation", args=[session.camp.slug]))

    assert "No session has been held yet" in response.content.decode()


def test_markdown_download(client, session):
    make_notes(session, "Notes in Markdown")

    with after(session.camp):
        response = client.get(reverse("voting:documentation-markdown", args=[session.camp.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{session.camp.slug}-documentation.md"'
    )
    assert "Notes in Markdown" in response.content.decode()


def test_markdown_export_links_uploaded_slides_absolutely(client, session, host):
    session_services.add_slides(
        session=session,
        user=host.user,
        participant=host,
        title="Folien",
        file=SimpleUploadedFile("f.pdf", PDF),
    )

    with after(session.camp):
        response = client.get(reverse("voting:documentation-markdown", args=[session.camp.slug]))

    assert "- Slides: [Folien](<http://testserver/media/slides/" in response.content.decode()


def test_print_page_has_no_navigation_and_a_print_stylesheet(client, session):
    make_notes(session, "Printed")

    with after(session.camp):
        response = client.get(reverse("voting:documentation-print", args=[session.camp.slug]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "css/print.css" in body
    assert "camp-nav" not in body
    assert "site-header" not in body
    assert "Printed" in body


def test_documentation_of_an_unknown_camp_is_404(client):
    assert client.get("/no-such-camp/documentation/").status_code == 404


# --- Query counts ------------------------------------------------------------------------------


def notes_world(revision_count, link_count, hosts):
    camp = make_camp()
    session = make_placed_session(camp)
    for _ in range(hosts - 1):
        session.hosts.create(participant=make_participant(camp=camp, is_public=True))
    for number in range(revision_count):
        writer = make_participant(camp=camp, is_public=number % 2 == 0)
        make_notes(session, f"line {number}\n" * (number + 1), author=writer)
    for number in range(link_count):
        SessionLink.objects.create(
            session=session, title=f"L{number}", url=f"https://x.example/{number}"
        )
    return session


def test_notes_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    small = notes_world(revision_count=1, link_count=1, hosts=1)
    large = notes_world(revision_count=25, link_count=15, hosts=4)
    viewer = make_participant(camp=large.camp)
    make_participant(camp=small.camp, user=viewer.user)
    client.force_login(viewer.user)
    for world in (small, large):  # warm the session, the language and the camps' cache
        client.get(notes_url(world))

    with django_assert_max_num_queries(25) as few:
        client.get(notes_url(small), {"edit": "1"})
    with django_assert_max_num_queries(len(few)):
        client.get(notes_url(large), {"edit": "1"})


def documentation_world(rooms, slots, with_notes):
    camp = make_camp()
    room_list = [make_room(camp, order=i) for i in range(rooms)]
    slot_list = [
        make_slot(camp, start=datetime.time(8 + i, 0), end=datetime.time(8 + i, 45))
        for i in range(slots)
    ]
    from voting.grid import board

    for slot in slot_list:
        for room in room_list:
            session = make_session(camp=camp, host=make_participant(camp=camp, is_public=True))
            board.move_session(session=session, room=room, slot=slot)
            if with_notes:
                make_notes(session, "Some notes")
                SessionLink.objects.create(session=session, title="L", url="https://x.example")
    board.publish_plan(camp=camp, date=camp.start_date)
    return camp


def test_documentation_query_count_does_not_grow(client, django_assert_max_num_queries):
    small = documentation_world(rooms=1, slots=1, with_notes=True)
    large = documentation_world(rooms=4, slots=6, with_notes=True)

    with after(small), django_assert_max_num_queries(24) as few:
        client.get(reverse("voting:documentation", args=[small.slug]))
        client.get(reverse("voting:documentation-markdown", args=[small.slug]))
        client.get(reverse("voting:documentation-print", args=[small.slug]))
    with after(large), django_assert_max_num_queries(len(few)):
        client.get(reverse("voting:documentation", args=[large.slug]))
        client.get(reverse("voting:documentation-markdown", args=[large.slug]))
        client.get(reverse("voting:documentation-print", args=[large.slug]))
    assert SessionNotes.objects.filter(session__camp=large).count() == 24

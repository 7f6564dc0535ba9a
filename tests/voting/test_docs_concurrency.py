"""Saves of one session's notes at the very same moment, as real parallel requests on PostgreSQL:
each becomes its own revision or an honest conflict, none is lost, no number is used twice."""

import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from sessions.models import NoteRevision, SessionNotes
from tests.factories import make_camp, make_notes, make_participant, make_placed_session
from tests.http import post, session_cookie_for

PARALLEL = 10


def save_at_once(url, cookies_and_texts, base):
    start = threading.Barrier(len(cookies_and_texts))

    def save(job):
        cookie, text = job
        data = urlencode({"text": text, "base_revision": base, "action": "save"}).encode()
        start.wait()
        return post(url, session=cookie, data=data)

    with ThreadPoolExecutor(len(cookies_and_texts)) as pool:
        return list(pool.map(save, cookies_and_texts))


@pytest.fixture
def placed(transactional_db):
    camp = make_camp()
    session = make_placed_session(camp)
    editors = [make_participant(camp=camp) for _ in range(PARALLEL)]
    return session, editors, f"/{camp.slug}/sessions/{session.pk}/notes/"


@pytest.mark.postgres
def test_parallel_edits_of_different_lines_all_land_merged(postgres_only, live_server, placed):
    session, editors, path = placed
    lines = [f"line {number}" for number in range(2 * PARALLEL + 1)]
    make_notes(session, "\n".join(lines))
    jobs = []
    for index, editor in enumerate(editors):
        mine = list(lines)
        mine[2 * index + 1] = f"line {2 * index + 1} edited by editor {index}"
        jobs.append((session_cookie_for(editor.user), "\n".join(mine)))

    results = save_at_once(live_server.url + path, jobs, base=1)

    assert [status for status, _body in results] == [200] * PARALLEL
    numbers = sorted(NoteRevision.objects.values_list("number", flat=True))
    assert numbers == list(range(1, PARALLEL + 2))
    final = SessionNotes.objects.get(session=session)
    assert final.revision == PARALLEL + 1
    for index in range(PARALLEL):
        assert f"edited by editor {index}" in final.text
    assert NoteRevision.objects.filter(merged=True).count() == PARALLEL - 1


@pytest.mark.postgres
def test_parallel_edits_of_the_same_line_one_wins_the_others_keep_their_text(
    postgres_only, live_server, placed
):
    session, editors, path = placed
    make_notes(session, "Result: open")
    jobs = [
        (session_cookie_for(editor.user), f"Result: decided by editor {index}")
        for index, editor in enumerate(editors)
    ]

    results = save_at_once(live_server.url + path, jobs, base=1)

    statuses = [status for status, _body in results]
    assert sorted(statuses) == [200] + [409] * (PARALLEL - 1)
    assert NoteRevision.objects.count() == 2
    winner = SessionNotes.objects.get(session=session).text
    for (status, body), (_cookie, text) in zip(results, jobs, strict=True):
        if status == 409:
            assert text in body.decode()  # the loser's text is on their page, nothing lost
        else:
            assert winner == text


@pytest.mark.postgres
def test_parallel_first_saves_of_empty_notes_keep_every_text(postgres_only, live_server, placed):
    session, editors, path = placed
    jobs = [
        (session_cookie_for(editor.user), f"- point of editor {index}")
        for index, editor in enumerate(editors)
    ]

    results = save_at_once(live_server.url + path, jobs, base=0)

    assert [status for status, _body in results] == [200] * PARALLEL
    assert SessionNotes.objects.count() == 1
    final = SessionNotes.objects.get(session=session)
    assert sorted(final.text.split("\n")) == sorted(text for _cookie, text in jobs)
    assert sorted(NoteRevision.objects.values_list("number", flat=True)) == list(
        range(1, PARALLEL + 1)
    )


@pytest.mark.postgres
def test_one_persons_parallel_taps_on_save_count_once(postgres_only, live_server, placed):
    session, editors, path = placed
    cookie = session_cookie_for(editors[0].user)

    results = save_at_once(live_server.url + path, [(cookie, "Tapped five times")] * 5, base=0)

    assert [status for status, _body in results] == [200] * 5
    assert list(NoteRevision.objects.values_list("number", "text")) == [(1, "Tapped five times")]

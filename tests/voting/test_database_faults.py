"""PostgreSQL drops every connection in the middle of voting: the app recovers by itself."""

import os
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.db import connection

from tests.factories import make_camp, make_participant, make_session, open_voting
from tests.http import post, session_cookie_for
from voting.models import Vote


def kill_other_connections():
    """What a PostgreSQL restart does to the app's pooled connections (the test keeps its own)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_votes_survive_killed_connections_without_a_500(
    postgres_only, live_server, transactional_db
):
    camp = make_camp()
    open_voting(camp)
    sessions = [make_session(camp=camp) for _ in range(6)]
    voter = make_participant(camp=camp)
    cookie = session_cookie_for(voter.user)

    def vote(session):
        return post(
            f"{live_server.url}/{camp.slug}/sessions/{session.pk}/vote/",
            session=cookie,
            data=b"want=1",
            headers={"HX-Request": "true"},
        )

    answers = [vote(sessions[0])]
    killed = kill_other_connections()
    for session in sessions[1:4]:
        answers.append(vote(session))
    killed += kill_other_connections()
    for session in sessions[4:]:
        answers.append(vote(session))

    statuses = [status for status, _body in answers]
    assert killed >= 1  # the server really had connections to lose
    assert 500 not in statuses
    assert set(statuses) <= {200, 503}
    for (status, body), session in zip(answers, sessions, strict=True):
        stored = Vote.objects.filter(session=session, participant=voter).exists()
        if status == 200:
            assert stored  # counted when it said so
        else:
            # ... and said so when it was not (in the default language, German)
            assert b"Nichts wurde gespeichert" in body
            assert vote(session)[0] == 200  # retrying works
            assert Vote.objects.filter(session=session, participant=voter).count() == 1


def wait_until_gone(timeout=5.0):
    import time

    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)


@pytest.mark.postgres
def test_pool_replaces_connections_the_server_closed_before_they_fail_a_request(
    postgres_only, live_server, transactional_db
):
    camp = make_camp()
    open_voting(camp)
    sessions = [make_session(camp=camp) for _ in range(4)]
    cookie = session_cookie_for(make_participant(camp=camp).user)

    def vote(session):
        return post(
            f"{live_server.url}/{camp.slug}/sessions/{session.pk}/vote/",
            session=cookie,
            data=b"want=1",
            headers={"HX-Request": "true"},
        )[0]

    # Many requests at once: the server's pool holds several connections when they are killed.
    with ThreadPoolExecutor(max_workers=8) as executor:
        assert set(executor.map(vote, [sessions[0]] * 16)) == {200}
    assert kill_other_connections() >= 4
    wait_until_gone()

    # The pool's check sees the closed sockets as the connections leave it: no request fails.
    assert [vote(session) for session in sessions[1:]] == [200, 200, 200]


@pytest.mark.postgres
def test_connections_carry_the_statement_time_limit(postgres_only, db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == os.environ.get("DATABASE_STATEMENT_TIMEOUT", "30s")


@pytest.mark.postgres
def test_a_vote_over_the_time_limit_answers_503_and_a_retry_counts_once(
    postgres_only, transactional_db, client, caplog
):
    camp = make_camp()
    open_voting(camp)
    session = make_session(camp=camp)
    voter = make_participant(camp=camp)
    client.force_login(voter.user)
    url = f"/{camp.slug}/sessions/{session.pk}/vote/"
    # Another transaction holds the votes' table, as a runaway statement would.
    blocker = psycopg.connect(**_connection_arguments(), autocommit=False)
    blocker.execute("LOCK TABLE voting_vote IN ACCESS EXCLUSIVE MODE")
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '300ms'")  # this connection serves the client
    try:
        response = client.post(url, {"want": "1"}, headers={"HX-Request": "true"})
    finally:
        blocker.rollback()
        blocker.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")

    assert response.status_code == 503
    assert "Nichts wurde gespeichert" in response.content.decode()  # German, the default
    assert not Vote.objects.filter(session=session).exists()
    # The operator's log tells a statement that ran out of time from a database that is gone.
    assert any(r.getMessage().startswith("statement timed out during POST") for r in caplog.records)

    assert client.post(url, {"want": "1"}, headers={"HX-Request": "true"}).status_code == 200
    assert Vote.objects.filter(session=session, participant=voter).count() == 1


def _connection_arguments():
    settings = connection.settings_dict
    return {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "password": settings["PASSWORD"],
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
    }

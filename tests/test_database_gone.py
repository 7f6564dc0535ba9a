"""PostgreSQL gone: every request answers 503 "nothing was saved" after one short wait, and the
health checks after a shorter one of their own (issue 25.5). Timings are in docs/security.md;
these tests prove the answers and which waits are configured."""

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

import psycopg_pool
import pytest
from django.conf import settings
from django.db import connection

from tests.factories import make_camp, make_participant
from tests.http import CSRF_TOKEN, free_port, production_env, running_servers

ROOT = Path(__file__).resolve().parent.parent
MESSAGE = "Nichts wurde gespeichert"  # German, the default language


def fetch(url, *, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def server_without_database(tmp_path, collected_static):
    """The production server, its settings as deployed, with DATABASE_URL at a closed port."""
    port, closed_port = free_port(), free_port()
    env = production_env(
        port=port,
        static_root=collected_static,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port}/gone",
    )
    # Up once it answers at all: without a database, /healthz answers 503.
    with running_servers([env], logs=[tmp_path / "server.log"], answered=range(200, 600)) as (
        base,
    ):
        yield base


def test_without_a_database_every_request_answers_503_nothing_was_saved(server_without_database):
    base = server_without_database
    form = {
        "Cookie": f"sessionid={'s' * 32}; csrftoken={CSRF_TOKEN}",  # a logged-in phone's
        "X-CSRFToken": CSRF_TOKEN,
        "Content-Type": "application/x-www-form-urlencoded",
    }

    healthz = fetch(f"{base}/healthz")
    readyz = fetch(f"{base}/readyz")
    home = fetch(f"{base}/")
    camp = fetch(f"{base}/somecamp/", headers={"Cookie": form["Cookie"]})
    vote = fetch(
        f"{base}/somecamp/sessions/1/vote/",
        data=b"want=1",
        headers={**form, "HX-Request": "true"},
    )
    # A vote remembered for after the login needs no query, but saving its session does.
    anonymous_vote = fetch(
        f"{base}/somecamp/sessions/1/vote/",
        data=b"want=1",
        headers={"Cookie": f"csrftoken={CSRF_TOKEN}", "X-CSRFToken": CSRF_TOKEN},
    )

    assert healthz == (503, "database unavailable\n")
    assert readyz == (503, "unavailable: database\n")
    for status, body in (home, camp, vote, anonymous_vote):
        assert status == 503
        assert MESSAGE in body
    assert vote[1].lstrip().startswith('<div class="message message-error"')  # the HTMX partial


def test_a_request_waits_for_a_connection_as_long_as_the_production_default():
    # The wait every request pays with the database gone (docs/security.md has the times).
    code = (
        "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS']['pool']"
        "['timeout'], s.DATABASE_HEALTH_CHECK_TIMEOUT)"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "DJANGO_"))
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="a-long-random-secret-only-for-this-test-0123456789",
        DATABASE_URL="postgres://app@db.internal:5432/barcamp",
        DJANGO_SETTINGS_MODULE="barcamp.settings",
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.split() == ["2.0", "0.5"], result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_the_health_checks_wait_for_a_connection_no_longer_than_their_own_timeout(
    postgres_only, client, path
):
    pool = connection.pool
    gone = psycopg_pool.PoolTimeout("couldn't get a connection")

    with mock.patch.object(pool, "connection", side_effect=gone) as asked:
        response = client.get(path)

    assert response.status_code == 503
    assert asked.call_args.kwargs == {"timeout": settings.DATABASE_HEALTH_CHECK_TIMEOUT}
    assert settings.DATABASE_HEALTH_CHECK_TIMEOUT < pool.timeout


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_request_waits_for_a_connection_once_whatever_its_page_needs(postgres_only, client, htmx):
    # A logged-in phone: its session, its user and its messages are in the database, and the
    # page around "nothing was saved" would read them, each after a wait of its own.
    camp = make_camp()
    client.force_login(make_participant(camp=camp).user)
    connection.close()  # back to the pool: the request must take one
    gone = psycopg_pool.PoolTimeout("couldn't get a connection")

    with mock.patch.object(connection.pool, "getconn", side_effect=gone) as waits:
        response = client.get(f"/{camp.slug}/")

    assert response.status_code == 503
    assert MESSAGE in response.content.decode()
    assert waits.call_count == 1

"""The load benchmark (bench/load.py) keeps running, and what it checks holds on a small camp."""

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.http import free_port, redis_available

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
DATABASE = "barcamp_bench_test"

pytestmark = [pytest.mark.postgres]


def test_the_load_benchmark_runs_in_one_command_and_finds_every_vote_once(postgres_only, tmp_path):
    if not redis_available(REDIS_URL):
        pytest.skip(f"needs Redis at {REDIS_URL}")
    db = connection.settings_dict
    postgres = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    )
    phones, votes = 64, 3

    try:
        result = run_benchmark(postgres, tmp_path, phones=phones, votes=votes)
    finally:
        with psycopg.connect(f"{postgres}/postgres", autocommit=True) as maintenance:
            maintenance.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')

    # 1 is "a target missed": on a busy test machine the latency targets may well be.
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert f"Votes: {phones * votes} answered 200, {phones * votes} stored; lost 0, doubled 0" in (
        result.stdout
    )
    assert "met     no errors: 0" in result.stdout
    assert re.search(r"^healthz +\d+ +0 ", result.stdout, re.MULTILINE), result.stdout
    assert re.search(r"^vote +\d+ +0 ", result.stdout, re.MULTILINE), result.stdout
    assert re.search(r"the moderator tapped Next [1-9]\d* times", result.stdout), result.stdout
    # Where in the run the tail was, and what the phones took of the machine.
    assert re.search(r"p99 ms by 10 s of the scenario, [^:]*: \d+", result.stdout), result.stdout
    # How much of the tail the load generator's own event loop added.
    assert re.search(r"the load generator's own delay, [^:]*: \d+", result.stdout), result.stdout
    assert re.search(
        r"The load generator used \d+ s of CPU .*: \d+% of this machine", result.stdout
    )
    # How fast the machine ran, before and after: its speed drifts, and the figures with it.
    assert re.search(r"CPU probe .*: \d+ ms before the baselines, \d+ ms after", result.stdout)


def run_benchmark(postgres, tmp_path, *, phones, votes):
    return subprocess.run(
        [
            sys.executable,
            "bench/load.py",
            *("--phones", str(phones), "--votes", str(votes), "--duration", "6"),
            *("--pitch-every", "2"),  # the moderator taps Next meanwhile
            *("--baseline-rounds", "1", "--baseline-seconds", "1", "--workers", "1"),
            *("--port", str(free_port()), "--postgres", postgres, "--redis", REDIS_URL),
            # Its own scratch database: the benchmark drops and creates it.
            *("--database", DATABASE),
        ],
        cwd=ROOT,
        env={**os.environ, "STATIC_ROOT": str(tmp_path / "static")},
        capture_output=True,
        text=True,
        timeout=300,
    )

"""
The plenum's ten minutes, compressed into about one: a load benchmark of the real stack.

    .venv/bin/python bench/load.py [--phones 1000] [--votes 15] [--duration 60] [--workers N]

Everything runs on this machine, on 127.0.0.1: the production server (granian, barcamp/serve.py)
serving the app with DEBUG off, PostgreSQL (a scratch
database, dropped and created anew) and Redis (one database number, flushed). The load generator
is asyncio in this process (bench/http11.py, keep-alive connections shared as a reverse proxy
keeps them), so it shares the CPU with the server; the figures are a floor, not a ceiling.

1. Baselines, closed loops of 64 connections taking turns in short rounds: /healthz (one
   SELECT 1, no template), an unchanged live poll (204), a vote (a write and a rendered
   button); each ratio to /healthz is the median of the rounds'.
2. The scenario: `--phones` Teilgeber with logged-in sessions open the camp, pitch and plan
   pages, then poll the pitch every 2 s and the plan every 3 s the way the pages do (htmx's
   timer, sending the version they rendered, beside the taps), and cast `--votes` votes each,
   spread over `--duration` seconds; one projector polls every 2 s. With `--pitch-every S` the
   moderator taps Next every S seconds, and every phone's next pitch poll renders the new
   session. Afterwards every vote that got a success answer is checked in the database:
   there exactly once, and no vote without one.

Prints throughput and p50/p95/p99 latency per endpoint, errors, and each endpoint's throughput
as a ratio to /healthz. Bounded: every phone stops after its votes, the run after --duration+30 s.
"""

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from importlib import import_module
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import http11  # noqa: E402  (bench/http11.py, beside this file)

CONNECTIONS = 64  # of each baseline's closed loop
VERSION = re.compile(rb"[?&](?:amp;)?v=([0-9a-f.~]+)")


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_scenario_arguments(parser)
    parser.add_argument(
        "--baseline-seconds", type=float, default=3.0, help="per endpoint and round"
    )
    parser.add_argument("--baseline-rounds", type=int, default=4)
    parser.add_argument(
        "--pitch-every",
        type=float,
        default=0.0,
        help="seconds between the moderator's taps on Next (0: one pitch the whole run)",
    )
    add_stack_arguments(parser)
    return check_phones(parser.parse_args())


def check_phones(args):
    if args.phones < CONNECTIONS:
        raise SystemExit(
            f"--phones must be at least {CONNECTIONS}: the vote baseline is one phone per connection"
        )
    return args


def add_scenario_arguments(parser):
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--votes", type=int, default=15, help="per phone")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds the votes take")


# How the production server is started from the repository's root; it reads its settings from
# server_env() below.
SERVERS = {"granian": ["-m", "barcamp.serve"]}


def add_stack_arguments(parser):
    """The camp's size, the server and where PostgreSQL and Redis are: the same for every bench."""
    parser.add_argument("--sessions", type=int, default=40)
    parser.add_argument(
        "--server",
        choices=SERVERS,
        default="granian",
        help="granian (python -m barcamp.serve, the Dockerfile's)",
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="barcamp_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")


def server_env(args):
    # What the server may take from the caller's environment, to measure a setting.
    passed = {
        name: os.environ[name]
        for name in (
            "DATABASE_PREPARED_STATEMENTS",
            "LIVE_TOKENS_MAX_AGE",
            "LIVE_VOTES_INTERVAL",
            "VOTE_SYNCHRONOUS_COMMIT",
            "SERVER_MAX_CONNECTIONS",
        )
        if name in os.environ
    }
    return {
        "PATH": os.environ["PATH"],
        "DEBUG": "false",
        "SECRET_KEY": "bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{args.postgres}/{args.database}",
        "DATABASE_POOL_MAX_SIZE": str(args.threads + 2),
        "REDIS_URL": args.redis,
        "EMAIL_HOST": "smtp.invalid",
        # Mails are not what is measured: production queues them for a worker ("database").
        "TASKS_BACKEND": "dummy",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": os.environ.get("STATIC_ROOT") or str(ROOT / "staticfiles"),
        "SERVER_BIND": f"127.0.0.1:{args.port}",
        "SERVER_WORKERS": str(args.workers),
        "SERVER_THREADS": str(args.threads),
        "SERVER_ACCESS_LOG": "false",
        "SERVER_LOG_LEVEL": "warning",
        "LOG_LEVEL": "WARNING",
        # The baselines hammer the vote with one phone's session: no limit for the benchmark.
        "RATE_LIMIT_VOTE": "1000000/m",
        **passed,
    }


def prepare(args):
    """A scratch database with a running camp: Teilgeber with sessions, a pitch, a published plan."""
    import psycopg
    import redis

    with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{args.database}"')
    redis.Redis.from_url(args.redis).flushdb()
    env = server_env(args)
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "-v0"], cwd=ROOT, env=env, check=True
        )
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "barcamp.settings"
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.utils import timezone

    from events.models import Camp, Participant, Room, Slot
    from voting.grid import board
    from voting.models import VotingDay
    from voting.plenum import services

    camp = Camp.objects.create(
        name="Load Camp",
        slug="load",
        start_date=timezone.localdate(),
        end_date=timezone.localdate(),
        capacity=5000,
    )
    rooms = [
        Room.objects.create(camp=camp, name=f"Raum {i}", capacity=40 + 20 * i, order=i)
        for i in range(8)
    ]
    assert rooms
    for hour in range(9, 9 + getattr(args, "slots", 8)):
        Slot.objects.create(camp=camp, date=camp.start_date, start=f"{hour}:00", end=f"{hour}:45")
    User = get_user_model()
    users = User.objects.bulk_create(
        [
            User(username=f"phone{i}", email=f"phone{i}@load.invalid", password="!")
            for i in range(args.phones + args.sessions)
        ]
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
    )
    participants = Participant.objects.bulk_create(
        [
            Participant(camp=camp, user=u, status="registered", display_name=f"Phone {i}")
            for i, u in enumerate(users)
        ]
    )
    from sessions import services as session_services

    # The phones vote; the hosts (one per session) do not.
    sessions = [
        session_services.propose_session(
            camp=camp,
            participant=host,
            title=f"Session {i}",
            format="talk",
            language="de",
            day=camp.start_date,
        )
        for i, host in enumerate(participants[args.phones :])
    ]
    services.set_voting_state(camp=camp, date=camp.start_date, state=VotingDay.State.OPEN)
    services.start_pitch(camp=camp, date=camp.start_date)
    board.plan_day(camp=camp, date=camp.start_date)
    board.publish_plan(camp=camp, date=camp.start_date)
    # The production session store (cached_db with Redis): a login leaves a session in the
    # database and in the cache.
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = []
    for user in users[: args.phones]:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies.append(store.session_key)
    # Statistics for the rows just loaded, as autovacuum would have them by the plenum: without
    # them PostgreSQL plans the camp's thousand Teilgeber as one row.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return camp, [s.pk for s in sessions], participants[: args.phones], cookies


def start_server(args):
    server = subprocess.Popen(
        [sys.executable, *SERVERS[args.server]],
        cwd=ROOT,
        env=server_env(args),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    import urllib.request

    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"{args.server} did not start: " + server.stderr.read().decode()[-2000:])


class Recorder:
    def __init__(self):
        self.latencies = defaultdict(list)
        self.errors = defaultdict(int)
        self.failures = Counter()  # (endpoint, what went wrong): a status or an exception's name
        self.unchanged = defaultdict(int)  # answered 204: the page had nothing new
        self.started = time.perf_counter()
        self.timeline = []  # (when the request was sent, seconds into the run; its latency)
        self.pitch_steps = 0  # the moderator's taps on Next (--pitch-every)
        self.lags = []  # (seconds into the run, how late the load generator's loop woke up)

    def add(self, name, seconds, ok, status=None, failure=None):
        self.latencies[name].append(seconds)
        self.timeline.append((time.perf_counter() - seconds - self.started, seconds))
        if not ok:
            self.errors[name] += 1
            self.failures[name, failure or f"status {status}"] += 1
        if status == 204:
            self.unchanged[name] += 1


async def request(connection, recorder, name, method, url, *, expect, headers=None, data=None):
    """One request through the phone's connection, recorded; (status, body), (None, b"") if it failed."""
    headers = dict(headers or {})
    body = b""
    if data is not None:
        body = urlencode(data).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    try:
        status, answer = await connection.request(method, url, headers, body)
    except Exception as exc:  # noqa: BLE001 - a failed request is an error in the report, not a crash
        recorder.add(name, time.perf_counter() - started, False, failure=type(exc).__name__)
        return None, b""
    recorder.add(name, time.perf_counter() - started, status in expect, status)
    return status, answer


async def hammer(port, name, seconds, make_request, counts, connections=CONNECTIONS):
    """
    Closed loop: `connections` clients send requests back to back for `seconds`. `counts` holds
    how many each client has sent so far, so that a later round goes on where this one stopped.
    """
    recorder = Recorder()
    deadline = time.perf_counter() + seconds

    async def client(index):
        connection = http11.Connection("127.0.0.1", port)
        try:
            while time.perf_counter() < deadline:
                await make_request(connection, recorder, index, counts[index])
                counts[index] += 1
        finally:
            connection.close()

    await asyncio.gather(*(client(i) for i in range(connections)))
    return recorder.latencies[name], recorder.errors[name], seconds


def after_poll(next_tick, now, every, swapped):
    """
    When htmx polls next, after a poll answered at `now` whose timer's next tick was due at
    `next_tick`: (the next tick, whether a poll is queued to go at once). A tick while the poll
    was out queued one; a swapped-in element (a 200) starts its own timer.
    """
    if swapped:
        return now + every, False
    queued = now >= next_tick
    while next_tick <= now:
        next_tick += every
    return next_tick, queued


async def scenario(args, port, camp_slug, session_ids, cookies):
    import datetime

    today = datetime.date.today().isoformat()

    recorder = Recorder()
    successes = []  # (phone index, session id) of every vote answered 200
    # The phones' requests share keep-alive connections, as they do behind the reverse proxy
    # (a connection of its own for each phone served the same, within this machine's noise).
    connection = http11.Pool("127.0.0.1", port)

    async def poll_like_htmx(name, url, version, every, headers, stop):
        """
        A live page's poll as htmx 2 runs `hx-trigger="every Ns"`, until `stop` is set: a timer
        fires every N s; a tick while the last poll is still out queues one poll, which goes as
        soon as that is answered (later ticks replace it: htmx's default "queue last"); a 200
        swaps in a new element, whose timer starts afresh.
        """
        next_tick, queued = time.perf_counter() + every, False
        while True:
            if not queued:
                await asyncio.sleep(max(0.0, next_tick - time.perf_counter()))
                next_tick += every
            if stop.is_set():
                return
            status, body = await request(
                connection, recorder, name, "GET", url(version), expect={200, 204}, headers=headers
            )
            if status == 200:
                version = (VERSION.search(body) or [b"", version.encode()])[1].decode()
            next_tick, queued = after_poll(next_tick, time.perf_counter(), every, status == 200)

    async def phone(index, cookie):
        # Each phone sends its own cookies.
        page = {"Cookie": f"sessionid={cookie}; csrftoken={'b' * 32}"}
        poll = {**page, "HX-Request": "true"}
        tap = {**poll, "X-CSRFToken": "b" * 32}
        rng = random.Random(index)
        # Phones arrive during the first third of the run, as people sit down in the plenum.
        await asyncio.sleep(rng.uniform(0, args.duration / 3))
        await request(
            connection,
            recorder,
            "camp page",
            "GET",
            f"/{camp_slug}/",
            expect={200},
            headers=page,
        )
        status, body = await request(
            connection,
            recorder,
            "pitch page",
            "GET",
            f"/{camp_slug}/pitch/",
            expect={200},
            headers=page,
        )
        pitch_version = (VERSION.search(body) or [b"", b"-"])[1].decode()
        status, body = await request(
            connection,
            recorder,
            "plan page",
            "GET",
            f"/{camp_slug}/plan/",
            expect={200},
            headers=page,
        )
        plan_version = (VERSION.search(body) or [b"", b"-"])[1].decode()

        # The pitch page and the plan page poll side by side, as two pages shown at once would
        # (a split screen): more than a phone asks, whose page in a background tab or in a
        # pocket skips its polls (static/js/polls.js).
        done = asyncio.Event()
        pollers = [
            asyncio.create_task(
                poll_like_htmx(
                    "pitch poll",
                    lambda v: f"/{camp_slug}/pitch/?v={v}",
                    pitch_version,
                    2,
                    poll,
                    done,
                )
            ),
            asyncio.create_task(
                poll_like_htmx(
                    "plan poll",
                    lambda v: f"/{camp_slug}/plan/?day={today}&v={v}",
                    plan_version,
                    3,
                    poll,
                    done,
                )
            ),
        ]
        # The person taps a session, waits for its button to answer, and goes on down their
        # list on schedule: after a slow answer the next tap is due at once.
        vote_every = args.duration / args.votes
        first = time.perf_counter() + rng.uniform(0, vote_every)
        try:
            for turn, session_id in enumerate(rng.sample(session_ids, args.votes)):
                await asyncio.sleep(max(0.0, first + turn * vote_every - time.perf_counter()))
                status, _ = await request(
                    connection,
                    recorder,
                    "vote",
                    "POST",
                    f"/{camp_slug}/sessions/{session_id}/vote/",
                    expect={200},
                    headers=tap,
                    data={"want": "1"},
                )
                if status == 200:
                    successes.append((index, session_id))
        finally:
            done.set()  # also when the run's limit cancels the phone: its polls end at their next tick
        await asyncio.gather(*pollers)

    async def projector(stop):
        await poll_like_htmx(
            "projector poll",
            lambda v: f"/{camp_slug}/projector/?v={v}",
            "-",
            2,
            {"HX-Request": "true"},
            stop,
        )

    async def moderator(stop):
        """The moderator taps Next every --pitch-every s: every phone's next pitch poll renders
        the new session, the plenum's burst (the phones vote from their lists all the same)."""
        from events.models import Camp
        from voting.plenum import services

        def step():
            try:
                services.step_pitch(camp=Camp.objects.get(slug=camp_slug), step=1)
            except services.PitchError:  # the end of the queue: the last pitch stays
                pass

        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), args.pitch_every)
            except TimeoutError:
                await asyncio.to_thread(step)  # the ORM is not for the event loop's thread
                recorder.pitch_steps += 1

    async def lag_sampler(stop):
        """How late the event loop wakes from a short sleep: an answer that arrives meanwhile
        waits as long before it is timed, so this is what the generator adds to latencies."""
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(LAG_SAMPLE_EVERY)
            now = time.perf_counter()
            recorder.lags.append((now - recorder.started, now - before - LAG_SAMPLE_EVERY))

    stop = asyncio.Event()
    sampler = asyncio.create_task(lag_sampler(stop))
    watcher = asyncio.create_task(projector(stop))
    pitching = asyncio.create_task(moderator(stop)) if args.pitch_every > 0 else None
    started = time.perf_counter()
    phones = [asyncio.create_task(phone(i, c)) for i, c in enumerate(cookies)]
    done, pending = await asyncio.wait(phones, timeout=args.duration + 30)
    for task in pending:
        task.cancel()  # bounded: a phone still voting after the limit is reported, not waited for
    if pending:
        print(
            f"{len(pending)} phones had not finished their votes within {args.duration + 30:.0f} s",
            flush=True,
        )
    elapsed = time.perf_counter() - started
    stop.set()
    await watcher
    await sampler
    if pitching:
        await pitching
    connection.close()
    return recorder, successes, elapsed


TIMELINE_STEP = 10
LAG_SAMPLE_EVERY = 0.005


def timeline(samples):
    """The p99 of each stretch of the run: whether the tail is the arrival or the whole run.
    `samples`: (seconds into the run, seconds)."""
    stretches = defaultdict(list)
    for sent, seconds in samples:
        stretches[int(sent // TIMELINE_STEP)].append(seconds)
    if not stretches:
        return "-"
    return " ".join(
        f"{1000 * percentile(stretches[index], 99):.0f}" for index in range(max(stretches) + 1)
    )


def percentile(values, q):
    if not values:
        return float("nan")
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def row(name, latencies, errors, seconds, baseline=None, *, share=None):
    """A line of the table; `of hz` is the throughput over `baseline`'s, or `share` as given."""
    throughput = len(latencies) / seconds if seconds else 0
    if share is None and baseline:
        share = throughput / baseline
    ratio = f"{share:6.0%}" if share is not None else "      "
    ms = [1000 * percentile(latencies, q) for q in (50, 95, 99)]
    return f"{name:<16}{len(latencies):>8}{errors:>7}{throughput:>9.0f}/s {ratio}  {ms[0]:7.1f} {ms[1]:7.1f} {ms[2]:7.1f}"


HEADER = f"{'endpoint':<16}{'requests':>8}{'errors':>7}{'throughput':>11} {'of hz':>6}  {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"


def cpu_probe():
    """CPU milliseconds of a fixed pure-Python loop: how fast this (shared, virtual) machine runs
    right now. Its speed drifts by up to twice within an hour, and every figure above with it."""
    started = time.process_time()
    total = 0
    for i in range(3_000_000):
        total += i * i % 7
    return (time.process_time() - started) * 1000


def main():
    args = parse_args()
    if (
        not shutil.which("pg_isready")
        or subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode
    ):
        raise SystemExit("PostgreSQL is not running on 127.0.0.1:5432")
    print(
        f"Preparing: {args.phones} phones, {args.sessions} sessions, database {args.database} ...",
        flush=True,
    )
    camp, session_ids, participants, cookies = prepare(args)
    probe_before = cpu_probe()
    server = start_server(args)
    try:
        from events import live
        from voting.views.plenum import PITCH_PAGE

        version = live.current_version(camp.slug, PITCH_PAGE)

        def phone_headers(index):
            return {
                "Cookie": f"sessionid={cookies[index]}; csrftoken={'b' * 32}",
                "X-CSRFToken": "b" * 32,
            }

        async def healthz(session, recorder, index, count):
            await request(session, recorder, "healthz", "GET", "/healthz", expect={200})

        async def unchanged(session, recorder, index, count):
            await request(
                session,
                recorder,
                "unchanged poll",
                "GET",
                f"/{camp.slug}/pitch/?v={version}",
                expect={204},
                headers={"HX-Request": "true"},
            )

        async def vote(session, recorder, index, count):
            # Each connection is its own phone going through the sessions: a vote, then (after
            # all of them) taking it back, so that every request changes a vote as a tap does.
            session_id = session_ids[count % len(session_ids)]
            await request(
                session,
                recorder,
                "vote",
                "POST",
                f"/{camp.slug}/sessions/{session_id}/vote/",
                expect={200},
                headers={"HX-Request": "true", **phone_headers(index)},
                data={"want": "0" if (count // len(session_ids)) % 2 else "1"},
            )

        print("Baselines ...", flush=True)
        # This VM's speed drifts by tens of percent within a minute: the baselines take turns in
        # short rounds, and each ratio compares an endpoint with /healthz of the same round.
        makers = {"healthz": healthz, "unchanged poll": unchanged, "vote": vote}
        base_results = {name: ([], 0, 0.0) for name in makers}
        rounds = {name: [] for name in makers}  # throughput per round
        counts = {name: defaultdict(int) for name in makers}
        for _round in range(args.baseline_rounds):
            for name, maker in makers.items():
                latencies, errors, seconds = asyncio.run(
                    hammer(args.port, name, args.baseline_seconds, maker, counts[name])
                )
                total = base_results[name]
                base_results[name] = (total[0] + latencies, total[1] + errors, total[2] + seconds)
                rounds[name].append(len(latencies) / seconds)
        # The vote baseline's phones voted; the scenario starts from no votes.
        from voting.models import Vote

        Vote.objects.filter(session__camp=camp).delete()
        live.mark_changed(camp.slug)

        print(
            f"Scenario: {args.phones} phones, {args.votes} votes each over {args.duration:.0f} s ...",
            flush=True,
        )
        generator_cpu = time.process_time()
        recorder, successes, elapsed = asyncio.run(
            scenario(args, args.port, camp.slug, session_ids, cookies)
        )
        generator_cpu = time.process_time() - generator_cpu
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    probe_after = cpu_probe()
    healthz_rate = len(base_results["healthz"][0]) / base_results["healthz"][2]

    def ratio(name):
        """The median over the rounds of the endpoint's throughput over /healthz's."""
        return statistics.median(
            rate / hz for rate, hz in zip(rounds[name], rounds["healthz"], strict=True)
        )

    print()
    print(
        f"Machine: {os.cpu_count()} cores; {args.server} {args.workers} workers x {args.threads} threads; "
        "PostgreSQL and Redis on 127.0.0.1; load generator in the same machine."
    )
    print(
        f"CPU probe (bench/load.py cpu_probe, lower is faster): {probe_before:.0f} ms before the "
        f"baselines, {probe_after:.0f} ms after the scenario."
    )
    print(
        f"\nBaselines (closed loop, 64 connections, {args.baseline_rounds} rounds of "
        f"{args.baseline_seconds:.0f} s each; of hz: the median of the rounds' ratios):"
    )
    print(HEADER)
    for name, (latencies, errors, seconds) in base_results.items():
        share = None if name == "healthz" else ratio(name)
        print(row(name, latencies, errors, seconds, share=share))
    for name in ("unchanged poll", "vote"):
        per_round = " ".join(
            f"{rate / hz:.0%}" for rate, hz in zip(rounds[name], rounds["healthz"], strict=True)
        )
        print(f"  {name} / healthz by round: {per_round}")
    pitches = (
        f", the moderator tapped Next {recorder.pitch_steps} times" if args.pitch_every else ""
    )
    print(f"\nScenario ({elapsed:.0f} s{pitches}):")
    print(HEADER)
    all_latencies, all_errors = [], 0
    for name in (
        "camp page",
        "pitch page",
        "plan page",
        "pitch poll",
        "plan poll",
        "projector poll",
        "vote",
    ):
        latencies, errors = recorder.latencies[name], recorder.errors[name]
        all_latencies += latencies
        all_errors += errors
        print(row(name, latencies, errors, elapsed, healthz_rate))
    print(row("all", all_latencies, all_errors, elapsed, healthz_rate))
    print(
        f"  p99 ms by {TIMELINE_STEP} s of the scenario, by when the request was sent:",
        timeline(recorder.timeline),
    )
    print(
        f"  the load generator's own delay, p99 ms by {TIMELINE_STEP} s"
        " (its event loop woke up late by):",
        timeline(recorder.lags),
    )
    # What the phones took of the cores the server needed: the figures above are a floor.
    print(
        f"The load generator used {generator_cpu:.0f} s of CPU in the scenario's {elapsed:.0f} s:"
        f" {generator_cpu / elapsed / os.cpu_count():.0%} of this machine."
    )
    if recorder.failures:
        print(
            "Errors:",
            ", ".join(
                f"{name}: {what} x{n}" for (name, what), n in sorted(recorder.failures.items())
            ),
        )

    from voting.models import Vote

    by_user = {index: participant.pk for index, participant in enumerate(participants)}
    stored = list(
        Vote.objects.filter(session__camp=camp).values_list("participant_id", "session_id")
    )
    expected = {(by_user[index], session_id) for index, session_id in successes}
    doubled = len(stored) - len(set(stored))
    lost = len(expected - set(stored))
    unexpected = len(set(stored) - expected)
    print(
        f"\nVotes: {len(successes)} answered 200, {len(stored)} stored; lost {lost}, doubled {doubled}, "
        f"stored without a success answer {unexpected}."
    )
    polls = ("pitch poll", "plan poll", "projector poll")
    print(
        "Polls answered 204 (nothing new): "
        + ", ".join(
            f"{name} {recorder.unchanged[name] / max(1, len(recorder.latencies[name])):.0%}"
            for name in polls
        )
    )

    p99 = percentile(all_latencies, 99)
    targets = [
        (
            f"unchanged poll >= 60 % of /healthz: {ratio('unchanged poll'):.0%}",
            ratio("unchanged poll") >= 0.6,
        ),
        (f"vote >= 30 % of /healthz: {ratio('vote'):.0%}", ratio("vote") >= 0.3),
        (f"scenario p99 < 250 ms: {p99 * 1000:.0f} ms", p99 < 0.25),
        (f"no errors: {all_errors}", not all_errors),
        (f"no vote lost or doubled: {lost} lost, {doubled} doubled", not lost and not doubled),
    ]
    print("\nTargets:")
    for text, met in targets:
        print(f"  {'met   ' if met else 'MISSED'}  {text}")
    return 0 if all(met for _text, met in targets) else 1


if __name__ == "__main__":
    sys.exit(main())

"""
What one request costs the app, in process: CPU milliseconds and database queries per endpoint.

    .venv/bin/python bench/costs.py [--phones 200] [--n 300] [--profile "vote"] [--cpu-profile "vote"]
    .venv/bin/python bench/costs.py --first [--warm]
    .venv/bin/python bench/costs.py --sessions 48 --slots 6 "plan page" "plan page, new plan" "session list" board

The WSGI handler is called directly (no server, no network, no load generator), against the
same stack as `bench/load.py` — PostgreSQL, Redis, DEBUG off — on a camp it prepares in the
scratch database `barcamp_costs`. The figures are each endpoint's own cost, so a change to
the code shows in them without the noise of a loaded machine. `--profile NAME` runs that
endpoint under pyinstrument instead (wall time: waits on PostgreSQL and Redis included);
`--cpu-profile NAME` under cProfile on CPU time, which leaves the waits out (printed by
cumulative and by own time). `--first` prints instead what each endpoint's first request costs
a fresh process — what a new worker would pay — and `--warm` runs `barcamp.warmup.warm()`
before, as every server worker does.

Only the handler's own CPU is counted: each request's set-up ("plan page, new plan" gives the
plan new live tokens first, as a publish does, so nothing kept for the old plan serves it; "plan
page, new sessions" the sessions' too, as an edit of a session does) is left out. "KB" is the
size of the answer's body.
"""

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import load  # noqa: E402  (bench/load.py: the camp and the server's environment)


def counting(queries):
    """An execute wrapper that notes every query the database gets."""

    def wrapper(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--n", type=int, default=300, help="requests per endpoint")
    parser.add_argument("--profile", default="", help="profile this endpoint with pyinstrument")
    parser.add_argument(
        "--cpu-profile",
        default="",
        help="profile this endpoint with cProfile on CPU time (waits on the network excluded)",
    )
    parser.add_argument(
        "--first", action="store_true", help="the first request's cost per endpoint, in this order"
    )
    parser.add_argument(
        "--warm", action="store_true", help="with --first: warm up as the server workers do"
    )
    parser.add_argument(
        "--ab",
        metavar="SETTING=VALUE",
        help="compare the settings as they are (A) with this one changed (B), in alternating rounds",
    )
    parser.add_argument("--rounds", type=int, default=8, help="with --ab: rounds of --n each")
    parser.add_argument("--sessions", type=int, default=40, help="sessions of the camp")
    parser.add_argument("--slots", type=int, default=8, help="slots of its day (8 rooms)")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="barcamp_costs", help="scratch: dropped and made")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("endpoints", nargs="*", help="only these endpoints")
    options = parser.parse_args()
    settings = argparse.Namespace(
        phones=options.phones,
        sessions=options.sessions,
        slots=options.slots,
        postgres=options.postgres,
        database=options.database,
        redis=options.redis,
        threads=4,
        workers=1,
        port=0,
    )
    camp, session_ids, participants, cookies = load.prepare(settings)

    from django.db import connection

    from barcamp.wsgi import application
    from events import live
    from voting.models import Vote
    from voting.views.plenum import PITCH_PAGE

    slug, cookie = camp.slug, cookies[0]
    # Phone 1 organizes the camp (the board); phone 0, a Teilgeber, opens everything else.
    organizer = participants[1].user
    organizer.is_staff = True
    organizer.save(update_fields=["is_staff"])
    camp.organizers.add(organizer)

    def environ(method, path, query="", *, logged_in=True, htmx=False, body=b"", as_=cookie):
        values = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "CONTENT_LENGTH": str(len(body)),
        }
        if body:
            values["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        if logged_in:
            values["HTTP_COOKIE"] = f"sessionid={as_}; csrftoken={'b' * 32}"
            values["HTTP_X_CSRFTOKEN"] = "b" * 32
        if htmx:
            values["HTTP_HX_REQUEST"] = "true"
        return values

    voted = set(
        Vote.objects.filter(participant=participants[0]).values_list("session_id", flat=True)
    )
    turn = iter(range(10**9))

    def a_vote():
        # Phone 0 goes through the sessions, voting and later taking the votes back.
        session_id = session_ids[next(turn) % len(session_ids)]
        want = "0" if session_id in voted else "1"
        voted.symmetric_difference_update({session_id})
        return environ(
            "POST", f"/{slug}/sessions/{session_id}/vote/", htmx=True, body=f"want={want}".encode()
        )

    def a_new_plan():
        # What a publish does to the plan's readers: new tokens, so nothing kept serves them.
        live.mark_changed(slug, live.PLAN)
        return environ("GET", f"/{slug}/plan/")

    def a_new_plan_and_sessions():
        # The worst case: the sessions' topic changed too (a session edited since, or the first
        # publish of a set of sessions), so the plan's sessions, rooms and slots are read again.
        live.mark_changed(slug, live.PLAN, live.PITCH)
        return environ("GET", f"/{slug}/plan/")

    pitch_version = live.current_version(slug, PITCH_PAGE)
    today = datetime.date.today().isoformat()
    endpoints = {
        "healthz": lambda: environ("GET", "/healthz", logged_in=False),
        "unchanged poll": lambda: environ(
            "GET", f"/{slug}/pitch/", f"v={pitch_version}", htmx=True
        ),
        "vote": a_vote,
        "camp page": lambda: environ("GET", f"/{slug}/"),
        "pitch page": lambda: environ("GET", f"/{slug}/pitch/"),
        "plan page": lambda: environ("GET", f"/{slug}/plan/"),
        "plan page, new plan": a_new_plan,
        "plan page, new sessions": a_new_plan_and_sessions,
        "session list": lambda: environ("GET", f"/{slug}/sessions/"),
        "board": lambda: environ("GET", f"/{slug}/board/", as_=cookies[1]),
        "pitch poll, changed": lambda: environ("GET", f"/{slug}/pitch/", "v=old", htmx=True),
        "plan poll, changed": lambda: environ(
            "GET", f"/{slug}/plan/", f"day={today}&v=old", htmx=True
        ),
        "projector poll, changed": lambda: environ(
            "GET", f"/{slug}/projector/", "v=old", logged_in=False, htmx=True
        ),
    }

    def call(make):
        """Answer one request of `make`: (status, body bytes, CPU seconds of the handler)."""
        statuses, request = [], make()
        started = time.thread_time()
        body = application(request, lambda status, headers, exc_info=None: statuses.append(status))
        content = b"".join(body)
        if hasattr(body, "close"):  # optional in WSGI: LivePolls' 204 is a plain list
            body.close()
        return statuses[0], len(content), time.thread_time() - started

    if options.first:
        first_requests(options, endpoints, call)
        return
    if options.ab:
        compare(options, endpoints, call)
        return

    print(f"CPython {sys.version.split()[0]}, {os.cpu_count()} cores; {options.n} requests each")
    print(f"{options.sessions} sessions, 8 rooms x {options.slots} slots; {options.phones} phones")
    print(f"{'endpoint':<26}{'status':<18}{'queries':>7}{'CPU ms':>9}{'KB':>7}")
    for name in options.endpoints or endpoints:
        make = endpoints[name]
        for _ in range(20):  # warm: templates, pools, caches
            call(make)
        queries = []
        with connection.execute_wrapper(counting(queries)):
            status, size, _ = call(make)
        if name == options.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _ in range(options.n):
                call(make)
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False))
            continue
        if name == options.cpu_profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile(time.thread_time)
            for _ in range(options.n):
                profiler.runcall(call, make)
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(30)
            continue
        cpu = sum(call(make)[2] for _ in range(options.n)) / options.n * 1000
        print(f"{name:<26}{status:<18}{len(queries):>7}{cpu:>9.2f}{size / 1000:>7.1f}")


def compare(options, endpoints, call):
    """Median CPU ms per request with the settings as they are (A) and with one changed (B)."""
    import ast
    import statistics

    from django.test import override_settings

    name, _, raw = options.ab.partition("=")
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw
    print(f"A: as configured; B: {name}={value!r}; {options.rounds} rounds of {options.n} each")
    print(f"{'endpoint':<26}{'A CPU ms':>9}{'B CPU ms':>9}{'B/A':>7}")
    for endpoint in options.endpoints or endpoints:
        make = endpoints[endpoint]
        costs = {"A": [], "B": []}
        for round_ in range(options.rounds * 2):
            version = "AB"[round_ % 2]
            with override_settings(**({name: value} if version == "B" else {})):
                for _ in range(20):  # warm, and refill what the other version left
                    call(make)
                cpu = sum(call(make)[2] for _ in range(options.n))
            costs[version].append(cpu / options.n * 1000)
        a, b = statistics.median(costs["A"]), statistics.median(costs["B"])
        print(f"{endpoint:<26}{a:>9.2f}{b:>9.2f}{b / a:>7.2f}")


def first_requests(options, endpoints, call):
    """What a fresh worker pays: the first three requests to each endpoint, in CPU milliseconds."""
    if options.warm:
        from barcamp.warmup import warm

        started = time.thread_time()
        warm()
        print(f"warm-up: {(time.thread_time() - started) * 1000:.1f} ms")
    print(f"{'endpoint':<26}{'1st':>8}{'2nd':>8}{'3rd':>8}  CPU ms")
    for name in options.endpoints or endpoints:
        costs = []
        for turn in range(3):
            if turn == 0 and name == options.cpu_profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile(time.thread_time)
                costs.append(profiler.runcall(call, endpoints[name])[2] * 1000)
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
                continue
            costs.append(call(endpoints[name])[2] * 1000)
        print(f"{name:<26}" + "".join(f"{cost:>8.1f}" for cost in costs))


if __name__ == "__main__":
    main()

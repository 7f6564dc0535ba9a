"""
What the board's poll costs right after a vote, and how often the planner runs for it.

    .venv/bin/python bench/board_follow.py [--rounds 10] [--organizers 2]

A camp of 48 sessions (8 rooms x 8 slots, 200 voting phones) in the scratch database
`barcamp_follow`, the production stack in process (PostgreSQL, Redis, DEBUG off; tasks
`immediate`, as `make run` has them). Each round: one vote, then each organizer's board polls
once, at the same moment (an HTMX poll whose version is old). Printed: the CPU milliseconds of each organizer's
poll (the request's own thread), the planner's runs per vote, and the CPU of a run wherever it
ran (the request, or the thread that follows the votes).
"""

import argparse
import io
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import load  # noqa: E402  (bench/load.py: the camp and the server's environment)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--organizers", type=int, default=2)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    options = parser.parse_args()
    server_env = load.server_env

    def with_tasks(args):  # the planner's task must run: `make run`'s immediate backend
        return {**server_env(args), "TASKS_BACKEND": "immediate", "LIVE_VOTES_INTERVAL": "0"}

    load.server_env = with_tasks
    setup = argparse.Namespace(
        phones=200,
        sessions=48,
        postgres=options.postgres,
        database="barcamp_follow",
        redis=options.redis,
        threads=4,
        workers=1,
        port=0,
    )
    camp, session_ids, participants, cookies = load.prepare(setup)

    from django.contrib.auth.models import Permission

    from barcamp.wsgi import application
    from voting import grid, services
    from voting.models import Vote

    organizers = [participant.user for participant in participants[-options.organizers :]]
    for user in organizers:
        user.is_staff = True
        user.save()
        user.user_permissions.add(*Permission.objects.filter(content_type__app_label="voting"))
        camp.organizers.add(user)
    organizer_cookies = cookies[-options.organizers :]

    runs = []  # CPU seconds of each planner run, in whichever thread it ran
    plan_day = grid.plan_day

    def counted(**kwargs):
        started = time.thread_time()
        try:
            return plan_day(**kwargs)
        finally:
            runs.append(time.thread_time() - started)

    grid.plan_day = counted

    def poll(cookie):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": f"/{camp.slug}/board/",
            "QUERY_STRING": f"day={camp.start_date.isoformat()}&v=old",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "HTTP_COOKIE": f"sessionid={cookie}",
            "HTTP_HX_REQUEST": "true",
        }
        statuses = []
        started = time.thread_time()
        body = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
        b"".join(body)
        if hasattr(body, "close"):
            body.close()
        assert statuses[0].startswith("200"), statuses[0]
        return time.thread_time() - started

    def settle():
        # The votes are followed by a thread of their own (if the code has one): let it finish.
        for thread in threading.enumerate():
            if thread is not threading.current_thread() and thread.name.startswith("task-"):
                thread.join()

    for cookie in organizer_cookies:  # warm: templates, pools, the first plan
        for _ in range(3):
            poll(cookie)
            settle()
    runs.clear()
    voter = participants[0]
    voted = set(Vote.objects.filter(participant=voter).values_list("session_id", flat=True))
    costs = [[] for _ in organizer_cookies]
    for round_ in range(options.rounds):
        session_id = session_ids[round_ % len(session_ids)]
        session = next(s for s in camp.sessions.filter(pk=session_id))
        services.set_vote(session=session, participant=voter, want=session_id not in voted)
        voted.symmetric_difference_update({session_id})
        # The organizers' boards poll at the same moment, each in a thread of its own.
        polls = [
            threading.Thread(target=lambda i=i, c=c: costs[i].append(poll(c)), name=f"board-{i}")
            for i, c in enumerate(organizer_cookies)
        ]
        for thread in polls:
            thread.start()
        for thread in polls:
            thread.join()
        settle()
        time.sleep(3.1)  # the board's poll interval: what one organizer's next poll sees
    print(f"CPython {sys.version.split()[0]}, {os.cpu_count()} cores; {options.rounds} votes")
    for index, values in enumerate(costs):
        print(
            f"organizer {index + 1}'s poll after a vote: median {statistics.median(values) * 1000:.1f} ms CPU"
        )
    median_run = statistics.median(runs) * 1000 if runs else 0
    print(f"planner runs: {len(runs)} for {options.rounds} votes, median {median_run:.0f} ms CPU")


if __name__ == "__main__":
    main()

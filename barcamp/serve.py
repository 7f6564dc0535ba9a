"""
The production server: granian serving the WSGI app. `python -m barcamp.serve` (the Dockerfile's
command); every value can be overridden from the environment (SERVER_* below).

granian's HTTP handling is Rust; only the app runs in Python. It is the one production server:
on the project's benchmark machine it served more unchanged polls, votes and pages than
gunicorn's gthread workers, with a far shorter tail in the plenum's scenario (bench/README.md).
"""

import gc
import multiprocessing
import os
import signal
import sys
import time

from granian import Granian
from granian.constants import Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels


def application():
    """What each worker serves: the WSGI app, warmed up before the worker takes its first request."""
    started = time.monotonic()
    # granian sets up the worker's own SIGTERM handling only once this returns: a stop asked
    # for meanwhile (a deploy right after a start) would be missed, and the worker would serve
    # on until the master kills it. So note it here and stop after the warm-up.
    stopping = []
    previous = signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    from barcamp.warmup import warm
    from barcamp.wsgi import application

    warm()
    # The app's long-lived objects stay out of every later full garbage collection.
    gc.freeze()
    signal.signal(signal.SIGTERM, previous)
    if stopping:
        sys.exit(0)
    print(
        f"barcamp: worker {os.getpid()} warmed up in {(time.monotonic() - started) * 1000:.0f} ms",
        file=sys.stderr,
        flush=True,
    )
    return application


def server():
    host, _, port = os.environ.get("SERVER_BIND", "0.0.0.0:8000").rpartition(":")
    workers = int(os.environ.get("SERVER_WORKERS") or multiprocessing.cpu_count())
    return Granian(
        "barcamp.serve:application",
        factory=True,
        interface=Interfaces.WSGI,
        address=host.strip("[]") or "0.0.0.0",  # "[::]:8000" binds IPv6
        port=int(port),
        # One process per core, two threads each: the app is CPU-bound (templates, the ORM)
        # with short waits on PostgreSQL and Redis; more threads make every return from such a
        # wait queue for the GIL behind busy threads (bench/README.md, "Server settings").
        workers=workers,
        blocking_threads=int(os.environ.get("SERVER_THREADS", "2")),
        # Open connections per worker, idle keep-alive ones included (granian's backpressure
        # counts connections); more wait in the listen backlog until one closes.
        backpressure=int(os.environ.get("SERVER_MAX_CONNECTIONS", "1000")),
        backlog=2048,
        websockets=False,
        http1_settings=HTTP1Settings(
            header_read_timeout=int(os.environ.get("SERVER_HEADER_TIMEOUT_MS", "30000"))
        ),
        log_level=LogLevels(os.environ.get("SERVER_LOG_LEVEL", "info")),
        log_access=os.environ.get("SERVER_ACCESS_LOG", "true").lower()
        in {"1", "true", "yes", "on"},
        # A worker that died (a crash, the kernel's OOM killer) is replaced; one that has not
        # stopped 20 s after a SIGTERM (its requests answered) is killed.
        respawn_failed_workers=True,
        workers_kill_timeout=int(os.environ.get("SERVER_GRACEFUL_TIMEOUT", "20")),
    )


if __name__ == "__main__":
    server().serve()

"""gunicorn's configuration for production: `gunicorn barcamp.wsgi` reads it from the working directory.

Every value can be overridden from the environment (GUNICORN_* variables below) or the command line.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# One process per core, two threads each: the app is CPU-bound (templates, the ORM) with
# short waits on PostgreSQL and Redis. More processes than cores only fight over the cores:
# measured on 2 cores, /healthz served 1,030 requests/s with 2 workers and 400/s with 5
# (the classic 2 x cores + 1 is for sync workers that wait on slow clients). More threads make
# each wait on the database or Redis queue for the GIL behind busy threads: under the plenum's
# load, p99 was 590 ms with 2 threads, 1,000-1,200 ms with 4 and 1,000 ms with 1
# (bench/README.md). With PostgreSQL on another host, waits are longer and 3-4 may pay.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
# Phones on venue Wi-Fi keep connections open between polls.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "15"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
backlog = 2048
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Load the app before forking: workers share its memory and start fast.
preload_app = True


def when_ready(server):
    # In the master, after the app is loaded and before any worker is forked: every worker,
    # including those that replace recycled ones, starts with the URLs, catalogs, templates and
    # static manifest in place instead of paying ~0.5 s of CPU for them on its first requests.
    import time

    from barcamp.warmup import warm

    started = time.monotonic()
    warm()
    server.log.info("Warmed up in %d ms", (time.monotonic() - started) * 1000)


def pre_fork(server, worker):
    # The app is loaded before forking: freezing what it allocated keeps the workers' garbage
    # collector from scanning (and copying) the app's long-lived objects on every full pass.
    gc.freeze()

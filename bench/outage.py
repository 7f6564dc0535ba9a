"""
How long the production server takes to answer with PostgreSQL gone (docs/security.md).

    .venv/bin/python bench/outage.py

Starts granian (barcamp/serve.py, 1 worker x 2 threads, DEBUG off) with DATABASE_URL at a closed
port and times, three times each, /healthz, /readyz, a camp page and an HTMX vote of a
logged-in phone, then eight such pages at once. Every answer should be a 503; the times are the
pool's waits (DATABASE_POOL_TIMEOUT, DATABASE_HEALTH_CHECK_TIMEOUT), which the server takes
from the environment like any other setting.
"""

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSRF = "p" * 32
LOGGED_IN = {"Cookie": f"sessionid={'s' * 32}; csrftoken={CSRF}"}
CASES = [
    ("/healthz", "/healthz", None, {}),
    ("/readyz", "/readyz", None, {}),
    ("a camp page, logged in", "/somecamp/", None, LOGGED_IN),
    (
        "a vote (HTMX), logged in",
        "/somecamp/sessions/1/vote/",
        b"want=1",
        {
            **LOGGED_IN,
            "X-CSRFToken": CSRF,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    ),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url, data=None, headers=None):
    started = time.monotonic()
    try:
        request = urllib.request.Request(url, data=data, headers=headers or {})
        with urllib.request.urlopen(request, timeout=120) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.monotonic() - started


def main():
    port, closed = free_port(), free_port()
    env = {
        **{key: value for key, value in os.environ.items() if key.startswith("DATABASE_")},
        "PATH": os.environ["PATH"],
        "DEBUG": "false",
        "SECRET_KEY": "outage-bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed}/gone",
        "EMAIL_HOST": "smtp.invalid",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": os.environ.get("STATIC_ROOT") or str(ROOT / "staticfiles"),
        "SERVER_BIND": f"127.0.0.1:{port}",
        "SERVER_WORKERS": "1",
        "SERVER_THREADS": "2",
        "SERVER_ACCESS_LOG": "false",
        "SERVER_LOG_LEVEL": "error",
        "LOG_LEVEL": "CRITICAL",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "barcamp.serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=30)
                break
            except urllib.error.HTTPError:
                break  # up, and answering
            except OSError:
                time.sleep(0.1)
        print("request                     status  seconds (median of 3; each)")
        for name, path, data, headers in CASES:
            answers = [fetch(base + path, data, headers) for _ in range(3)]
            statuses = sorted({status for status, _seconds in answers})
            seconds = [seconds for _status, seconds in answers]
            each = ", ".join(f"{value:.2f}" for value in seconds)
            print(f"{name:27} {statuses}   {statistics.median(seconds):.2f} ({each})")
        with ThreadPoolExecutor(8) as executor:
            started = time.monotonic()
            answers = list(
                executor.map(lambda _: fetch(f"{base}/somecamp/", None, LOGGED_IN), range(8))
            )
            statuses = sorted({status for status, _seconds in answers})
            print(
                f"{'8 such pages at once':27} {statuses}   {time.monotonic() - started:.2f} (the last answer)"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()

"""Real HTTP requests against a live server, for tests that need parallel clients."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.test import Client

# The production server as the Dockerfile starts it (granian, barcamp/serve.py), from the
# repository's root.
SERVER = [sys.executable, "-m", "barcamp.serve"]
ROOT = Path(__file__).resolve().parent.parent

# Any 32 characters do as a CSRF secret when cookie and header carry the same value.
CSRF_TOKEN = "p" * 32


def session_cookie_for(user):
    """A logged-in session for the user, as the value of the session cookie."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def post(url, *, session, data=b"", headers=None, timeout=30):
    """POST as the session's user, the way the page's form does; returns (status, body)."""
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={CSRF_TOKEN}",
            "X-CSRFToken": CSRF_TOKEN,
            "Content-Type": "application/x-www-form-urlencoded",
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_available(url):
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def production_env(*, port, static_root, **settings_env):
    """The environment of a production server (DEBUG off) on 127.0.0.1:`port`, plain HTTP, one
    worker, no mail server, plus the test's own settings (DATABASE_URL at least)."""
    return {
        "PATH": os.environ["PATH"],
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-secret-only-for-this-test-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "EMAIL_HOST": "smtp.invalid",
        "SECURE_SSL_REDIRECT": "false",
        "SERVER_BIND": f"127.0.0.1:{port}",
        "SERVER_WORKERS": "1",
        "SERVER_ACCESS_LOG": "false",
        **settings_env,
    }


@contextlib.contextmanager
def running_servers(envs, *, logs=None, until="/healthz", answered=(200,), tries=300):
    """Start a production server per environment (its output to the path in `logs`, if given),
    wait until each answers `until` with one of the `answered` statuses, and give their base
    URLs; stops them afterwards."""
    processes, bases = [], []
    try:
        for index, env in enumerate(envs):
            if logs:
                with logs[index].open("w") as log:
                    process = subprocess.Popen(
                        SERVER, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
                    )
            else:
                process = subprocess.Popen(
                    SERVER, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
            processes.append(process)
            bases.append(f"http://{env['SERVER_BIND']}")
        for base in bases:
            for _ in range(tries):
                try:
                    with urllib.request.urlopen(f"{base}{until}", timeout=5) as response:
                        status = response.status
                except urllib.error.HTTPError as error:
                    status = error.code
                except OSError:
                    time.sleep(0.1)
                    continue
                if status in answered:
                    break
                time.sleep(0.1)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)

"""Real HTTP requests against a live server, for tests that need parallel clients."""

import socket
import sys
import urllib.error
import urllib.request

from django.conf import settings
from django.test import Client

# The production server as the Dockerfile starts it (granian, barcamp/serve.py), from the
# repository's root.
SERVER = [sys.executable, "-m", "barcamp.serve"]

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

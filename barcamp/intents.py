"""
What a logged-out person asked for, kept in their session until they are logged in.

Tapping "join", a vote or "propose" while logged out POSTs our own form (CSRF-checked: the
person asked for it on our page). The view keeps the action in the session, under its own
address, and sends the person to log in with `next` = that address. allauth carries `next`
through the password login, the login by code and the sign-up by code, and Django's login keeps
an anonymous session's data. Back at the address, its GET finds the kept action and does it
once, for whoever is now logged in in that browser, then goes on to the page the person was on.

A GET that finds nothing kept (a link somebody sent, a reload, a second tab) changes nothing:
it only shows the page. A kept action expires after MAX_AGE, is replaced by the next one, and is
gone at logout (Django flushes the session). `next` is only ever a path of ours: allauth refuses
other hosts, and the page to go on to is checked here as well.
"""

import time
from dataclasses import dataclass, field

from django.utils.http import url_has_allowed_host_and_scheme

SESSION_KEY = "barcamp-pending-action"
# Long enough to find the code in the mail on a phone and type it; allauth's code itself
# expires sooner (ACCOUNT_LOGIN_BY_CODE_TIMEOUT), and asking for a new one keeps the action.
MAX_AGE = 30 * 60


@dataclass(frozen=True)
class Pending:
    """An action kept for later: its address, the page to go on to, form fields worth keeping."""

    path: str
    page: str
    fields: dict = field(default_factory=dict)


def is_local_path(request, path):
    """Whether `path` is an absolute path on this site (never another host, never a scheme)."""
    return (
        isinstance(path, str)
        and path.startswith("/")
        and url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()})
    )


def remember(request, *, path, page, fields=None):
    """Keep the action at `path` for after the login; `page` is where the person goes on to."""
    if not is_local_path(request, page):
        page = path
    request.session[SESSION_KEY] = {
        "path": path,
        "page": page,
        "fields": dict(fields or {}),
        "at": time.time(),
    }


def peek(request):
    """The kept action if it is still fresh, else None; it stays kept."""
    kept = request.session.get(SESSION_KEY)
    if not isinstance(kept, dict) or time.time() - kept.get("at", 0) > MAX_AGE:
        return None
    if not is_local_path(request, kept.get("path")) or not is_local_path(request, kept.get("page")):
        return None
    return Pending(path=kept["path"], page=kept["page"], fields=kept.get("fields") or {})


def take(request, path):
    """The kept action at `path`, removed from the session; None if none is kept there. A HEAD
    (a link checker, a monitor) never finishes an action: it answers as a GET with nothing kept."""
    if request.method == "HEAD":
        return None
    pending = peek(request)
    if pending is None or pending.path != path:
        return None
    forget(request)
    return pending


def forget(request):
    request.session.pop(SESSION_KEY, None)

"""
Polls of live pages: an unchanged one answers 204 No Content after one cache read.

A view declares the topics of its camp it shows with `@live_page(*topics)`; `LivePolls`, wrapped
around Django's WSGI handler (barcamp/wsgi.py), answers its unchanged polls before Django runs,
and the decorator's own check covers the view when it is reached some other way.
"""

import functools

from django.core.exceptions import SuspiciousOperation
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware
from django.urls import Resolver404, get_urlconf, resolve

from . import versions


def live_page(*topics):
    """
    A live page that follows these topics of its camp (barcamp.live.versions): an HTMX poll that
    brings the version the page shows gets 204 No Content after one cache read.

    LivePolls answers such polls in front of Django, before sessions, authentication and the
    view run (it finds the topics on the view); the check here covers the view when it is
    reached some other way (the test client, a poll Django must see). Behind LivePolls it
    repeats the check from the tokens that one read (versions.reading_once). Any other GET of
    the page reads all the camp's tokens and what the apps read with them at once
    (versions.read_ahead). Only for pages anybody may see: the 204 comes before any permission
    check.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, camp_slug, *args, **kwargs):
            if is_unchanged_poll(request, camp_slug, topics):
                return HttpResponse(status=204)
            # A changed poll (LivePolls read the page's tokens), or a POST, which writes: as is.
            if versions.reading() or request.method == "POST":
                return view(request, camp_slug, *args, **kwargs)
            with versions.reading_once():
                versions.read_ahead(camp_slug)
                return view(request, camp_slug, *args, **kwargs)

        wrapper.live_topics = topics
        return wrapper

    return decorator


def is_unchanged_poll(request, camp_slug, topics):
    return (
        request.method == "GET"
        and request.headers.get("HX-Request") == "true"
        and versions.is_current(camp_slug, topics, request.GET.get("v"))
    )


class LivePolls:
    """
    WSGI: an unchanged poll of a live page answers 204 No Content before Django's handler runs.

    During the plenum a thousand phones poll every two or three seconds and almost every poll
    finds nothing new: one cache read answers it, without the request and response machinery,
    the middleware chain, the session, the user or the view. As Django middleware it cost what
    a request to /healthz costs; here it costs a fifth to a third less (bench/README.md). Pages
    opt in with `live_page`, whose own check covers the test client and any other path that
    reaches the view.

    What the middleware chain would have done for such a poll is kept: a host that is not
    allowed, a plain-HTTP request that must be redirected and a request Django would refuse
    (too many query fields) go through Django (400, the redirect), and the answer carries
    SecurityMiddleware's headers.
    """

    def __init__(self, application):
        self.application = application
        self.security = SecurityMiddleware(lambda request: None)

    def __call__(self, environ, start_response):
        if not (
            environ.get("REQUEST_METHOD") == "GET"
            and environ.get("HTTP_HX_REQUEST") == "true"
            and "v=" in environ.get("QUERY_STRING", "")
        ):
            return self.application(environ, start_response)
        # A changed poll's page reads the same tokens again: from what this check read.
        with versions.reading_once():
            try:
                response = self.unchanged(WSGIRequest(environ))
            except SuspiciousOperation:  # a host not served, too many query fields
                response = None  # Django answers it, with its 400 and its log line
            if response is not None:
                start_response(
                    f"{response.status_code} {response.reason_phrase}", [*response.items()]
                )
                return []
            return self.application(environ, start_response)

    def unchanged(self, request):
        """The 204 for an unchanged poll of a live page; None sends the request to Django."""
        page = _live_page(request.path_info, get_urlconf())
        if page is None:
            return None
        request.get_host()  # DisallowedHost for a host this installation does not serve
        if self.security.process_request(request) is not None:
            return None
        if not is_unchanged_poll(request, *page):
            return None
        return self.security.process_response(request, HttpResponse(status=204))


@functools.lru_cache(maxsize=4096)
def _live_page(path, urlconf):
    """(camp slug, topics) of the live page at this path, or None: resolved once per path."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    topics = getattr(match.func, "live_topics", None)
    return (match.kwargs["camp_slug"], topics) if topics else None

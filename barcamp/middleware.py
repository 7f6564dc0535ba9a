import functools
import logging

from django import db
from django.conf import settings
from django.contrib.admin.helpers import AdminErrorList, AdminForm
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.wsgi import WSGIRequest
from django.forms import BaseForm, BaseFormSet
from django.http import HttpResponse, HttpResponseBase
from django.middleware import locale as django_locale
from django.middleware.security import SecurityMiddleware
from django.shortcuts import render
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import translation

from events import live

from .decorators import is_unchanged_poll

logger = logging.getLogger(__name__)


def _has_errors(value):
    if isinstance(value, AdminForm):
        value = value.form
    if isinstance(value, (BaseForm, BaseFormSet)):
        return value.is_bound and not value.is_valid()
    if isinstance(value, AdminErrorList):
        return bool(value)
    return False


class LivePolls:
    """
    WSGI: an unchanged poll of a live page answers 204 No Content before Django's handler runs.

    During the plenum a thousand phones poll every two or three seconds and almost every poll
    finds nothing new: one cache read answers it, without the request and response machinery,
    the middleware chain, the session, the user or the view. As Django middleware it cost what
    a request to /healthz costs; here it costs clearly less (bench/README.md). Pages opt in with
    barcamp.decorators.live_page, whose own check covers the test client and any other path
    that reaches the view.

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
        with live.reading_once():
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


class WholeBodies:
    """
    WSGI: a response whose body is whole (Django's HttpResponse, not a streaming or file
    response) goes to the server as a list of one bytes object, its request finished first.

    Handed Django's response object, granian takes its path for iterators: it calls back into
    Python for each chunk, the end and close(), each call a new wait for the GIL of a busy
    worker; handed a list, it sends the bytes in one call, and votes and pages are served
    faster (bench/README.md). Streaming and file responses (whitenoise,
    exports) pass through as they are, and so does anything that is not Django's. The answer to
    a HEAD is GET's status and headers with no body, of any kind of response.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        response = self.application(environ, start_response)
        if environ.get("REQUEST_METHOD") == "HEAD" and isinstance(response, HttpResponseBase):
            # GET's status and headers without the body (RFC 9110), whatever the server does.
            response.close()
            return []
        if not isinstance(response, HttpResponse):
            return response
        try:
            body = response.content
        finally:
            # request_finished: the database connection goes back to its pool, as it would
            # after the server had iterated the response.
            response.close()
        return [body]


@functools.lru_cache(maxsize=4096)
def _live_page(path, urlconf):
    """(camp slug, topics) of the live page at this path, or None: resolved once per path."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    topics = getattr(match.func, "live_topics", None)
    return (match.kwargs["camp_slug"], topics) if topics else None


class InvalidFormStatusMiddleware:
    """
    A POST whose form came back with errors answers 400 instead of 200.

    Our own views set the status themselves; this catches the forms of Django's admin and of
    django-allauth, which re-render an invalid form with 200, so that every bad input in the
    app is a 4xx for clients, monitors and tests alike.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        if request.method == "POST" and response.status_code == 200:
            context = response.context_data or {}
            if any(_has_errors(value) for value in context.values()):
                response.status_code = 400
        return response


class LocaleMiddleware(django_locale.LocaleMiddleware):
    """
    German unless the person picked another language with the switch on every page.

    The browser's Accept-Language is not consulted: the phones, the projector and the
    organizers of one camp see the same words, and German is the camps' language.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class DatabaseUnavailableMiddleware:
    """
    The database went away mid-request (a restart, a failover), or a statement ran out of time
    (DATABASE_STATEMENT_TIMEOUT): answer 503 with "nothing was saved, try again" instead of a
    500. The transaction was rolled back, so a retry is safe; the connection pool replaces dead
    connections by itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (db.OperationalError, db.InterfaceError)):
            return None
        # PostgreSQL's code for a statement it cancelled (DATABASE_STATEMENT_TIMEOUT): the
        # database is there, a statement ran too long or waited too long for a lock.
        timed_out = getattr(exception.__cause__, "sqlstate", None) == "57014"
        logger.warning(
            "%s during %s %s: %s",
            "statement timed out" if timed_out else "database unavailable",
            request.method,
            request.path,
            exception,
        )
        template = "503.html#message" if getattr(request, "htmx", False) else "503.html"
        try:
            return render(request, template, status=503)
        except Exception:  # noqa: BLE001 - the page itself may need the database (the session)
            return HttpResponse(
                "The service is briefly unavailable. Nothing was saved; please try again.",
                status=503,
                content_type="text/plain; charset=utf-8",
            )

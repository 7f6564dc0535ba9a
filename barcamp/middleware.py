import logging

from django import db
from django.conf import settings
from django.contrib.admin.helpers import AdminErrorList, AdminForm
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions import middleware as sessions_middleware
from django.forms import BaseForm, BaseFormSet
from django.http import HttpResponse, HttpResponseBase
from django.middleware import locale as django_locale
from django.shortcuts import render
from django.utils import translation

logger = logging.getLogger(__name__)


def _has_errors(value):
    if isinstance(value, AdminForm):
        value = value.form
    if isinstance(value, (BaseForm, BaseFormSet)):
        return value.is_bound and not value.is_valid()
    if isinstance(value, AdminErrorList):
        return bool(value)
    return False


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


def database_unavailable(request, exception):
    """
    The 503 "nothing was saved, try again" for a database error, or None for any other error.

    The transaction was rolled back, so a retry is safe; the connection pool replaces dead
    connections by itself.
    """
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
    # With the database gone, every further query of this request would wait for a pooled
    # connection as long as the first did (DATABASE_POOL_TIMEOUT): the page shows nobody as
    # logged in and no queued messages, which would read the session and the user from the
    # database. (A 503 does not save the session either.) A statement that ran out of time
    # left a database that answers: its page is the usual one.
    context = {} if timed_out else {"user": AnonymousUser(), "messages": ()}
    try:
        return render(request, template, context, status=503)
    except Exception:  # noqa: BLE001 - the page itself may need the database (the session)
        return HttpResponse(
            "The service is briefly unavailable. Nothing was saved; please try again.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )


class DatabaseUnavailableMiddleware:
    """
    The database went away mid-request (a restart, a failover), or a statement ran out of time
    (DATABASE_STATEMENT_TIMEOUT): the view's error is answered with 503 "nothing was saved, try
    again" instead of a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return database_unavailable(request, exception)


class SessionMiddleware(sessions_middleware.SessionMiddleware):
    """
    Django's, answering 503 "nothing was saved" when the session cannot be saved because the
    database is gone: a view that needed no query (a login form, a vote remembered for after
    the login) would otherwise end in a 500 once its response is on the way out.
    """

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except (db.OperationalError, db.InterfaceError) as exception:
            return database_unavailable(request, exception)

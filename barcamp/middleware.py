import functools
import logging

from django import db
from django.conf import settings
from django.contrib.admin.helpers import AdminErrorList, AdminForm
from django.forms import BaseForm, BaseFormSet
from django.http import HttpResponse
from django.middleware import locale as django_locale
from django.shortcuts import render
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import translation

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


class LivePollMiddleware:
    """
    An unchanged poll of a live page answers 204 No Content before the rest of the stack runs.

    During the plenum a thousand phones poll every two or three seconds and almost every poll
    finds nothing new: one cache read answers it, without loading the session, the user, the
    CSRF and message machinery or the view. Pages opt in with barcamp.decorators.live_page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "GET" and "v" in request.GET:
            live_page = _live_page(request.path_info, get_urlconf())
            if live_page and is_unchanged_poll(request, *live_page):
                return HttpResponse(status=204)
        return self.get_response(request)


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
    The database went away mid-request (a restart, a failover): answer 503 with "nothing was
    saved, try again" instead of a 500. The transaction was rolled back, so a retry is safe;
    the connection pool replaces dead connections by itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (db.OperationalError, db.InterfaceError)):
            return None
        logger.warning(
            "database unavailable during %s %s: %s", request.method, request.path, exception
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

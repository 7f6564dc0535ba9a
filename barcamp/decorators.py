from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect
from django_ratelimit.decorators import ratelimit

from barcamp import intents


def login_required(view):
    """
    Like Django's login_required, with two differences: an HTMX request gets a client
    redirect, so the login page replaces the whole page instead of a fragment; and after a
    POST the login returns to the page the form was on, since a POST URL cannot be revisited.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        next_url = request.get_full_path() if request.method != "POST" else _page_of_form(request)
        response = redirect_to_login(next_url, resolve_url(settings.LOGIN_URL))
        if request.htmx:
            return HttpResponseClientRedirect(response.url)
        return response

    return wrapper


def login_then_continue(view=None, *, keep=()):
    """
    login_required for an action that a logged-out person may start (join, vote, propose): its
    POST is kept in the session (barcamp.intents), with the form fields named in `keep`, and the
    login returns to the action's own address, whose GET then finishes it for the person.
    """
    if view is None:
        return lambda view: login_then_continue(view, keep=keep)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        next_url = request.get_full_path()
        if request.method == "POST":
            fields = {name: request.POST.getlist(name) for name in keep if name in request.POST}
            intents.remember(request, path=request.path, page=_page_of_form(request), fields=fields)
            next_url = request.path
        response = redirect_to_login(next_url, resolve_url(settings.LOGIN_URL))
        if request.htmx:
            return HttpResponseClientRedirect(response.url)
        return response

    return wrapper


def _page_of_form(request):
    page = request.htmx.current_url if request.htmx else request.headers.get("Referer")
    if page and url_has_allowed_host_and_scheme(page, allowed_hosts={request.get_host()}):
        parts = urlsplit(page)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"


def _rate(group, request):
    return settings.RATE_LIMITS[group]


def rate_limit(kind, *, block=True):
    """Limit POSTs of one kind per person (per address when anonymous), as RATE_LIMITS says;
    beyond it the request gets the friendly 429 of barcamp.views.rate_limited. With
    `block=False` the view answers itself (`request.limited` is set), e.g. to keep a form."""
    return ratelimit(group=kind, key="user_or_ip", rate=_rate, method="POST", block=block)


def public_feed(view):
    """
    A public, read-only feed (the published plan as iCalendar, frab JSON and XML): a schedule
    viewer or web calendar on another origin may load it, as pretalx allows. Only for what
    anybody may read without a login, so a cross-origin read learns nothing a visitor could not.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper

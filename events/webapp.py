"""
The installable web app: its manifest, what its service worker may keep, and forgetting that
when somebody logs in or out.

The worker (templates/webapp/service_worker.js, served at /sw.js) keeps a copy of a page only if
the page says it may (`kept_offline`): the pages a Teilgeber needs when the venue's Wi-Fi is
gone, never an organizer's list of people or a settings page. What it kept belongs to whoever
was logged in, so a login or a logout answers with `Clear-Site-Data`, which makes the browser
drop every copy, the worker itself and the queue of what waits to be sent.
"""

from functools import wraps

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.templatetags.static import static

# The response header by which a page allows the worker to keep a copy of it.
KEEP_HEADER = "Barcamp-Offline"
KEEP = "keep"
# What a login or a logout clears: the HTTP cache (a ticket answered with no-cache may be in it)
# and the storage, which holds the worker, its copies and the queue of what waits offline.
CLEAR_SITE_DATA = '"cache", "storage"'

THEME_COLOR = "#c2410c"
BACKGROUND_COLOR = "#fbf8f4"
# Rendered from static/img/icon.svg and icon-maskable.svg by scripts/render_icons.py.
ICONS = [
    ("img/icon-192.png", "192x192", "any"),
    ("img/icon-512.png", "512x512", "any"),
    ("img/icon-maskable-192.png", "192x192", "maskable"),
    ("img/icon-maskable-512.png", "512x512", "maskable"),
]
# Home screens cut a short name after about a dozen characters.
SHORT_NAME_LENGTH = 12


def kept_offline(view):
    """Let the service worker keep this page's full GET answers, to show them offline.

    Only for what a person may keep on their own phone: the worker stores the page as it was
    rendered for them, until they log out. A page sent with `no-store` is never kept."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200 and not request.htmx:
            response[KEEP_HEADER] = KEEP
        return response

    return wrapper


def manifest(*, name, start_url, short_name=None, language="de"):
    """The web app manifest of a camp (or of the whole site): one installed app per camp, which
    opens on the camp's page and keeps the login pages inside the app (scope: the site). A long
    name shows as `short_name` under the icon, where there is room for about a dozen letters."""
    if len(name) <= SHORT_NAME_LENGTH or not short_name:
        short_name = name
    return {
        "id": start_url,
        "name": name,
        "short_name": short_name,
        "lang": language,
        "start_url": start_url,
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }


def precached_files():
    """The static files every page needs, which the worker fetches when it is installed; their
    fingerprinted names (whitenoise's manifest) are in the worker's script, so a new version of
    any of them is a new worker, and every phone gets it at its next visit."""
    paths = [
        "css/app.css",
        "css/offline.css",
        "js/offline.js",
        "js/polls.js",
        "js/camp-nav.js",
        "django_htmx/htmx-2.min.js",
        "img/icon.svg",
        *(path for path, _sizes, _purpose in ICONS),
    ]
    return [static(path) for path in paths]


def _forget_kept_pages(sender, request, **kwargs):
    if request is not None:
        request.clear_site_data = True


def connect_signals():
    user_logged_in.connect(_forget_kept_pages, dispatch_uid="webapp-forget-on-login")
    user_logged_out.connect(_forget_kept_pages, dispatch_uid="webapp-forget-on-logout")


class ClearSiteDataMiddleware:
    """Answers the request in which somebody logged in or out with `Clear-Site-Data`: what the
    phone kept of the person before (pages, the worker, the offline queue) is gone, and nothing
    of theirs shows offline to whoever uses the browser next."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "clear_site_data", False):
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response

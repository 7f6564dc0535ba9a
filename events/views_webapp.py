"""The installable web app: the service worker's script, the manifests and the offline page."""

import hashlib
import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from . import webapp
from .decorators import camp_view


@require_safe
def service_worker(request):
    """The worker's script, at the root so that its scope covers every camp's pages.

    Browsers look for a new version at each visit; `no-cache` makes every look reach us, and the
    ETag makes an unchanged script a 304. The script names the fingerprinted static files, so a
    new deployment with any changed file is a new script."""
    script = render_to_string(
        "webapp/service_worker.js",
        {
            "precache": json.dumps([*webapp.precached_files(), reverse("offline")]),
            "offline_url": json.dumps(reverse("offline")),
            "static_url": json.dumps(settings.STATIC_URL),
            "media_url": json.dumps(settings.MEDIA_URL),
            "keep_header": json.dumps(webapp.KEEP_HEADER),
            "keep": json.dumps(webapp.KEEP),
        },
    )
    etag = '"' + hashlib.sha256(script.encode()).hexdigest()[:32] + '"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    patch_cache_control(response, no_cache=True)
    return response


def _manifest_response(data):
    return JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


@require_safe
@cache_control(max_age=3600, public=True)
def site_manifest(request):
    """The manifest of the pages outside a camp (the list of camps, the login)."""
    return _manifest_response(
        webapp.manifest(name="barcamp", start_url=reverse("events:home"), language=get_language())
    )


@require_safe
@cache_control(max_age=3600, public=True)
@camp_view
def camp_manifest(request, camp_slug):
    """A camp's manifest: installed from any of its pages, the app opens on the camp's page."""
    camp = request.camp
    return _manifest_response(
        webapp.manifest(
            name=camp.name,
            short_name=f"#{camp.hashtag}" if camp.hashtag else None,
            start_url=camp.get_absolute_url(),
            language=get_language(),
        )
    )


@require_safe
def offline(request):
    """What the worker shows for a page it has not kept when the network is gone; it fetches
    this page when it is installed."""
    return render(request, "webapp/offline.html")

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from events import views as events_views
from events import views_account, views_webapp
from voting.views import privacy as voting_privacy

urlpatterns = [
    path("healthz", events_views.healthz, name="healthz"),
    path("readyz", events_views.readyz, name="readyz"),
    path("privacy/", events_views.privacy, name="privacy"),
    # The service worker at the root, so that its scope covers every camp's pages.
    path("sw.js", views_webapp.service_worker, name="service-worker"),
    path("manifest.webmanifest", views_webapp.site_manifest, name="manifest"),
    path("offline.html", views_webapp.offline, name="offline"),
    path("admin/", admin.site.urls),
    # Before allauth's own view at this address, which it wraps: one box for the e-mail address.
    path(
        "accounts/login/code/",
        views_account.request_login_code,
        name="account_request_login_code",
    ),
    path("accounts/", include("allauth.urls")),
    path("account/data/", voting_privacy.my_data, name="my-data"),
    path("i18n/", include("django.conf.urls.i18n")),
]
# Uploads are files, never pages of ours: an SVG logo opened on its own runs no script with our
# origin (deploy/nginx.conf sends the same when nginx serves them). Only SVG can carry one
# (slides are checked PDF and office files), and a sandbox would keep browsers from showing a
# PDF; every other file gets the site's own policy.
SVG_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def serve_media(request, path):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if path.lower().endswith(".svg"):
        response["Content-Security-Policy"] = SVG_CSP
    return response


if settings.DEBUG or settings.SERVE_MEDIA:
    urlpatterns.append(path(settings.MEDIA_URL.lstrip("/") + "<path:path>", serve_media))
# The camp's own paths come last: a camp slug takes the first path segment.
urlpatterns += [
    path("", include("events.urls")),
    path("", include("sessions.urls")),
    path("", include("voting.urls")),
]

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from events import views as events_views
from voting import views_privacy as voting_privacy

urlpatterns = [
    path("healthz", events_views.healthz, name="healthz"),
    path("readyz", events_views.readyz, name="readyz"),
    path("privacy/", events_views.privacy, name="privacy"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("account/data/", voting_privacy.my_data, name="my-data"),
    path("i18n/", include("django.conf.urls.i18n")),
]
if settings.DEBUG or settings.SERVE_MEDIA:
    urlpatterns.append(
        path(
            settings.MEDIA_URL.lstrip("/") + "<path:path>",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )
# The camp's own paths come last: a camp slug takes the first path segment.
urlpatterns += [
    path("", include("events.urls")),
    path("", include("sessions.urls")),
    path("", include("voting.urls")),
]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Camps")

    def ready(self):
        from barcamp.live import versions

        from . import live, row_caches, sponsors, webapp

        # The project's live plumbing knows no app: it is handed the camp's topics and what a
        # live page reads with them.
        versions.declare_topics(*live.ALL, coalesced=live.COALESCED)
        versions.read_ahead_also(row_caches.read_ahead_keys)
        row_caches.connect_signals()
        sponsors.connect_signals()
        webapp.connect_signals()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Camps")

    def ready(self):
        from . import accounts, camp_cache, participant_cache, sponsors, webapp

        accounts.connect_signals()
        camp_cache.connect_signals()
        participant_cache.connect_signals()
        sponsors.connect_signals()
        webapp.connect_signals()

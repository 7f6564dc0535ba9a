from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.admin import CampChildAdmin, OrganizerPermissionsMixin

from . import services
from .models import Session, SessionHost


class SessionHostInline(OrganizerPermissionsMixin, admin.TabularInline):
    model = SessionHost
    extra = 0
    fields = ["participant", "is_proposer"]
    raw_id_fields = ["participant"]


@admin.register(Session)
class SessionAdmin(CampChildAdmin):
    list_display = ["title", "camp", "day", "format", "status", "hidden", "pitch_position"]
    list_filter = ["camp", "day", "format", "status", "hidden"]
    search_fields = ["title", "description"]
    list_select_related = ["camp"]
    inlines = [SessionHostInline]
    readonly_fields = ["merged_into", "created_at", "updated_at"]
    fields = [
        "camp",
        "title",
        "description",
        "format",
        "language",
        "tags",
        "length",
        "day",
        "status",
        "hidden",
        "pitch_position",
        "merged_into",
        "created_at",
        "updated_at",
    ]
    actions = ["hide", "show"]

    @admin.action(description=_("Hide the selected sessions"))
    def hide(self, request, queryset):
        for session in queryset:
            services.set_hidden(session=session, hidden=True)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("%(count)d session hidden.", "%(count)d sessions hidden.", count)
            % {"count": count},
        )

    @admin.action(description=_("Show the selected sessions again"))
    def show(self, request, queryset):
        for session in queryset:
            services.set_hidden(session=session, hidden=False)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("%(count)d session visible again.", "%(count)d sessions visible again.", count)
            % {"count": count},
        )

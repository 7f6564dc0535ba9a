from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.admin import CampChildAdmin, OrganizerPermissionsMixin
from events.models import Camp, Participant

from . import services
from .models import Session, SessionHost


class SessionHostFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        """A session's hosts are Teilgeber of its camp (once the form has a camp)."""
        super().add_fields(form, index)
        field = form.fields["participant"]
        if self.instance.camp_id is not None:
            field.queryset = field.queryset.filter(camp_id=self.instance.camp_id)
        field.error_messages = {
            **field.error_messages,
            "invalid_choice": _("Only a Teilgeber of the session’s camp can host it."),
        }


class SessionHostInline(OrganizerPermissionsMixin, admin.TabularInline):
    model = SessionHost
    formset = SessionHostFormSet
    extra = 0
    fields = ["participant", "is_proposer"]
    # Searched among the Teilgeber the user may see (ParticipantAdmin), and a chosen one is
    # named only from them: a raw id's label would name anybody of any camp.
    autocomplete_fields = ["participant"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "participant":
            kwargs["queryset"] = Participant.objects.filter(
                camp__in=Camp.objects.organized_by(request.user)
            ).select_related("camp")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Session)
class SessionAdmin(CampChildAdmin):
    list_display = ["title", "camp", "day", "format", "status", "hidden", "pitch_position"]
    list_filter = ["camp", "day", "format", "status", "hidden"]
    search_fields = ["title", "description"]
    list_select_related = ["camp"]
    ordering = ["-created_at"]  # the model's, kept when the voting app annotates counts
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

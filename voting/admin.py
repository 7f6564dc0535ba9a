import json

from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.admin import CampAdmin as BaseCampAdmin
from events.admin import CampChildAdmin
from events.models import Camp
from sessions.admin import SessionAdmin as BaseSessionAdmin
from sessions.models import Session

from .models import VotingDay
from .plenum import services
from .records import backup, privacy

# The camp admin gains erasure after the camp, which needs to know what voting holds.
admin.site.unregister(Camp)


@admin.register(Camp)
class CampAdmin(BaseCampAdmin):
    actions = [*BaseCampAdmin.actions, "download_backup", "erase_personal_data"]

    @admin.action(description=_("Download a backup of the selected camp (JSON)"))
    def download_backup(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one camp to back up."), messages.ERROR)
            return None
        camp = queryset.get()
        response = HttpResponse(
            json.dumps(backup.export_camp(camp=camp), ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{camp.slug}-{timezone.localdate()}.json"'
        )
        return response

    @admin.action(
        description=_("Erase the personal data of the selected past camps (the programme stays)")
    )
    def erase_personal_data(self, request, queryset):
        for camp in queryset:
            try:
                count = privacy.erase_camp_personal_data(camp=camp)
            except privacy.ErasureError:
                self.message_user(
                    request,
                    _("%(camp)s is not over yet: nothing erased.") % {"camp": camp},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    _("%(camp)s: %(count)d Teilgeber records with their votes erased.")
                    % {"camp": camp, "count": count},
                )


# The session admin shown to organizers gains what only the voting app knows: vote counts
# and merging duplicates (which moves votes).
admin.site.unregister(Session)


@admin.register(Session)
class SessionAdmin(BaseSessionAdmin):
    list_display = [*BaseSessionAdmin.list_display, "vote_count"]
    actions = [*BaseSessionAdmin.actions, "merge_into_oldest"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(vote_count=Count("votes", distinct=True))

    @admin.display(description=_("votes"), ordering="vote_count")
    def vote_count(self, session):
        return session.vote_count

    @admin.action(description=_("Merge the selected duplicates into the oldest of them"))
    def merge_into_oldest(self, request, queryset):
        sessions = list(queryset.order_by("created_at", "pk"))
        if len(sessions) < 2:
            self.message_user(request, _("Select at least two sessions to merge."), messages.ERROR)
            return
        keep, *duplicates = sessions
        try:
            for duplicate in duplicates:
                services.merge_sessions(keep=keep, duplicate=duplicate)
        except services.PitchError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(
            request,
            _("Merged %(count)d sessions into “%(title)s”.")
            % {"count": len(duplicates), "title": keep.title},
        )


@admin.register(VotingDay)
class VotingDayAdmin(CampChildAdmin):
    list_display = ["camp", "date", "state", "changed_at"]
    list_filter = ["camp", "state"]
    list_editable = ["state"]

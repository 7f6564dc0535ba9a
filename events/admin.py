import datetime

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import door, live, services
from .forms import CampAdminForm, GenerateSlotsForm, NextCampForm, RoomForm, SponsorForm
from .models import Camp, Participant, Room, Series, Slot, Sponsor, is_organizer_role


class OrganizerPermissionsMixin:
    """
    Organizers work without Django's model permissions: a staff user may manage the camps
    they organize and everything in them; a superuser manages every camp. The querysets
    below hide other camps, so their objects are "not found", not "forbidden".
    """

    def has_module_permission(self, request):
        return is_organizer_role(request.user)

    def has_view_permission(self, request, obj=None):
        return is_organizer_role(request.user)

    def has_change_permission(self, request, obj=None):
        return is_organizer_role(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_organizer_role(request.user)

    def has_add_permission(self, request, *args):
        return is_organizer_role(request.user)


def organizer_choices(user_model, user):
    """Whom the user may make an organizer of a camp: themself and the staff they already
    organize a camp with; a superuser (who gives staff status) anyone on the staff. Every other
    staff user stays unnamed to an organizer."""
    staff = user_model.objects.filter(is_staff=True, is_active=True)
    if user.is_superuser:
        return staff
    return staff.filter(Q(pk=user.pk) | Q(organized_camps__organizers=user)).distinct()


class LivePagesFollowMixin:
    """
    What organizers change in the admin reaches the live pages (projector, phones, door signs)
    with their next poll: each change gives the camp's live topics new tokens.
    """

    @staticmethod
    def _camp_of(obj):
        return obj if isinstance(obj, Camp) else obj.camp

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        live.mark_changed(self._camp_of(obj).slug)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        live.mark_changed(self._camp_of(form.instance).slug)

    def delete_model(self, request, obj):
        slug = self._camp_of(obj).slug
        super().delete_model(request, obj)
        live.mark_changed(slug)

    def delete_queryset(self, request, queryset):
        slugs = {self._camp_of(obj).slug for obj in queryset}
        super().delete_queryset(request, queryset)
        for slug in slugs:
            live.mark_changed(slug)


class CampChildAdmin(LivePagesFollowMixin, OrganizerPermissionsMixin, admin.ModelAdmin):
    """Admin of a model with a `camp` foreign key: scoped to the user's camps."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("camp")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(camp__organizers=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "camp":
            kwargs["queryset"] = Camp.objects.organized_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_list_filter(self, request):
        # Django's filter of a foreign key lists every row of the related table: every camp,
        # unlisted ones included. This one lists the camps of the rows the user may see.
        return [
            ("camp", admin.RelatedOnlyFieldListFilter) if entry == "camp" else entry
            for entry in super().get_list_filter(request)
        ]


class SlotInlineFormSet(BaseInlineFormSet):
    def clean(self):
        """No two of the camp's slots overlap on one day (checked across all rows at once)."""
        super().clean()
        spans = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            if data.get("date") and data.get("start") and data.get("end"):
                spans.append((data["date"], data["start"], data["end"], form))
        spans.sort(key=lambda span: span[:3])
        for (date_a, start_a, end_a, _form), (date_b, start_b, end_b, form_b) in zip(
            spans, spans[1:], strict=False
        ):
            if date_a == date_b and start_b < end_a:
                message = _(
                    "%(date)s: the slot %(start_b)s–%(end_b)s overlaps the slot %(start_a)s–%(end_a)s."
                ) % {
                    "date": date_a,
                    "start_a": f"{start_a:%H:%M}",
                    "end_a": f"{end_a:%H:%M}",
                    "start_b": f"{start_b:%H:%M}",
                    "end_b": f"{end_b:%H:%M}",
                }
                form_b.add_error(None, message)
                raise ValidationError(message)


class SlotInline(OrganizerPermissionsMixin, admin.TabularInline):
    model = Slot
    formset = SlotInlineFormSet
    extra = 0
    fields = ["date", "start", "end", "kind", "title"]


class RoomInline(OrganizerPermissionsMixin, admin.TabularInline):
    model = Room
    form = RoomForm
    extra = 0
    fields = ["name", "capacity", "order", "online_url", "online_only"]


class SponsorInline(OrganizerPermissionsMixin, admin.TabularInline):
    model = Sponsor
    form = SponsorForm
    extra = 0
    fields = ["name", "url", "logo", "order"]


@admin.register(Camp)
class CampAdmin(LivePagesFollowMixin, OrganizerPermissionsMixin, admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date", "visibility", "registration_open", "capacity"]
    list_filter = ["visibility", "registration_open"]
    search_fields = ["name", "slug", "hashtag"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["organizers"]
    inlines = [RoomInline, SlotInline, SponsorInline]
    change_form_template = "admin/events/camp/change_form.html"
    fieldsets = [
        (None, {"fields": ["name", "slug", "series", "description", "hashtag", "visibility"]}),
        (
            _("When and where"),
            {"fields": ["start_date", "end_date", "time_zone", "venue_name", "venue_address"]},
        ),
        (
            _("Online and hybrid"),
            {
                "fields": ["online_only", "room_links_public"],
                "description": _(
                    "A room with an online address (below, under Rooms) is hybrid, or online "
                    "only; in an online camp every room is. Phones, the plan and the calendars "
                    "show the address with its sessions."
                ),
            },
        ),
        (
            _("Registration"),
            {
                "fields": [
                    "capacity",
                    "registration_open",
                    "registration_opens_at",
                    "registration_closes_at",
                ]
            },
        ),
        (
            _("Sessions and voting"),
            {"fields": ["pitching_open", "vote_budget", "hide_counts_until_closed"]},
        ),
        (_("Wall"), {"fields": ["wall_needs_approval"]}),
        (_("Organizers"), {"fields": ["organizers"]}),
    ]

    actions = ["next_camp"]
    form = CampAdminForm

    def get_queryset(self, request):
        return super().get_queryset(request).organized_by(request.user)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.editor = request.user  # a class made for this request by modelform_factory
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "series":
            kwargs["queryset"] = Series.objects.organized_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=_("Create the next camp of its series"))
    def next_camp(self, request, queryset):
        series = {camp.series_id for camp in queryset}
        if len(series) != 1 or None in series:
            self.message_user(
                request,
                _("Select camps of one series; set the series on a camp’s page first."),
                messages.ERROR,
            )
            return None
        return redirect("admin:events_series_next_camp", series.pop())

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "organizers":
            kwargs["queryset"] = organizer_choices(db_field.related_model, request.user)
            if not request.user.is_superuser:
                kwargs["help_text"] = _(
                    "You can add whoever organizes another of your camps with you; an "
                    "administrator adds anyone else on the staff."
                )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        camp = form.instance
        # Whoever creates a camp organizes it, even if they forgot to tick themselves.
        if not change and not request.user.is_superuser:
            camp.organizers.add(request.user)
        if change and "capacity" in form.changed_data:
            promoted = services.promote_waitlisted(camp=camp)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d Teilgeber moved up from the waitlist.",
                        "%(count)d Teilgeber moved up from the waitlist.",
                        len(promoted),
                    )
                    % {"count": len(promoted)},
                )

    def response_add(self, request, obj, post_url_continue=None):
        """A camp saved without slots goes on to generating them (plain "Save" only)."""
        response = super().response_add(request, obj, post_url_continue)
        if any(key in request.POST for key in ("_continue", "_addanother", IS_POPUP_VAR)):
            return response
        if obj.slots.exists():
            return response
        return redirect("admin:events_camp_generate_slots", obj.pk)

    def get_urls(self):
        return [
            path(
                "<int:camp_id>/generate-slots/",
                self.admin_site.admin_view(self.generate_slots_view),
                name="events_camp_generate_slots",
            ),
            *super().get_urls(),
        ]

    def generate_slots_view(self, request, camp_id):
        camp = get_object_or_404(self.get_queryset(request), pk=camp_id)
        if not self.has_change_permission(request, camp):
            raise PermissionDenied
        # The organizers' checklist links to the day it is about.
        days = [day.isoformat() for day in camp.days]
        day = request.GET.get("date") if request.GET.get("date") in days else None
        form = GenerateSlotsForm(request.POST or None, camp=camp, initial={"date": day})
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    slots = services.generate_slots(camp=camp, **form.generate_kwargs())
                except services.SlotGenerationError as error:
                    form.add_error(None, str(error))
                else:
                    self.message_user(
                        request,
                        ngettext(
                            "%(count)d slot created for %(date)s.",
                            "%(count)d slots created for %(date)s.",
                            len(slots),
                        )
                        % {"count": len(slots), "date": date_format(form.cleaned_data["date"])},
                        messages.SUCCESS,
                    )
                    return redirect(
                        reverse("admin:events_camp_change", args=[camp.pk]) + "#slots-tab"
                    )
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "title": _("Generate slots for %(camp)s") % {"camp": camp},
            "camp": camp,
            "form": form,
            "opts": self.model._meta,
            "original": camp,
            "has_view_permission": True,
        }
        return TemplateResponse(
            request, "admin/events/camp/generate_slots.html", context, status=status
        )


@admin.register(Participant)
class ParticipantAdmin(CampChildAdmin):
    list_display = ["display_name", "camp", "user", "status", "checked_in_at", "status_changed_at"]
    list_filter = ["camp", "status", ("checked_in_at", admin.EmptyFieldListFilter)]
    search_fields = ["display_name", "user__email", "ticket_code"]
    list_select_related = ["camp", "user"]
    actions = ["check_in", "cancel_registrations"]
    # Status changes go through the registration services, which keep the capacity rule.
    readonly_fields = [
        "camp",
        "user",
        "status",
        "status_changed_at",
        "created_at",
        "language",
        "ticket_code",
    ]
    fields = [
        "camp",
        "user",
        "status",
        "status_changed_at",
        "ticket_code",
        "checked_in_at",
        "display_name",
        "hashtags",
        "bio",
        "links",
        "is_public",
        "language",
        "created_at",
    ]

    def has_add_permission(self, request, *args):
        return False

    @admin.action(description=_("Check in the selected Teilgeber"))
    def check_in(self, request, queryset):
        count = door.check_in_participants(participants=queryset)
        self.message_user(
            request,
            ngettext("%(count)d Teilgeber checked in.", "%(count)d Teilgeber checked in.", count)
            % {"count": count},
        )

    @admin.action(description=_("Cancel the registration of the selected Teilgeber"))
    def cancel_registrations(self, request, queryset):
        for participant in queryset.exclude(status=Participant.Status.CANCELLED):
            services.cancel_registration(participant=participant)
        self.message_user(request, _("Registrations cancelled; the waitlist moved up."))


@admin.register(Room)
class RoomAdmin(CampChildAdmin):
    form = RoomForm
    list_display = ["name", "camp", "capacity", "order", "online_url", "online_only"]
    list_filter = ["camp"]


@admin.register(Sponsor)
class SponsorAdmin(CampChildAdmin):
    form = SponsorForm
    list_display = ["name", "camp", "url", "order"]
    list_filter = ["camp"]


@admin.register(Series)
class SeriesAdmin(OrganizerPermissionsMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "camp_count", "next_camp_link"]
    search_fields = ["name", "slug"]
    ordering = ["name"]  # the model's ordering is lost to the count's GROUP BY
    prepopulated_fields = {"slug": ["name"]}
    change_form_template = "admin/events/series/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .organized_by(request.user)
            .annotate(camp_total=Count("camps", distinct=True))
        )

    @admin.display(description=_("camps"), ordering="camp_total")
    def camp_count(self, series):
        return series.camp_total

    @admin.display(description=_("next camp"))
    def next_camp_link(self, series):
        if not series.camp_total:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:events_series_next_camp", args=[series.pk]),
            _("New camp in this series"),
        )

    def get_urls(self):
        return [
            path(
                "<int:series_id>/next-camp/",
                self.admin_site.admin_view(self.next_camp_view),
                name="events_series_next_camp",
            ),
            *super().get_urls(),
        ]

    def next_camp_view(self, request, series_id):
        """The organizer names the next camp and picks its dates; its setup is copied from the last one."""
        series = get_object_or_404(self.get_queryset(request), pk=series_id)
        source = series.latest_camp()
        if source is None:
            self.message_user(
                request, _("The series has no camp yet to copy from."), messages.ERROR
            )
            return redirect("admin:events_series_change", series.pk)
        if not source.is_organized_by(request.user):
            raise PermissionDenied
        form = NextCampForm(request.POST or None, initial=_next_camp_initial(source))
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    camp = services.create_next_camp(
                        series=series, user=request.user, **form.copy_kwargs()
                    )
                except services.CampCopyError as error:
                    form.add_error(None, str(error))
                    status = 409
                else:
                    self.message_user(request, _next_camp_message(source, camp), messages.SUCCESS)
                    return redirect("admin:events_camp_change", camp.pk)
            else:
                status = 400
        context = {
            **self.admin_site.each_context(request),
            "title": _("New camp in %(series)s") % {"series": series},
            "series": series,
            "source": source,
            "form": form,
            "opts": self.model._meta,
            "original": series,
            "has_view_permission": True,
        }
        return TemplateResponse(
            request, "admin/events/series/next_camp.html", context, status=status
        )


def _next_camp_initial(source):
    """Suggestions: the last camp's name and hashtag with the next year in them."""
    later = datetime.date(source.start_date.year + 1, 1, 1)
    name = source.name.replace(str(source.start_date.year), str(later.year))
    return {
        "name": name if name != source.name else "",
        "hashtag": services.next_hashtag(
            source.hashtag, old_date=source.start_date, new_date=later
        ),
    }


def _next_camp_message(source, camp):
    """What the copy did, for the organizer: which day got the slots of which old day."""
    mapping = services.day_mapping(source.days, camp.days)
    days = ", ".join(f"{new:%d.%m.} ← {old:%d.%m.}" for new, old in mapping.items())
    message = _(
        "“%(camp)s” is set up like “%(source)s”: %(rooms)d rooms, %(slots)d slots (%(days)s), "
        "%(sponsors)d sponsors. Nobody is registered yet."
    ) % {
        "camp": camp,
        "source": source,
        "rooms": camp.rooms.count(),
        "slots": camp.slots.count(),
        "days": days,
        "sponsors": camp.sponsors.count(),
    }
    if len(camp.days) > len(source.days):
        message += " " + _("Its extra days repeat the slots of the last day of “%(source)s”.") % {
            "source": source
        }
    elif len(camp.days) < len(source.days):
        message += " " + _("The later days of “%(source)s” are left out.") % {"source": source}
    return message

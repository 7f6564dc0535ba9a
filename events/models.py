import datetime
import secrets
import zoneinfo
from typing import NamedTuple

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from barcamp.live.rows import ForgetOnUpdate

# Camp slugs share the URL root with the app's own paths.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "accounts",
        "account",
        "static",
        "media",
        "healthz",
        "readyz",
        "i18n",
        "api",
        "privacy",
        "series",
    }
)


def is_organizer_role(user):
    """Staff users organize camps: the admin, where organizers work, offers only them as a
    camp's organizers. Which camps, is decided per camp; asked first, it spares a Teilgeber's
    page the query."""
    return user.is_active and (user.is_staff or user.is_superuser)


def new_token():
    return secrets.token_urlsafe(16)


# No 0/O, 1/I/L: a code read aloud or typed from a phone screen at the door cannot be misread.
TICKET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TICKET_CODE_LENGTH = 6


def new_ticket_code():
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_CODE_LENGTH))


def normalize_ticket_code(value):
    """A code as typed (any case, with spaces or dashes) in its stored form, or "" if it cannot be one."""
    code = "".join(ch for ch in str(value).upper() if ch not in " -")
    if len(code) != TICKET_CODE_LENGTH or any(ch not in TICKET_ALPHABET for ch in code):
        return ""
    return code


def validate_camp_slug(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved, please choose another."), params={"slug": value}
        )


ONLINE_URL_MESSAGE = _(
    "Enter the full address of the video conference, beginning with https:// (or http://)."
)
# A conference link is followed from a Teilgeber's phone: nothing but a web address (no
# javascript:, no ftp:).
validate_online_url = URLValidator(schemes=["http", "https"], message=ONLINE_URL_MESSAGE)


def is_web_address(value):
    return str(value).lower().startswith(("https://", "http://"))


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class SeriesQuerySet(ForgetOnUpdate):
    def organized_by(self, user):
        """The series a user manages: those with a camp they organize, and new ones without camps."""
        if user.is_superuser:
            return self.all()
        return self.filter(Q(camps__organizers=user) | Q(camps__isnull=True)).distinct()


class Series(models.Model):
    """Camps that follow one another: the yearly camp, the Stammtisch every two months.

    Its organizers are those of its camps, so that handing a camp to a new team hands over the
    series as well; the topic wishes for the next camp belong to the series."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("short name in the address"),
        max_length=60,
        unique=True,
        help_text=_("Appears in the address of the topic wishes, e.g. /series/barcamp-koeln/."),
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = pgettext_lazy("plural", "series")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sessions:wishes", kwargs={"series_slug": self.slug})

    def latest_camp(self):
        """The camp a new camp of the series copies: the one that starts last."""
        return self.camps.order_by("-start_date", "-pk").first()

    def is_organized_by(self, user):
        if not is_organizer_role(user):
            return False
        return user.is_superuser or self.camps.filter(organizers=user).exists()

    def has_teilgeber(self, user):
        """Whether the user is, or was, a Teilgeber of one of its camps (registered or waitlisted)."""
        if not user.is_authenticated:
            return False
        return (
            Participant.objects.filter(user=user, camp__series=self)
            .exclude(status=Participant.Status.CANCELLED)
            .exists()
        )

    def next_camp(self, *, today=None):
        """The camp of the series that has not ended yet and starts first, or None."""
        return self.camps.upcoming(today=today).order_by("start_date", "pk").first()


class CampQuerySet(ForgetOnUpdate):
    def listed(self):
        return self.filter(visibility=Camp.Visibility.LISTED)

    def upcoming(self, *, today=None):
        return self.filter(end_date__gte=today or timezone.localdate())

    def organized_by(self, user):
        if user.is_superuser:
            return self.all()
        return self.filter(organizers=user)


class CampFacts(NamedTuple):
    """What every visitor of the camp page sees of the camp, as plain values: a part of a page
    rendered from them can be kept under them (`{% shared %}`) and is new when one changes."""

    slug: str
    name: str
    start_date: datetime.date
    end_date: datetime.date
    venue_name: str
    venue_address: str
    hashtag: str
    description: str
    online_only: bool


class Camp(models.Model):
    class Visibility(models.TextChoices):
        LISTED = "listed", _("listed on the start page")
        UNLISTED = "unlisted", _("unlisted (only with the link)")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("short name in the address"),
        max_length=60,
        unique=True,
        validators=[validate_camp_slug],
        help_text=_("Appears in every address of the camp, e.g. /barcamp-koeln-2026/."),
    )
    description = models.TextField(_("description"), blank=True)
    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="camps",
        help_text=_(
            "Camps of a series share topic wishes; a new camp copies the last one's setup."
        ),
    )
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.TextField(_("address of the venue"), blank=True)
    online_only = models.BooleanField(
        _("online only"),
        default=False,
        help_text=_("No venue: every room meets at its online address (a video conference)."),
    )
    room_links_public = models.BooleanField(
        _("the rooms’ online addresses are public"),
        default=False,
        help_text=_(
            "Off: only registered Teilgeber (and the organizers) see the links of the online "
            "rooms, on their phones and in their own calendar. On: everybody, also in the public "
            "calendar and the schedule exports."
        ),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Berlin", validators=[validate_time_zone]
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    hashtag = models.CharField(
        _("hashtag"), max_length=60, blank=True, help_text=_("Without the #, e.g. bcko26.")
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        validators=[MinValueValidator(1)],
        help_text=_("How many Teilgeber can register; everybody after that joins the waitlist."),
    )
    registration_open = models.BooleanField(_("registration open"), default=True)
    registration_opens_at = models.DateTimeField(_("registration opens at"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(
        _("registration closes at"), null=True, blank=True
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility, default=Visibility.LISTED
    )
    pitching_open = models.BooleanField(
        _("pitching open"),
        default=True,
        help_text=_("Registered Teilgeber may propose sessions."),
    )
    vote_budget = models.PositiveSmallIntegerField(
        _("votes per Teilgeber"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Dot voting: how many sessions each Teilgeber may vote for. Empty: no limit."),
    )
    hide_counts_until_closed = models.BooleanField(
        _("hide vote counts until voting closes"),
        default=False,
        help_text=_("So that early votes do not steer the rest."),
    )
    wall_needs_approval = models.BooleanField(
        _("posts on the wall wait for approval"),
        default=True,
        help_text=_(
            "On: a Teilgeber's post reaches the wall and the projector once an organizer approves "
            "it. Off: at once; organizers can still hide it."
        ),
    )
    organizers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organizers"),
        related_name="organized_camps",
        blank=True,
        help_text=_("They manage this camp in the admin. They need “staff status”."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampQuerySet.as_manager()

    class Meta:
        verbose_name = _("camp")
        verbose_name_plural = _("camps")
        ordering = ["start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="camp_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="camp_capacity_positive"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:camp", kwargs={"camp_slug": self.slug})

    @property
    def facts(self):
        return CampFacts(*(getattr(self, name) for name in CampFacts._fields))

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot be before the first day.")})
        if self.online_only and (self.venue_name or self.venue_address):
            raise ValidationError(
                {
                    "online_only": _(
                        "An online camp has no venue: empty the venue and its address, or "
                        "untick “online only”."
                    )
                }
            )
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            raise ValidationError(
                {"registration_closes_at": _("Registration must close after it opens.")}
            )
        if self.hashtag:
            self.hashtag = self.hashtag.lstrip("#")

    @property
    def days(self):
        """The camp's days, first to last."""
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + datetime.timedelta(days=offset) for offset in range(count)]

    @cached_property
    def tz(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def is_registration_open(self, *, now=None):
        """Whether Teilgeber may join now: the switch is on and now lies in the optional window."""
        now = now or timezone.now()
        if not self.registration_open:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        if self.registration_closes_at and now >= self.registration_closes_at:
            return False
        return True

    def is_organized_by(self, user):
        if not is_organizer_role(user):
            return False
        return user.is_superuser or self.organizers.filter(pk=user.pk).exists()


class Room(models.Model):
    """A place at the venue, an online room (a video conference), or both (hybrid).

    Which one follows from two fields: a room with an online address is hybrid unless it is
    online only; every room of an online-only camp is online."""

    class Kind(models.TextChoices):
        VENUE = "venue", _("at the venue")
        HYBRID = "hybrid", _("at the venue and online")
        ONLINE = "online", _("online")

    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=80)
    capacity = models.PositiveIntegerField(
        _("capacity"), validators=[MinValueValidator(1)], help_text=_("Seats in the room.")
    )
    order = models.PositiveSmallIntegerField(
        _("order"),
        default=0,
        help_text=_("Rooms with the same number keep the order in which they were entered."),
    )
    online_url = models.URLField(
        _("online address"),
        max_length=500,
        blank=True,
        validators=[validate_online_url],
        error_messages={"invalid": ONLINE_URL_MESSAGE},
        help_text=_(
            "The video conference link (https://…) of the room. With a place at the venue the "
            "room is hybrid."
        ),
    )
    online_only = models.BooleanField(
        _("online only"),
        default=False,
        help_text=_("No place at the venue: the room meets only at its online address."),
    )

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        # Columns on the board, the projector and the plan: as entered, unless numbered.
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["camp", "name"], name="room_name_unique_per_camp"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="room_capacity_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def kind(self):
        # Rooms read through `camp.rooms` know their camp: no query.
        if self.online_only or self.camp.online_only:
            return self.Kind.ONLINE
        return self.Kind.HYBRID if self.online_url else self.Kind.VENUE

    @property
    def marked_kind(self):
        """What the mark beside the room's name says: nothing for a room at the venue, nor in an
        online camp, where every room is online."""
        kind = self.kind
        return "" if kind == self.Kind.VENUE or self.camp.online_only else kind

    @property
    def join_url(self):
        """The online address to link, or "": only a web address is ever a link (a row written
        around the form's check, by an import, is not trusted)."""
        return self.online_url if is_web_address(self.online_url) else ""


class SlotQuerySet(models.QuerySet):
    def overlapping(self, *, camp, date, start, end):
        """Slots of the camp on that date whose time span overlaps [start, end)."""
        return self.filter(camp=camp, date=date, start__lt=end, end__gt=start)


class Slot(models.Model):
    class Kind(models.TextChoices):
        SESSIONS = "sessions", _("sessions")
        BREAK = "break", _("break")
        PLENUM = "plenum", _("plenum")

    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="slots")
    date = models.DateField(_("day"))
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    kind = models.CharField(
        pgettext_lazy("slot", "kind"), max_length=10, choices=Kind, default=Kind.SESSIONS
    )
    title = models.CharField(
        _("title"), max_length=80, blank=True, help_text=_("Optional, e.g. “Lunch”.")
    )

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("time span", "slot")
        verbose_name_plural = pgettext_lazy("time span", "slots")
        ordering = ["date", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="slot_ends_after_start"
            ),
        ]

    def __str__(self):
        label = f"{self.date:%Y-%m-%d} {self.start:%H:%M}–{self.end:%H:%M}"
        return f"{label} {self.title}" if self.title else label

    @property
    def takes_sessions(self):
        return self.kind == self.Kind.SESSIONS

    def clean(self):
        """A slot ends after it starts and lies on a day of its camp.

        Overlaps are a rule across a day's slots: the admin's slot formset and the slot
        services check them, since a single row cannot see the rows saved beside it.
        """
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("A slot must end after it starts.")
        try:
            camp = self.camp
        except Camp.DoesNotExist:
            camp = None
        if camp and camp.start_date and camp.end_date and self.date:
            if not camp.start_date <= self.date <= camp.end_date:
                errors["date"] = _(
                    "The day must be one of the camp’s days (%(first)s to %(last)s)."
                ) % {
                    "first": camp.start_date,
                    "last": camp.end_date,
                }
        if errors:
            raise ValidationError(errors)


class Sponsor(models.Model):
    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="sponsors")
    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("link"), blank=True)
    # New logos are checked by their content and SVG is refused (events.uploads; SponsorForm
    # says so in its help text). The extensions still allow SVG so that a logo stored before
    # never blocks a save.
    logo = models.FileField(
        _("logo"),
        upload_to="sponsors/",
        blank=True,
        validators=[FileExtensionValidator(["svg", "png", "jpg", "jpeg", "webp"])],
        help_text=_("SVG, PNG, JPEG or WebP."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsors")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class ParticipantQuerySet(ForgetOnUpdate):
    def registered(self):
        return self.filter(status=Participant.Status.REGISTERED)

    def waitlisted(self):
        return self.filter(status=Participant.Status.WAITLISTED)

    def active(self):
        """Registered or waitlisted: everyone who has not cancelled."""
        return self.exclude(status=Participant.Status.CANCELLED)

    def public(self):
        """Registered Teilgeber who opted in to the camp's public list."""
        return self.registered().filter(is_public=True)

    def waitlist_order(self):
        return self.waitlisted().order_by("status_changed_at", "pk")


class Participant(models.Model):
    """A Teilgeber: one person registered for one camp, with how they introduce themself."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        WAITLISTED = "waitlisted", _("on the waitlist")
        CANCELLED = "cancelled", _("cancelled")

    MAX_HASHTAGS = 3
    MAX_LINKS = 5

    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status)
    # The waitlist is ordered by this: whoever (re)joined first moves up first.
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    # The short code on the Teilgeber's ticket and in its QR code; unique within the camp.
    ticket_code = models.CharField(
        _("ticket code"), max_length=TICKET_CODE_LENGTH, default=new_ticket_code, editable=False
    )
    display_name = models.CharField(_("display name"), max_length=80)
    hashtags = models.JSONField(_("hashtags"), default=list, blank=True)
    bio = models.TextField(_("about me"), max_length=500, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    is_public = models.BooleanField(
        _("show me in the camp’s public list of Teilgeber"), default=False
    )
    # The secret in the address of the Teilgeber's personal calendar feed.
    calendar_token = models.CharField(max_length=32, default=new_token, editable=False)
    # The language of the user's pages when they registered: their e-mails use it.
    language = models.CharField(max_length=10, default=settings.LANGUAGE_CODE)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("Teilgeber")
        verbose_name_plural = _("Teilgeber")
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["camp", "user"], name="one_participant_per_user_and_camp"
            ),
            models.UniqueConstraint(
                fields=["camp", "ticket_code"], name="ticket_code_unique_per_camp"
            ),
        ]
        indexes = [models.Index(fields=["camp", "status", "status_changed_at"])]

    def __str__(self):
        return self.display_name

    @property
    def is_registered(self):
        return self.status == self.Status.REGISTERED

    @property
    def is_waitlisted(self):
        return self.status == self.Status.WAITLISTED

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def is_checked_in(self):
        return self.checked_in_at is not None

    @property
    def ticket_code_display(self):
        """The code in two groups of three, easier to read out: "K7M 4QX"."""
        half = len(self.ticket_code) // 2
        return f"{self.ticket_code[:half]} {self.ticket_code[half:]}"

    def get_door_url(self):
        return reverse(
            "events:door-ticket", kwargs={"camp_slug": self.camp.slug, "code": self.ticket_code}
        )


# --- The wall: Teilgeber's posts and the organizers' announcements ---------------------------

WALL_TEXT_LENGTH = 280


class AnnouncementQuerySet(models.QuerySet):
    def pinned(self):
        return self.filter(pinned=True)


class Announcement(models.Model):
    """A line from the organizers, pinned on top of the wall, the phones' pages and the projector."""

    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="announcements")
    text = models.CharField(_("announcement"), max_length=WALL_TEXT_LENGTH)
    pinned = models.BooleanField(_("pinned"), default=True)
    # The form's one-time token: a second click on the same form finds the first announcement.
    nonce = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["camp", "nonce"],
                condition=~Q(nonce=""),
                name="one_announcement_per_form",
            ),
        ]

    def __str__(self):
        return self.text


class WallPostQuerySet(models.QuerySet):
    def shown(self):
        return self.filter(status=WallPost.Status.SHOWN)

    def visible_to(self, *, participant=None, is_organizer=False):
        """What a viewer sees: shown posts, their own in any state; organizers see everything."""
        if is_organizer:
            return self.all()
        if participant is None:
            return self.shown()
        return self.filter(Q(status=WallPost.Status.SHOWN) | Q(participant=participant))


class WallPost(models.Model):
    """A Teilgeber's short message on the camp's wall: text only, shown after approval or at once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        SHOWN = "shown", _("shown")
        HIDDEN = "hidden", _("hidden by the organizers")

    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="wall_posts")
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("Teilgeber"),
        on_delete=models.CASCADE,
        related_name="wall_posts",
    )
    text = models.CharField(_("text"), max_length=WALL_TEXT_LENGTH)
    status = models.CharField(_("status"), max_length=10, choices=Status)
    # The form's one-time token: a double tap on "Post" finds the first post instead of a twin.
    nonce = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)

    objects = WallPostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post on the wall")
        verbose_name_plural = _("posts on the wall")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "nonce"],
                condition=~Q(nonce=""),
                name="one_wall_post_per_form",
            ),
        ]
        indexes = [models.Index(fields=["camp", "status", "created_at"])]

    def __str__(self):
        return f"{self.participant}: {self.text[:40]}"

    @property
    def is_shown(self):
        return self.status == self.Status.SHOWN

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def is_hidden(self):
        return self.status == self.Status.HIDDEN


class Notification(models.TextChoices):
    """The kinds of e-mail the app sends a Teilgeber."""

    # Transactional: the answer to the person's own click, or news about a seat they hold.
    REGISTRATION = "registration", _("my registration and the waitlist")
    SESSION_PLACED = "session_placed", _("my session was placed or moved")
    PLAN_PUBLISHED = "plan_published", _("the plan of a day is published")
    REMINDER = "reminder", _("a reminder the day before the camp")
    WISH_TAKEN_UP = "wish_taken_up", _("somebody takes up a topic I wished for")


class NotificationSettings(models.Model):
    """Which optional e-mails a person gets, for every camp alike; no row means the defaults."""

    # Kinds a person may switch off; registration mails cannot be (see DEFAULTS' docstring).
    OPTIONAL = (
        Notification.SESSION_PLACED,
        Notification.PLAN_PUBLISHED,
        Notification.REMINDER,
        Notification.WISH_TAKEN_UP,
    )
    # What a person gets before choosing: news about their own session, the reminder and their
    # wishes are on; the plan of every day is a broadcast, so it waits for an opt-in.
    DEFAULTS = {
        Notification.SESSION_PLACED: True,
        Notification.PLAN_PUBLISHED: False,
        Notification.REMINDER: True,
        Notification.WISH_TAKEN_UP: True,
    }

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    session_placed = models.BooleanField(
        Notification.SESSION_PLACED.label, default=DEFAULTS[Notification.SESSION_PLACED]
    )
    plan_published = models.BooleanField(
        Notification.PLAN_PUBLISHED.label, default=DEFAULTS[Notification.PLAN_PUBLISHED]
    )
    reminder = models.BooleanField(
        Notification.REMINDER.label, default=DEFAULTS[Notification.REMINDER]
    )
    wish_taken_up = models.BooleanField(
        Notification.WISH_TAKEN_UP.label, default=DEFAULTS[Notification.WISH_TAKEN_UP]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return str(self.user)

    @classmethod
    def for_user(cls, user):
        """The user's settings, unsaved defaults if they never chose."""
        return cls.objects.filter(user=user).first() or cls(user=user)

    def wants(self, kind):
        return kind not in self.OPTIONAL or getattr(self, kind)

    @classmethod
    def wanting(cls, kind, *, user_field="user"):
        """A filter for a queryset: the rows whose user wants this kind of mail (one join)."""
        if kind not in cls.OPTIONAL:
            return Q()
        lookup = f"{user_field}__notification_settings__{kind}"
        if cls.DEFAULTS[kind]:
            return ~Q(**{lookup: False})
        return Q(**{lookup: True})


class SentNotification(models.Model):
    """One e-mail that went out, so that a task run twice (a retry, a second cron run) sends it once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_notifications"
    )
    camp = models.ForeignKey(
        Camp, null=True, blank=True, on_delete=models.CASCADE, related_name="sent_notifications"
    )
    kind = models.CharField(max_length=20, choices=Notification)
    # What the mail was about, e.g. "reminder" or "plan:2026-05-02:v3".
    key = models.CharField(max_length=120)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="one_mail_per_occasion"),
        ]

    def __str__(self):
        return f"{self.user} {self.kind} {self.key}"


class LoginSession(AbstractBaseSession):
    """
    A browser's Django session (events.login_sessions), with the id of the user logged in there,
    so that deleting an account can end all its sessions. An integer, not a foreign key: a
    session is saved by requests that run beside the deletion, which must not fail on a user
    that has just gone.
    """

    user_id = models.BigIntegerField(null=True, db_index=True)

    @classmethod
    def get_session_store_class(cls):
        from .login_sessions.db import SessionStore

        return SessionStore

import functools
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.models import Camp, Participant, Series


@functools.lru_cache(maxsize=8192)
def _session_url(camp_slug, session_id, script_prefix, urlconf):
    # Grids and lists link every session, often twice: reverse() once per session, not per link.
    return reverse(
        "voting:session-detail", kwargs={"camp_slug": camp_slug, "session_id": session_id}
    )


def new_invite_token():
    return secrets.token_urlsafe(16)


class SessionQuerySet(models.QuerySet):
    def visible(self):
        """What Teilgeber see and vote on: not hidden by the organizers, not withdrawn or merged."""
        return self.filter(hidden=False).exclude(status=Session.Status.WITHDRAWN)

    def on_day(self, date):
        return self.filter(day=date)

    def pitch_queue(self, *, camp, date):
        """The day's visible sessions in the order their hosts pitch them."""
        return (
            self.filter(camp=camp, day=date)
            .visible()
            .order_by("pitch_position", "created_at", "pk")
        )

    def hosted_by(self, participant):
        return self.filter(hosts__participant=participant)


class Session(models.Model):
    """A session a Teilgeber proposes for one day of the camp: a talk, a discussion, a workshop."""

    class Format(models.TextChoices):
        TALK = "talk", _("talk")
        DISCUSSION = "discussion", _("discussion")
        WORKSHOP = "workshop", _("workshop")
        OTHER = "other", _("other")

    class Language(models.TextChoices):
        GERMAN = "de", _("German")
        ENGLISH = "en", _("English")
        OTHER = "other", _("other language")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        PLACED = "placed", _("placed")
        HELD = "held", _("held")
        WITHDRAWN = "withdrawn", _("withdrawn")

    MAX_TAGS = 5
    MAX_COHOSTS = 3

    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(
        _("description"),
        max_length=2000,
        blank=True,
        help_text=_("Markdown: **bold**, _italic_, lists, links."),
    )
    format = models.CharField(_("format"), max_length=12, choices=Format, default=Format.DISCUSSION)
    language = models.CharField(
        _("language"), max_length=8, choices=Language, default=Language.GERMAN
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    length = models.PositiveSmallIntegerField(
        _("length in slots"),
        choices=[(1, _("one slot")), (2, _("two slots in a row"))],
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(2)],
    )
    day = models.DateField(_("day"), help_text=_("The day of the camp the session is pitched for."))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PROPOSED)
    hidden = models.BooleanField(
        _("hidden"),
        default=False,
        help_text=_("Hidden by the organizers: nobody else sees it or votes on it."),
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_duplicates",
    )
    pitch_position = models.PositiveIntegerField(_("pitch position"), default=0, db_index=True)
    # Whoever holds this secret link may join as co-host (shared by the host, never listed).
    invite_token = models.CharField(max_length=32, default=new_invite_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("barcamp", "session")
        verbose_name_plural = pgettext_lazy("barcamp", "sessions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(length__in=[1, 2]), name="session_length_one_or_two"
            ),
        ]
        indexes = [models.Index(fields=["camp", "day", "pitch_position"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return _session_url(self.camp.slug, self.pk, get_script_prefix(), get_urlconf())

    @property
    def is_visible(self):
        return not self.hidden and self.status != self.Status.WITHDRAWN

    @property
    def is_withdrawn(self):
        return self.status == self.Status.WITHDRAWN


class SessionHost(models.Model):
    """A Teilgeber who holds a session: the one who proposed it, or a co-host who accepted the invitation."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="hosts")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="hosted_sessions"
    )
    is_proposer = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("host")
        verbose_name_plural = _("hosts")
        ordering = ["-is_proposer", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="one_host_row_per_person"
            ),
        ]

    def __str__(self):
        return str(self.participant)


# --- Documentation: notes, their revisions, links and slides -----------------------------------


class SessionNotes(models.Model):
    """A session's notes, the camp's record of it: the current Markdown text and its revision number.

    The text is a copy of the newest revision, so pages read one row; every save adds a revision.
    """

    MAX_LENGTH = 50_000

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("notes"), blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("session notes")
        verbose_name_plural = _("session notes")

    def __str__(self):
        return f"{self.session} (r{self.revision})"


class NoteRevision(models.Model):
    """One saved version of a session's notes: the whole text, who saved it and when.

    The author is kept as the account (organizers may write without a Teilgeber record); which
    name the pages show follows the author's choice for the camp's public list.
    """

    notes = models.ForeignKey(SessionNotes, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    text = models.TextField(_("text"), blank=True)
    # Null once the account is deleted or the camp's personal data erased: "deleted Teilgeber".
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="note_revisions",
    )
    # Saved over someone else's newer revision and merged with it automatically.
    merged = models.BooleanField(_("merged automatically"), default=False)
    lines_added = models.PositiveIntegerField(default=0)
    lines_removed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("revision of the notes")
        verbose_name_plural = _("revisions of the notes")
        ordering = ["notes", "-number"]
        constraints = [
            # Two saves at the same moment cannot both become revision n.
            models.UniqueConstraint(fields=["notes", "number"], name="one_revision_per_number"),
        ]

    def __str__(self):
        return f"{self.notes.session} r{self.number}"


def slides_upload_to(instance, filename):
    """A random file name under the camp: an upload never replaces or reveals another."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"slides/{instance.session.camp.slug}/{secrets.token_hex(12)}.{extension}"


class SessionLink(models.Model):
    """A link or the slides that a host attached to a session: a web address, or an uploaded file."""

    class Kind(models.TextChoices):
        LINK = "link", _("link")
        SLIDES = "slides", _("slides")

    MAX_PER_SESSION = 20
    SLIDES_EXTENSIONS = ("pdf", "pptx", "ppt", "odp", "key")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.LINK)
    title = models.CharField(_("title"), max_length=120)
    url = models.URLField(_("address"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=slides_upload_to, max_length=200, blank=True)
    # SHA-256 of the uploaded file: the same file sent twice (a double tap) is stored once.
    checksum = models.CharField(max_length=64, blank=True, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="session_links",
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("link or slides")
        verbose_name_plural = _("links and slides")
        ordering = ["session", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="") & Q(kind="slides")) | (~Q(url="") & Q(file="")),
                name="session_link_is_an_address_or_a_file",
            ),
            models.UniqueConstraint(
                fields=["session", "url"], condition=~Q(url=""), name="one_link_per_address"
            ),
            models.UniqueConstraint(
                fields=["session", "checksum"],
                condition=~Q(checksum=""),
                name="one_upload_per_file",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def href(self):
        return self.file.url if self.file else self.url


class TopicWishQuerySet(models.QuerySet):
    def visible(self):
        """Not hidden by the organizers."""
        return self.filter(hidden=False)

    def open(self):
        """Visible and not yet taken up as a session: what the next camp's session list offers."""
        return self.visible().filter(session__isnull=True)


class TopicWish(models.Model):
    """A topic Teilgeber of a series wish for its next camp; somebody may take it up as their session."""

    MAX_TITLE = 120

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="wishes")
    title = models.CharField(_("topic"), max_length=MAX_TITLE)
    description = models.TextField(_("what about it?"), max_length=1000, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="topic_wishes",
    )
    hidden = models.BooleanField(
        _("hidden"), default=False, help_text=_("Hidden by the organizers: nobody else sees it.")
    )
    session = models.OneToOneField(
        Session,
        verbose_name=pgettext_lazy("barcamp", "session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wish",
        help_text=_("The session that took the wish up."),
    )
    taken_up_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TopicWishQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic wish")
        verbose_name_plural = _("topic wishes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Two clicks at once, or two people with the same idea, make one open wish.
            models.UniqueConstraint(
                Lower("title"),
                "series",
                condition=Q(session__isnull=True, hidden=False),
                name="one_open_wish_per_topic",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_taken_up(self):
        return self.session_id is not None


class WishVote(models.Model):
    """One person's "I want this topic too"; at most one per person and wish (a database constraint)."""

    wish = models.ForeignKey(TopicWish, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wish_votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("wish vote")
        verbose_name_plural = _("wish votes")
        constraints = [
            models.UniqueConstraint(fields=["wish", "user"], name="one_wish_vote_per_person"),
        ]

    def __str__(self):
        return f"{self.user} → {self.wish}"

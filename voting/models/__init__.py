from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Camp, Participant, Room, Slot
from sessions.models import Session


class VoteQuerySet(models.QuerySet):
    def counted(self):
        """Votes that use up the budget: those for sessions still visible."""
        return self.filter(session__hidden=False).exclude(session__status=Session.Status.WITHDRAWN)


class Vote(models.Model):
    """One Teilgeber's "I want to go" for one session; at most one per pair (a database constraint)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="one_vote_per_participant_and_session"
            ),
        ]

    def __str__(self):
        return f"{self.participant} → {self.session}"


class VotingDay(models.Model):
    """Whether the Teilgeber may vote on the sessions of one camp day: not yet, now, or no more."""

    class State(models.TextChoices):
        NOT_OPEN = "not_open", _("not open yet")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="voting_days")
    date = models.DateField(_("day"))
    state = models.CharField(_("voting"), max_length=10, choices=State, default=State.NOT_OPEN)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("voting day")
        verbose_name_plural = _("voting days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["camp", "date"], name="one_voting_state_per_day")
        ]

    def __str__(self):
        return f"{self.camp} {self.date}: {self.get_state_display()}"


class LivePitch(models.Model):
    """The plenum's pitch: which day's queue runs and whose session is on the projector now."""

    camp = models.OneToOneField(Camp, on_delete=models.CASCADE, related_name="live_pitch")
    date = models.DateField(_("day"))
    current = models.ForeignKey(
        Session,
        verbose_name=_("current pitch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    running = models.BooleanField(_("pitch running"), default=False)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("live pitch")
        verbose_name_plural = _("live pitches")

    def __str__(self):
        return f"{self.camp}: {self.current or '—'}"


class Placement(models.Model):
    """A session's cell in the draft grid of its day: a room and its (first) slot.

    Pinned without a cell: the organizers took the session off the grid and keep it off.
    """

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="placement")
    room = models.ForeignKey(
        Room, on_delete=models.CASCADE, null=True, blank=True, related_name="placements"
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.CASCADE, null=True, blank=True, related_name="placements"
    )
    pinned = models.BooleanField(_("pinned"), default=False)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(fields=["room", "slot"], name="one_session_per_cell")
        ]

    def __str__(self):
        return f"{self.session} @ {self.room} {self.slot}"


class LockedSlot(models.Model):
    """A slot the organizers froze: re-planning keeps its sessions where they are and adds none."""

    slot = models.OneToOneField(Slot, on_delete=models.CASCADE, related_name="lock")

    def __str__(self):
        return f"{self.slot} (locked)"


class GridDay(models.Model):
    """The board of one camp day: when it was last planned, and whether changes go out at once."""

    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="grid_days")
    date = models.DateField(_("day"))
    # The camp's live version the draft was planned at: the board re-plans when it changed.
    planned_at_version = models.CharField(max_length=32, blank=True)
    publish_changes = models.BooleanField(
        _("publish each change at once"),
        default=True,
        help_text=_(
            "After the first publication, every move on the board reaches the room immediately."
        ),
    )
    # The published version whose placements the hosts were last told about, and when the next
    # notice is due (a burst of published changes pushes it back, so that it makes one mail).
    hosts_notified_version = models.PositiveIntegerField(default=0)
    hosts_notice_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["camp", "date"], name="one_grid_per_day")]

    def __str__(self):
        return f"{self.camp} {self.date}"


class PublishedPlan(models.Model):
    """A version of a day's grid as the room sees it; the newest version of a day counts."""

    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="published_plans")
    date = models.DateField(_("day"))
    version = models.PositiveIntegerField()
    published_at = models.DateTimeField(auto_now_add=True)
    # [{"session": id, "room": id, "slot": id, "moved_at": iso timestamp or null}]
    placements = models.JSONField(default=list)

    class Meta:
        ordering = ["date", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["camp", "date", "version"], name="one_plan_version")
        ]
        get_latest_by = "version"

    def __str__(self):
        return f"{self.camp} {self.date} v{self.version}"


class BoardSnapshot(models.Model):
    """The draft of a day before a board action, so that the action can be undone."""

    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    label = models.CharField(max_length=80)
    # {"placements": [{"session", "room", "slot", "pinned"}], "locked": [slot ids]}
    state = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.camp} {self.date}: {self.label}"


class Rating(models.IntegerChoices):
    """Five big buttons fit a 360 px phone side by side; five points give an average worth comparing."""

    ONE = 1, _("1 – not for me")
    TWO = 2, "2"
    THREE = 3, "3"
    FOUR = 4, "4"
    FIVE = 5, _("5 – excellent")


class SessionFeedback(models.Model):
    """One Teilgeber's rating of one session they attended, with an optional comment.

    At most one per pair (a database constraint); the Teilgeber may change it. Hosts and
    organizers see it without the name. When the camp's personal data is erased, the feedback
    stays without its Teilgeber (participant becomes empty)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="feedback")
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, related_name="session_feedback"
    )
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating)
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session feedback")
        verbose_name_plural = _("session feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="one_feedback_per_participant_and_session"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="session_rating_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.session}: {self.rating}"


class CampFeedback(models.Model):
    """One Teilgeber's word on the whole camp: overall rating, what was good, what to improve."""

    class ComeAgain(models.TextChoices):
        YES = "yes", _("yes")
        MAYBE = "maybe", _("maybe")
        NO = "no", _("no")

    camp = models.ForeignKey(Camp, on_delete=models.CASCADE, related_name="feedback")
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, related_name="camp_feedback"
    )
    rating = models.PositiveSmallIntegerField(_("overall"), choices=Rating)
    good = models.TextField(_("what was good"), max_length=2000, blank=True)
    improve = models.TextField(_("what we should improve"), max_length=2000, blank=True)
    come_again = models.CharField(
        _("would you come again?"), max_length=5, choices=ComeAgain, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("camp feedback")
        verbose_name_plural = _("camp feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["camp", "participant"], name="one_camp_feedback_per_participant"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="camp_rating_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.camp}: {self.rating}"

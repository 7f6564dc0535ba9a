"""The grid of a camp day: the draft, its pins and locks, undo, and the published versions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Camp, Room, Slot
from sessions.models import Session


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
    # The camp’s live version the draft was planned at: a task re-plans when it changed.
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

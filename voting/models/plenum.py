"""Votes, the voting days and the live pitch."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Camp, Participant
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

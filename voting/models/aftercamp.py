"""Feedback on sessions and on the camp."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Camp, Participant
from sessions.models import Session


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

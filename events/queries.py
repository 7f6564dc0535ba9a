"""Reads used by more than one view."""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Camp, Participant


def get_camp(slug):
    return get_object_or_404(Camp, slug=slug)


@dataclass(frozen=True)
class Viewer:
    """Who looks at a camp page: their Teilgeber record (if any) and whether they organize it."""

    participant: Participant | None
    is_organizer: bool

    @property
    def is_registered(self):
        return self.participant is not None and self.participant.is_registered


def viewer(camp, user):
    return Viewer(participant=participant_for(camp, user), is_organizer=camp.is_organized_by(user))


def participant_for(camp, user):
    """The user's Teilgeber record in the camp (any status), or None."""
    if not user.is_authenticated:
        return None
    return Participant.objects.filter(camp=camp, user=user).first()


def waitlist_position(participant):
    """1 for the first on the waitlist; None when not waitlisted."""
    if not participant or not participant.is_waitlisted:
        return None
    ahead = (
        Participant.objects.waitlisted()
        .filter(camp_id=participant.camp_id, status_changed_at__lte=participant.status_changed_at)
        .exclude(status_changed_at=participant.status_changed_at, pk__gt=participant.pk)
        .count()
    )
    return ahead


def registration_state(camp, user):
    """What the camp page shows about registration, in three queries."""
    participant = participant_for(camp, user)
    registered = camp.participants.registered().count()
    opens_at = camp.registration_opens_at
    now = timezone.now()
    return {
        "participant": participant,
        "registered_count": registered,
        "free_seats": max(0, camp.capacity - registered),
        "waitlist_position": waitlist_position(participant),
        "registration_is_open": camp.is_registration_open(now=now),
        "registration_opens_at": opens_at if opens_at and opens_at > now else None,
    }

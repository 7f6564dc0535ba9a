"""People with your interests: Teilgeber who want to attend the same sessions."""

from django.db.models import Count, Q

from events.models import Participant
from sessions.models import Session
from voting.models import Vote


def shared_interests(participant, *, limit=30):
    """
    The other opted-in Teilgeber of the camp who want to attend sessions the Teilgeber wants too,
    each with `shared` (how many) — one query, counted in the database.

    Most sessions in common first; among equals, those with fewer other votes (whose votes are
    most like the Teilgeber's). Only votes for visible sessions count. Callers make sure the
    Teilgeber opted in themself: it says something about the others' votes.
    """
    mine = Vote.objects.counted().filter(participant=participant).values("session_id")
    counted = Q(votes__session__hidden=False) & Q(
        votes__session__status__in=[
            Session.Status.PROPOSED,
            Session.Status.PLACED,
            Session.Status.HELD,
        ]
    )
    return list(
        Participant.objects.public()
        .filter(camp_id=participant.camp_id)
        .exclude(pk=participant.pk)
        .annotate(
            shared=Count("votes", filter=counted & Q(votes__session_id__in=mine)),
            total=Count("votes", filter=counted),
        )
        .filter(shared__gt=0)
        .order_by("-shared", "total", "display_name", "pk")[:limit]
    )

"""The door on the day: tickets, check-in and who is here. Services and reads of the check-in."""

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Camp, Participant, normalize_ticket_code

SEARCH_LIMIT = 30
RECENT_LIMIT = 10


class CheckInError(Exception):
    """The Teilgeber cannot be checked in (cancelled, waitlisted, venue full); the message says why."""


def _refuse_unless_registered(participant):
    if participant.is_cancelled:
        raise CheckInError(
            _("%(name)s cancelled their registration: not checked in.")
            % {"name": participant.display_name}
        )
    if participant.is_waitlisted:
        raise CheckInError(
            _("%(name)s is on the waitlist: admit them from the waitlist if there is room.")
            % {"name": participant.display_name}
        )


def check_in_participant(*, participant, now=None):
    """
    Check a registered Teilgeber in; checking in twice (two organizers at once) keeps the first time.

    One conditional UPDATE decides: only a row still without a check-in time gets one, so the
    database serializes parallel taps and the second finds nothing to change. Sets
    `participant.just_checked_in`. Raises CheckInError for the cancelled and the waitlisted.
    """
    now = now or timezone.now()
    with transaction.atomic():
        changed = Participant.objects.filter(
            pk=participant.pk,
            status=Participant.Status.REGISTERED,
            checked_in_at__isnull=True,
        ).update(checked_in_at=now)
        participant = Participant.objects.get(pk=participant.pk)
        if not changed:
            _refuse_unless_registered(participant)
    participant.just_checked_in = bool(changed)
    return participant


def check_in_participants(*, participants, now=None):
    """Check in many at once (the admin's action): only the registered, and nobody's first time changes; returns how many."""
    due = participants.filter(status=Participant.Status.REGISTERED, checked_in_at__isnull=True)
    with transaction.atomic():
        return due.update(checked_in_at=now or timezone.now())


def undo_check_in(*, participant):
    """Take back a check-in (a wrong tap); undoing what is not checked in changes nothing."""
    with transaction.atomic():
        Participant.objects.filter(pk=participant.pk).update(checked_in_at=None)
        return Participant.objects.get(pk=participant.pk)


def admit_from_waitlist(*, participant, now=None):
    """
    Let a waitlisted Teilgeber in at the door while the venue has room: they become registered
    and checked in at once.

    Room means fewer checked-in Teilgeber than the camp's capacity: on the day, no-shows free
    seats that the waitlist never got. The person at the door goes first, whatever their place
    on the waitlist, since the others are not here. The camp's row lock counts the room exactly
    under parallel admissions.
    """
    now = now or timezone.now()
    with transaction.atomic():
        camp = Camp.objects.select_for_update().get(pk=participant.camp_id)
        participant = Participant.objects.get(pk=participant.pk)
        if participant.is_registered:
            return check_in_participant(participant=participant, now=now)
        if participant.is_cancelled:
            _refuse_unless_registered(participant)
        present = camp.participants.registered().filter(checked_in_at__isnull=False).count()
        if present >= camp.capacity:
            raise CheckInError(
                _("The venue is full: %(present)d of %(capacity)d are checked in.")
                % {"present": present, "capacity": camp.capacity}
            )
        participant.status = Participant.Status.REGISTERED
        participant.status_changed_at = now
        participant.checked_in_at = now
        participant.save(update_fields=["status", "status_changed_at", "checked_in_at"])
    participant.just_checked_in = True
    return participant


# --- Reads ---------------------------------------------------------------------------------


def door_counts(camp):
    """{registered, checked_in, waitlisted, room} of the camp, in one query."""
    registered = Q(status=Participant.Status.REGISTERED)
    counts = Participant.objects.filter(camp=camp).aggregate(
        registered=Count("pk", filter=registered),
        checked_in=Count("pk", filter=registered & Q(checked_in_at__isnull=False)),
        waitlisted=Count("pk", filter=Q(status=Participant.Status.WAITLISTED)),
    )
    counts["room"] = max(0, camp.capacity - counts["checked_in"])
    return counts


def find_by_code(camp, code):
    """The camp's Teilgeber with this ticket code (as typed), or None; other camps' codes find nothing."""
    code = normalize_ticket_code(code)
    if not code:
        return None
    return Participant.objects.filter(camp=camp, ticket_code=code).first()


def door_search(camp, query):
    """Teilgeber whose code is the query, whose name contains it or whose e-mail starts with it
    (at most 30, one query).

    An empty query lists the latest check-ins, so a wrong tap is one tap away from undo."""
    people = Participant.objects.filter(camp=camp)
    query = query.strip()[:80]
    if not query:
        return list(
            people.filter(checked_in_at__isnull=False).order_by("-checked_in_at")[:RECENT_LIMIT]
        )
    # The e-mail by its start only ("mueller" finds mueller@…): a letter would match every domain.
    match = Q(display_name__icontains=query) | Q(user__email__istartswith=query)
    code = normalize_ticket_code(query)
    if code:
        match |= Q(ticket_code=code)
    return list(people.filter(match).order_by("display_name", "pk")[:SEARCH_LIMIT])


def badge_people(camp):
    """Registered Teilgeber in name order: who gets a badge."""
    return list(camp.participants.registered().order_by("display_name", "pk"))

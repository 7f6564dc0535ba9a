"""Every write of the events app: registration, waitlist, profile, slots."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import emails, live
from .models import Camp, Participant, Slot, new_ticket_code


class RegistrationError(Exception):
    """A rule of registration is broken; the message is meant for the person."""


class SlotGenerationError(Exception):
    """The requested slots cannot be generated; the message names why."""


def _lock_camp(camp):
    # Every change to who holds a seat takes this row lock first, so parallel joins and
    # cancellations of one camp run one after another and the capacity is never exceeded.
    return Camp.objects.select_for_update().get(pk=camp.pk)


def _default_profile(user):
    """The profile of the user's latest camp, so a returning Teilgeber types nothing twice."""
    latest = Participant.objects.filter(user=user).order_by("-created_at").first()
    if latest:
        return {
            "display_name": latest.display_name,
            "hashtags": latest.hashtags,
            "bio": latest.bio,
            "links": latest.links,
        }
    return {
        "display_name": (user.get_full_name() or user.email.split("@")[0] or user.get_username())[
            :80
        ]
    }


def register_participant(*, camp, user, language=None, now=None):
    """
    Join the camp: a seat while there is one, else the end of the waitlist.

    Joining twice changes nothing. A cancelled Teilgeber may join again, at the end of the
    queue. Raises RegistrationError while registration is closed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        camp = _lock_camp(camp)
        participant = Participant.objects.filter(camp=camp, user=user).first()
        if participant and not participant.is_cancelled:
            return participant
        if not camp.is_registration_open(now=now):
            raise RegistrationError(_("Registration for this camp is closed."))
        free = camp.capacity - camp.participants.registered().count()
        status = Participant.Status.REGISTERED if free > 0 else Participant.Status.WAITLISTED
        if participant is None:
            participant = Participant(camp=camp, user=user, **_default_profile(user))
            # Codes are random; a clash within the camp (rare) would break the unique constraint.
            while camp.participants.filter(ticket_code=participant.ticket_code).exists():
                participant.ticket_code = new_ticket_code()
        participant.status = status
        participant.status_changed_at = now
        participant.language = language or participant.language
        participant.save()
        emails.send_status_email(participant)
    return participant


def cancel_registration(*, participant, now=None):
    """Give up the seat or the waitlist place; the first on the waitlist moves up into a freed seat."""
    with transaction.atomic():
        camp = _lock_camp(participant.camp)
        participant = Participant.objects.get(pk=participant.pk)
        if participant.is_cancelled:
            return participant
        participant.status = Participant.Status.CANCELLED
        participant.status_changed_at = now or timezone.now()
        participant.save(update_fields=["status", "status_changed_at"])
        promote_waitlisted(camp=camp)
    return participant


def promote_waitlisted(*, camp):
    """Fill every free seat from the waitlist, first come first served; returns who moved up."""
    with transaction.atomic():
        camp = _lock_camp(camp)
        free = camp.capacity - camp.participants.registered().count()
        if free <= 0:
            return []
        promoted = list(camp.participants.waitlist_order()[:free])
        now = timezone.now()
        for participant in promoted:
            participant.status = Participant.Status.REGISTERED
            participant.status_changed_at = now
            participant.save(update_fields=["status", "status_changed_at"])
            emails.send_status_email(participant, promoted=True)
    return promoted


def update_profile(*, participant, display_name, hashtags, bio, links, is_public):
    """Change how the Teilgeber introduces themself; hashtags are stored without '#'."""
    participant.display_name = display_name
    participant.hashtags = [tag.lstrip("#") for tag in hashtags if tag.strip("# ")][
        : Participant.MAX_HASHTAGS
    ]
    participant.bio = bio
    participant.links = list(links)[: Participant.MAX_LINKS]
    participant.is_public = is_public
    with transaction.atomic():
        participant.save(update_fields=["display_name", "hashtags", "bio", "links", "is_public"])
        # Hosts' names and hashtags show in the pitch and the grid.
        live.mark_changed(participant.camp.slug, live.PITCH)
    return participant


def slot_times(*, start, end, length, gap=datetime.timedelta(0), breaks=()):
    """
    The (start, end) times of session slots of `length` from `start` until `end`, with `gap`
    between two slots, skipping the `breaks` (a list of (start, end) times).

    A slot that would overlap a break starts when the break ends instead.
    """
    if length <= datetime.timedelta(0):
        raise SlotGenerationError(_("The slot length must be positive."))
    if gap < datetime.timedelta(0):
        raise SlotGenerationError(_("The gap between slots cannot be negative."))
    if end <= start:
        raise SlotGenerationError(_("The day must end after it starts."))
    day = datetime.date(2000, 1, 1)
    at = datetime.datetime.combine(day, start)
    stop = datetime.datetime.combine(day, end)
    spans = sorted(
        (datetime.datetime.combine(day, b_start), datetime.datetime.combine(day, b_end))
        for b_start, b_end in breaks
    )
    for b_start, b_end in spans:
        if b_end <= b_start:
            raise SlotGenerationError(_("A break must end after it starts."))
    times = []
    while at + length <= stop:
        blocking = next((b for b in spans if b[0] < at + length and b[1] > at), None)
        if blocking:
            at = blocking[1]
            continue
        times.append((at.time(), (at + length).time()))
        at += length + gap
    return times


def generate_slots(
    *, camp, date, start, end, length, gap=datetime.timedelta(0), breaks=(), replace=False
):
    """
    Create a day's slots: session slots as `slot_times` gives them and the breaks between.

    With `replace`, the day's existing slots go first; without it, a clash with an existing
    slot is an error and nothing is created.
    """
    if not camp.start_date <= date <= camp.end_date:
        raise SlotGenerationError(_("%(date)s is not a day of this camp.") % {"date": date})
    times = slot_times(start=start, end=end, length=length, gap=gap, breaks=breaks)
    if not times:
        raise SlotGenerationError(_("No slot of that length fits into the day."))
    with transaction.atomic():
        existing = Slot.objects.filter(camp=camp, date=date)
        if replace:
            existing.delete()
        else:
            first = min([start, *(span[0] for span in breaks)])
            last = max([end, *(span[1] for span in breaks)])
            clash = Slot.objects.overlapping(camp=camp, date=date, start=first, end=last).first()
            if clash:
                raise SlotGenerationError(
                    _("The day already has the slot %(slot)s. Tick “replace” to start over.")
                    % {"slot": clash}
                )
        slots = [
            Slot(camp=camp, date=date, start=s, end=e, kind=Slot.Kind.SESSIONS) for s, e in times
        ]
        slots += [
            Slot(camp=camp, date=date, start=s, end=e, kind=Slot.Kind.BREAK)
            for s, e in breaks
            if start <= s and e <= end
        ]
        Slot.objects.bulk_create(slots)
        live.mark_changed(camp.slug)
    return sorted(slots, key=lambda slot: slot.start)

"""Every write of the events app: registration, waitlist, profile, slots."""

import datetime
import posixpath
import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import emails, live, queries
from .models import Camp, NotificationSettings, Participant, Room, Slot, Sponsor, new_ticket_code


class RegistrationError(Exception):
    """A rule of registration is broken; the message is meant for the person."""


class SlotGenerationError(Exception):
    """The requested slots cannot be generated; the message names why."""


class CampCopyError(Exception):
    """The next camp of a series cannot be created; the message names why."""


def _lock_camp(camp):
    # Every change to who holds a seat takes this row lock first, so parallel joins and
    # cancellations of one camp run one after another and the capacity is never exceeded.
    return Camp.objects.select_for_update().get(pk=camp.pk)


# A Teilgeber who never said how to call them (an account made by an organizer or an import):
# never their e-mail address or a part of it. Not translated: "Teilgeber" is the glossary's word
# in both languages, and the name is stored once for every reader.
FALLBACK_NAME = "Teilgeber {number}"


def _default_profile(user, camp, display_name):
    """The profile of the user's latest camp, so a returning Teilgeber types nothing twice; the
    name they give now, else the one they chose before, else a neutral "Teilgeber <n>"."""
    # It runs under the camp's row lock (register_participant): no query more than it needs.
    latest = Participant.objects.filter(user=user).order_by("-created_at").first()
    profile = {}
    if latest:
        profile = {"hashtags": latest.hashtags, "bio": latest.bio, "links": latest.links}
        if not queries.FALLBACK_NAME_PATTERN.fullmatch(latest.display_name):
            display_name = display_name or latest.display_name
    display_name = display_name or user.get_full_name().strip()
    if not display_name:
        display_name = FALLBACK_NAME.format(number=camp.participants.count() + 1)
    profile["display_name"] = display_name[:80]
    return profile


def register_participant(*, camp, user, language=None, display_name="", now=None):
    """
    Join the camp: a seat while there is one, else the end of the waitlist.

    Joining twice changes nothing. A cancelled Teilgeber may join again, at the end of the
    queue. Raises RegistrationError while registration is closed. `display_name`, the name
    asked for at the first join, names the new Teilgeber and becomes the account's name.
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
            participant = Participant(
                camp=camp, user=user, **_default_profile(user, camp, display_name)
            )
            # Codes are random; a clash within the camp (rare) would break the unique constraint.
            while camp.participants.filter(ticket_code=participant.ticket_code).exists():
                participant.ticket_code = new_ticket_code()
        participant.status = status
        participant.status_changed_at = now
        participant.language = language or participant.language
        participant.save()
        if display_name and not user.get_full_name().strip():
            user.first_name = display_name[:80]
            user.save(update_fields=["first_name"])
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


# --- The next camp of a series -------------------------------------------------------------------

# What a new camp takes over from the last one: the setup, never anything about people.
COPIED_CAMP_FIELDS = [
    "description",
    "venue_name",
    "venue_address",
    "online_only",
    "room_links_public",
    "time_zone",
    "capacity",
    "registration_open",
    "visibility",
    "pitching_open",
    "vote_budget",
    "hide_counts_until_closed",
    "wall_needs_approval",
]


def day_mapping(source_days, target_days):
    """
    {new day: the old day whose slots it takes}: day by day in order. A camp with more days than
    the old one repeats the old last day's pattern on its extra days; with fewer days, the old
    camp's later days are left out.
    """
    if not source_days:
        return {}
    return {
        day: source_days[min(index, len(source_days) - 1)] for index, day in enumerate(target_days)
    }


def next_hashtag(hashtag, *, old_date, new_date):
    """The hashtag with the old camp's year replaced by the new one's: bcko26 → bcko27, #bc2026 → #bc2027."""
    if not hashtag or old_date.year == new_date.year:
        return hashtag
    old4, new4 = str(old_date.year), str(new_date.year)
    if old4 in hashtag:
        return hashtag.replace(old4, new4)
    old2, new2 = old4[2:], new4[2:]
    matches = list(re.finditer(rf"(?<!\d){old2}(?!\d)", hashtag))
    if not matches:
        return hashtag
    match = matches[-1]
    return hashtag[: match.start()] + new2 + hashtag[match.end() :]


def _copy_logo(source, target):
    """Give the new sponsor a file of its own, so that changing one camp's logo leaves the other's."""
    if not source.logo:
        return
    try:
        with source.logo.open("rb") as file:
            content = file.read()
    except OSError:
        return  # the file is gone from storage: the organizer uploads it again
    target.logo.save(posixpath.basename(source.logo.name), ContentFile(content), save=False)


def create_next_camp(*, series, name, slug, start_date, end_date, hashtag=None, user=None):
    """
    Create the next camp of the series as a copy of its last camp's setup, in one transaction.

    Copied: rooms (capacity, order, online address), the slot pattern of each day moved onto the new dates (see
    `day_mapping`), sponsors with their logos, the settings (capacity, voting, visibility, venue, online),
    the registration window moved by as many days as the camp, the hashtag with the new year,
    the organizers. Never copied: Teilgeber, sessions, votes, the grid, announcements, the wall.
    """
    source = series.latest_camp()
    if source is None:
        raise CampCopyError(_("The series has no camp yet to copy from."))
    if end_date < start_date:
        raise CampCopyError(_("The last day cannot be before the first day."))
    shift = start_date - source.start_date
    camp = Camp(
        series=series,
        name=name,
        slug=slug,
        start_date=start_date,
        end_date=end_date,
        hashtag=next_hashtag(source.hashtag, old_date=source.start_date, new_date=start_date)
        if hashtag is None
        else hashtag.lstrip("#"),
        registration_opens_at=source.registration_opens_at + shift
        if source.registration_opens_at
        else None,
        registration_closes_at=source.registration_closes_at + shift
        if source.registration_closes_at
        else None,
        **{field: getattr(source, field) for field in COPIED_CAMP_FIELDS},
    )
    try:
        camp.full_clean()
    except ValidationError as error:
        raise CampCopyError(
            " ".join(message for messages in error.message_dict.values() for message in messages)
        ) from error
    with transaction.atomic():
        camp.save()
        organizers = list(source.organizers.all())
        if user is not None and user.is_staff and not user.is_superuser:
            organizers.append(user)
        camp.organizers.set(organizers)
        Room.objects.bulk_create(
            [
                Room(
                    camp=camp,
                    name=room.name,
                    capacity=room.capacity,
                    order=room.order,
                    online_url=room.online_url,
                    online_only=room.online_only,
                )
                for room in source.rooms.all()
            ]
        )
        slots = {}
        for slot in Slot.objects.filter(camp=source):
            slots.setdefault(slot.date, []).append(slot)
        Slot.objects.bulk_create(
            [
                Slot(
                    camp=camp,
                    date=new_day,
                    start=slot.start,
                    end=slot.end,
                    kind=slot.kind,
                    title=slot.title,
                )
                for new_day, old_day in day_mapping(source.days, camp.days).items()
                for slot in slots.get(old_day, [])
            ]
        )
        for sponsor in source.sponsors.all():
            copy = Sponsor(camp=camp, name=sponsor.name, url=sponsor.url, order=sponsor.order)
            _copy_logo(sponsor, copy)
            copy.save()
    return camp


# --- Notification settings -----------------------------------------------------------------------


def update_notification_settings(*, user, choices):
    """Store which optional e-mails the person wants (a dict kind → bool); other kinds are ignored."""
    with transaction.atomic():
        current, _created = NotificationSettings.objects.select_for_update().get_or_create(
            user=user
        )
        for kind in NotificationSettings.OPTIONAL:
            if kind in choices:
                setattr(current, kind, bool(choices[kind]))
        current.save()
    return current


def unsubscribe(*, user, kind):
    """Stop one optional kind of e-mail (the one-click link in every such mail); twice is once."""
    if kind not in NotificationSettings.OPTIONAL:
        raise ValueError(f"{kind!r} cannot be switched off")
    return update_notification_settings(user=user, choices={kind: False})

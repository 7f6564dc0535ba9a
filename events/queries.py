"""Reads used by more than one view."""

import re
from collections import Counter
from dataclasses import dataclass

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property

from .models import Camp, Participant
from .row_caches import camps, participants


def get_camp(slug):
    """The camp of an address with its series, from the shared cache when it is there
    (events.row_caches); a 404 for an unknown slug."""
    camp = camps.get(slug)
    if camp is None:
        camp = get_object_or_404(Camp.objects.select_related("series"), slug=slug)
        camps.put(camp)
    return camp


class Viewer:
    """Who looks at a camp page: their Teilgeber record (if any) and whether they organize it.

    Whether they organize is asked of the database only when a page needs to know."""

    def __init__(self, *, camp=None, user=None, participant=None, is_organizer=None):
        self.camp, self.user, self.participant = camp, user, participant
        if is_organizer is not None:
            self.__dict__["is_organizer"] = is_organizer

    @cached_property
    def is_organizer(self):
        return self.camp.is_organized_by(self.user)

    @property
    def is_registered(self):
        return self.participant is not None and self.participant.is_registered


def viewer(camp, user, *, is_organizer=None):
    return Viewer(
        camp=camp, user=user, participant=participant_for(camp, user), is_organizer=is_organizer
    )


def participant_for(camp, user):
    """The user's Teilgeber record in the camp (any status), or None; from the shared cache
    when it is there (events.row_caches), with its camp set."""
    if not user.is_authenticated:
        return None
    participant = participants.get(camp.pk, user.pk)
    if participant is None:
        participant = Participant.objects.filter(camp=camp, user=user).first()
        if participant is None:
            return None
        participants.put(participant)
    Participant._meta.get_field("camp").set_cached_value(participant, camp)
    return participant


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


# The neutral name of a Teilgeber who never chose one (events.services.FALLBACK_NAME).
FALLBACK_NAME_PATTERN = re.compile(r"Teilgeber \d+")


def known_display_name(user):
    """The name the person chose, for their latest camp or at sign-up; "" if they never chose one."""
    latest = (
        Participant.objects.filter(user=user)
        .order_by("-created_at")
        .values_list("display_name", flat=True)
        .first()
    )
    if latest and not FALLBACK_NAME_PATTERN.fullmatch(latest):
        return latest
    return user.get_full_name().strip()[:80]


def registration_state(camp, user):
    """What the camp page shows about registration. The free seats are counted (a query) only
    for whoever may still join: a Teilgeber who is in or on the waitlist does not see them, and
    during the plenum a thousand of them open the camp page."""
    participant = participant_for(camp, user)
    opens_at = camp.registration_opens_at
    now = timezone.now()
    is_open = camp.is_registration_open(now=now)
    joined = participant is not None and (participant.is_registered or participant.is_waitlisted)
    return {
        "participant": participant,
        "free_seats": (
            max(0, camp.capacity - camp.participants.registered().count())
            if is_open and not joined
            else None
        ),
        "waitlist_position": waitlist_position(participant),
        # The first join asks for the name shown to others; only then is it looked up.
        "name_needed": (
            is_open
            and participant is None
            and user.is_authenticated
            and not known_display_name(user)
        ),
        "registration_is_open": is_open,
        "registration_opens_at": opens_at if opens_at and opens_at > now else None,
    }


# --- The Teilgeber directory -----------------------------------------------------------------


def normalise_tag(value):
    """A hashtag as the directory compares it: without '#', case-folded."""
    return (value or "").strip().lstrip("#").strip().casefold()


@dataclass
class Directory:
    people: list
    tags: list  # [(hashtag, how many opted-in Teilgeber use it)], the most used first
    total: int  # everybody in the public list, before filtering


def directory(camp, *, search="", tag="", top_tags=12):
    """
    The camp's public list of Teilgeber (registered, opted in), filtered, in one query.

    `tag` matches a hashtag exactly, `search` a hashtag by its beginning when it starts with '#',
    else a name by any part or a hashtag by its beginning; both ignore case. A camp has a few
    hundred Teilgeber at most, and JSON lookups differ between SQLite and PostgreSQL, so the
    matching runs on the short profile lists in Python.
    """
    everyone = list(camp.participants.public().order_by("display_name", "pk"))
    counts, spelling = Counter(), {}
    for person in everyone:
        for key, shown in {normalise_tag(t): t for t in person.hashtags}.items():
            counts[key] += 1
            spelling.setdefault(key, shown)
    people = everyone
    wanted = normalise_tag(tag)
    if wanted:
        people = [p for p in people if wanted in {normalise_tag(t) for t in p.hashtags}]
    term = (search or "").strip()
    if term.lstrip("#"):
        prefix = normalise_tag(term)
        by_name = not term.startswith("#")
        people = [
            p
            for p in people
            if any(normalise_tag(t).startswith(prefix) for t in p.hashtags)
            or (by_name and term.casefold() in p.display_name.casefold())
        ]
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top_tags]
    return Directory(
        people=people,
        tags=[(spelling[key], count) for key, count in ranked],
        total=len(everyone),
    )

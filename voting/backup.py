"""A camp as one JSON file: everything to restore it elsewhere (a backup the organizer keeps).

References inside the file are by natural keys — rooms by name, slots by day and start,
Teilgeber by e-mail address, sessions by their position in the file — so that the file reads
well and imports into any database. Not included: uploaded logo files (their names are), the
board's undo history, passwords (people log in by code or set a new password), the log of
mails sent.

The camp's series goes with it (by its slug), and so do the series' topic wishes with their
votes: they belong to the series, so an import brings them only along with a series the
target does not have yet. Each Teilgeber's e-mail choices come along too, for people who have
not chosen on the target.
"""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from events.models import Camp, NotificationSettings, Participant, Room, Series, Slot, Sponsor
from sessions.models import Session, SessionHost, TopicWish, WishVote

from .models import GridDay, LivePitch, LockedSlot, Placement, PublishedPlan, Vote, VotingDay

FORMAT = "barcamp-camp/1"
CAMP_FIELDS = [
    "name", "slug", "description", "venue_name", "venue_address", "time_zone", "hashtag", "capacity",
    "registration_open", "visibility", "pitching_open", "vote_budget", "hide_counts_until_closed", "announcement",
]  # fmt: skip
PARTICIPANT_FIELDS = ["status", "display_name", "hashtags", "bio", "links", "is_public", "language"]
SESSION_FIELDS = [
    "title",
    "description",
    "format",
    "language",
    "tags",
    "length",
    "status",
    "hidden",
    "pitch_position",
]


class BackupError(Exception):
    """The file cannot be imported; the message says why."""


def _iso(value):
    return value.isoformat() if value else None


def _slot_key(slot):
    return f"{slot.date.isoformat()} {slot.start:%H:%M}"


def export_camp(*, camp):
    """The camp and everything in it, as JSON-ready data."""
    sessions = list(Session.objects.filter(camp=camp).order_by("pk"))
    index = {session.pk: position for position, session in enumerate(sessions)}
    participants = Participant.objects.filter(camp=camp).select_related("user").order_by("pk")
    email = {participant.pk: participant.user.email for participant in participants}
    slots = {slot.pk: slot for slot in Slot.objects.filter(camp=camp)}
    rooms = {room.pk: room.name for room in Room.objects.filter(camp=camp)}
    pitch = LivePitch.objects.filter(camp=camp).first()
    choices = {
        row.user_id: {kind: getattr(row, kind) for kind in NotificationSettings.OPTIONAL}
        for row in NotificationSettings.objects.filter(
            user__in=[participant.user_id for participant in participants]
        )
    }
    return {
        "format": FORMAT,
        "camp": {
            **{field: getattr(camp, field) for field in CAMP_FIELDS},
            "start_date": _iso(camp.start_date),
            "end_date": _iso(camp.end_date),
            "registration_opens_at": _iso(camp.registration_opens_at),
            "registration_closes_at": _iso(camp.registration_closes_at),
            "organizers": sorted(camp.organizers.values_list("email", flat=True)),
            "series": {
                "name": camp.series.name,
                "slug": camp.series.slug,
                "description": camp.series.description,
            }
            if camp.series
            else None,
        },
        "rooms": [
            {"name": r.name, "capacity": r.capacity, "order": r.order}
            for r in camp.rooms.order_by("order", "name")
        ],
        "slots": [
            {
                "date": _iso(s.date),
                "start": f"{s.start:%H:%M}",
                "end": f"{s.end:%H:%M}",
                "kind": s.kind,
                "title": s.title,
            }
            for s in sorted(slots.values(), key=_slot_key)
        ],
        "sponsors": [
            {"name": s.name, "url": s.url, "logo": s.logo.name, "order": s.order}
            for s in camp.sponsors.order_by("order", "name")
        ],
        "teilgeber": [
            {
                "email": participant.user.email,
                **{field: getattr(participant, field) for field in PARTICIPANT_FIELDS},
                "status_changed_at": _iso(participant.status_changed_at),
                "checked_in_at": _iso(participant.checked_in_at),
                "notifications": choices.get(participant.user_id),
            }
            for participant in participants
        ],
        "wishes": _export_wishes(camp, index),
        "sessions": [
            {
                **{field: getattr(session, field) for field in SESSION_FIELDS},
                "day": _iso(session.day),
                "hosts": [
                    email[h.participant_id] for h in session.hosts.order_by("-is_proposer", "pk")
                ],
                "votes": sorted(email[v.participant_id] for v in session.votes.all()),
                "merged_into": index.get(session.merged_into_id),
            }
            for session in sessions
        ],
        "voting_days": [
            {"date": _iso(d.date), "state": d.state}
            for d in VotingDay.objects.filter(camp=camp).order_by("date")
        ],
        "grid": {
            "placements": [
                {
                    "session": index[p.session_id],
                    "room": rooms.get(p.room_id),
                    "slot": _slot_key(slots[p.slot_id]) if p.slot_id else None,
                    "pinned": p.pinned,
                }
                for p in Placement.objects.filter(session__camp=camp).order_by("session_id")
            ],
            "locked_slots": sorted(
                _slot_key(slots[pk])
                for pk in LockedSlot.objects.filter(slot__camp=camp).values_list(
                    "slot_id", flat=True
                )
            ),
            "publish_changes": {
                _iso(g.date): g.publish_changes for g in GridDay.objects.filter(camp=camp)
            },
            "published": [
                {
                    "date": _iso(plan.date),
                    "version": plan.version,
                    "placements": [
                        {
                            "session": index[row["session"]],
                            "room": rooms[row["room"]],
                            "slot": _slot_key(slots[row["slot"]]),
                            "moved_at": row.get("moved_at"),
                        }
                        for row in plan.placements
                        if row["session"] in index and row["slot"] in slots and row["room"] in rooms
                    ],
                }
                for plan in PublishedPlan.objects.filter(camp=camp).order_by("date", "version")
            ],
        },
        "pitch": {
            "date": _iso(pitch.date),
            "current": index.get(pitch.current_id),
            "running": pitch.running,
        }
        if pitch
        else None,
    }


def _export_wishes(camp, index):
    if camp.series is None:
        return []
    wishes = (
        TopicWish.objects.filter(series=camp.series)
        .select_related("proposed_by")
        .prefetch_related("votes__user")
        .order_by("pk")
    )
    return [
        {
            "title": wish.title,
            "description": wish.description,
            "hidden": wish.hidden,
            "proposed_by": wish.proposed_by.email if wish.proposed_by else None,
            "votes": sorted(vote.user.email for vote in wish.votes.all()),
            # A wish taken up by a session of another camp of the series stays open in the file.
            "session": index.get(wish.session_id),
            "created_at": _iso(wish.created_at),
            "taken_up_at": _iso(wish.taken_up_at),
        }
        for wish in wishes
    ]


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _datetime(value):
    return datetime.datetime.fromisoformat(value) if value else None


def import_camp(*, data, slug=None):
    """Create the camp of an exported file (under another slug if given); people are matched by e-mail."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"Not a camp file of this app (expected format {FORMAT}).")
    try:
        with transaction.atomic():
            return _import(data, slug)
    except (KeyError, TypeError, ValueError) as error:
        raise BackupError(f"The camp file is incomplete or damaged: {error!r}") from error


def _import(data, slug):
    source = data["camp"]
    slug = slug or source["slug"]
    if Camp.objects.filter(slug=slug).exists():
        raise BackupError(f"A camp “{slug}” exists already; import it under another short name.")
    series, new_series = None, False
    if source.get("series"):
        series, new_series = Series.objects.get_or_create(
            slug=source["series"]["slug"],
            defaults={
                "name": source["series"]["name"],
                "description": source["series"]["description"],
            },
        )
    camp = Camp.objects.create(
        series=series,
        **{field: source[field] for field in CAMP_FIELDS if field != "slug"},
        slug=slug,
        start_date=_date(source["start_date"]),
        end_date=_date(source["end_date"]),
        registration_opens_at=_datetime(source["registration_opens_at"]),
        registration_closes_at=_datetime(source["registration_closes_at"]),
    )
    User = get_user_model()

    def user_for(email):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create(username=email[:150], email=email)
            user.set_unusable_password()
            user.save(update_fields=["password"])
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    camp.organizers.set([user_for(email) for email in source["organizers"]])
    rooms = {r["name"]: Room.objects.create(camp=camp, **r) for r in data["rooms"]}
    slots = {}
    for s in data["slots"]:
        slot = Slot.objects.create(
            camp=camp,
            date=_date(s["date"]),
            start=s["start"],
            end=s["end"],
            kind=s["kind"],
            title=s["title"],
        )
        slots[f"{s['date']} {s['start']}"] = slot
    for s in data["sponsors"]:
        Sponsor.objects.create(
            camp=camp, name=s["name"], url=s["url"], logo=s["logo"], order=s["order"]
        )
    people = {}
    for t in data["teilgeber"]:
        people[t["email"]] = Participant.objects.create(
            camp=camp,
            user=user_for(t["email"]),
            **{field: t[field] for field in PARTICIPANT_FIELDS},
            status_changed_at=_datetime(t["status_changed_at"]),
            checked_in_at=_datetime(t["checked_in_at"]),
        )
        if t.get("notifications"):
            NotificationSettings.objects.get_or_create(
                user=people[t["email"]].user,
                defaults={
                    kind: bool(t["notifications"][kind])
                    for kind in NotificationSettings.OPTIONAL
                    if kind in t["notifications"]
                },
            )
    sessions = []
    for s in data["sessions"]:
        session = Session.objects.create(
            camp=camp, day=_date(s["day"]), **{field: s[field] for field in SESSION_FIELDS}
        )
        for position, email in enumerate(s["hosts"]):
            SessionHost.objects.create(
                session=session, participant=people[email], is_proposer=position == 0
            )
        Vote.objects.bulk_create(
            [Vote(session=session, participant=people[email]) for email in s["votes"]]
        )
        sessions.append(session)
    for session, s in zip(sessions, data["sessions"], strict=True):
        if s["merged_into"] is not None:
            session.merged_into = sessions[s["merged_into"]]
            session.save(update_fields=["merged_into"])
    for d in data["voting_days"]:
        VotingDay.objects.create(camp=camp, date=_date(d["date"]), state=d["state"])
    grid = data["grid"]
    for p in grid["placements"]:
        Placement.objects.create(
            session=sessions[p["session"]],
            room=rooms[p["room"]] if p["room"] else None,
            slot=slots[p["slot"]] if p["slot"] else None,
            pinned=p["pinned"],
        )
    LockedSlot.objects.bulk_create([LockedSlot(slot=slots[key]) for key in grid["locked_slots"]])
    for date, publish_changes in grid["publish_changes"].items():
        GridDay.objects.create(camp=camp, date=_date(date), publish_changes=publish_changes)
    for plan in grid["published"]:
        PublishedPlan.objects.create(
            camp=camp,
            date=_date(plan["date"]),
            version=plan["version"],
            placements=[
                {
                    "session": sessions[row["session"]].pk,
                    "room": rooms[row["room"]].pk,
                    "slot": slots[row["slot"]].pk,
                    "moved_at": row["moved_at"],
                }
                for row in plan["placements"]
            ],
        )
    if new_series:
        for w in data.get("wishes", []):
            wish = TopicWish.objects.create(
                series=series,
                title=w["title"],
                description=w["description"],
                hidden=w["hidden"],
                proposed_by=user_for(w["proposed_by"]) if w["proposed_by"] else None,
                session=sessions[w["session"]] if w["session"] is not None else None,
                taken_up_at=_datetime(w["taken_up_at"]),
            )
            TopicWish.objects.filter(pk=wish.pk).update(created_at=_datetime(w["created_at"]))
            WishVote.objects.bulk_create(
                [WishVote(wish=wish, user=user_for(email)) for email in w["votes"]]
            )
    if data["pitch"]:
        pitch = data["pitch"]
        LivePitch.objects.create(
            camp=camp,
            date=_date(pitch["date"]),
            current=sessions[pitch["current"]] if pitch["current"] is not None else None,
            running=pitch["running"],
        )
    return camp

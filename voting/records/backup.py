"""A camp as one JSON file: everything to restore it elsewhere (a backup the organizer keeps).

References inside the file are by natural keys — rooms by name, slots by day and start,
Teilgeber (with the name they chose) and the authors of notes by e-mail address, sessions by their position in the file —
so that the file reads well and imports into any database. The wall's posts and announcements
are in it too. Not included: uploaded logo and slides files (their names are), the board's undo
history, passwords (people log in by code or set a new password), the log of mails sent.
Feedback keeps its Teilgeber's address (or none, after the camp's personal data was erased), so
that a restored camp still allows one rating per person; files of older versions without
tickets, feedback or the wall import too.

The camp's series goes with it (by its slug), and so do the series' topic wishes with their
votes: they belong to the series, so an import brings them only along with a series the
target does not have yet. Each Teilgeber's e-mail choices come along too, for people who have
not chosen on the target.
"""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from events.models import (
    Announcement,
    Camp,
    NotificationSettings,
    Participant,
    Room,
    Series,
    Slot,
    Sponsor,
    WallPost,
)
from sessions.models import (
    NoteRevision,
    Session,
    SessionHost,
    SessionLink,
    SessionNotes,
    TopicWish,
    WishVote,
)
from voting.models import (
    CampFeedback,
    GridDay,
    LivePitch,
    LockedSlot,
    Placement,
    PublishedPlan,
    SessionFeedback,
    Vote,
    VotingDay,
)

FORMAT = "barcamp-camp/1"
CAMP_FIELDS = [
    "name", "slug", "description", "venue_name", "venue_address", "time_zone", "hashtag", "capacity",
    "registration_open", "visibility", "pitching_open", "vote_budget", "hide_counts_until_closed",
    "wall_needs_approval", "online_only", "room_links_public",
]  # fmt: skip
# Fields that files written by earlier versions lack, with what those camps had.
LATER_CAMP_FIELDS = {"wall_needs_approval": True, "online_only": False, "room_links_public": False}
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


CAMP_FEEDBACK_FIELDS = ["rating", "good", "improve", "come_again"]


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
    revisions, links = {}, {}
    for revision in NoteRevision.objects.filter(notes__session__camp=camp).select_related(
        "notes", "author"
    ):
        revisions.setdefault(revision.notes.session_id, []).append(revision)
    for link in SessionLink.objects.filter(session__camp=camp).select_related("added_by"):
        links.setdefault(link.session_id, []).append(link)
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
            {
                "name": r.name,
                "capacity": r.capacity,
                "order": r.order,
                "online_url": r.online_url,
                "online_only": r.online_only,
            }
            for r in camp.rooms.all()
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
                "name": participant.user.first_name,
                **{field: getattr(participant, field) for field in PARTICIPANT_FIELDS},
                "status_changed_at": _iso(participant.status_changed_at),
                "checked_in_at": _iso(participant.checked_in_at),
                "ticket_code": participant.ticket_code,
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
                "notes": [
                    {
                        "number": r.number,
                        "text": r.text,
                        "author": r.author.email if r.author else None,
                        "merged": r.merged,
                        "lines_added": r.lines_added,
                        "lines_removed": r.lines_removed,
                        "created_at": _iso(r.created_at),
                    }
                    for r in sorted(revisions.get(session.pk, []), key=lambda r: r.number)
                ],
                "links": [
                    {
                        "kind": link.kind,
                        "title": link.title,
                        "url": link.url,
                        "file": link.file.name,
                        "checksum": link.checksum,
                        "added_by": link.added_by.email if link.added_by else None,
                        "created_at": _iso(link.created_at),
                    }
                    for link in sorted(
                        links.get(session.pk, []), key=lambda x: (x.created_at, x.pk)
                    )
                ],
                "feedback": [
                    {
                        "teilgeber": email.get(f.participant_id),
                        "rating": f.rating,
                        "comment": f.comment,
                    }
                    for f in session.feedback.order_by("pk")
                ],
            }
            for session in sessions
        ],
        "camp_feedback": [
            {
                "teilgeber": email.get(f.participant_id),
                **{key: getattr(f, key) for key in CAMP_FEEDBACK_FIELDS},
            }
            for f in CampFeedback.objects.filter(camp=camp).order_by("pk")
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
        "announcements": [
            {"text": a.text, "pinned": a.pinned, "created_at": _iso(a.created_at)}
            for a in camp.announcements.order_by("created_at", "pk")
        ],
        "wall": [
            {
                "author": email[post.participant_id],
                "text": post.text,
                "status": post.status,
                "created_at": _iso(post.created_at),
            }
            for post in WallPost.objects.filter(camp=camp).order_by("created_at", "pk")
        ],
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


def _import_documentation(session, s, user_for):
    """The session's notes with every revision, and its links and slides (files by name)."""
    revisions = sorted(s.get("notes", []), key=lambda r: r["number"])
    if revisions:
        last = revisions[-1]
        notes = SessionNotes.objects.create(
            session=session,
            text=last["text"],
            revision=last["number"],
            updated_at=_datetime(last["created_at"]),
        )
        NoteRevision.objects.bulk_create(
            [
                NoteRevision(
                    notes=notes,
                    number=r["number"],
                    text=r["text"],
                    author=user_for(r["author"]) if r["author"] else None,
                    merged=r["merged"],
                    lines_added=r["lines_added"],
                    lines_removed=r["lines_removed"],
                    created_at=_datetime(r["created_at"]),
                )
                for r in revisions
            ]
        )
    for link in s.get("links", []):
        SessionLink.objects.create(
            session=session,
            kind=link["kind"],
            title=link["title"],
            url=link["url"],
            file=link["file"],
            checksum=link["checksum"],
            added_by=user_for(link["added_by"]) if link["added_by"] else None,
            created_at=_datetime(link["created_at"]),
        )


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
        **{
            field: source.get(field, LATER_CAMP_FIELDS[field])
            if field in LATER_CAMP_FIELDS
            else source[field]
            for field in CAMP_FIELDS
            if field != "slug"
        },
        slug=slug,
        start_date=_date(source["start_date"]),
        end_date=_date(source["end_date"]),
        registration_opens_at=_datetime(source["registration_opens_at"]),
        registration_closes_at=_datetime(source["registration_closes_at"]),
    )
    User = get_user_model()

    # A Teilgeber new to this site keeps the name they chose (files of older versions lack it).
    names = {t["email"].lower(): t.get("name", "") for t in data["teilgeber"]}

    def user_for(email):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create(
                username=email[:150], email=email, first_name=names.get(email.lower(), "")
            )
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
            **({"ticket_code": t["ticket_code"]} if t.get("ticket_code") else {}),
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
        SessionFeedback.objects.bulk_create(
            [
                SessionFeedback(
                    session=session,
                    participant=people[f["teilgeber"]] if f["teilgeber"] else None,
                    rating=f["rating"],
                    comment=f["comment"],
                )
                for f in s.get("feedback", [])
            ]
        )
        sessions.append(session)
    for session, s in zip(sessions, data["sessions"], strict=True):
        if s["merged_into"] is not None:
            session.merged_into = sessions[s["merged_into"]]
            session.save(update_fields=["merged_into"])
        _import_documentation(session, s, user_for)
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
    CampFeedback.objects.bulk_create(
        [
            CampFeedback(
                camp=camp,
                participant=people[f["teilgeber"]] if f["teilgeber"] else None,
                **{key: f[key] for key in CAMP_FEEDBACK_FIELDS},
            )
            for f in data.get("camp_feedback", [])
        ]
    )
    if source.get("announcement"):
        # A file of an earlier version: the camp had a single announcement line.
        Announcement.objects.create(camp=camp, text=source["announcement"], pinned=True)
    Announcement.objects.bulk_create(
        [
            Announcement(
                camp=camp, text=a["text"], pinned=a["pinned"], created_at=_datetime(a["created_at"])
            )
            for a in data.get("announcements", [])
        ]
    )
    WallPost.objects.bulk_create(
        [
            WallPost(
                camp=camp,
                participant=people[post["author"]],
                text=post["text"],
                status=post["status"],
                created_at=_datetime(post["created_at"]),
            )
            for post in data.get("wall", [])
        ]
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

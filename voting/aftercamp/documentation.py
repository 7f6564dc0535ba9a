"""The camp's record: which sessions have a notes page, which were held, and who is named.

Rules (see docs/architecture.md, "Documentation"):

- A session has its notes page from the moment it is placed: it has a cell in its day's draft
  or in the day's published plan. Once notes or links exist, the page stays, even if the
  session later leaves the grid, so that nothing written becomes unreachable.
- A session was *held* when it is in its day's newest published plan, still visible, and its
  (first) slot has begun by the camp's clock. This is derived, never stored: the status
  `Session.Status.HELD` stays unused, since the plan may change until the slot begins and a
  stored flag would need a job to set it.
- Names: a Teilgeber is named on these pages only if they opted in to the camp's public list;
  otherwise "a Teilgeber". The organizers see the authors' names in a notes page's history
  (they look after the record); the documentation and its exports, which get passed on, name
  only those who opted in, whoever reads them.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import formats
from django.utils.translation import gettext as _

from events.models import Participant, Slot
from sessions.models import NoteRevision, Session, SessionHost, SessionLink, SessionNotes
from voting.grid import queries
from voting.models import Placement, PublishedPlan

# --- Names ---------------------------------------------------------------------------------------


def public_name(participant):
    """A Teilgeber's name where anybody may read it: only with their opt-in to the public list."""
    if participant is None:
        return _("deleted Teilgeber")
    if participant.is_public and participant.is_registered:
        return participant.display_name
    return _("a Teilgeber")


def host_names(session):
    """The names of the session's hosts under the public rule (hosts prefetched with their profiles)."""
    hosts = [public_name(host.participant) for host in session.hosts.all()]
    return hosts or [_("deleted Teilgeber")]


def author_labels(camp, user_ids, *, viewer):
    """{account id: the name shown for what that account saved}, None for a deleted account.

    The viewer's own revisions say "you"; organizers of the camp see every Teilgeber's name;
    everybody else sees names only of those who opted in. An organizer without a Teilgeber
    record is "Orga". Two queries for any number of authors.
    """
    ids = {user_id for user_id in user_ids if user_id is not None}
    participants = {
        participant.user_id: participant
        for participant in Participant.objects.filter(camp=camp, user_id__in=ids)
    }
    others = ids - participants.keys()
    organizers = (
        set(camp.organizers.filter(pk__in=others).values_list("pk", flat=True)) if others else set()
    )
    me = viewer.user.pk if viewer.user is not None and viewer.user.is_authenticated else None
    sees_names = bool(ids - {me}) and viewer.is_organizer
    labels = {None: _("deleted Teilgeber")}
    for user_id in ids:
        participant = participants.get(user_id)
        if user_id == me:
            labels[user_id] = _("you")
        elif participant is None:
            labels[user_id] = _("Orga") if user_id in organizers else _("a Teilgeber")
        elif sees_names:
            labels[user_id] = participant.display_name
        else:
            labels[user_id] = public_name(participant)
    return labels


# --- The notes page ----------------------------------------------------------------------------


def has_notes_page(session):
    """Whether the session has its notes page: placed in the draft or the published plan, or
    documented already (see the module's rules)."""
    if Placement.objects.filter(session=session, slot__isnull=False).exists():
        return True
    plan = queries.latest_published(session.camp, session.day)
    if plan and any(row["session"] == session.pk for row in plan.placements):
        return True
    return (
        SessionNotes.objects.filter(session=session, revision__gt=0).exists()
        or session.links.exists()
    )


def published_place(session):
    """(room, slot) of the session in its day's newest published plan, or (None, None)."""
    plan = queries.latest_published(session.camp, session.day)
    row = (
        next((row for row in plan.placements if row["session"] == session.pk), None)
        if plan
        else None
    )
    if row is None:
        return None, None
    slot = Slot.objects.filter(pk=row["slot"]).first()
    room = session.camp.rooms.filter(pk=row["room"]).first()
    return room, slot


@dataclass
class NotesPage:
    notes: SessionNotes | None
    revisions: list
    links: list
    hosts: list
    room: object = None
    slot: object = None

    @property
    def text(self):
        return self.notes.text if self.notes else ""

    @property
    def revision(self):
        return self.notes.revision if self.notes else 0


def notes_page(session, *, viewer):
    """The notes, their revisions newest first (without their texts) named for the viewer, the
    links and slides, and where the session is in the plan: a fixed number of queries."""
    notes = SessionNotes.objects.filter(session=session).first()
    revisions = list(notes.revisions.defer("text").order_by("-number")) if notes else []
    labels = author_labels(session.camp, {r.author_id for r in revisions}, viewer=viewer)
    for revision in revisions:
        revision.author_label = labels[revision.author_id]
    room, slot = published_place(session)
    return NotesPage(
        notes=notes,
        revisions=revisions,
        links=list(session.links.all()),
        hosts=host_names(session),
        room=room,
        slot=slot,
    )


def revision_with_previous(session, number, *, viewer):
    """(revision, the one before it or None) of the session's notes, authors named; None if no such revision."""
    found = {
        revision.number: revision
        for revision in NoteRevision.objects.filter(
            notes__session=session, number__in=[number, number - 1]
        )
    }
    revision = found.get(number)
    if revision is None:
        return None
    previous = found.get(number - 1)
    labels = author_labels(
        session.camp,
        {revision.author_id, previous.author_id if previous else None},
        viewer=viewer,
    )
    revision.author_label = labels[revision.author_id]
    if previous:
        previous.author_label = labels[previous.author_id]
    return revision, previous


# --- The documentation page ----------------------------------------------------------------------


@dataclass
class Entry:
    session: Session
    room: object
    slot: Slot
    end: datetime.time
    hosts: list
    notes: str
    links: list


@dataclass
class SlotBlock:
    slot: Slot
    entries: list = field(default_factory=list)


@dataclass
class Day:
    date: datetime.date
    slots: list = field(default_factory=list)


def _newest_plans(camp):
    newest = (
        PublishedPlan.objects.filter(camp=camp, date=OuterRef("date"))
        .order_by("-version")
        .values("version")[:1]
    )
    return PublishedPlan.objects.filter(camp=camp, version=Subquery(newest)).order_by("date")


def documentation(camp, *, now=None):
    """Every held session of the camp with its notes, links and hosts, by day, slot and room.

    Held: in its day's newest published plan, visible, its slot begun by `now` (the camp's
    local time; see the module's rules). Seven queries, whatever the size of the camp.
    """
    now = now or queries.camp_now(camp)
    rooms = {room.pk: room for room in camp.rooms.all()}
    slots = {slot.pk: slot for slot in Slot.objects.filter(camp=camp)}
    placed = []
    for plan in _newest_plans(camp):
        for row in plan.placements:
            slot, room = slots.get(row["slot"]), rooms.get(row["room"])
            if slot is None or room is None or slot.date != plan.date:
                continue
            if (slot.date, slot.start) <= (now.date(), now.time()):
                placed.append((row["session"], room, slot))
    sessions = {
        session.pk: session
        for session in Session.objects.filter(pk__in=[row[0] for row in placed])
        .visible()
        .select_related("notes")
        .prefetch_related(
            Prefetch(
                "hosts",
                queryset=SessionHost.objects.select_related("participant").order_by(
                    "-is_proposer", "pk"
                ),
            ),
            Prefetch("links", queryset=SessionLink.objects.order_by("created_at", "pk")),
        )
    }
    following = _following_session_slots(slots.values())
    days = {}
    for session_id, room, slot in sorted(
        placed, key=lambda row: (row[2].date, row[2].start, row[1].order, row[1].pk)
    ):
        session = sessions.get(session_id)
        if session is None:
            continue  # withdrawn or hidden since the plan was published
        day = days.setdefault(slot.date, Day(date=slot.date))
        if not day.slots or day.slots[-1].slot.pk != slot.pk:
            day.slots.append(SlotBlock(slot=slot))
        end = slot.end
        if session.length == 2 and slot.pk in following:
            end = following[slot.pk].end
        notes = getattr(session, "notes", None)
        day.slots[-1].entries.append(
            Entry(
                session=session,
                room=room,
                slot=slot,
                end=end,
                hosts=host_names(session),
                notes=notes.text if notes else "",
                links=list(session.links.all()),
            )
        )
    return list(days.values())


def _following_session_slots(slots):
    """{slot id: the next session slot of the same day, unless a break or plenum lies between}."""
    by_day = {}
    for slot in sorted(slots, key=lambda slot: (slot.date, slot.start)):
        by_day.setdefault(slot.date, []).append(slot)
    following = {}
    for day_slots in by_day.values():
        for first, second in zip(day_slots, day_slots[1:], strict=False):
            if first.takes_sessions and second.takes_sessions:
                following[first.pk] = second
    return following


# --- The Markdown export -------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})(?=\s)", re.MULTILINE)


def _demote_headings(text, levels=3):
    """Notes' own headings go below the session's heading in the exported file."""
    return _HEADING.sub(lambda match: "#" * min(6, len(match.group(1)) + levels), text)


def documentation_markdown(camp, days, *, absolute_url):
    """The documentation as one Markdown file: a heading per day and per session, then its notes and links."""
    lines = [f"# {camp.name}", ""]
    first, last = formats.date_format(camp.start_date), formats.date_format(camp.end_date)
    lines += [first if first == last else f"{first} – {last}", ""]
    if camp.venue_name:
        lines += [camp.venue_name, ""]
    if not days:
        lines += [_("No session has been held yet."), ""]
    for day in days:
        lines += [f"## {formats.date_format(day.date, 'l, j. F Y')}", ""]
        for block in day.slots:
            for entry in block.entries:
                when = f"{entry.slot.start:%H:%M}–{entry.end:%H:%M}"
                lines += [f"### {when} · {entry.room.name}: {entry.session.title}", ""]
                lines += [_("Hosts: %(names)s") % {"names": ", ".join(entry.hosts)}, ""]
                if entry.notes:
                    lines += [_demote_headings(entry.notes), ""]
                else:
                    lines += [f"_{_('No notes.')}_", ""]
                if entry.links:
                    lines += [f"**{_('Links and slides')}:**", ""]
                for link in entry.links:
                    label = _("Slides") if link.kind == SessionLink.Kind.SLIDES else _("Link")
                    title = link.title.replace("[", "\\[").replace("]", "\\]")
                    lines.append(f"- {label}: [{title}](<{absolute_url(link.href)}>)")
                if entry.links:
                    lines.append("")
    return "\n".join(lines).rstrip() + "\n"

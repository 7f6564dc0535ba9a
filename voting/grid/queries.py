"""Reads of the grid: the organizers' draft, the published plan as phones, projector and door
signs show it, and the camp's clock that marks its current slot."""

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils import timezone

from events import live
from events.models import Camp, Room, Slot
from sessions.models import Session, SessionHost
from voting.models import LockedSlot, PublishedPlan
from voting.plenum.queries import with_vote_count


@dataclass
class Cell:
    room: Room
    session: Session | None = None
    continued: bool = False  # the second slot of a two-slot session
    moved: bool = False


@dataclass
class Row:
    slot: Slot
    cells: list = field(default_factory=list)
    locked: bool = False
    is_now: bool = False
    is_next: bool = False

    @property
    def takes_sessions(self):
        return self.slot.takes_sessions

    @property
    def begins_sessions(self):
        return any(cell.session and not cell.continued for cell in self.cells)


@dataclass
class Grid:
    date: object
    rooms: list
    rows: list
    unplaced: list = field(default_factory=list)
    version: int | None = None
    published_at: object = None
    # When the grid changes by the clock alone (a slot begins or ends, a "moved" mark expires,
    # a new day begins): live pages carry it in their version so that polls pick it up.
    changes_at: datetime.datetime | None = None

    @property
    def now_row(self):
        return next((row for row in self.rows if row.is_now), None)

    @property
    def next_row(self):
        """The next slot in which sessions begin: breaks, empty slots and slots that only
        continue two-slot sessions are passed over."""
        start = next((index for index, row in enumerate(self.rows) if row.is_next), None)
        if start is None:
            return None
        return next((row for row in self.rows[start:] if row.begins_sessions), None)

    @property
    def has_online_rooms(self):
        return any(room.kind != Room.Kind.VENUE for room in self.rooms)

    @property
    def sessions(self):
        return [
            cell.session
            for row in self.rows
            for cell in row.cells
            if cell.session and not cell.continued
        ]


# --- The projector's grid -------------------------------------------------------------------


@dataclass
class StageCell:
    cell: Cell
    span: int = 1  # 2: a session that goes on into the next column


@dataclass
class Stage:
    """What the projector shows of a day's published grid: the slot now (or the first ahead)
    and the one after it, a line per room; or that the day's sessions are over."""

    columns: list = field(default_factory=list)  # one or two rows that hold sessions
    lines: list = field(default_factory=list)  # (room, [StageCell]) per room
    current_break: Row | None = None  # a break or plenum going on now
    break_between: Row | None = None  # a break or plenum between the two columns
    over: bool = False

    @property
    def size(self):
        """How many rooms, coarsely: the projector's type scales by it."""
        rooms = len(self.lines)
        return "few" if rooms <= 4 else "some" if rooms <= 8 else "many" if rooms <= 12 else "lots"


def projector_stage(grid, *, today):
    """The current (or first coming) slot with sessions and the next slot in which sessions
    begin; empty slots and slots that only continue sessions are passed over, as on phones."""
    if grid.date < today:
        return Stage(over=True)
    start = 0
    if grid.date == today:
        start = next((i for i, row in enumerate(grid.rows) if row.is_now or row.is_next), None)
        if start is None:
            return Stage(over=bool(grid.rows))
    ahead = grid.rows[start:]
    stage = Stage()
    if ahead and ahead[0].is_now and not ahead[0].takes_sessions:
        stage.current_break = ahead[0]
    first = next(
        (
            row
            for row in ahead
            if row.takes_sessions
            and (any(cell.session for cell in row.cells) if row.is_now else row.begins_sessions)
        ),
        None,
    )
    if first is None:
        return stage
    later = ahead[ahead.index(first) + 1 :]
    second = next((row for row in later if row.begins_sessions), None)
    stage.columns = [first] if second is None else [first, second]
    if second is not None:
        between = later[: later.index(second)]
        stage.break_between = next((row for row in between if not row.takes_sessions), None)
    for index, room in enumerate(grid.rooms):
        now_cell = first.cells[index]
        if second is None:
            stage.lines.append((room, [StageCell(now_cell)]))
            continue
        next_cell = second.cells[index]
        goes_on = (
            now_cell.session is not None
            and next_cell.continued
            and next_cell.session.pk == now_cell.session.pk
        )
        cells = (
            [StageCell(now_cell, span=2)]
            if goes_on
            else [StageCell(now_cell), StageCell(next_cell)]
        )
        stage.lines.append((room, cells))
    return stage


def after_the_day(camp, date):
    """What comes after a day's sessions: the camp's next day (with the start of its first
    slot), or else the next camp of its series."""
    following = [day for day in camp.days if day > date]
    if following:
        starts = (
            Slot.objects.filter(camp=camp, date=following[0])
            .order_by("start")
            .values_list("start", flat=True)
            .first()
        )
        return {"next_day": following[0], "next_day_starts": starts}
    if camp.series_id:
        later = Camp.objects.filter(series_id=camp.series_id, start_date__gt=camp.end_date)
        return {"next_camp": later.order_by("start_date", "pk").first()}
    return {}


def camp_now(camp):
    """The camp's local date and time now."""
    return timezone.localtime(timezone.now(), camp.tz)


def default_day(camp):
    today = camp_now(camp).date()
    return today if today in camp.days else camp.start_date


def _changes_at(now, slots, *, expiries=()):
    """The first moment after `now` at which a grid of these slots looks different by the clock."""
    tz = now.tzinfo
    midnight = datetime.datetime.combine(
        now.date() + datetime.timedelta(days=1), datetime.time(), tz
    )
    moments = [midnight, *expiries]
    for slot in slots:
        for moment in (slot.start, slot.end):
            moments.append(datetime.datetime.combine(slot.date, moment, tz))
    return min(moment for moment in moments if moment > now)


def _rows(rooms, slots, cells, *, locked=(), moved=(), now=None):
    """Rows of the grid: every slot of the day (breaks too), a cell per room in session slots."""
    session_slots = [slot for slot in slots if slot.takes_sessions]
    following = {a.pk: b for a, b in zip(session_slots, session_slots[1:], strict=False)}
    continued = {}
    for (room_id, slot_id), session in cells.items():
        if session.length == 2 and slot_id in following:
            continued[(room_id, following[slot_id].pk)] = session
    rows, next_found = [], False
    for slot in slots:
        row = Row(slot=slot, locked=slot.pk in locked)
        if now is not None and slot.date == now.date():
            row.is_now = slot.start <= now.time() < slot.end
            if not next_found and slot.start > now.time():
                row.is_next = next_found = True
        if slot.takes_sessions:
            for room in rooms:
                session = cells.get((room.pk, slot.pk))
                if session:
                    row.cells.append(Cell(room=room, session=session, moved=session.pk in moved))
                elif (room.pk, slot.pk) in continued:
                    row.cells.append(
                        Cell(room=room, session=continued[(room.pk, slot.pk)], continued=True)
                    )
                else:
                    row.cells.append(Cell(room=room))
        rows.append(row)
    return rows


def draft_grid(camp, date):
    """The organizers' board: the draft with vote counts, pins, locks and the sessions left out."""
    rooms = list(camp.rooms.all())
    slots = list(Slot.objects.filter(camp=camp, date=date).order_by("start"))
    sessions = list(
        with_vote_count(Session.objects.filter(camp=camp, day=date).visible())
        .select_related("placement")
        .defer("description")
    )
    # A card shows its hosts' names only: a flat read, where Teilgeber rows through a
    # prefetch cost the board more than its other reads together.
    host_names = {}
    for session_id, name in (
        SessionHost.objects.filter(session__camp=camp, session__day=date)
        .order_by("-is_proposer", "pk")
        .values_list("session_id", "participant__display_name")
    ):
        host_names.setdefault(session_id, []).append(name)
    camp_field = Session._meta.get_field("camp")
    cells, unplaced = {}, []
    for session in sessions:
        camp_field.set_cached_value(session, camp)
        session.host_names = host_names.get(session.pk, [])
        placement = getattr(session, "placement", None)
        session.pinned = bool(placement and placement.pinned)
        if placement and placement.slot_id:
            cells[(placement.room_id, placement.slot_id)] = session
        else:
            session.kept_off = bool(placement)
            unplaced.append(session)
    locked = set(LockedSlot.objects.filter(slot__in=slots).values_list("slot_id", flat=True))
    unplaced.sort(key=lambda session: (-session.vote_count, session.pitch_position))
    now = camp_now(camp)
    return Grid(
        date=date,
        rooms=rooms,
        rows=_rows(rooms, slots, cells, locked=locked, now=now),
        unplaced=unplaced,
        changes_at=_changes_at(now, slots),
    )


def latest_published(camp, date):
    return PublishedPlan.objects.filter(camp=camp, date=date).order_by("-version").first()


MOVED_MARK_SECONDS = 30 * 60


# What the published grid shows: sessions (titles, hosts) come with the pitch's topic.
GRID_TOPICS = (live.PLAN, live.PITCH)


class ShownHost(NamedTuple):
    """A host as a published plan shows them: their Teilgeber id and chosen name."""

    pk: int
    display_name: str


@dataclass(frozen=True)
class _PublishedDay:
    """A day's published plan read from the database, before the clock is applied."""

    plan: PublishedPlan
    rooms: list
    slots: list
    cells: dict
    moved_at: dict  # session id -> when it was moved


@dataclass(frozen=True)
class _DayFrame:
    """What a published plan of a day shows besides its placements."""

    rooms: list
    slots: list
    sessions: dict  # id -> Session with its `shown_hosts`; withdrawn and hidden ones left out


def _day_frame(camp, date, session_ids):
    sessions = {
        session.pk: session
        for session in Session.objects.filter(camp=camp, pk__in=session_ids).visible()
    }
    # What the plan, the door signs and the feeds show of a host, read flat: Teilgeber rows
    # through a prefetch cost the first phone after a publish more than the rest of its page.
    hosts = {}
    for session_id, participant_id, name in (
        SessionHost.objects.filter(session_id__in=sessions)
        .order_by("-is_proposer", "pk")
        .values_list("session_id", "participant_id", "participant__display_name")
    ):
        hosts.setdefault(session_id, []).append(ShownHost(pk=participant_id, display_name=name))
    camp_field = Session._meta.get_field("camp")
    for session in sessions.values():
        camp_field.set_cached_value(session, camp)
        session.shown_hosts = hosts.get(session.pk, [])
    return _DayFrame(
        rooms=list(camp.rooms.all()),
        slots=list(Slot.objects.filter(camp=camp, date=date).order_by("start")),
        sessions=sessions,
    )


def _published_day(camp, date, plan):
    plan = plan or latest_published(camp, date)
    if plan is None:
        return None
    session_ids = frozenset(row["session"] for row in plan.placements)
    # Sessions, their hosts' names, rooms and slots change with the pitch's topic (an edit of a
    # session or a name gives it new tokens; one of a room or slot gives every topic new ones),
    # not with the plan's: kept under it, a publish that places the same sessions anew costs
    # every process a read of the plan alone.
    frame = live.memoized(
        camp.slug,
        (live.PITCH,),
        ("published-frame", date, session_ids),
        lambda: _day_frame(camp, date, session_ids),
    )
    cells, moved_at = {}, {}
    for row in plan.placements:
        session = frame.sessions.get(row["session"])
        if session is None:
            continue  # withdrawn or hidden since publication
        cells[(row["room"], row["slot"])] = session
        if row.get("moved_at"):
            moved_at[session.pk] = datetime.datetime.fromisoformat(row["moved_at"])
    return _PublishedDay(
        plan=plan, rooms=frame.rooms, slots=frame.slots, cells=cells, moved_at=moved_at
    )


def published_grid(camp, date, *, plan=None, version=live.READ_HERE):
    """The day's grid as the room sees it, or None before the first publication.

    The latest plan is read once per version of the camp's plan and pitch in each process
    (phones, projector and door signs all show it), then the clock is applied: the current
    and next slot, "moved" marks of the last half hour. Its sessions are shared: read-only.
    `version`: the grid topics' version the caller read, for what it derives from the grid
    (`live.memoized`).
    """
    if plan is None:
        published = live.memoized(
            camp.slug,
            GRID_TOPICS,
            ("published-day", date),
            lambda: _published_day(camp, date, None),
            version=version,
        )
    else:
        published = _published_day(camp, date, plan)
    if published is None:
        return None
    now = camp_now(camp)
    moved, expiries = set(), []
    for session_id, moved_at in published.moved_at.items():
        mark_ends = moved_at + datetime.timedelta(seconds=MOVED_MARK_SECONDS)
        if now < mark_ends:
            moved.add(session_id)
            expiries.append(mark_ends)
    return Grid(
        date=date,
        rooms=published.rooms,
        rows=_rows(published.rooms, published.slots, published.cells, moved=moved, now=now),
        version=published.plan.version,
        published_at=published.plan.published_at,
        changes_at=_changes_at(now, published.slots, expiries=expiries),
    )


def placements_by_session(grid):
    """{session id: (room, slot, end)} of a grid, the second slot of a two-slot session giving the end."""
    result = {}
    for row in grid.rows:
        for cell in row.cells:
            if cell.session is None:
                continue
            if cell.continued:
                room, slot, _end = result[cell.session.pk]
                result[cell.session.pk] = (room, slot, row.slot.end)
            else:
                result[cell.session.pk] = (cell.room, row.slot, row.slot.end)
    return result


def agenda(grid, *, voted, hosted):
    """The Teilgeber's day: placed sessions they want or host, in time order, clashes marked."""
    where = placements_by_session(grid)
    entries = []
    for session in grid.sessions:
        if session.pk in voted or session.pk in hosted:
            room, slot, end = where[session.pk]
            entries.append(
                {
                    "session": session,
                    "room": room,
                    "slot": slot,
                    "end": end,
                    "hosting": session.pk in hosted,
                }
            )
    entries.sort(key=lambda entry: (entry["slot"].start, entry["room"].order))
    for entry in entries:
        entry["clash"] = any(
            other is not entry
            and other["slot"].start < entry["end"]
            and entry["slot"].start < other["end"]
            for other in entries
        )
    return entries


def room_now_and_next(grid, room, now):
    """(now, next) of one room in today's published grid: each a (row, cell) or None."""
    if grid is None:
        return None, None
    column = [
        (row, cell)
        for row in grid.rows
        for cell in row.cells
        if cell.room.pk == room.pk and cell.session
    ]
    current = next(((row, cell) for row, cell in column if row.is_now), None)
    if grid.date != now.date():
        # Before the day everything is ahead; after it nothing is.
        upcoming = (
            [(row, cell) for row, cell in column if not cell.continued]
            if grid.date > now.date()
            else []
        )
        return None, (upcoming[0] if upcoming else None)
    later = [
        (row, cell)
        for row, cell in column
        if not cell.continued
        and row.slot.start > now.time()
        and (current is None or cell.session.pk != current[1].session.pk)
    ]
    return current, (later[0] if later else None)

"""Reads that combine sessions with their votes, and the live pitch."""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from events import live
from events.models import Camp, Participant, Room, Slot
from sessions.models import Session, SessionHost
from sessions.queries import filtered_sessions, for_display

from .models import LivePitch, LockedSlot, Placement, PublishedPlan, Vote, VotingDay

SORTS = ("newest", "wanted")


def with_vote_count(queryset):
    return queryset.annotate(vote_count=Count("votes", distinct=True))


def session_list(*, camp, participant=None, sort="newest", mine=False, **filters):
    """The list page: visible sessions filtered, with hosts and vote counts, in a fixed number of queries."""
    sessions = filtered_sessions(camp=camp, **filters)
    if mine:
        if participant is None:
            return Session.objects.none()
        sessions = sessions.filter(
            Q(hosts__participant=participant) | Q(votes__participant=participant)
        ).distinct()
    sessions = for_display(with_vote_count(sessions))
    if sort == "wanted":
        return sessions.order_by("-vote_count", "-created_at", "-pk")
    return sessions.order_by("-created_at", "-pk")


def vote_count_and_mine(session, participant=None):
    """The session's vote count, and whether the Teilgeber is among its votes (one query)."""
    # A plain statement, because every phone's pitch page asks: as an ORM aggregate(), which
    # Django compiles anew each time, the page cost clearly more CPU (bench/README.md).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(CASE WHEN participant_id = %s THEN 1 END)"
            f" FROM {Vote._meta.db_table} WHERE session_id = %s",
            [participant.pk if participant else None, session.pk],
        )
        count, mine = cursor.fetchone()
    return count, mine > 0


def own_session_ids(participant):
    """(voted, hosted): the ids of the sessions the Teilgeber wants to go to, and of those they
    host (one query)."""
    if participant is None:
        return set(), set()
    # One plain statement for both, because every phone's plan page asks: with two ORM
    # querysets the page cost clearly more CPU (bench/README.md).
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT session_id, 0 FROM {Vote._meta.db_table} WHERE participant_id = %s"
            f" UNION ALL SELECT session_id, 1 FROM {SessionHost._meta.db_table}"
            " WHERE participant_id = %s",
            [participant.pk, participant.pk],
        )
        voted, hosted = set(), set()
        for session_id, host in cursor.fetchall():
            (hosted if host else voted).add(session_id)
    return voted, hosted


def day_states(camp):
    """{date: VotingDay.State} for every day of the camp (one query)."""
    states = dict(VotingDay.objects.filter(camp=camp).values_list("date", "state"))
    return {day: states.get(day, VotingDay.State.NOT_OPEN) for day in camp.days}


def counts_visible(camp, state, *, is_organizer=False):
    """Vote counts stay hidden until the day's voting closes, if the camp wants that; organizers always see them."""
    return is_organizer or not camp.hide_counts_until_closed or state == VotingDay.State.CLOSED


def votes_used(participant):
    if participant is None:
        return 0
    return Vote.objects.counted().filter(participant=participant).count()


def live_pitch(camp):
    """The camp's live pitch with its current session, hosts and vote count, or None (two queries)."""
    pitch = LivePitch.objects.filter(camp=camp).select_related("current").first()
    if pitch and pitch.current_id:
        pitch.current = for_display(
            with_vote_count(Session.objects.filter(pk=pitch.current_id))
        ).first()
    return pitch


def quick_vote_candidate(*, camp, participant, skipped, open_days, by_votes=True):
    """(the next session to show in quick voting, how many are left): the sessions not yet
    decided on, fewest votes first, then in pitch order; or, `by_votes=False` while the counts
    are hidden, in an order of the Teilgeber's own that no vote changes."""
    decided = Vote.objects.filter(participant=participant).values("session_id")
    candidates = (
        Session.objects.filter(camp=camp, day__in=open_days)
        .visible()
        .exclude(pk__in=decided)
        .exclude(hosts__participant=participant)
        .exclude(pk__in=skipped)
    )
    if not by_votes:
        # Fewest first would tell the hidden counts to whoever skips through the sessions
        # (and a new vote to whoever watches the order change).
        ids = list(candidates.values_list("pk", flat=True))
        if not ids:
            return None, 0
        first = min(ids, key=lambda pk: shuffled_rank(participant, pk))
        return for_display(Session.objects.filter(pk=first)).first(), len(ids)
    remaining = candidates.count()
    session = (
        for_display(with_vote_count(candidates))
        .order_by("vote_count", "day", "pitch_position", "pk")
        .first()
    )
    return session, remaining


def shuffled_rank(participant, session_id):
    """The session's place in the Teilgeber's own shuffled order: the same on every visit,
    different for each Teilgeber, so that every session is seen first by someone."""
    return salted_hmac(
        "voting.quick-vote-order", f"{participant.pk}:{session_id}", algorithm="sha256"
    ).digest()


# --- The grid ------------------------------------------------------------------------------


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
        for_display(with_vote_count(Session.objects.filter(camp=camp, day=date).visible()))
    )
    placements = {
        p.session_id: p for p in Placement.objects.filter(session__in=[s.pk for s in sessions])
    }
    cells, unplaced = {}, []
    for session in sessions:
        placement = placements.get(session.pk)
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


@dataclass(frozen=True)
class _PublishedDay:
    """A day's published plan read from the database, before the clock is applied."""

    plan: PublishedPlan
    rooms: list
    slots: list
    cells: dict
    moved_at: dict  # session id -> when it was moved


def _published_day(camp, date, plan):
    plan = plan or latest_published(camp, date)
    if plan is None:
        return None
    sessions = {
        session.pk: session
        for session in for_display(
            Session.objects.filter(pk__in=[row["session"] for row in plan.placements]).visible()
        )
    }
    cells, moved_at = {}, {}
    for row in plan.placements:
        session = sessions.get(row["session"])
        if session is None:
            continue  # withdrawn or hidden since publication
        cells[(row["room"], row["slot"])] = session
        if row.get("moved_at"):
            moved_at[session.pk] = datetime.datetime.fromisoformat(row["moved_at"])
    return _PublishedDay(
        plan=plan,
        rooms=list(camp.rooms.all()),
        slots=list(Slot.objects.filter(camp=camp, date=date).order_by("start")),
        cells=cells,
        moved_at=moved_at,
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


# --- People with your interests ----------------------------------------------------------------


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

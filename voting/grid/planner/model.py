"""The planner's data: rooms, slots, sessions and plans, read from and written to the JSON
formats of ``shared/planner/schema.md``.

Everything here is immutable and index-free; the search (``solve.py``) builds its own compact
integer model from an :class:`Instance`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple


class Cell(NamedTuple):
    """A room in a slot. A two-slot session is placed at the cell of its first slot."""

    room: str
    slot: str


@dataclass(frozen=True)
class Room:
    id: str
    capacity: int


@dataclass(frozen=True)
class Slot:
    """A time slot. Only ``day``, ``date`` and the order of the slot list matter to the planner.

    ``day`` bounds two-slot sessions (they never continue into another day). ``date`` groups
    the slots whose earliest free cells are filled first (see ``Search.shift_early``); it is
    ``day`` unless given. The app uses both: a day's runs of slots between breaks are its
    ``day`` values, so that no two-slot session spans lunch, and they share one ``date``.
    """

    id: str
    day: Any = None
    start: str | None = None
    end: str | None = None
    date: Any = None

    @property
    def calendar_day(self) -> Any:
        return self.day if self.date is None else self.date


@dataclass(frozen=True)
class Session:
    """A pitched session.

    ``hosts`` and ``votes`` are participant (Teilgeber) ids; ``length`` is 1 or 2 slots;
    ``pinned`` is the cell the session must take (its first cell for ``length`` 2).
    """

    id: str
    hosts: tuple[str, ...]
    votes: tuple[str, ...]
    pinned: Cell | None = None
    length: int = 1
    title: str = ""


@dataclass(frozen=True)
class Problem:
    """Why an instance cannot be planned (``severity`` "error") or what is worth knowing
    about it (``severity`` "warning"). ``rule`` is a short machine-readable name,
    ``sessions`` the ids of the sessions concerned."""

    rule: str
    message: str
    sessions: tuple[str, ...] = ()
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


class PlannerError(ValueError):
    """Base of the planner's errors; ``problems`` lists what is wrong, in words."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class InfeasibleError(PlannerError):
    """The instance cannot be planned (malformed input or contradicting pins)."""


class InvalidPlanError(PlannerError):
    """A set of placements breaks a hard rule of the grid."""


@dataclass(frozen=True)
class Instance:
    """Rooms, slots (in their listed order) and sessions of one camp, plus an optional
    earlier plan ``previous`` ({session id: cell}) that a re-plan should disturb little.

    ``closed``: cells that take no session (the app's locked slots keep their free rooms
    empty). An extension of the shared format, JSON key ``"closed"``: a list of
    ``{"room", "slot"}``; a closed cell is never free for rule left-out."""

    rooms: tuple[Room, ...]
    slots: tuple[Slot, ...]
    sessions: tuple[Session, ...]
    previous: Mapping[str, Cell] | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    closed: frozenset[Cell] = frozenset()

    @cached_property
    def following_slot(self) -> dict[str, str]:
        """Slot id -> the slot a two-slot session continues into: the next slot of the list,
        if it is on the same day (schema.md). The last slot of a day has no entry."""
        return {
            a.id: b.id for a, b in zip(self.slots, self.slots[1:], strict=False) if a.day == b.day
        }

    @cached_property
    def room_by_id(self) -> dict[str, Room]:
        return {r.id: r for r in self.rooms}

    @cached_property
    def slot_by_id(self) -> dict[str, Slot]:
        return {t.id: t for t in self.slots}

    @cached_property
    def session_by_id(self) -> dict[str, Session]:
        return {s.id: s for s in self.sessions}

    def slots_taken(self, session: Session, start: str) -> tuple[str, ...] | None:
        """The slots ``session`` occupies when it starts in ``start``; None where a two-slot
        session would run past the end of the day."""
        if session.length != 2:
            return (start,)
        following = self.following_slot.get(start)
        return (start, following) if following else None


Placements = dict[str, Cell]
"""A plan: session id -> the cell it starts in. Sessions not in the dict are not placed."""


def _format_problem(message: str) -> Problem:
    return Problem("instance-format", message)


def _cell(value: Any) -> Cell | None:
    if value is None:
        return None
    return Cell(str(value["room"]), str(value["slot"]))


def _session(data: Mapping[str, Any]) -> Session:
    length = data.get("length")
    return Session(
        id=str(data["id"]),
        hosts=tuple(str(h) for h in data.get("hosts") or ()),
        votes=tuple(str(v) for v in data.get("votes") or ()),
        pinned=_cell(data.get("pinned")),
        length=1 if length is None else length,
        title=str(data.get("title", "")),
    )


def parse_instance(data: Mapping[str, Any]) -> Instance:
    """Build an :class:`Instance` from the JSON dict of schema.md.

    Unknown keys are ignored. Raises :class:`InfeasibleError` (rule "instance-format") when
    the structure is unusable: a missing list or field, a duplicate id. Whether the pins and
    hosts can be planned is :func:`~voting.grid.planner.validate`'s business.
    """
    problems: list[Problem] = []
    for key in ("rooms", "slots", "sessions"):
        if not isinstance(data.get(key), list):
            problems.append(_format_problem(f"'{key}' must be a list"))
    if problems:
        raise InfeasibleError(problems)
    try:
        rooms = tuple(Room(str(r["id"]), r["capacity"]) for r in data["rooms"])
        slots = tuple(
            Slot(str(t["id"]), t.get("day"), t.get("start"), t.get("end"), t.get("date"))
            for t in data["slots"]
        )
        sessions = tuple(_session(s) for s in data["sessions"])
        previous_data = data.get("previous")
        previous = (
            {str(sid): _cell(c) for sid, c in previous_data.items() if c is not None}
            if previous_data is not None
            else None
        )
        closed = frozenset(_cell(c) for c in data.get("closed") or ())
    except (KeyError, TypeError, AttributeError) as error:
        raise InfeasibleError(
            [_format_problem(f"missing or malformed field: {error!r}")]
        ) from error
    for kind, items in (("rooms", rooms), ("slots", slots), ("sessions", sessions)):
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                problems.append(_format_problem(f"duplicate id {item.id!r} in {kind}"))
            seen.add(item.id)
    if problems:
        raise InfeasibleError(problems)
    meta = data.get("meta") if isinstance(data.get("meta"), Mapping) else {}
    return Instance(rooms, slots, sessions, previous, meta, closed)


def plan_to_json(placements: Mapping[str, Cell]) -> dict[str, list[dict[str, str]]]:
    """The plan format of schema.md: ``{"placements": [{"session", "room", "slot"}]}``."""
    return {
        "placements": [
            {"session": sid, "room": cell.room, "slot": cell.slot}
            for sid, cell in placements.items()
        ]
    }


def parse_plan(data: Mapping[str, Any]) -> Placements:
    """Placements from the plan format of schema.md (the inverse of :func:`plan_to_json`)."""
    return {str(p["session"]): Cell(str(p["room"]), str(p["slot"])) for p in data["placements"]}

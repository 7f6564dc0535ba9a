"""Why an instance cannot be planned, in words that name the sessions and the rule.

Unpinned sessions can always be left out of the grid, so what makes an instance unplannable
is malformed data, pins that contradict each other or the grid, and sessions that could never
get a cell. Those are errors: :func:`~voting.grid.planner.plan` refuses them rather than return a
silently partial plan. Oddities that do not stop planning are warnings.
"""

from __future__ import annotations

from collections import defaultdict

from .model import Instance, Problem


def _error(rule: str, message: str, *sessions: str) -> Problem:
    return Problem(rule, message, tuple(sessions), "error")


def _warning(rule: str, message: str, *sessions: str) -> Problem:
    return Problem(rule, message, tuple(sessions), "warning")


def _names(ids: list[str]) -> str:
    return ", ".join(ids[:-1]) + f" and {ids[-1]}" if len(ids) > 1 else ids[0]


def validate(instance: Instance) -> list[Problem]:
    """All problems of ``instance``; those with severity "error" make it unplannable.

    Errors (rule names follow schema.md where it has one):

    * instance-format: a negative or non-integer capacity, a session without hosts, a
      length other than 1 or 2;
    * unknown-id: a pin to a room or slot that does not exist;
    * length-fits: a two-slot session pinned into the last slot of its day, or a two-slot
      session on a grid where no day has two slots;
    * too-many-pins: the pinned sessions need more cells than the grid has;
    * one-session-per-cell: two pinned sessions claim one cell (also through the second
      slot of a two-slot session);
    * host-double-booked: a host has two pinned sessions in one slot;
    * closed-cell: a session is pinned to a closed cell;
    * host-overbooked: a host's sessions need more slots than the grid has.

    Warnings: an entry of the previous plan that names an unknown room or slot (it is
    ignored as a starting point).
    """
    problems: list[Problem] = []
    slots = instance.slot_by_id
    rooms = instance.room_by_id

    for room in instance.rooms:
        if (
            not isinstance(room.capacity, int)
            or isinstance(room.capacity, bool)
            or room.capacity < 0
        ):
            problems.append(
                _error(
                    "instance-format",
                    f"room {room.id}: capacity must be an integer >= 0, not {room.capacity!r}",
                )
            )
    any_two_slot_run = bool(instance.following_slot)
    for session in instance.sessions:
        if not session.hosts:
            problems.append(
                _error("instance-format", f"session {session.id} has no host", session.id)
            )
        if session.length not in (1, 2):
            problems.append(
                _error(
                    "instance-format",
                    f"session {session.id}: length must be 1 or 2, not {session.length!r}",
                    session.id,
                )
            )
        elif session.length == 2 and not any_two_slot_run and not session.pinned:
            problems.append(
                _error(
                    "length-fits",
                    f"two-slot session {session.id} cannot be placed: no day has two slots",
                    session.id,
                )
            )

    # Pins: where each pinned session sits, then who collides with whom.
    cell_owner: dict[tuple[str, str], str] = {}
    host_busy: dict[tuple[str, str], str] = {}
    pinned_cells = 0
    for session in instance.sessions:
        pin = session.pinned
        if pin is None or session.length not in (1, 2):
            continue
        if pin.room not in rooms or pin.slot not in slots:
            unknown = [f"room {pin.room!r}"] * (pin.room not in rooms) + [f"slot {pin.slot!r}"] * (
                pin.slot not in slots
            )
            problems.append(
                _error(
                    "unknown-id",
                    f"session {session.id} is pinned to unknown {' and '.join(unknown)}",
                    session.id,
                )
            )
            continue
        run = instance.slots_taken(session, pin.slot)
        if run is None:
            day = slots[pin.slot].day
            problems.append(
                _error(
                    "length-fits",
                    f"two-slot session {session.id} is pinned to {pin.slot}, the last slot of "
                    f"day {day}: it has no second slot",
                    session.id,
                )
            )
            continue
        pinned_cells += len(run)
        for slot in run:
            if (pin.room, slot) in instance.closed:
                problems.append(
                    _error(
                        "closed-cell",
                        f"session {session.id} is pinned to closed cell {pin.room}/{slot}",
                        session.id,
                    )
                )
            other = cell_owner.setdefault((pin.room, slot), session.id)
            if other != session.id:
                problems.append(
                    _error(
                        "one-session-per-cell",
                        f"sessions {other} and {session.id} are both pinned to room {pin.room} "
                        f"in slot {slot}",
                        other,
                        session.id,
                    )
                )
            for host in session.hosts:
                other = host_busy.setdefault((host, slot), session.id)
                if other != session.id:
                    problems.append(
                        _error(
                            "host-double-booked",
                            f"host {host} has two pinned sessions in slot {slot}: {other} and "
                            f"{session.id}",
                            other,
                            session.id,
                        )
                    )
    cells = len(instance.rooms) * len(instance.slots)
    if pinned_cells > cells:
        pinned = [s.id for s in instance.sessions if s.pinned]
        problems.append(
            _error(
                "too-many-pins",
                f"the pinned sessions need {pinned_cells} cells but the grid has only {cells} "
                f"({len(instance.rooms)} rooms x {len(instance.slots)} slots)",
                *pinned,
            )
        )

    # A host attends their sessions one at a time.
    sessions_of_host: dict[str, list[str]] = defaultdict(list)
    slots_needed: dict[str, int] = defaultdict(int)
    for session in instance.sessions:
        for host in dict.fromkeys(session.hosts):
            sessions_of_host[host].append(session.id)
            slots_needed[host] += session.length if session.length in (1, 2) else 1
    for host, needed in slots_needed.items():
        if needed > len(instance.slots):
            ids = sessions_of_host[host]
            problems.append(
                _error(
                    "host-overbooked",
                    f"host {host} hosts {_names(ids)}, which need {needed} slots, but the grid "
                    f"has only {len(instance.slots)}",
                    *ids,
                )
            )

    for sid, cell in (instance.previous or {}).items():
        if cell is not None and (cell.room not in rooms or cell.slot not in slots):
            problems.append(
                _warning(
                    "unknown-id",
                    f"the previous plan puts {sid} in unknown cell {cell.room}/{cell.slot}; "
                    "it is ignored as a starting point",
                    sid,
                )
            )
    return problems


def errors(problems: list[Problem]) -> list[Problem]:
    """The problems that make an instance unplannable."""
    return [p for p in problems if p.severity == "error"]

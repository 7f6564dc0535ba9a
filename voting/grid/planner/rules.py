"""The hard rules of a grid and its score, as defined in ``shared/planner/schema.md``.

This is the planner's own copy of the shared judge (``shared/planner/score.py``); the tests
check that both agree. It works on any placements, so it can also check a grid that an
organizer edited by hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from .model import Cell, Instance, InvalidPlanError, Problem


def check_placements(instance: Instance, placements: Mapping[str, Cell]) -> list[Problem]:
    """Every hard rule that ``placements`` break, as problems naming the sessions.

    Rules (schema.md): unknown-id, pinned-session, length-fits, one-session-per-cell,
    host-double-booked, left-out; and closed-cell, for instances with closed cells. An
    empty list means the plan is valid.
    """
    problems: list[Problem] = []
    sessions = instance.session_by_id
    runs: dict[str, tuple[str, ...]] = {}
    for sid, (room, slot) in placements.items():
        if sid not in sessions:
            problems.append(Problem("unknown-id", f"unknown session {sid!r}", (sid,)))
            continue
        if room not in instance.room_by_id or slot not in instance.slot_by_id:
            problems.append(
                Problem(
                    "unknown-id", f"session {sid} is placed in unknown cell {room}/{slot}", (sid,)
                )
            )
            continue
        run = instance.slots_taken(sessions[sid], slot)
        if run is None:
            problems.append(
                Problem(
                    "length-fits",
                    f"two-slot session {sid} starts in {slot}, the last slot of its day",
                    (sid,),
                )
            )
            continue
        runs[sid] = run
    for session in instance.sessions:
        if session.pinned and placements.get(session.id) != session.pinned:
            where = placements.get(session.id)
            problems.append(
                Problem(
                    "pinned-session",
                    f"session {session.id} is pinned to room {session.pinned.room} slot "
                    f"{session.pinned.slot} but placed "
                    + (f"in room {where.room} slot {where.slot}" if where else "nowhere"),
                    (session.id,),
                )
            )
    cell_owner: dict[tuple[str, str], str] = {}
    host_busy: dict[tuple[str, str], str] = {}
    for sid, run in runs.items():
        room = placements[sid].room
        for slot in run:
            if (room, slot) in instance.closed:
                problems.append(
                    Problem("closed-cell", f"session {sid} is in closed cell {room}/{slot}", (sid,))
                )
            other = cell_owner.setdefault((room, slot), sid)
            if other != sid:
                problems.append(
                    Problem(
                        "one-session-per-cell",
                        f"sessions {other} and {sid} share room {room} in slot {slot}",
                        (other, sid),
                    )
                )
            for host in sessions[sid].hosts:
                other = host_busy.setdefault((host, slot), sid)
                if other != sid:
                    problems.append(
                        Problem(
                            "host-double-booked",
                            f"host {host} hosts both {other} and {sid} in slot {slot}",
                            (other, sid),
                        )
                    )
    problems.extend(_left_out(instance, placements, cell_owner, host_busy))
    return problems


def _left_out(
    instance: Instance,
    placements: Mapping[str, Cell],
    cell_owner: Mapping[tuple[str, str], str],
    host_busy: Mapping[tuple[str, str], str],
) -> list[Problem]:
    """Rule left-out: no session is left out while a room is free for it, in a slot where
    none of its hosts is busy (a two-slot session: that slot and the next of its day, in
    the same room). An organizer would not accept an empty room beside a wanted session."""
    problems = []
    for session in instance.sessions:
        if session.id in placements:
            continue
        free = next(
            (
                (room.id, slot.id)
                for slot in instance.slots
                if (run := instance.slots_taken(session, slot.id))
                and not any((host, t) in host_busy for host in session.hosts for t in run)
                for room in instance.rooms
                if all(
                    (room.id, t) not in cell_owner and (room.id, t) not in instance.closed
                    for t in run
                )
            ),
            None,
        )
        if free is not None:
            problems.append(
                Problem(
                    "left-out",
                    f"session {session.id} is not placed, but room {free[0]} is free in slot "
                    f"{free[1]} and its hosts are free then",
                    (session.id,),
                )
            )
    return problems


def score(instance: Instance, placements: Mapping[str, Cell]) -> dict[str, int | None]:
    """The metrics of valid placements, with the keys and meaning of the shared scorer.

    ``score`` = ``attendable`` - ``overflow`` is the objective:

    * attendable: sum over participants p and slots t of min(1, |I_p ∩ P_t|), where I_p are the
      sessions p voted for or hosts and P_t the sessions placed in t (a two-slot session is in
      P_t for both of its slots);
    * overflow: sum over placed sessions of max(0, votes - capacity of its room);
    * clash_lost: interest placed but not attendable, sum of max(0, |I_p ∩ P_t| - 1);
    * moves: sessions of ``instance.previous`` whose cell changed or that were dropped
      (None without a previous plan).

    Raises :class:`InvalidPlanError` if the placements break a hard rule.
    """
    problems = check_placements(instance, placements)
    if problems:
        raise InvalidPlanError(problems)
    sessions = instance.session_by_id
    capacity = {r.id: r.capacity for r in instance.rooms}
    # Per slot and person: how many of the person's sessions run then.
    interest_in_slot: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for sid, (_, start) in placements.items():
        session = sessions[sid]
        people = set(session.votes) | set(session.hosts)
        for slot in instance.slots_taken(session, start) or ():
            counts = interest_in_slot[slot]
            for person in people:
                counts[person] += 1
    attendable = interest_placed = 0
    for counts in interest_in_slot.values():
        attendable += len(counts)
        interest_placed += sum(counts.values())
    overflow = sum(
        max(0, len(sessions[sid].votes) - capacity[cell.room]) for sid, cell in placements.items()
    )
    return {
        "score": attendable - overflow,
        "attendable": attendable,
        "overflow": overflow,
        "placed": len(placements),
        "sessions": len(sessions),
        "cells": len(instance.rooms) * len(instance.slots),
        "interest_placed": interest_placed,
        "clash_lost": interest_placed - attendable,
        "votes_unplaced": sum(len(s.votes) for s in instance.sessions if s.id not in placements),
        "moves": count_moves(instance, placements),
    }


def count_moves(instance: Instance, placements: Mapping[str, Cell]) -> int | None:
    """Sessions of the previous plan that changed cell or were dropped; None without one."""
    if not instance.previous:
        return None
    return sum(1 for sid, cell in instance.previous.items() if placements.get(sid) != cell)

"""The session-grid planner: which session goes into which room and slot.

Pure Python (standard library only, no Django), so it runs anywhere the camp's data can be
exported as the JSON instance of ``shared/planner/schema.md``::

    from voting.grid.planner import parse_instance, plan

    result = plan(parse_instance(data))
    result.placements      # {"S001": Cell(room="R01", slot="D1-1"), ...}
    result.score["score"]  # attendable - overflow, as the shared scorer counts it
    result.to_json()       # {"placements": [{"session", "room", "slot"}, ...]}

Or from the shell: ``python -m voting.grid.planner --input instance.json --output plan.json``.

The objective (schema.md): as many (person, slot) pairs as possible in which a person can
attend a session they voted for or host, minus the votes that do not fit into the room. Hard
rules: one session per cell, pins are kept, a host is never in two places, a two-slot session
fits its day, and no session is left out while a room is free for it. With cells to spare,
each day fills from its first slot.

Module map: ``model`` (data and JSON), ``rules`` (hard rules and the score), ``explain``
(why an instance cannot be planned), ``solve`` (the search).
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .explain import errors, validate
from .model import (
    Cell,
    InfeasibleError,
    Instance,
    InvalidPlanError,
    Placements,
    PlannerError,
    Problem,
    Room,
    Session,
    Slot,
    parse_instance,
    parse_plan,
    plan_to_json,
)
from .rules import check_placements, count_moves, score
from .solve import Search, anneal_iterations

__all__ = [
    "Cell",
    "Instance",
    "InfeasibleError",
    "InvalidPlanError",
    "Move",
    "PlanResult",
    "Placements",
    "PlannerError",
    "Problem",
    "Room",
    "Session",
    "Slot",
    "check_placements",
    "parse_instance",
    "parse_plan",
    "plan",
    "plan_to_json",
    "score",
    "validate",
]


@dataclass(frozen=True)
class Move:
    """A session of the previous plan that is not where it was: ``new`` is None if it left
    the grid (or no longer exists)."""

    session: str
    old: Cell
    new: Cell | None


@dataclass(frozen=True)
class PlanResult:
    """A plan and what it is worth.

    ``placements``: session id -> cell (sessions left out are absent). ``score``: the metrics
    of :func:`score` (``score``, ``attendable``, ``overflow``, ``clash_lost``, ``moves``, ...).
    ``moves``: the sessions of the previous plan that changed cell, empty without one.
    ``warnings``: problems of the instance that did not stop planning.
    """

    placements: dict[str, Cell]
    score: dict[str, int | None]
    moves: list[Move] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def to_json(self) -> dict[str, list[dict[str, str]]]:
        """The plan in the shared format ``{"placements": [{"session", "room", "slot"}]}``."""
        return plan_to_json(self.placements)


# What moving a session of the previous plan costs, in score points (attendees x slots):
# a fresh plan replaces the improved previous one only if it gains more than this per
# additional move.
MOVE_COST = 1


def _search_fresh(instance: Instance, seed: int, deadline: float | None) -> Search:
    search = Search(instance)
    search.construct()
    iterations = anneal_iterations(len(search.free1) + len(search.free2))
    search.optimize(iterations, random.Random(seed), deadline)
    if instance.previous:
        search.align_to_previous()
        search.descend(deadline)
    search.shift_early()
    return search


def _search_from_previous(instance: Instance, deadline: float | None) -> Search:
    search = Search(instance)
    search.start_from_previous()
    search.descend(deadline)
    search.shift_early()
    return search


def _placements_from(search: Search, instance: Instance) -> dict[str, Cell]:
    return search.placements(keep_rooms=bool(instance.previous))


def plan(
    instance: Instance | Mapping[str, Any],
    *,
    time_limit: float | None = None,
    seed: int = 0,
) -> PlanResult:
    """Plan the grid of ``instance`` (an :class:`Instance` or its JSON dict).

    Without a previous plan: a greedy start, simulated annealing for a number of iterations
    fixed by the instance's size (in two rounds), then local search to a local optimum.
    Every session that fits is placed (rule left-out), and sessions then move into free
    cells of earlier slots of their day where that costs no score.

    With ``instance.previous`` (stability): the previous plan is improved by local search
    that accepts only changes strictly raising the score (at equal score, changes that put
    sessions back where they were), so a re-plan after a few new votes moves only what
    gains. A fresh plan, its slots relabelled to agree with the previous one, replaces it
    only if its score exceeds the improved previous plan's by more than MOVE_COST per
    additional moved session -- which happens when the previous plan is stale, e.g. drawn up
    before most votes were in. Pinned sessions never move; ``moves`` lists what did.

    Deterministic: the same instance and ``seed`` give the same plan on any machine. The
    effort is counted in iterations, not seconds; ``time_limit`` (seconds) is only a safety
    net that stops the search early with the best plan so far -- a plan cut short that way
    depends on the machine's speed.

    Raises :class:`InfeasibleError` naming the sessions and the rule if the instance cannot
    be planned (see :func:`validate`).
    """
    if not isinstance(instance, Instance):
        instance = parse_instance(instance)
    problems = validate(instance)
    if errors(problems):
        raise InfeasibleError(errors(problems))
    deadline = time.perf_counter() + time_limit if time_limit is not None else None

    if instance.previous:
        # Two candidates: the previous plan improved change by change, and a fresh plan
        # relabelled to agree with it. A stale previous plan (e.g. drawn up before most votes
        # were in) can sit in a poor local optimum; the fresh plan wins only if its extra
        # score pays for its extra moves (MOVE_COST each).
        kept = _placements_from(_search_from_previous(instance, deadline), instance)
        fresh = _placements_from(_search_fresh(instance, seed, deadline), instance)
        placements = max(
            (kept, fresh),
            key=lambda p: score(instance, p)["score"] - MOVE_COST * count_moves(instance, p),
        )
    else:
        placements = _placements_from(_search_fresh(instance, seed, deadline), instance)
    moves = [
        Move(sid, before, placements.get(sid))
        for sid, before in (instance.previous or {}).items()
        if placements.get(sid) != before
    ]
    return PlanResult(placements, score(instance, placements), moves, problems)

"""The search behind :func:`voting.planner.plan`: which session goes into which slot and room.

How the score decomposes (schema.md) shapes the search:

* attendance is per slot: the number of distinct people interested in at least one session
  of the slot. Each session's audience (voters and hosts) is a Python int used as a bitset
  over participants; per slot a bit-sliced counter (``planes``: bit k of everyone's count)
  gives "covered once" (``u1``) and "covered twice or more" (``u2``), so adding or removing a
  session, or the change of replacing one, costs a few big-int operations.
* overflow depends only on a session's votes and its room. Within a slot, the one-slot
  sessions sorted by votes and the free rooms sorted by capacity, matched in order, give the
  least overflow (max(0, v - c) is convex in v - c). Prefix sums over that matching give the
  change of any insert/remove/replace in O(log n).

So the search decides only the slot of each one-slot session (or that it is left out); rooms
follow from the matching. Two-slot sessions are rare and are searched with an explicit
(room, start slot) cell. Pinned sessions sit in their cells throughout.

Rule left-out: a session stays out of the grid only where no room is free for it. Every phase
keeps that true once ``fill`` made it so: a session never simply leaves the grid (it trades
places with one that comes in), and a change that frees a place for a session out of the
grid brings that session in at once (``change``), the two judged together. Where the rule
held before a change, only the slots the change touched can have opened a place, so the
check is cheap.

Phases (``voting.planner.plan`` strings them together): a greedy construction
(``construct``) or the previous plan (``start_from_previous``), then ``fill``; simulated
annealing over moves and swaps in two rounds (``optimize``: a fixed number of iterations from
a seeded RNG, so results do not depend on machine speed); a local search over the full
neighbourhood that accepts only strict improvements (``descend``); and ``shift_early``, which
moves sessions into free cells of earlier slots where that costs nothing.
"""

from __future__ import annotations

import math
import random
import time
from bisect import bisect_left, insort
from itertools import repeat

from .model import Cell, Instance

UNPLACED = -1

# Annealing effort, in iterations (see anneal_iterations).
ANNEAL_ITERATIONS_PER_SESSION = 3_000
ANNEAL_MIN_ITERATIONS = 150_000
ANNEAL_ITERATIONS_PER_PAIR = 3
# Annealing temperatures, as shares of the median audience of a session: the start lets a
# swap that costs a few attendees through now and then, the end only near-neutral ones. The
# second round starts cooler, from the best plan of the first.
T_START_SHARE = 0.06
T_REHEAT_SHARE = 0.035
T_END_SHARE = 0.01
# Local-search passes over all sessions; each pass that improves nothing ends the search.
MAX_DESCENT_PASSES = 50


def anneal_iterations(sessions: int) -> int:
    """How many annealing iterations an instance with ``sessions`` movable sessions gets.

    Small instances: ANNEAL_ITERATIONS_PER_SESSION each (more stops paying off). From 50
    sessions on, that no longer fits the time targets (160 sessions in under a second, 400
    in under ten): at least ANNEAL_MIN_ITERATIONS, and beyond that an effort proportional
    to the number of session pairs, the size of the swap neighbourhood. Its time per size is
    in bench/README.md (planner).
    """
    return min(
        ANNEAL_ITERATIONS_PER_SESSION * sessions,
        max(ANNEAL_MIN_ITERATIONS, ANNEAL_ITERATIONS_PER_PAIR * sessions * sessions),
    )


class _Slot:
    """Mutable state of one slot: who is in it, who is covered, and the overflow matching."""

    __slots__ = (
        "planes",
        "u1",
        "u2",
        "hosts",
        "members",
        "extra",
        "blocked",
        "caps",
        "neg",
        "f",
        "pd",
        "pu",
        "overflow",
        "stale",
        "version",
        "cached",
    )

    def __init__(self) -> None:
        self.planes: list[int] = []  # bit-sliced per-person count of interesting sessions
        self.u1 = 0  # people with at least one interesting session in the slot
        self.u2 = 0  # people with at least two
        self.hosts = 0  # hosts busy in the slot (disjoint per session, so XOR removes)
        self.members: list[int] = []  # one-slot, unpinned sessions, matched to rooms
        self.extra: list[int] = []  # pinned and two-slot sessions: fixed rooms
        self.blocked: list[int] = []  # rooms held by ``extra``, and closed rooms
        self.caps: list[int] = []  # capacities of the other rooms, descending
        self.neg: list[int] = []  # -votes of members, ascending (= votes descending)
        self.f: list[int] = []  # overflow of the i-th member in the matching
        self.pd: list[int] = [0]  # prefix sums: change if members i.. shift one room down
        self.pu: list[int] = [0]  # prefix sums: change if members i.. shift one room up
        self.overflow = 0
        self.stale = False  # neg or caps changed since the last rematch
        self.version = 0  # counts changes of who is covered
        self.cached = -1  # the version Search._leave_masks last saw

    def add_people(self, mask: int) -> None:
        """Count one more interesting session for everyone in ``mask`` (binary addition,
        one bit plane at a time)."""
        planes = self.planes
        carry = mask
        for k, plane in enumerate(planes):
            planes[k] = plane ^ carry
            carry &= plane
            if not carry:
                break
        else:
            if carry:
                planes.append(carry)
        self._derive()

    def remove_people(self, mask: int) -> None:
        """Count one interesting session less for everyone in ``mask`` (each has one)."""
        planes = self.planes
        borrow = mask
        for k, plane in enumerate(planes):
            planes[k] = plane ^ borrow
            borrow &= ~plane
            if not borrow:
                break
        while planes and not planes[-1]:
            planes.pop()
        self._derive()

    def _derive(self) -> None:
        self.version += 1
        u2 = 0
        for plane in self.planes[1:]:
            u2 |= plane
        self.u2 = u2
        self.u1 = u2 | self.planes[0] if self.planes else 0

    def rematch(self) -> None:
        """Recompute the overflow matching after ``neg`` or ``caps`` changed."""
        neg, caps = self.neg, self.caps
        k, m = len(neg), len(caps)
        smallest = caps[-1] if caps else 0
        f: list[int] = []
        pd, pu = [0], [0, 0]
        down = up = 0
        for j, x in enumerate(neg):
            v = -x
            if v <= smallest:
                break  # this and all later members fit any room: no overflow, no change
            over = v - caps[j]
            if over < 0:
                over = 0
            f.append(over)
            if j + 1 < m:
                d = v - caps[j + 1]
                down += (d if d > 0 else 0) - over
                pd.append(down)
            if j:
                u = v - caps[j - 1]
                up += (u if u > 0 else 0) - over
                pu.append(up)
        self.overflow = sum(f)
        f.extend(repeat(0, k - len(f)))
        pd.extend(repeat(down, min(k, m - 1) + 1 - len(pd)))
        pu.extend(repeat(up, k + 1 - len(pu)))
        self.f, self.pd, self.pu = f, pd, pu
        self.stale = False

    def current_overflow(self) -> int:
        if self.stale:
            self.rematch()
        return self.overflow

    def insert_cost(self, votes: int) -> int:
        """Overflow change when a member with ``votes`` joins (needs a free room)."""
        if self.stale:
            self.rematch()
        q = bisect_left(self.neg, -votes)
        d = votes - self.caps[q]
        return (d if d > 0 else 0) + self.pd[len(self.neg)] - self.pd[q]

    def remove_cost(self, votes: int) -> int:
        """Overflow change when a member with ``votes`` leaves."""
        if self.stale:
            self.rematch()
        p = bisect_left(self.neg, -votes)
        return self.pu[len(self.neg)] - self.pu[p + 1] - self.f[p]

    def replace_cost(self, out_votes: int, in_votes: int) -> int:
        """Overflow change when a member with ``out_votes`` is replaced by ``in_votes``."""
        if self.stale:
            self.rematch()
        neg = self.neg
        p = bisect_left(neg, -out_votes)
        q = bisect_left(neg, -in_votes)
        if q <= p:  # the new one ranks higher: members q..p-1 move one room down
            d = in_votes - self.caps[q]
            return (d if d > 0 else 0) + self.pd[p] - self.pd[q] - self.f[p]
        d = in_votes - self.caps[q - 1]  # members p+1..q-1 move one room up
        return (d if d > 0 else 0) + self.pu[q] - self.pu[p + 1] - self.f[p]


class Search:
    """A plan under construction for one instance, with the moves of the search.

    Sessions, rooms and slots are numbered by their position in the instance. ``slot_of``
    holds each unpinned one-slot session's slot (or UNPLACED), ``cell2`` each unpinned
    two-slot session's (room, start slot) or None.
    """

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        room_index = {r.id: i for i, r in enumerate(instance.rooms)}
        slot_index = {t.id: i for i, t in enumerate(instance.slots)}
        self.capacity = [r.capacity for r in instance.rooms]
        self.n_slots = len(instance.slots)
        following = instance.following_slot
        self.next_slot = [slot_index.get(following.get(t.id, ""), -1) for t in instance.slots]
        self.previous_slot = [-1] * self.n_slots
        for t, after in enumerate(self.next_slot):
            if after >= 0:
                self.previous_slot[after] = t
        # Per slot: the earlier slots of its calendar day, earliest first.
        self.earlier = [
            [u for u in range(t) if instance.slots[u].calendar_day == slot.calendar_day]
            for t, slot in enumerate(instance.slots)
        ]

        person: dict[str, int] = {}
        host: dict[str, int] = {}  # hosts get bits of their own: fewer, so host checks are cheap
        self.mask: list[int] = []
        self.host_mask: list[int] = []
        self.votes: list[int] = []
        self.length: list[int] = []
        self.pin: list[tuple[int, int] | None] = []
        for s in instance.sessions:
            bits = 0
            for p in (*s.votes, *s.hosts):
                bits |= 1 << person.setdefault(p, len(person))
            host_bits = 0
            for p in s.hosts:
                host_bits |= 1 << host.setdefault(p, len(host))
            self.mask.append(bits)
            self.host_mask.append(host_bits)
            # Overflow counts the listed votes, as the shared scorer does.
            self.votes.append(len(s.votes))
            self.length.append(s.length)
            self.pin.append(
                (room_index[s.pinned.room], slot_index[s.pinned.slot]) if s.pinned else None
            )
        self.size = [m.bit_count() for m in self.mask]

        # The previous plan as (room, slot) indices; entries naming unknown cells are ignored.
        self.previous: list[tuple[int, int] | None] = [None] * len(instance.sessions)
        for i, s in enumerate(instance.sessions):
            cell = (instance.previous or {}).get(s.id)
            if cell is not None and cell.room in room_index and cell.slot in slot_index:
                self.previous[i] = (room_index[cell.room], slot_index[cell.slot])

        n = len(instance.sessions)
        self.free1 = [i for i in range(n) if self.pin[i] is None and self.length[i] == 1]
        self.free2 = [i for i in range(n) if self.pin[i] is None and self.length[i] == 2]
        self.slot_of = [UNPLACED] * n
        self.cell2: list[tuple[int, int] | None] = [None] * n
        self.unplaced: list[int] = list(self.free1)
        self.unplaced2: list[int] = list(self.free2)  # two-slot sessions out of the grid
        self.has_previous = any(p is not None for p in self.previous)
        self.unplaced_version = 0  # counts changes of who is out of the grid
        # Per session: slot versions (and unplaced_version) when the local search last found
        # nothing to improve for it; only slots that changed since need another look.
        self.examined: list[tuple[list[int], int] | None] = [None] * n
        self.alone = [0] * n  # caches of _leave_masks, per session
        self.rest = [0] * n
        self.slots = [_Slot() for _ in range(self.n_slots)]
        self.fixed_overflow = 0  # overflow of pinned and two-slot sessions (fixed rooms)
        for slot in self.slots:
            slot.caps = sorted(self.capacity, reverse=True)
            slot.rematch()
        for cell in instance.closed:  # held like a pinned session's room, for good
            if cell.room in room_index and cell.slot in slot_index:
                self.slots[slot_index[cell.slot]].blocked.append(room_index[cell.room])
                self._refresh_caps(slot_index[cell.slot])
        for i in range(n):
            if self.pin[i] is not None:
                self._hold(i, *self.pin[i])

    # ------------------------------------------------------------------ bookkeeping

    def run_of(self, i: int, start: int) -> tuple[int, ...] | None:
        """Slots session ``i`` occupies from ``start``; None if it runs past the day."""
        if self.length[i] == 1:
            return (start,)
        following = self.next_slot[start]
        return (start, following) if following >= 0 else None

    def _refresh_caps(self, t: int) -> None:
        slot = self.slots[t]
        blocked = set(slot.blocked)
        slot.caps = sorted(
            (c for r, c in enumerate(self.capacity) if r not in blocked), reverse=True
        )
        slot.stale = True

    def _hold(self, i: int, room: int, start: int) -> None:
        """Put a pinned or two-slot session into its room for all of its slots."""
        for t in self.run_of(i, start) or ():
            slot = self.slots[t]
            slot.extra.append(i)
            slot.blocked.append(room)
            slot.hosts |= self.host_mask[i]
            slot.add_people(self.mask[i])
            self._refresh_caps(t)
        self.fixed_overflow += max(0, self.votes[i] - self.capacity[room])

    def _release(self, i: int, room: int, start: int) -> None:
        for t in self.run_of(i, start) or ():
            slot = self.slots[t]
            slot.extra.remove(i)
            slot.blocked.remove(room)
            slot.hosts ^= self.host_mask[i]
            slot.remove_people(self.mask[i])
            self._refresh_caps(t)
        self.fixed_overflow -= max(0, self.votes[i] - self.capacity[room])

    def _join(self, i: int, t: int) -> None:
        slot = self.slots[t]
        slot.members.append(i)
        slot.hosts |= self.host_mask[i]
        slot.add_people(self.mask[i])
        insort(slot.neg, -self.votes[i])
        slot.stale = True

    def _leave(self, i: int, t: int) -> None:
        slot = self.slots[t]
        slot.members.remove(i)
        slot.hosts ^= self.host_mask[i]
        slot.remove_people(self.mask[i])
        slot.neg.remove(-self.votes[i])
        slot.stale = True

    def set_slot(self, i: int, t: int) -> None:
        """Move one-slot session ``i`` to slot ``t`` (or UNPLACED). No rule is checked."""
        old = self.slot_of[i]
        if old == t:
            return
        if old == UNPLACED:
            self.unplaced.remove(i)
            self.unplaced_version += 1
        else:
            self._leave(i, old)
        if t == UNPLACED:
            self.unplaced.append(i)
            self.unplaced_version += 1
        else:
            self._join(i, t)
        self.slot_of[i] = t

    def trade(self, s: int, x: int) -> None:
        """Swap the slots of one-slot sessions ``s`` and ``x`` (either may be UNPLACED)."""
        a, b = self.slot_of[s], self.slot_of[x]
        if a == UNPLACED:
            s, x, a, b = x, s, b, a
        # Now s is placed in a; x goes there and s to b (UNPLACED or a slot).
        self._exchange(a, s, x)
        if b == UNPLACED:
            unplaced = self.unplaced
            unplaced[unplaced.index(x)] = s
            self.unplaced_version += 1
        else:
            self._exchange(b, x, s)
        self.slot_of[s], self.slot_of[x] = b, a

    def _exchange(self, t: int, out: int, into: int) -> None:
        slot = self.slots[t]
        members = slot.members
        members[members.index(out)] = into
        slot.hosts ^= self.host_mask[out] ^ self.host_mask[into]
        slot.remove_people(self.mask[out])
        slot.add_people(self.mask[into])
        slot.neg.remove(-self.votes[out])
        insort(slot.neg, -self.votes[into])
        slot.stale = True

    def set_cell2(self, i: int, cell: tuple[int, int] | None) -> None:
        """Move two-slot session ``i`` to cell (room, start) or out of the grid (None)."""
        old = self.cell2[i]
        if old == cell:
            return
        if old is not None:
            self._release(i, *old)
        else:
            self.unplaced2.remove(i)
        if cell is not None:
            self._hold(i, *cell)
        else:
            self.unplaced2.append(i)
        self.cell2[i] = cell

    def value(self) -> int:
        """The score of the current state (attendable - overflow)."""
        return (
            sum(s.u1.bit_count() for s in self.slots)
            - sum(s.current_overflow() for s in self.slots)
            - self.fixed_overflow
        )

    def moved(self) -> int:
        """Sessions of the previous plan not in their previous slot (or cell, two-slot)."""
        count = 0
        for i in self.free1:
            prev = self.previous[i]
            if prev is not None and prev[1] != self.slot_of[i]:
                count += 1
        for i in self.free2:
            prev = self.previous[i]
            if prev is not None and prev != self.cell2[i]:
                count += 1
        return count

    def snapshot(self) -> tuple[list[int], list[tuple[int, int] | None]]:
        return list(self.slot_of), list(self.cell2)

    def restore(self, state: tuple[list[int], list[tuple[int, int] | None]]) -> None:
        slot_of, cell2 = state
        for i in self.free2:
            self.set_cell2(i, None)
        for i in self.free1:
            self.set_slot(i, UNPLACED)
        for i in self.free2:
            self.set_cell2(i, cell2[i])
        for i in self.free1:
            self.set_slot(i, slot_of[i])
        # The busy-host masks are kept with XOR, which is exact only while no two sessions of
        # one host share a slot. A restored state may pass through such a slot (a relabelling
        # that is then rejected), so the masks are rebuilt from what each slot holds.
        for slot in self.slots:
            hosts = 0
            for i in slot.members + slot.extra:
                hosts |= self.host_mask[i]
            slot.hosts = hosts

    # ------------------------------------------------------------------ move evaluation

    def fits(self, i: int, t: int, leaving: int | None = None) -> bool:
        """Can one-slot session ``i`` join slot ``t`` (``leaving`` goes out at the same time)?"""
        slot = self.slots[t]
        hosts = slot.hosts
        if leaving is not None:
            hosts ^= self.host_mask[leaving]
        elif len(slot.members) >= len(slot.caps):
            return False
        return not self.host_mask[i] & hosts

    def exchange_gain(self, t: int, out: int | None, into: int | None) -> int:
        """Score change of slot ``t`` when member ``out`` leaves and ``into`` joins (either may
        be None). Feasibility is the caller's business."""
        slot = self.slots[t]
        if out is None:
            m = self.mask[into]
            return (m & ~slot.u1).bit_count() - slot.insert_cost(self.votes[into])
        exclusive = self.mask[out] & ~slot.u2  # people who came to this slot only for `out`
        if into is None:
            return -exclusive.bit_count() - slot.remove_cost(self.votes[out])
        return (
            (self.mask[into] & ~(slot.u1 ^ exclusive)).bit_count()
            - exclusive.bit_count()
            - slot.replace_cost(self.votes[out], self.votes[into])
        )

    def stability(self, i: int, t: int) -> int:
        """1 if one-slot session ``i`` in slot ``t`` counts as moved against the previous plan."""
        prev = self.previous[i]
        return 1 if prev is not None and prev[1] != t else 0

    # ------------------------------------------------------------------ rule left-out

    def fits_somewhere(self, i: int) -> bool:
        """Is there a place for session ``i`` as things are (a free room, its hosts free)?"""
        if self.length[i] == 2:
            return bool(self.cells_for(i))
        return any(self.fits(i, t) for t in range(self.n_slots))

    def leaves_out(self, touched: tuple[int, ...] | None = None) -> bool:
        """Rule left-out: is a session out of the grid although a place is free for it?

        With ``touched``, only places in those slots are looked at: after a change that only
        touched them, if the rule held before. A session the change sent out of the grid is
        the caller's to check (``fits_somewhere``)."""
        if touched is None:
            touched = tuple(range(self.n_slots))
        host_mask = self.host_mask
        for t in touched:
            if t == UNPLACED:
                continue
            slot = self.slots[t]
            if len(slot.members) < len(slot.caps):
                hosts = slot.hosts
                for u in self.unplaced:
                    if not host_mask[u] & hosts:
                        return True
        for u in self.unplaced2:
            for t in touched:
                if t == UNPLACED:
                    continue
                for start in (t, self.previous_slot[t]):
                    if start >= 0 and any(
                        self.fits_two_slot(u, (room, start)) for room in range(len(self.capacity))
                    ):
                        return True
        return False

    def fill(self) -> list[tuple[int, int | tuple[int, int]]]:
        """Rule left-out: put every session that is out of the grid although it fits into the
        grid, the placement that gains most (or loses least) first, until none fits. Returns
        what it placed, (session, slot or two-slot cell), for ``take_back``."""
        made: list[tuple[int, int | tuple[int, int]]] = []
        while True:
            best: tuple[int, int, int | tuple[int, int]] | None = None
            for i in self.unplaced:
                for t in range(self.n_slots):
                    if self.fits(i, t):
                        gain = self.exchange_gain(t, None, i)
                        if best is None or gain > best[0]:
                            best = (gain, i, t)
            for i in list(self.unplaced2):
                before = self.value()
                for cell in self.cells_for(i):
                    self.set_cell2(i, cell)
                    gain = self.value() - before
                    self.set_cell2(i, None)
                    if best is None or gain > best[0]:
                        best = (gain, i, cell)
            if best is None:
                return made
            _, i, where = best
            if isinstance(where, tuple):
                self.set_cell2(i, where)
            else:
                self.set_slot(i, where)
            made.append((i, where))

    def unfill(self, made: list[tuple[int, int | tuple[int, int]]]) -> None:
        """Take out again what ``fill`` placed."""
        for i, where in reversed(made):
            if isinstance(where, tuple):
                self.set_cell2(i, None)
            else:
                self.set_slot(i, UNPLACED)

    def change(self, s: int, x: int, b: int) -> list[tuple[int, int | tuple[int, int]]]:
        """Move one-slot session ``s`` to slot ``b``, trading places with ``x`` unless it is
        -1, then bring in what the change left room for (rule left-out). Returns what came
        in; ``take_back`` undoes both. Host rules are the caller's business."""
        a = self.slot_of[s]
        if x < 0:
            self.set_slot(s, b)
        else:
            self.trade(s, x)
        out = s if b == UNPLACED else x if a == UNPLACED else -1
        if self.leaves_out((a, b)) or (out >= 0 and self.fits_somewhere(out)):
            return self.fill()
        return []

    def take_back(
        self, s: int, x: int, a: int, made: list[tuple[int, int | tuple[int, int]]]
    ) -> None:
        """Undo ``change(s, x, b)`` made when ``s`` was in slot ``a``."""
        self.unfill(made)
        if x < 0:
            self.set_slot(s, a)
        else:
            self.trade(s, x)

    def shift_early(self) -> None:
        """With cells to spare, fill each day from its first slot: move sessions into free
        cells of earlier slots of their calendar day wherever that costs no score (and, with
        a previous plan, moves no session away from its previous slot). Sessions in the
        order of the instance, each to the earliest such slot, until nothing moves; every
        move makes a slot index smaller, so this ends."""
        moving = True
        while moving:
            moving = False
            for i in self.free2:
                cell = self.cell2[i]
                if cell is None or (self.has_previous and self.previous[i] == cell):
                    continue
                before = self.value()
                for target in [
                    (room, earlier)
                    for earlier in self.earlier[cell[1]]
                    for room in range(len(self.capacity))
                    if self.fits_two_slot(i, (room, earlier))
                ]:
                    self.set_cell2(i, target)
                    made = self.fill() if self.leaves_out() else []
                    if self.value() >= before:
                        moving = True
                        break
                    self.unfill(made)
                    self.set_cell2(i, cell)
            for s in self.free1:
                a = self.slot_of[s]
                if a == UNPLACED:
                    continue
                for b in self.earlier[a]:
                    if not self.fits(s, b):
                        continue
                    if self.has_previous and self.stability(s, b) > self.stability(s, a):
                        continue
                    gain = self.exchange_gain(a, s, None) + self.exchange_gain(b, None, s)
                    if gain < 0:
                        continue
                    before = self.value()
                    made = self.change(s, -1, b)
                    if not made or self.value() >= before:
                        moving = True
                        break
                    self.take_back(s, -1, a, made)

    # ------------------------------------------------------------------ phases

    def construct(self) -> None:
        """Greedy start: two-slot sessions first (they are hardest to fit), then one-slot
        sessions by votes; each takes the place that gains most, if anything gains."""
        for i in sorted(self.free2, key=lambda i: (-self.votes[i], i)):
            best, best_cell = 0, None
            for cell in self.cells_for(i):
                before = self.value()
                self.set_cell2(i, cell)
                gain = self.value() - before
                self.set_cell2(i, None)
                if gain > best:
                    best, best_cell = gain, cell
            self.set_cell2(i, best_cell)
        for i in sorted(self.free1, key=lambda i: (-self.votes[i], i)):
            best, best_slot = 0, UNPLACED
            for t in range(self.n_slots):
                if self.fits(i, t):
                    gain = self.exchange_gain(t, None, i)
                    if gain > best:
                        best, best_slot = gain, t
            self.set_slot(i, best_slot)
        self.fill()

    def start_from_previous(self) -> None:
        """Start from the previous plan, keeping every placement that still obeys the rules
        (earlier sessions of the instance first); the rest starts out of the grid."""
        for i in self.free2:
            prev = self.previous[i]
            if prev is not None and prev in self.cells_for(i):
                self.set_cell2(i, prev)
        for i in self.free1:
            prev = self.previous[i]
            if prev is None:
                continue
            # The room is matched again at the end; what must hold now is a free room and
            # free hosts in the slot.
            if self.fits(i, prev[1]):
                self.set_slot(i, prev[1])
        self.fill()

    def cells_for(self, i: int) -> list[tuple[int, int]]:
        """Cells where two-slot session ``i`` could start now (rooms and hosts free)."""
        return [
            (room, start)
            for start in range(self.n_slots)
            for room in range(len(self.capacity))
            if self.fits_two_slot(i, (room, start))
        ]

    def fits_two_slot(self, i: int, cell: tuple[int, int], evicting: bool = False) -> bool:
        """Can two-slot session ``i`` move to ``cell`` (room, start) as things are? With
        ``evicting``, a slot without a spare room is fine: the caller makes room."""
        room, start = cell
        run = self.run_of(i, start)
        if run is None:
            return False
        current = self.cell2[i]
        for t in run:
            slot = self.slots[t]
            here = i in slot.extra  # already in this slot: changing rooms keeps the room count
            hosts = slot.hosts ^ self.host_mask[i] if here else slot.hosts
            if hosts & self.host_mask[i]:
                return False
            if room in slot.blocked and not (here and current[0] == room):
                return False
            # Taking a room away from the matching needs one room to spare.
            if not here and not evicting and len(slot.caps) <= len(slot.members):
                return False
        return True

    def optimize(self, iterations: int, rng: random.Random, deadline: float | None) -> None:
        """Two rounds of annealing, half of ``iterations`` each, the second from the best
        plan of the first at a lower start temperature, then local search to a local optimum.
        (A reheated second round beats one long round of the same length on the generator's
        instances, a little on average and with fewer bad runs. A local search between the
        rounds made no difference.)"""
        first = iterations // 2
        self.anneal(first, rng, deadline, T_START_SHARE)
        self.anneal(iterations - first, rng, deadline, T_REHEAT_SHARE)
        self.descend(deadline)

    def anneal(
        self, iterations: int, rng: random.Random, deadline: float | None, start_share: float
    ) -> None:
        """Simulated annealing over one-slot sessions: move to another slot or out of the
        grid, or swap with a session of another slot or out of the grid. Two-slot sessions get
        relocation moves in proportion to their number. Ends in the best state seen.

        The temperature falls geometrically from ``start_share`` to T_END_SHARE of the median
        audience of a session, so the schedule follows the instance's scale."""
        free1, free2 = self.free1, self.free2
        n1, n2 = len(free1), len(free2)
        if not n1 + n2 or not self.n_slots or not iterations:
            return
        sizes = sorted(self.size[i] for i in free1 + free2)
        median = max(1, sizes[len(sizes) // 2])
        # Scores are whole numbers: below ~0.2 the walk only takes improvements, and even on
        # tiny instances it must at times accept a loss of one attendee.
        t_start, t_end = max(1.0, start_share * median), max(0.2, T_END_SHARE * median)
        slots, slot_of, unplaced = self.slots, self.slot_of, self.unplaced
        mask, host_mask, votes = self.mask, self.host_mask, self.votes
        choices = self.n_slots + 1  # a slot, or out of the grid
        rnd, exp = rng.random, math.exp
        current = self.value()
        best, best_state = current, self.snapshot()
        # Two-slot steps cost ~50 one-slot iterations; a quarter of their fair share of the
        # iterations still tries each several hundred times.
        share2 = 0.25 * n2 / (n1 + n2)
        temp, hopeless = t_start, -30 * t_start
        for it in range(iterations):
            if not it & 255:
                temp = t_start * (t_end / t_start) ** (it / iterations)
                hopeless = -30 * temp  # accepted with odds below e^-30: do not roll the dice
                if deadline is not None and time.perf_counter() > deadline:
                    break
            if n2 and (not n1 or rnd() < share2):
                current = self._anneal_two_slot(free2[int(rnd() * n2)], rng, temp, current)
                if current > best:
                    best, best_state = current, self.snapshot()
                continue
            s = free1[int(rnd() * n1)]
            a = slot_of[s]
            r = rnd() * choices
            b = int(r) - 1
            if b == a:
                continue
            r -= b + 1  # the fractional part: a second uniform number, for free
            x = -1  # the session that trades places with s, if any
            if b == UNPLACED:
                if not unplaced:
                    continue  # rule left-out: s would fit where it was
                x = unplaced[int(r * len(unplaced))]
                if host_mask[x] & (slots[a].hosts ^ host_mask[s]):
                    continue
            else:
                target = slots[b]
                members = target.members
                k = len(members)
                if k < len(target.caps) and (not k or r < 0.5):
                    if host_mask[s] & target.hosts:
                        continue
                elif k:
                    x = members[int(r * k)]
                    if host_mask[s] & (target.hosts ^ host_mask[x]):
                        continue
                    if a != UNPLACED and host_mask[x] & (slots[a].hosts ^ host_mask[s]):
                        continue
                else:
                    continue
            # Score change: slot a loses s (gains x), slot b gains s (loses x). The overflow
            # terms are Slot.remove_cost/insert_cost/replace_cost, inlined: this loop is the
            # planner's hot spot.
            delta = 0
            vs = votes[s]
            if a != UNPLACED:
                slot = slots[a]
                if slot.stale:
                    slot.rematch()
                exclusive = mask[s] & ~slot.u2
                neg, f = slot.neg, slot.f
                p = bisect_left(neg, -vs)
                if x < 0:
                    delta = slot.pu[p + 1] - slot.pu[len(neg)] + f[p] - exclusive.bit_count()
                else:
                    vx = votes[x]
                    q = bisect_left(neg, -vx)
                    if q <= p:
                        over = vx - slot.caps[q]
                        delta = slot.pd[q] - slot.pd[p] + f[p]
                    else:
                        over = vx - slot.caps[q - 1]
                        delta = slot.pu[p + 1] - slot.pu[q] + f[p]
                    if over > 0:
                        delta -= over
                    delta += (mask[x] & ~(slot.u1 ^ exclusive)).bit_count() - exclusive.bit_count()
            if b != UNPLACED:
                slot = slots[b]
                if slot.stale:
                    slot.rematch()
                neg = slot.neg
                q = bisect_left(neg, -vs)
                if x < 0:
                    over = vs - slot.caps[q]
                    delta += slot.pd[q] - slot.pd[len(neg)] + (mask[s] & ~slot.u1).bit_count()
                else:
                    vx = votes[x]
                    f = slot.f
                    p = bisect_left(neg, -vx)
                    if q <= p:
                        over = vs - slot.caps[q]
                        delta += slot.pd[q] - slot.pd[p] + f[p]
                    else:
                        over = vs - slot.caps[q - 1]
                        delta += slot.pu[p + 1] - slot.pu[q] + f[p]
                    exclusive = mask[x] & ~slot.u2
                    delta += (mask[s] & ~(slot.u1 ^ exclusive)).bit_count() - exclusive.bit_count()
                if over > 0:
                    delta -= over
            if delta < 0 and (delta < hopeless or rnd() >= exp(delta / temp)):
                continue
            made = self.change(s, x, b)
            if made:  # sessions came in too: judge the whole change
                delta = self.value() - current
                if delta < 0 and rnd() >= exp(delta / temp):
                    self.take_back(s, x, a, made)
                    continue
            current += delta
            if current > best:
                best = current
                best_state = self.snapshot()
        if current < best:
            self.restore(best_state)

    def _anneal_two_slot(self, i: int, rng: random.Random, temp: float, current: int) -> int:
        """One annealing step for two-slot session ``i``: a random other cell, sending a
        random one-slot session out of the grid where a slot has no spare room."""
        old = self.cell2[i]
        evicted: list[tuple[int, int]] = []  # (session, slot) sent out of the grid
        start = int(rng.random() * self.n_slots)
        cells = [
            (room, start)
            for room in range(len(self.capacity))
            if (room, start) != old and self.fits_two_slot(i, (room, start), evicting=True)
        ]
        if not cells:
            return current
        new = cells[int(rng.random() * len(cells))]
        for t in self.run_of(i, start) or ():
            slot = self.slots[t]
            if i not in slot.extra and len(slot.members) >= len(slot.caps):
                x = slot.members[int(rng.random() * len(slot.members))]
                evicted.append((x, t))
                self.set_slot(x, UNPLACED)
        self.set_cell2(i, new)
        made = self.fill() if self.leaves_out() else []
        after = self.value()
        delta = after - current
        if delta < 0 and rng.random() >= math.exp(delta / temp):
            self.unfill(made)
            self.set_cell2(i, old)
            for x, t in evicted:
                self.set_slot(x, t)
            return current
        return after

    def align_to_previous(self) -> None:
        """Relabel slots so that most sessions stay in their previous slot.

        The score treats slots alike, so exchanging the whole contents of two slots changes
        nothing but pinned and two-slot sessions, which stay put. Applies the permutation of
        the one-slot sessions' slots that keeps most of them where they were, if the result
        obeys the rules and scores as much as before."""
        if not self.has_previous or self.free2 and any(self.cell2[i] for i in self.free2):
            return
        n_slots = self.n_slots
        agree = [[0] * n_slots for _ in range(n_slots)]
        for i in self.free1:
            prev, now = self.previous[i], self.slot_of[i]
            if prev is not None and now != UNPLACED:
                agree[now][prev[1]] += 1
        relabel = _assignment([[-count for count in row] for row in agree])
        if relabel == list(range(n_slots)):
            return
        before, state = self.value(), self.snapshot()
        moved_before = self.moved()
        slot_of = [relabel[t] if t != UNPLACED else UNPLACED for t in state[0]]
        self.restore((slot_of, state[1]))
        if (
            not self._valid()
            or self.leaves_out()
            or self.value() < before
            or self.moved() >= moved_before
        ):
            self.restore(state)

    def _valid(self) -> bool:
        """Rooms and hosts suffice in every slot (after a change made without checks)."""
        for slot in self.slots:
            if len(slot.members) > len(slot.caps):
                return False
            hosts = 0
            for i in slot.members + slot.extra:
                if hosts & self.host_mask[i]:
                    return False
                hosts |= self.host_mask[i]
        return True

    def descend(self, deadline: float | None, max_passes: int = MAX_DESCENT_PASSES) -> None:
        """Steepest local search, session by session: each session takes its best strictly
        improving change (move, swap, in or out of the grid), where a change is better if it
        gains score or, at equal score, returns sessions to their previous slot. Ends when a
        full pass improves nothing."""
        for _ in range(max_passes):
            improved = False
            for i in self.free2:
                improved |= self._improve_two_slot(i)
            for s in self.free1:
                if deadline is not None and time.perf_counter() > deadline:
                    return
                improved |= self._improve_one_slot(s)
            if not improved:
                return

    def _leave_masks(self, t: int) -> None:
        """Cache, for each member x of slot ``t``: ``alone[x]``, the number of people who come
        to the slot only for x, and ``rest[x]``, everyone the slot does *not* cover once x
        leaves (a complement: AND it with an audience to count whom a newcomer would add)."""
        slot = self.slots[t]
        if slot.cached == slot.version:
            return
        u1, u2 = slot.u1, slot.u2
        alone, rest = self.alone, self.rest
        for x in slot.members:
            exclusive = self.mask[x] & ~u2
            alone[x] = exclusive.bit_count()
            rest[x] = ~(u1 ^ exclusive)
        slot.cached = slot.version

    def _improve_one_slot(self, s: int) -> bool:
        """Apply the best strictly improving change for session ``s``, if there is one.

        Changes are ranked by score change, then (with a previous plan) by how many sessions
        return to / leave their previous slot: ``key = 8 * gain + stability`` with
        |stability| <= 2, so the score always comes first.

        A change's gain depends only on the slots it touches, so if nothing improved at the
        last look, only changes touching slots that changed since are evaluated again.

        Rule left-out: a session never simply leaves the grid (it would fit where it was). A
        change that leaves room for a session out of the grid brings it in (``change``) and
        is judged with it; a move that does so is tried even if it loses on its own."""
        a = self.slot_of[s]
        slots, mask, votes, host_mask = self.slots, self.mask, self.votes, self.host_mask
        versions = [slot.version for slot in slots]
        seen = self.examined[s]
        if seen is None or (a != UNPLACED and seen[0][a] != versions[a]):
            targets: range | list[int] = range(self.n_slots)
            look_out = a != UNPLACED  # out of the grid, or trade with a session out of it
        else:
            targets = [b for b in range(self.n_slots) if versions[b] != seen[0][b]]
            look_out = a != UNPLACED and seen[1] != self.unplaced_version
        alone, rest = self.alone, self.rest
        track = self.has_previous
        stab = self.stability
        ms, vs, hs = mask[s], votes[s], host_mask[s]
        # Candidates: (key, its stability part, partner or -1, target slot).
        changes: list[tuple[int, int, int, int]] = []
        here = stab(s, a) if track else 0
        leave = 0
        opens = False  # would a session out of the grid fit into slot a once s has left?
        if a != UNPLACED:
            self._leave_masks(a)
            source = slots[a]
            rest_a, alone_a, hosts_a = rest[s], alone[s], source.hosts ^ hs
            leave = -alone_a - source.remove_cost(vs)
            opens = any(not host_mask[u] & hosts_a for u in self.unplaced)
        if look_out:
            for x in self.unplaced:
                if host_mask[x] & hosts_a:
                    continue
                gain = (mask[x] & rest_a).bit_count() - alone_a - source.replace_cost(vs, votes[x])
                stay = here - stab(s, UNPLACED) - stab(x, a) + stab(x, UNPLACED) if track else 0
                key = 8 * gain + stay
                if key > 0:
                    changes.append((key, stay, x, UNPLACED))
        for b in targets:
            if b == a:
                continue
            self._leave_masks(b)
            target = slots[b]
            stay = here - stab(s, b) if track else 0
            hosts_b = target.hosts
            if len(target.members) < len(target.caps) and not hs & hosts_b:
                gain = leave + (ms & ~target.u1).bit_count() - target.insert_cost(vs)
                key = 8 * gain + stay
                if key > 0 or opens:
                    changes.append((key, stay, -1, b))
            for x in target.members:
                hx = host_mask[x]
                if hs & (hosts_b ^ hx):
                    continue
                vx = votes[x]
                gain = (ms & rest[x]).bit_count() - alone[x] - target.replace_cost(vx, vs)
                if a != UNPLACED:
                    if hx & hosts_a:
                        continue
                    gain += (mask[x] & rest_a).bit_count() - alone_a - source.replace_cost(vs, vx)
                swap_stay = stay + stab(x, b) - stab(x, a) if track else 0
                key = 8 * gain + swap_stay
                if key > 0:
                    changes.append((key, swap_stay, x, b))
        changes.sort(key=lambda change: -change[0])  # stable: the first found of equal keys
        before = self.value() if changes else 0
        for _, stay, x, b in changes:
            made = self.change(s, x, b)
            if made:  # sessions came in too: judge the whole change
                if 8 * (self.value() - before) + stay <= 0:
                    self.take_back(s, x, a, made)
                    continue
            self.examined[s] = None
            return True
        self.examined[s] = (versions, self.unplaced_version)
        return False

    def _improve_two_slot(self, i: int) -> bool:
        """Move two-slot session ``i`` to its best free cell if that strictly improves (score
        first, then stability) and keeps rule left-out; trying each cell for real is
        affordable for the few two-slot sessions."""
        old = self.cell2[i]
        before = self.value()
        prev = self.previous[i]

        def stay(cell: tuple[int, int] | None) -> int:
            return 0 if prev is None or prev == cell else -1

        best, best_cell = (0, 0), old
        for cell in self.cells_for(i):
            if cell == old:
                continue
            self.set_cell2(i, cell)
            made = self.fill() if self.leaves_out() else []
            key = (self.value() - before, stay(cell) - stay(old))
            self.unfill(made)
            if key > best:
                best, best_cell = key, cell
        self.set_cell2(i, best_cell)
        if self.leaves_out():
            self.fill()
        return best_cell != old

    # ------------------------------------------------------------------ result

    def placements(self, keep_rooms: bool) -> dict[str, Cell]:
        """The plan, with rooms matched per slot by votes and capacity (least overflow);
        with ``keep_rooms``, among matchings of least overflow the one that keeps most
        sessions in their previous room. Ordered like the instance's sessions."""
        instance = self.instance
        room_of: dict[int, tuple[int, int]] = {}
        for i, pin in enumerate(self.pin):
            if pin is not None:
                room_of[i] = pin
        for i in self.free2:
            if self.cell2[i] is not None:
                room_of[i] = self.cell2[i]
        for t, slot in enumerate(self.slots):
            blocked = set(slot.blocked)
            rooms = sorted(
                (r for r in range(len(self.capacity)) if r not in blocked),
                key=lambda r: (-self.capacity[r], r),
            )
            members = sorted(slot.members, key=lambda i: (-self.votes[i], i))
            if keep_rooms and members:
                rooms = self._match_keeping_rooms(members, rooms, t)
            for i, room in zip(members, rooms, strict=False):
                room_of[i] = (room, t)
        return {
            s.id: Cell(instance.rooms[room_of[i][0]].id, instance.slots[room_of[i][1]].id)
            for i, s in enumerate(instance.sessions)
            if i in room_of
        }

    def _match_keeping_rooms(self, members: list[int], rooms: list[int], t: int) -> list[int]:
        """Rooms for ``members`` (in order): least overflow first, then most previous rooms."""
        big = len(members) + 1
        cost = [
            [
                max(0, self.votes[i] - self.capacity[r]) * big
                + (0 if self.previous[i] == (r, t) else 1)
                for r in rooms
            ]
            for i in members
        ]
        return [rooms[j] for j in _assignment(cost)]


def _assignment(cost: list[list[int]]) -> list[int]:
    """Minimum-cost assignment of rows to distinct columns (rows <= columns): the Hungarian
    method with potentials, O(rows^2 x columns). Returns the column of each row."""
    n, m = len(cost), len(cost[0])
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    match = [0] * (m + 1)  # match[column] = row (1-based), 0 = free
    way = [0] * (m + 1)
    for row in range(1, n + 1):
        match[0] = row
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = match[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    c = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if c < minv[j]:
                        minv[j], way[j] = c, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[match[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if match[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
    column = [0] * n
    for j in range(1, m + 1):
        if match[j]:
            column[match[j] - 1] = j - 1
    return column

"""The search behind :func:`voting.grid.planner.plan`: which session goes into which slot and room.

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

Phases (``voting.grid.planner.plan`` strings them together): a greedy construction
(``construct``) or the previous plan (``start_from_previous``), then ``fill``; simulated
annealing over moves and swaps in two rounds (``optimize``: a fixed number of iterations from
a seeded RNG, so results do not depend on machine speed); a local search over the full
neighbourhood that accepts only strict improvements (``descend``); and ``shift_early``, which
moves sessions into free cells of earlier slots where that costs nothing.

:class:`Search` is one class in four modules: its state and moves here, the annealing in
``anneal.py``, the local search in ``descend.py``, one slot's state in ``slots.py``.
"""

from __future__ import annotations

from bisect import insort

from .anneal import Annealing
from .assignment import assignment
from .descend import Descent
from .model import Cell, Instance
from .slots import UNPLACED, SlotState

# Annealing effort, in iterations (see anneal_iterations).
ANNEAL_ITERATIONS_PER_SESSION = 3_000
ANNEAL_MIN_ITERATIONS = 150_000
ANNEAL_ITERATIONS_PER_PAIR = 3


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


class Search(Annealing, Descent):
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
        self.slots = [SlotState() for _ in range(self.n_slots)]
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
        return [rooms[j] for j in assignment(cost)]

"""Simulated annealing, the search's middle phase (a part of :class:`.solve.Search`)."""

from __future__ import annotations

import math
import random
import time
from bisect import bisect_left

from .assignment import assignment
from .slots import UNPLACED

# Annealing temperatures, as shares of the median audience of a session: the start lets a
# swap that costs a few attendees through now and then, the end only near-neutral ones. The
# second round starts cooler, from the best plan of the first.
T_START_SHARE = 0.06
T_REHEAT_SHARE = 0.035
T_END_SHARE = 0.01


class Annealing:
    """The annealing moves of :class:`.solve.Search`, which holds the state they change."""

    def optimize(self, iterations: int, rng: random.Random, deadline: float | None) -> None:
        """Two rounds of annealing, half of ``iterations`` each, the second from the best
        plan of the first at a lower start temperature, then local search to a local optimum.
        (A reheated second round beats one long round of the same length on the generator's
        instances, a little on average and with fewer bad runs. A local search between the rounds
        made no difference.)"""
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
        relabel = assignment([[-count for count in row] for row in agree])
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

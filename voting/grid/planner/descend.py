"""Local search to a local optimum, the search's last phase (a part of :class:`.solve.Search`)."""

from __future__ import annotations

import time

from .slots import UNPLACED

# Local-search passes over all sessions; each pass that improves nothing ends the search.
MAX_DESCENT_PASSES = 50


class Descent:
    """The local search of :class:`.solve.Search`, which holds the state it changes."""

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

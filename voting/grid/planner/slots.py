"""One slot's state in the search: who is in it, who is covered, and the overflow matching
(see ``solve.py`` for how the score decomposes)."""

from __future__ import annotations

from bisect import bisect_left
from itertools import repeat

UNPLACED = -1


class SlotState:
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

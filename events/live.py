"""
The topics of a camp's live pages, and the live API every app uses (the machinery is
barcamp.live; events.apps hands it these topics).

A page follows only the topics it shows, so that a vote, which only the projector's count and
the board show, does not make a thousand phones re-render their pitch page.
"""

from barcamp.live.memo import READ_HERE, memo_version, memoized
from barcamp.live.versions import (
    cached_version,
    current_version,
    mark_changed,
    page_version,
    read_ahead,
    reading_once,
)

PITCH = "pitch"  # the live pitch, the queue, the sessions themselves
VOTES = "votes"  # tallies
PLAN = "plan"  # the published grid, the pinned announcements, the sponsors
DRAFT = "draft"  # the organizers' draft grid
WALL = "wall"  # the wall's posts and the pinned announcements
ALL = (PITCH, VOTES, PLAN, DRAFT, WALL)
# The plenum casts hundreds of votes a second: their new tokens come at most every
# LIVE_VOTES_INTERVAL seconds per process.
COALESCED = (VOTES,)

__all__ = [
    "ALL",
    "COALESCED",
    "DRAFT",
    "PITCH",
    "PLAN",
    "READ_HERE",
    "VOTES",
    "WALL",
    "cached_version",
    "current_version",
    "mark_changed",
    "memo_version",
    "memoized",
    "page_version",
    "read_ahead",
    "reading_once",
]

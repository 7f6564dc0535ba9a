"""The voting app's models, one module per part of the app; everyone imports them from here."""

from .aftercamp import CampFeedback, Rating, SessionFeedback
from .grid import BoardSnapshot, GridDay, LockedSlot, Placement, PublishedPlan
from .plenum import LivePitch, Vote, VoteQuerySet, VotingDay

__all__ = [
    "BoardSnapshot",
    "CampFeedback",
    "GridDay",
    "LivePitch",
    "LockedSlot",
    "Placement",
    "PublishedPlan",
    "Rating",
    "SessionFeedback",
    "Vote",
    "VoteQuerySet",
    "VotingDay",
]

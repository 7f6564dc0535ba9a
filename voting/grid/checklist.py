"""The organizers' checklist of a camp day: what is set up, and what comes next."""

import datetime
from dataclasses import dataclass

from events.models import Slot
from sessions.models import Session
from voting.models import LivePitch, PublishedPlan, VotingDay

from .queries import camp_now


class Pitch:
    WAITING = "waiting"
    RUNNING = "running"
    HELD = "held"


@dataclass(frozen=True)
class DayReadiness:
    """A camp day's set-up in the order the day needs it: rooms, slots, voting, pitch, plan."""

    date: datetime.date
    rooms: int
    slots: int  # session slots of the day
    sessions: int  # visible sessions proposed for the day
    voting: str  # a VotingDay.State
    pitch: str  # a Pitch
    plan_version: int | None  # the day's newest published plan

    STEPS = ("rooms", "slots", "voting", "pitch", "plan")

    @property
    def done(self):
        """{step: whether it is done}; a pitch that runs is under way, not done."""
        return {
            "rooms": self.rooms > 0,
            "slots": self.slots > 0,
            "voting": self.voting != VotingDay.State.NOT_OPEN,
            "pitch": self.pitch == Pitch.HELD,
            "plan": self.plan_version is not None,
        }

    @property
    def next_step(self):
        """The first step not done yet, or None when the day is set up."""
        done = self.done
        return next((step for step in self.STEPS if not done[step]), None)


def checklist_day(camp):
    """The day the organizers prepare: today during the camp, else the nearest of its days."""
    today = camp_now(camp).date()
    if today < camp.start_date:
        return camp.start_date
    return min(today, camp.end_date)


def day_readiness(camp, date):
    """What is set up for the camp's day (six small queries: for the organizers' pages only)."""
    pitch = LivePitch.objects.filter(camp=camp).values("date", "running").first()
    if pitch and pitch["date"] == date:
        pitch_state = Pitch.RUNNING if pitch["running"] else Pitch.HELD
    elif pitch and pitch["date"] > date:
        pitch_state = Pitch.HELD  # the plenum moved on to a later day
    else:
        pitch_state = Pitch.WAITING
    plan_version = (
        PublishedPlan.objects.filter(camp=camp, date=date)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return DayReadiness(
        date=date,
        rooms=camp.rooms.count(),
        slots=Slot.objects.filter(camp=camp, date=date, kind=Slot.Kind.SESSIONS).count(),
        sessions=Session.objects.filter(camp=camp, day=date).visible().count(),
        voting=(
            VotingDay.objects.filter(camp=camp, date=date).values_list("state", flat=True).first()
            or VotingDay.State.NOT_OPEN
        ),
        pitch=pitch_state,
        plan_version=plan_version,
    )

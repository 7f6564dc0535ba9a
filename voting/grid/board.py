"""
The session grid of a camp day: every write of the organizers' board, and the planner's adapter.

The draft lives in Placement rows (a session, a room, its first slot, pinned or not; a pinned
row without a cell keeps a session off the grid). Each board action stores the draft as it was
before (BoardSnapshot), so it can be undone, and, once the day is published with "publish
changes" on, publishes the result at once. The planner (voting.grid.planner) knows nothing of Django:
`build_instance` turns the day into its JSON instance, and its placements come back as rows.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.tasks import task
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from events import live, notifications
from events.models import Camp, Room, Slot
from sessions.models import Session, SessionHost
from voting import tasks
from voting.models import BoardSnapshot, GridDay, LockedSlot, Placement, PublishedPlan, Vote

from . import planner

UNDO_DEPTH = 50
# The draft follows these: votes, and the sessions themselves (proposed, withdrawn, hidden).
FOLLOWED = (live.VOTES, live.PITCH)


class GridError(Exception):
    """A board action breaks a rule of the grid; the message names what and why."""


@dataclass(frozen=True)
class PlanOutcome:
    placed: int
    unplaced: int
    moves: list
    score: dict


# --- Reading the day ---------------------------------------------------------------------------


def session_slots(camp, date):
    """The day's slots that take sessions, in time order."""
    return list(
        Slot.objects.filter(camp=camp, date=date, kind=Slot.Kind.SESSIONS).order_by("start")
    )


def _segments(camp, date, slots):
    """Slot id -> the index of its run of consecutive session slots (a break or plenum ends a run),
    so that a two-slot session never spans lunch."""
    others = list(
        Slot.objects.filter(camp=camp, date=date)
        .exclude(kind=Slot.Kind.SESSIONS)
        .values_list("start", flat=True)
    )
    segment, result = 0, {}
    for previous, slot in zip([None, *slots], slots, strict=False):
        if previous is not None and any(previous.end <= start < slot.start for start in others):
            segment += 1
        result[slot.pk] = segment
    return result


def day_sessions(camp, date):
    return list(
        Session.objects.filter(camp=camp, day=date).visible().order_by("pitch_position", "pk")
    )


def build_instance(camp, date, *, previous=True):
    """The day as the planner's instance (shared/planner/schema.md), with ids as strings.

    Pinned placements and the sessions in locked slots are pins, and the free rooms of a
    locked slot are closed cells; the current draft is the previous plan, so that a re-plan
    moves only what gains. The runs of slots between breaks are the instance's days (a
    two-slot session never spans lunch); they share the date, whose morning fills first.
    """
    slots = session_slots(camp, date)
    segments = _segments(camp, date, slots)
    sessions = day_sessions(camp, date)
    ids = [session.pk for session in sessions]
    hosts, votes = {}, {}
    for session_id, participant_id in SessionHost.objects.filter(session_id__in=ids).values_list(
        "session_id", "participant_id"
    ):
        hosts.setdefault(session_id, []).append(str(participant_id))
    for session_id, participant_id in Vote.objects.filter(session_id__in=ids).values_list(
        "session_id", "participant_id"
    ):
        votes.setdefault(session_id, []).append(str(participant_id))
    placements = {p.session_id: p for p in Placement.objects.filter(session_id__in=ids)}
    locked = set(LockedSlot.objects.filter(slot__in=slots).values_list("slot_id", flat=True))
    following = {
        a.pk: b.pk
        for a, b in zip(slots, slots[1:], strict=False)
        if segments[a.pk] == segments[b.pk]
    }
    rooms = list(Room.objects.filter(camp=camp))
    taken_in_locked = set()  # (room, slot) of the locked slots that hold a session
    instance_sessions = []
    for session in sessions:
        placement = placements.get(session.pk)
        if placement and placement.pinned and placement.slot_id is None:
            continue  # kept off the grid by the organizers
        pinned = None
        if placement and placement.slot_id:
            run = [placement.slot_id]
            if session.length == 2 and placement.slot_id in following:
                run.append(following[placement.slot_id])
            if placement.pinned or locked.intersection(run):
                pinned = {"room": str(placement.room_id), "slot": str(placement.slot_id)}
                taken_in_locked.update((placement.room_id, slot) for slot in run if slot in locked)
        instance_sessions.append(
            {
                "id": str(session.pk),
                "title": session.title,
                # A session whose only host deleted their account keeps a host of its own.
                "hosts": hosts.get(session.pk) or [f"session-{session.pk}"],
                "votes": [
                    voter
                    for voter in votes.get(session.pk, [])
                    if voter not in hosts.get(session.pk, [])
                ],
                "pinned": pinned,
                "length": session.length,
            }
        )
    instance_sessions = _fitting(instance_sessions, slots, segments)
    instance = {
        "rooms": [{"id": str(room.pk), "capacity": room.capacity} for room in rooms],
        "slots": [
            {
                "id": str(slot.pk),
                "day": segments[slot.pk],
                "date": date.isoformat(),
                "start": f"{slot.start:%H:%M}",
                "end": f"{slot.end:%H:%M}",
            }
            for slot in slots
        ],
        "sessions": instance_sessions,
        "closed": [
            {"room": str(room.pk), "slot": str(slot_id)}
            for slot_id in sorted(locked)
            for room in rooms
            if (room.pk, slot_id) not in taken_in_locked
        ],
    }
    if previous:
        instance["previous"] = {
            str(p.session_id): {"room": str(p.room_id), "slot": str(p.slot_id)}
            for p in placements.values()
            if p.slot_id
        }
    return instance


def _fitting(sessions, slots, segments):
    """The sessions the day can hold at all: the planner refuses a day where a host's sessions
    need more slots than there are, or a two-slot session has no two slots in a row. Those
    stay out (the least wanted first) and wait on the board's list; the rest is planned."""
    runs = {}
    for slot in slots:
        runs[segments[slot.pk]] = runs.get(segments[slot.pk], 0) + 1
    two_in_a_row = any(length >= 2 for length in runs.values())
    kept, used = [], {}
    for session in sorted(sessions, key=lambda s: (s["pinned"] is None, -len(s["votes"]))):
        unpinned = session["pinned"] is None
        if unpinned and session["length"] == 2 and not two_in_a_row:
            continue
        if unpinned and any(
            used.get(h, 0) + session["length"] > len(slots) for h in session["hosts"]
        ):
            continue
        for host in session["hosts"]:
            used[host] = used.get(host, 0) + session["length"]
        kept.append(session)
    return kept


def _draft_state(camp, date):
    ids = Session.objects.filter(camp=camp, day=date).values("pk")
    return {
        "placements": list(
            Placement.objects.filter(session_id__in=ids)
            .values("session", "room", "slot", "pinned")
            .order_by("session")
        ),
        "locked": sorted(
            LockedSlot.objects.filter(slot__camp=camp, slot__date=date).values_list(
                "slot_id", flat=True
            )
        ),
    }


def _remember(camp, date, label):
    """Store the draft before an action; keep the newest UNDO_DEPTH of the day."""
    # The label names a session's title, which may be longer than the label's column.
    label = Truncator(label).chars(BoardSnapshot._meta.get_field("label").max_length)
    BoardSnapshot.objects.create(camp=camp, date=date, label=label, state=_draft_state(camp, date))
    stale = BoardSnapshot.objects.filter(camp=camp, date=date).values_list("pk", flat=True)[
        UNDO_DEPTH:
    ]
    BoardSnapshot.objects.filter(pk__in=list(stale)).delete()


def _grid_day(camp, date):
    grid_day, _created = GridDay.objects.select_for_update().get_or_create(camp=camp, date=date)
    return grid_day


def _after_change(camp, date):
    """Publish at once if the day is published and the organizers want that; tell the live pages."""
    grid_day = _grid_day(camp, date)
    if grid_day.publish_changes and PublishedPlan.objects.filter(camp=camp, date=date).exists():
        _publish(camp, date)
        _schedule_host_notice(grid_day, delay=settings.PLAN_CHANGE_NOTICE_DELAY)
        live.mark_changed(camp.slug, live.DRAFT, live.PLAN)
    else:
        live.mark_changed(camp.slug, live.DRAFT)


# --- Planning ------------------------------------------------------------------------------


def _explain(error, sessions_by_id):
    lines = []
    for problem in error.problems:
        titles = ", ".join(f"“{sessions_by_id.get(sid, sid)}”" for sid in problem.sessions)
        lines.append(f"{problem.message} ({titles})" if titles else problem.message)
    return " ".join(lines)


def plan_day(*, camp, date, remember=True):
    """
    Re-plan the day's draft around what the organizers pinned and locked.

    Sessions placed before move only where that gains; pinned sessions and locked slots stay.
    Raises GridError naming the sessions and the rule when the day cannot be planned.
    """
    # Before the votes are read: a vote during the planning must make the board plan again.
    followed_version = live.current_version(camp.slug, FOLLOWED)
    with transaction.atomic():
        grid_day = _grid_day(camp, date)
        if remember:
            _remember(camp, date, _("Re-plan"))
        instance = build_instance(camp, date)
        if not instance["rooms"] or not instance["slots"]:
            raise GridError(
                _("This day has no rooms or no session slots yet: add them in the admin first.")
            )
        titles = {entry["id"]: entry["title"] for entry in instance["sessions"]}
        try:
            result = planner.plan(instance)
        except planner.InfeasibleError as error:
            raise GridError(_explain(error, titles)) from error
        locked = set(
            LockedSlot.objects.filter(slot__camp=camp, slot__date=date).values_list(
                "slot_id", flat=True
            )
        )
        current = {
            p.session_id: p for p in Placement.objects.filter(session__camp=camp, session__day=date)
        }
        keep_off = {sid for sid, p in current.items() if p.pinned and p.slot_id is None}
        Placement.objects.filter(session__camp=camp, session__day=date, pinned=False).delete()
        Placement.objects.filter(
            session__camp=camp, session__day=date, pinned=True, slot__isnull=False
        ).delete()
        rows = []
        for session_id, cell in result.placements.items():
            sid, room, slot = int(session_id), int(cell.room), int(cell.slot)
            previous = current.get(sid)
            was_fixed = (
                previous is not None and previous.slot_id == slot and previous.room_id == room
            )
            if slot in locked and not was_fixed:
                continue  # a locked slot takes no new session
            pinned = previous is not None and previous.pinned and was_fixed
            rows.append(Placement(session_id=sid, room_id=room, slot_id=slot, pinned=pinned))
        Placement.objects.bulk_create(rows)
        grid_day.planned_at_version = followed_version
        grid_day.save(update_fields=["planned_at_version"])
        live.mark_changed(camp.slug, live.DRAFT)
    placed = {row.session_id for row in rows}
    return PlanOutcome(
        placed=len(rows),
        unplaced=len([s for s in instance["sessions"] if int(s["id"]) not in placed])
        + len(keep_off),
        moves=result.moves,
        score=result.score,
    )


def follow_votes(*, camp, date):
    """
    Re-plan the draft if votes or sessions changed since it was last planned (the board's live
    draft); returns the outcome, or None when the draft was current or cannot be planned.

    The check is repeated under the day's lock: a second run that waited for the first finds the
    draft planned at the version it read and plans nothing, so a change is planned once however
    many runs were asked for it.
    """
    version = live.current_version(camp.slug, FOLLOWED)
    try:
        with transaction.atomic():
            if _grid_day(camp, date).planned_at_version == version:
                return None
            return plan_day(camp=camp, date=date, remember=False)
    except GridError:
        return None  # the board shows the problem when the organizer re-plans by hand


def ask_to_follow_votes(*, camp, date, grid_day):
    """
    The board shows the draft: if votes or sessions changed since it was planned (`grid_day`, the
    day's row as the board read it), have it re-planned outside the request, and return when the
    board should look again; None when the draft is current.

    Reads only: the planner runs in `follow_votes_task`, handed over at most once per
    GRID_FOLLOW_INTERVAL seconds per day whoever looks (a claim in the shared cache), and two
    organizers' boards read the one result. While the draft is behind, the board looks again once
    the claim has ended, so a change that came while a run was planning gets a run of its own.
    """
    version = live.current_version(camp.slug, FOLLOWED)
    if grid_day is not None and grid_day.planned_at_version == version:
        return None
    interval = settings.GRID_FOLLOW_INTERVAL
    if cache.add(f"grid-follow:{camp.pk}:{date.isoformat()}", version, timeout=interval):
        tasks.enqueue_in_background(follow_votes_task, camp.pk, date.isoformat())
    return timezone.now() + datetime.timedelta(seconds=interval)


# --- Board actions ---------------------------------------------------------------------------


def _cells_of(slot, length, slots):
    index = next(i for i, s in enumerate(slots) if s.pk == slot.pk)
    return slots[index : index + length]


def _check_cell(camp, session, room, slot):
    if room.camp_id != camp.pk or slot.camp_id != camp.pk:
        raise GridError(_("That cell is not part of this camp."))
    if slot.date != session.day:
        raise GridError(_("“%(title)s” is planned for another day.") % {"title": session.title})
    if slot.kind != Slot.Kind.SESSIONS:
        raise GridError(_("The slot %(slot)s takes no sessions.") % {"slot": slot})


def _occupied_slots(session, slot, slots):
    """The slots a session takes when it starts in `slot`; a two-slot session needs the next one."""
    segments = _segments(session.camp, session.day, slots)
    taken = _cells_of(slot, session.length, slots)
    if len(taken) < session.length or segments[taken[0].pk] != segments[taken[-1].pk]:
        raise GridError(
            _("“%(title)s” takes two slots in a row and does not fit here.")
            % {"title": session.title}
        )
    return taken


def _check_hosts(session, slot_ids, *, ignore=()):
    hosts = SessionHost.objects.filter(session=session).values("participant_id")
    busy = (
        Placement.objects.filter(slot_id__in=slot_ids, session__hosts__participant_id__in=hosts)
        .exclude(session=session)
        .exclude(session__in=ignore)
        .select_related("session")
        .first()
    )
    if busy:
        raise GridError(
            _("A host of “%(title)s” holds “%(other)s” at that time.")
            % {"title": session.title, "other": busy.session.title}
        )


def _occupant(room, slot_ids, *, exclude):
    return (
        Placement.objects.filter(room=room, slot_id__in=slot_ids)
        .exclude(session=exclude)
        .select_related("session")
        .first()
    )


def move_session(*, session, room, slot):
    """
    Put the session into the cell and pin it there. A session already in the cell swaps places
    with it (into the moved session's old cell, or off the grid if it had none). Both stay pinned,
    since the organizer chose their cells.
    """
    camp = session.camp
    _check_cell(camp, session, room, slot)
    with transaction.atomic():
        _grid_day(camp, session.day)
        slots = session_slots(camp, session.day)
        taken = _occupied_slots(session, slot, slots)
        occupant = _occupant(room, [s.pk for s in taken], exclude=session)
        _check_hosts(session, [s.pk for s in taken], ignore=[occupant.session] if occupant else [])
        _remember(camp, session.day, _("Move “%(title)s”") % {"title": session.title})
        own = Placement.objects.filter(session=session).first()
        if occupant:
            other = occupant.session
            occupant.delete()
            if own and own.slot_id:
                target = Slot.objects.get(pk=own.slot_id)
                own.delete()
                other_taken = _occupied_slots(other, target, slots)
                _check_hosts(other, [s.pk for s in other_taken], ignore=[session])
                if _occupant(own.room, [s.pk for s in other_taken], exclude=other):
                    raise GridError(
                        _("“%(title)s” does not fit into the freed cell.") % {"title": other.title}
                    )
                Placement.objects.create(
                    session=other, room_id=own.room_id, slot=target, pinned=True
                )
            else:
                Placement.objects.create(session=other, room=None, slot=None, pinned=True)
        Placement.objects.update_or_create(
            session=session, defaults={"room": room, "slot": slot, "pinned": True}
        )
        _after_change(camp, session.day)


def unplace_session(*, session):
    """Take the session off the grid and keep it off until it is placed again by hand."""
    with transaction.atomic():
        _grid_day(session.camp, session.day)
        _remember(session.camp, session.day, _("Take off “%(title)s”") % {"title": session.title})
        Placement.objects.update_or_create(
            session=session, defaults={"room": None, "slot": None, "pinned": True}
        )
        _after_change(session.camp, session.day)


def set_pinned(*, session, pinned):
    """Pin the session to its cell (re-planning leaves it there), or let the planner move it again."""
    with transaction.atomic():
        _grid_day(session.camp, session.day)
        placement = Placement.objects.filter(session=session).first()
        if placement is None:
            raise GridError(_("“%(title)s” is not in the grid.") % {"title": session.title})
        _remember(session.camp, session.day, _("Pin") if pinned else _("Unpin"))
        if placement.slot_id is None and not pinned:
            placement.delete()  # released: the planner may place it again
        else:
            placement.pinned = pinned
            placement.save(update_fields=["pinned"])
        live.mark_changed(session.camp.slug, live.DRAFT)


def set_slot_locked(*, slot, locked):
    """Freeze a slot (its sessions stay, no new one comes in) or release it."""
    if slot.kind != Slot.Kind.SESSIONS:
        raise GridError(_("The slot %(slot)s takes no sessions.") % {"slot": slot})
    with transaction.atomic():
        _grid_day(slot.camp, slot.date)
        _remember(slot.camp, slot.date, _("Lock slot") if locked else _("Unlock slot"))
        if locked:
            LockedSlot.objects.get_or_create(slot=slot)
        else:
            LockedSlot.objects.filter(slot=slot).delete()
        live.mark_changed(slot.camp.slug, live.DRAFT)


def undo(*, camp, date):
    """Restore the draft as it was before the last board action; returns that action's label."""
    with transaction.atomic():
        _grid_day(camp, date)
        snapshot = BoardSnapshot.objects.filter(camp=camp, date=date).first()
        if snapshot is None:
            raise GridError(_("There is nothing to undo."))
        ids = Session.objects.filter(camp=camp, day=date).values("pk")
        Placement.objects.filter(session_id__in=ids).delete()
        existing = set(Session.objects.filter(camp=camp, day=date).values_list("pk", flat=True))
        Placement.objects.bulk_create(
            [
                Placement(
                    session_id=row["session"],
                    room_id=row["room"],
                    slot_id=row["slot"],
                    pinned=row["pinned"],
                )
                for row in snapshot.state["placements"]
                if row["session"] in existing
            ]
        )
        LockedSlot.objects.filter(slot__camp=camp, slot__date=date).delete()
        LockedSlot.objects.bulk_create(
            [
                LockedSlot(slot_id=slot_id)
                for slot_id in snapshot.state["locked"]
                if Slot.objects.filter(pk=slot_id).exists()
            ]
        )
        label = snapshot.label
        snapshot.delete()
        _after_change(camp, date)
    return label


# --- Publishing ------------------------------------------------------------------------------


def _publish(camp, date):
    latest = PublishedPlan.objects.filter(camp=camp, date=date).order_by("-version").first()
    before = {row["session"]: row for row in latest.placements} if latest else {}
    now = timezone.now().isoformat()
    rows = []
    for placement in Placement.objects.filter(
        session__camp=camp, session__day=date, slot__isnull=False
    ).order_by("slot__start", "room__order", "room__name"):
        earlier = before.get(placement.session_id)
        moved = earlier is not None and (earlier["room"], earlier["slot"]) != (
            placement.room_id,
            placement.slot_id,
        )
        rows.append(
            {
                "session": placement.session_id,
                "room": placement.room_id,
                "slot": placement.slot_id,
                "moved_at": now if moved else (earlier or {}).get("moved_at"),
            }
        )
    version = (
        PublishedPlan.objects.filter(camp=camp, date=date).aggregate(v=Max("version"))["v"] or 0
    ) + 1
    return PublishedPlan.objects.create(camp=camp, date=date, version=version, placements=rows)


def _schedule_host_notice(grid_day, *, delay):
    """
    Tell the hosts whose session's room or time changed, once the board is quiet for `delay`
    seconds: each published change pushes the notice back, so a burst of drags makes one mail
    per host. The task runs deferred where the task backend can defer; otherwise
    `manage.py send_notifications` (run by cron) sends what is due.
    """
    due = timezone.now() + datetime.timedelta(seconds=delay)
    grid_day.hosts_notice_due_at = due
    grid_day.save(update_fields=["hosts_notice_due_at"])
    if delay and not notifications.supports_defer():
        return
    notifications.enqueue_after_commit(
        tasks.notify_moved_hosts,
        grid_day.camp_id,
        grid_day.date.isoformat(),
        run_after=due if delay else None,
    )


def publish_plan(*, camp, date):
    """
    The room sees the draft as it is now; sessions that changed cell are marked as moved.

    The hosts of placed or moved sessions are told at once; on a day's first publication the
    Teilgeber who asked for it hear that the plan is out.
    """
    with transaction.atomic():
        grid_day = _grid_day(camp, date)
        plan = _publish(camp, date)
        _schedule_host_notice(grid_day, delay=0)
        if plan.version == 1:
            notifications.enqueue_after_commit(
                tasks.notify_plan_published, camp.pk, date.isoformat()
            )
        live.mark_changed(camp.slug, live.PLAN, live.DRAFT)
    return plan


def set_publish_changes(*, camp, date, publish_changes):
    with transaction.atomic():
        grid_day = _grid_day(camp, date)
        grid_day.publish_changes = publish_changes
        grid_day.save(update_fields=["publish_changes"])


@task
def follow_votes_task(camp_id, date_iso):
    """Re-plan the day's draft if votes or sessions changed since it was planned (follow_votes)."""
    camp = Camp.objects.filter(pk=camp_id).first()
    if camp is None:
        return False
    return follow_votes(camp=camp, date=datetime.date.fromisoformat(date_iso)) is not None

"""Tasks of the voting app: mails about the published grid, and the draft following the votes."""

import datetime
import logging
import threading

from django.db import connections, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from events import notifications
from events.models import Camp, Notification, NotificationSettings, Participant, Room, Slot
from sessions.models import Session, SessionHost

from .models import GridDay, PublishedPlan

logger = logging.getLogger(__name__)


def enqueue_in_background(task, *args):
    """
    Enqueue the task from a thread of its own: the request that asks neither waits nor writes.

    With the immediate backend (`make run`, no worker) the task runs in that thread; with a
    queue (production's database backend) the thread only writes the task's row for the worker.
    """

    def enqueue():
        try:
            task.enqueue(*args)
        except Exception:  # noqa: BLE001 - a thread's exception would be lost: log it
            logger.exception("could not run %s%r", task.name, args)
        finally:
            connections.close_all()  # this thread's own: no other thread reuses them

    threading.Thread(target=enqueue, name=f"task-{task.name}", daemon=True).start()


def _plan_url(camp):
    return notifications.absolute(reverse("voting:plan", kwargs={"camp_slug": camp.slug}))


@task
def notify_plan_published(camp_id, date_iso):
    """The day's plan is out: one mail to each registered Teilgeber who asked for it (once a day)."""
    camp = Camp.objects.filter(pk=camp_id).first()
    if camp is None:
        return 0
    date = datetime.date.fromisoformat(date_iso)
    participants = (
        Participant.objects.registered()
        .filter(camp=camp)
        .filter(NotificationSettings.wanting(Notification.PLAN_PUBLISHED))
        .select_related("user")
        .order_by("pk")
    )
    plan_url = _plan_url(camp)
    sent = 0
    for participant in participants:
        message = notifications.build_message(
            user=participant.user,
            kind=Notification.PLAN_PUBLISHED,
            language=participant.language,
            template="voting/email/plan_published",
            context={"participant": participant, "camp": camp, "date": date, "plan_url": plan_url},
        )
        sent += _send(
            participant, Notification.PLAN_PUBLISHED, f"plan:{camp.pk}:{date_iso}", message
        )
    return sent


def _send(participant, kind, key, message):
    try:
        return notifications.send_once(
            user=participant.user, kind=kind, key=key, message=message, camp=participant.camp
        )
    except Exception:  # noqa: BLE001 - one bad address must not keep the others' mails back
        logger.exception("could not send %s mail %s to participant %s", kind, key, participant.pk)
        return False


def _cells(plan):
    return {row["session"]: (row["room"], row["slot"]) for row in plan.placements} if plan else {}


def changed_placements(before, after):
    """{session id: (room id, slot id)} of the sessions `after` places where `before` did not."""
    old = _cells(before)
    return {sid: cell for sid, cell in _cells(after).items() if old.get(sid) != cell}


@task
def notify_moved_hosts(camp_id, date_iso):
    camp = Camp.objects.filter(pk=camp_id).first()
    if camp is None:
        return 0
    return send_host_notice(camp=camp, date=datetime.date.fromisoformat(date_iso))


def send_host_notice(*, camp, date, now=None):
    """
    Once the notice of a day is due: each host whose session the published plan placed, or moved to
    another room or time, since the hosts were last told gets one mail listing those sessions. A
    session dragged away and back is unchanged and mentioned to nobody. Returns the mails sent.
    """
    now = now or timezone.now()
    with transaction.atomic():
        grid_day = GridDay.objects.select_for_update().filter(camp=camp, date=date).first()
        if grid_day is None or grid_day.hosts_notice_due_at is None:
            return 0
        if grid_day.hosts_notice_due_at > now:
            return 0  # a later change pushed the notice back; its own task sends it
        plans = PublishedPlan.objects.filter(camp=camp, date=date)
        latest = plans.order_by("-version").first()
        if latest is None:
            return 0
        before = plans.filter(version=grid_day.hosts_notified_version).first()
        changes = changed_placements(before, latest)
        grid_day.hosts_notified_version = latest.version
        grid_day.hosts_notice_due_at = None
        grid_day.save(update_fields=["hosts_notified_version", "hosts_notice_due_at"])
    if not changes:
        return 0
    sessions = {
        s.pk: s for s in Session.objects.filter(pk__in=list(changes)).visible().order_by("pk")
    }
    rooms = {room.pk: room for room in Room.objects.filter(camp=camp)}
    slots = {slot.pk: slot for slot in Slot.objects.filter(camp=camp, date=date)}
    session_slots = sorted(
        (slot for slot in slots.values() if slot.takes_sessions), key=lambda slot: slot.start
    )
    following = {a.pk: b for a, b in zip(session_slots, session_slots[1:], strict=False)}
    by_host = {}
    hosts = (
        SessionHost.objects.filter(session_id__in=list(sessions))
        .filter(
            NotificationSettings.wanting(
                Notification.SESSION_PLACED, user_field="participant__user"
            )
        )
        .exclude(participant__status=Participant.Status.CANCELLED)
        .select_related("participant", "participant__user", "participant__camp")
        .order_by("participant_id", "session_id")
    )
    for host in hosts:
        room_id, slot_id = changes[host.session_id]
        if room_id not in rooms or slot_id not in slots:
            continue
        session, slot = sessions[host.session_id], slots[slot_id]
        last = following.get(slot_id, slot) if session.length == 2 else slot
        entry = {
            "session": session,
            "room": rooms[room_id],
            "slot": slot,
            "end": last.end,
            "moved": before is not None and host.session_id in _cells(before),
            "url": notifications.absolute(sessions[host.session_id].get_absolute_url()),
            # The host holds the session there: the room's link, by the rule of the pages.
            "join_url": rooms[room_id].join_url
            if camp.room_links_public or host.participant.is_registered
            else "",
        }
        by_host.setdefault(host.participant_id, (host.participant, []))[1].append(entry)
    sent = 0
    for participant, entries in by_host.values():
        entries.sort(key=lambda entry: (entry["slot"].start, entry["room"].order))
        message = notifications.build_message(
            user=participant.user,
            kind=Notification.SESSION_PLACED,
            language=participant.language,
            template="voting/email/session_placed",
            context={
                "participant": participant,
                "camp": camp,
                "date": date,
                "entries": entries,
                "plan_url": _plan_url(camp),
            },
        )
        sent += _send(
            participant,
            Notification.SESSION_PLACED,
            f"placed:{camp.pk}:{date}:v{latest.version}",
            message,
        )
    return sent


def send_due_host_notices(*, now=None):
    """Every day's host notice that is due (for `manage.py send_notifications`); returns the mails sent."""
    now = now or timezone.now()
    due = GridDay.objects.filter(hosts_notice_due_at__lte=now).select_related("camp")
    return sum(send_host_notice(camp=day.camp, date=day.date, now=now) for day in due)

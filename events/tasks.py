"""Tasks of the events app: the registration mails and the reminder the day before."""

import datetime

from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from . import notifications
from .models import Camp, Notification, NotificationSettings, Participant


@task
def send_registration_mail(participant_id, status, changed_at, promoted=False):
    """Tell the Teilgeber their status (seat, waitlist, moved up) in the language they registered in.

    Sent once per change of status; if the status changed again before the task ran, the newer
    change has its own mail and this one is dropped."""
    participant = (
        Participant.objects.select_related("camp", "user").filter(pk=participant_id).first()
    )
    if (
        participant is None
        or participant.status != status
        or participant.status_changed_at.isoformat() != changed_at
    ):
        return False
    camp = participant.camp
    message = notifications.build_message(
        user=participant.user,
        kind=Notification.REGISTRATION,
        language=participant.language,
        template="events/email/status",
        context={
            "participant": participant,
            "camp": camp,
            "promoted": promoted,
            "camp_url": notifications.absolute(camp.get_absolute_url()),
        },
    )
    return notifications.send_once(
        user=participant.user,
        kind=Notification.REGISTRATION,
        key=f"status:{participant.pk}:{status}:{changed_at}",
        message=message,
        camp=camp,
    )


def camps_to_remind(*, now=None, hour=10):
    """Camps whose first day is tomorrow in their own time zone, once it is `hour` o'clock there."""
    now = now or timezone.now()
    due = []
    window = [timezone.localdate(now) + datetime.timedelta(days=offset) for offset in (0, 1, 2)]
    for camp in Camp.objects.filter(start_date__in=window):
        local = timezone.localtime(now, camp.tz)
        if camp.start_date == local.date() + datetime.timedelta(days=1) and local.hour >= hour:
            due.append(camp)
    return due


def send_camp_reminder(camp):
    """The day before: each registered Teilgeber who wants it gets one reminder; returns how many went out."""
    participants = (
        Participant.objects.registered()
        .filter(camp=camp)
        .filter(NotificationSettings.wanting(Notification.REMINDER))
        .select_related("user")
        .order_by("pk")
    )
    camp_url = notifications.absolute(camp.get_absolute_url())
    plan_url = notifications.absolute(reverse("voting:plan", kwargs={"camp_slug": camp.slug}))
    sent = 0
    for participant in participants:
        message = notifications.build_message(
            user=participant.user,
            kind=Notification.REMINDER,
            language=participant.language,
            template="events/email/reminder",
            context={
                "participant": participant,
                "camp": camp,
                "camp_url": camp_url,
                "plan_url": plan_url,
            },
        )
        sent += notifications.send_once(
            user=participant.user,
            kind=Notification.REMINDER,
            key=f"reminder:{camp.pk}:{camp.start_date.isoformat()}",
            message=message,
            camp=camp,
        )
    return sent

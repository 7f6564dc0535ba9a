"""E-mails to Teilgeber about their registration, in the language they registered in."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def send_status_email(participant, *, promoted=False):
    """After the transaction commits, tell the Teilgeber their status (seat, waitlist, moved up)."""
    context = {
        "participant": participant,
        "camp": participant.camp,
        "promoted": promoted,
        "camp_url": settings.SITE_URL.rstrip("/") + participant.camp.get_absolute_url(),
    }
    recipient = participant.user.email

    def send():
        with translation.override(participant.language):
            subject = render_to_string("events/email/status_subject.txt", context).strip()
            body = render_to_string("events/email/status_body.txt", context)
        send_mail(subject, body, None, [recipient])

    if recipient:
        transaction.on_commit(send)

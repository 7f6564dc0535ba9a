"""
E-mails to Teilgeber: who wants which kind, how a mail is built, and sending each one once.

Every mail is rendered in the recipient's language with the camp's name, as plain text. Optional
kinds carry a signed one-click unsubscribe link (RFC 8058 `List-Unsubscribe` and
`List-Unsubscribe-Post` headers, and the same link in the footer); the registration mails are
the answer to the person's own click and news about a seat they hold, so they cannot be
switched off. Mails are sent by tasks (`events/tasks.py`, `voting/tasks.py`,
`sessions/tasks.py`) that services enqueue after their transaction commits (`enqueue_after_commit`).
"""

import contextvars
import logging
from contextlib import contextmanager

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Case, Value, When
from django.tasks import default_task_backend
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import Notification, NotificationSettings, Participant, SentNotification

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "barcamp.notifications.unsubscribe"


def absolute(path):
    """A path of the site as the address a mail links to."""
    return settings.SITE_URL.rstrip("/") + path


# --- Unsubscribe links -------------------------------------------------------------------------


def unsubscribe_token(user, kind):
    """A signed token naming the person and the kind of mail; it does not expire (old mails keep working)."""
    return signing.dumps([user.pk, str(kind)], salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token):
    """(user id, kind) of a token; raises signing.BadSignature for a forged or damaged one."""
    try:
        user_id, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (ValueError, TypeError) as error:
        raise signing.BadSignature(str(error)) from error
    if not isinstance(user_id, int) or kind not in NotificationSettings.OPTIONAL:
        raise signing.BadSignature("not an unsubscribe token")
    return user_id, kind


def unsubscribe_url(user, kind):
    return absolute(reverse("events:unsubscribe", kwargs={"token": unsubscribe_token(user, kind)}))


# --- Recipients and language -------------------------------------------------------------------


def wants(user, kind):
    """Whether the person gets this kind of mail (one query; registration mails always)."""
    return NotificationSettings.for_user(user).wants(kind)


def language_of(user, *, camp=None):
    """The language of the person's pages when they registered for the camp, else when they last
    registered for any camp, else the default (one query)."""
    order = ["-created_at"]
    if camp is not None:
        order.insert(0, Case(When(camp=camp, then=Value(0)), default=Value(1)))
    language = (
        Participant.objects.filter(user=user)
        .order_by(*order)
        .values_list("language", flat=True)
        .first()
    )
    return language or settings.LANGUAGE_CODE


# --- Building and sending ----------------------------------------------------------------------


def build_message(*, user, kind, language, template, context):
    """The mail of `template` (`<template>_subject.txt` and `_body.txt`) for one person, in their language."""
    optional = kind in NotificationSettings.OPTIONAL
    camp = context.get("camp")
    context = {
        "camp_url": absolute(camp.get_absolute_url()) if camp else settings.SITE_URL,
        **context,
        "user": user,
        "kind": Notification(kind),
        "optional": optional,
        "settings_url": absolute(reverse("events:notifications")),
        "unsubscribe_url": unsubscribe_url(user, kind) if optional else "",
    }
    with translation.override(language):
        context["kind_label"] = str(Notification(kind).label)
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    headers = {}
    if optional:
        headers = {
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return EmailMessage(subject=subject, body=body, to=[user.email], headers=headers)


def send_once(*, user, kind, key, message, camp=None):
    """
    Send the mail unless one of this kind and key already went to the person; True if sent.

    The record is written in the same transaction as the mail is handed over: a failed send
    leaves no record, so a retry sends it; a second run (a task retried, cron twice) sends nothing.
    """
    if not user.email:
        return False
    try:
        with transaction.atomic():
            _record, created = SentNotification.objects.get_or_create(
                user=user, kind=kind, key=key, defaults={"camp": camp, "sent_at": timezone.now()}
            )
            if not created:
                return False
            message.send()
    except IntegrityError:
        return False  # a parallel run recorded it first
    return True


def supports_defer():
    return default_task_backend.supports_defer


_silenced = contextvars.ContextVar("notifications_silenced", default=False)


@contextmanager
def silenced():
    """No mails for what happens inside: the demo's made-up people have nobody to read them."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def enqueue_after_commit(task, *args, run_after=None):
    """Enqueue the task once the current transaction commits, never inside it: a rolled-back
    change sends nothing, and the worker finds the rows the task reads."""
    if _silenced.get():
        return

    def enqueue():
        chosen = task
        if run_after is not None and supports_defer():
            chosen = task.using(run_after=run_after)
        try:
            chosen.enqueue(*args)
        except Exception:  # noqa: BLE001 - a mail must never break the change that caused it
            logger.exception("could not enqueue %s%r", task.name, args)

    transaction.on_commit(enqueue)

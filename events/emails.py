"""E-mails to Teilgeber about their registration, in the language they registered in."""

from . import notifications, tasks


def send_status_email(participant, *, promoted=False):
    """After the transaction commits, enqueue the mail that tells the Teilgeber their status."""
    if participant.user.email:
        notifications.enqueue_after_commit(
            tasks.send_registration_mail,
            participant.pk,
            participant.status,
            participant.status_changed_at.isoformat(),
            promoted,
        )

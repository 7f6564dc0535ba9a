"""Send the e-mails that are due by the clock: run it every few minutes (cron, or compose's scheduler)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from events.tasks import camps_to_remind, send_camp_reminder
from voting.tasks import send_due_host_notices


class Command(BaseCommand):
    help = (
        "Send what is due: the reminder the day before a camp (from REMINDER_HOUR, the camp's "
        "time) and the hosts' notices of plan changes once the board has been quiet. "
        "Idempotent: every mail is recorded, so running it twice sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hour",
            type=int,
            default=settings.REMINDER_HOUR,
            help="Send reminders from this hour of the day before on (default: REMINDER_HOUR).",
        )

    def handle(self, *args, hour, **options):
        reminders = sum(send_camp_reminder(camp) for camp in camps_to_remind(hour=hour))
        notices = send_due_host_notices()
        self.stdout.write(f"{reminders} reminders and {notices} plan notices sent.")

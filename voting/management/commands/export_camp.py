import json

from django.core.management.base import BaseCommand, CommandError

from events.models import Camp
from voting.records import backup


class Command(BaseCommand):
    help = "Writes a camp with everything in it to one JSON file (a backup; see import_camp)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--output", help="file to write (default: stdout)")

    def handle(self, *args, slug, output, **options):
        camp = Camp.objects.filter(slug=slug).first()
        if camp is None:
            raise CommandError(f"no camp “{slug}”")
        text = json.dumps(backup.export_camp(camp=camp), ensure_ascii=False, indent=1)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
        else:
            self.stdout.write(text)

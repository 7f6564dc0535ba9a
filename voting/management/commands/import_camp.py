import json

from django.core.management.base import BaseCommand, CommandError

from voting.records import backup


class Command(BaseCommand):
    help = "Creates a camp from a file written by export_camp (or the admin's backup download)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--slug", help="import under another short name")

    def handle(self, *args, file, slug, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                data = json.load(handle)
            camp = backup.import_camp(data=data, slug=slug)
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read {file}: {error}") from error
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Imported “{camp.name}” as /{camp.slug}/."))

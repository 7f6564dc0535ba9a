import json

from django.core.management.base import BaseCommand, CommandError

from voting.grid import planner


class Command(BaseCommand):
    help = (
        "Plans a session grid from an instance file (shared/planner/schema.md) and writes the plan; "
        "touches no database."
    )
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="the instance JSON")
        parser.add_argument("--output", help="where to write the plan JSON (default: stdout)")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, input, output, seed, **options):
        try:
            with open(input, encoding="utf-8") as file:
                data = json.load(file)
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read {input}: {error}") from error
        try:
            result = planner.plan(data, seed=seed)
        except planner.PlannerError as error:
            raise CommandError(f"cannot plan {input}: {error}") from error
        for problem in result.warnings:
            self.stderr.write(f"warning: {problem}")
        text = json.dumps(result.to_json(), indent=1)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
        else:
            self.stdout.write(text)
        self.stderr.write(json.dumps(result.score))
        for move in result.moves:
            self.stderr.write(
                f"moved: {move.session} {tuple(move.old)} -> {tuple(move.new) if move.new else 'off the grid'}"
            )

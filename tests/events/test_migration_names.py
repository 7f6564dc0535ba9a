"""The data migration that renames Teilgeber who were named after their e-mail address."""

from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

MIGRATION = "0006_names_not_from_email"
AFTER = [("events", MIGRATION)]
BEFORE = [
    dependency
    for dependency in import_module(f"events.migrations.{MIGRATION}").Migration.dependencies
    if dependency[0] == "events"
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_teilgeber_named_after_their_address_get_a_neutral_name_and_chosen_names_stay():
    try:
        old = migrate(BEFORE)
        camp = old.get_model("events", "Camp").objects.create(
            name="c", slug="c", start_date="2027-01-01", end_date="2027-01-01", capacity=10
        )
        user_model = old.get_model("auth", "User")

        def teilgeber(email, display_name, first_name=""):
            user = user_model.objects.create(username=email, email=email, first_name=first_name)
            return old.get_model("events", "Participant").objects.create(
                camp=camp, user=user, status="registered", display_name=display_name,
                ticket_code=email[:6].upper(),
            )  # fmt: skip

        teilgeber("anna@example.org", "Anna Schmidt")
        teilgeber("vorname.nachname@example.org", "vorname.nachname")
        teilgeber("ben@example.org", "ben", first_name="ben")
        teilgeber("carla.x@example.org", "Carla")

        new = migrate(AFTER)
        names = list(
            new.get_model("events", "Participant")
            .objects.order_by("pk")
            .values_list("display_name", flat=True)
        )
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert names == ["Anna Schmidt", "Teilgeber 2", "ben", "Carla"]

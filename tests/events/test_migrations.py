"""The data migration that turned the camp's single announcement into pinned announcements."""

from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

MIGRATION = "0003_wall_posts_and_announcements"
AFTER = [("events", MIGRATION)]
# Whatever events migration comes right before it (merging may renumber them).
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


def make_old_camp(apps, slug, announcement):
    return apps.get_model("events", "Camp").objects.create(
        name=slug, slug=slug, start_date="2027-01-01", end_date="2027-01-01", capacity=10,
        announcement=announcement,
    )  # fmt: skip


def test_the_single_announcement_becomes_a_pinned_one_and_back():
    try:
        old = migrate(BEFORE)
        with_line = make_old_camp(old, "with-line", "Lunch in the foyer")
        make_old_camp(old, "without", "")

        new = migrate(AFTER)
        Announcement = new.get_model("events", "Announcement")
        migrated = list(Announcement.objects.values_list("camp_id", "text", "pinned"))
        back = migrate(BEFORE)
        restored = dict(
            back.get_model("events", "Camp").objects.values_list("slug", "announcement")
        )
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert migrated == [(with_line.pk, "Lunch in the foyer", True)]
    assert restored == {"with-line": "Lunch in the foyer", "without": ""}

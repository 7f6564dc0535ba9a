import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command

from events.models import Camp
from voting.grid import board
from voting.models import Placement, Vote

SHARED = Path(__file__).resolve().parents[3] / "shared" / "planner"
ROOT = Path(__file__).resolve().parents[2]


PUBLIC = sorted(p.stem for p in (SHARED / "public").glob("*.json") if p.stem != "optima")


@pytest.mark.parametrize("name", PUBLIC)
def test_plan_command_writes_a_plan_the_shared_scorer_accepts(tmp_path, name):
    instance = SHARED / "public" / f"{name}.json"
    output = tmp_path / "plan.json"
    best = json.loads((SHARED / "public" / "optima.json").read_text())[name]["incumbent"]

    call_command("plan", "--input", str(instance), "--output", str(output), stderr=StringIO())
    scored = subprocess.run(
        [sys.executable, str(SHARED / "score.py"), str(instance), str(output)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert scored.returncode == 0, scored.stdout + scored.stderr  # every rule, left-out included
    assert json.loads(scored.stdout)["score"] >= 0.99 * best


def test_plan_command_explains_an_instance_that_cannot_be_planned(tmp_path):
    instance = {
        "rooms": [{"id": "R1", "capacity": 10}, {"id": "R2", "capacity": 10}],
        "slots": [{"id": "T1", "day": 1, "start": "10:00", "end": "11:00"}],
        "sessions": [
            {"id": "A", "hosts": ["p1"], "votes": [], "pinned": {"room": "R1", "slot": "T1"}},
            {"id": "B", "hosts": ["p1"], "votes": [], "pinned": {"room": "R2", "slot": "T1"}},
        ],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(instance))

    with pytest.raises(CommandError) as error:
        call_command("plan", "--input", str(path), stdout=StringIO(), stderr=StringIO())

    assert "A" in str(error.value) and "B" in str(error.value)


def test_plan_command_on_a_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="cannot read"):
        call_command("plan", "--input", "/nonexistent.json", stdout=StringIO(), stderr=StringIO())


def test_plan_command_runs_without_a_database(tmp_path):
    output = tmp_path / "plan.json"

    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "plan",
            "--input",
            str(SHARED / "public" / "tiny-1.json"),
            "--output",
            str(output),
        ],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "true",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert output.exists()


@pytest.mark.django_db
def test_load_camp_creates_the_camp_and_the_grid_plans_it():
    call_command(
        "load_camp", str(SHARED / "public" / "tiny-1.json"), "--slug", "tiny", stdout=StringIO()
    )

    camp = Camp.objects.get(slug="tiny")
    instance = json.loads((SHARED / "public" / "tiny-1.json").read_text())
    voters = {p for s in instance["sessions"] for p in [*s["hosts"], *s["votes"]]}
    assert camp.rooms.count() == len(instance["rooms"])
    assert camp.slots.count() == len(instance["slots"])
    assert camp.sessions.count() == len(instance["sessions"])
    assert camp.participants.count() == len(voters)
    assert Vote.objects.filter(session__camp=camp).count() == sum(
        len(s["votes"]) for s in instance["sessions"]
    )
    outcome = board.plan_day(camp=camp, date=camp.start_date)
    assert (
        outcome.placed
        == Placement.objects.filter(session__camp=camp, slot__isnull=False).count()
        > 0
    )


@pytest.mark.django_db
def test_load_camp_refuses_an_existing_slug():
    call_command(
        "load_camp", str(SHARED / "public" / "tiny-1.json"), "--slug", "tiny", stdout=StringIO()
    )

    with pytest.raises(CommandError, match="exists already"):
        call_command(
            "load_camp", str(SHARED / "public" / "tiny-1.json"), "--slug", "tiny", stdout=StringIO()
        )


@pytest.mark.django_db
def test_load_demo_sets_up_every_part_once(django_capture_on_commit_callbacks):
    from voting.management.commands.load_demo import ARCHIVE_SLUG, DEMO_SLUG, ONLINE_SLUG

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=out)
    counts = {model: model.objects.count() for model in (Camp, Vote)}
    call_command("load_demo", stdout=StringIO())

    # The demo's made-up people get no mail (it buried the printed links in the console).
    assert mail.outbox == []
    assert f"{settings.SITE_URL}/demo-camp/board/" in out.getvalue()

    camp, archive = Camp.objects.get(slug=DEMO_SLUG), Camp.objects.get(slug=ARCHIVE_SLUG)
    assert {model: model.objects.count() for model in (Camp, Vote)} == counts  # nothing twice
    assert camp.series == archive.series
    assert camp.series.wishes.count() == 3
    assert camp.published_plans.exists() and archive.published_plans.exists()
    assert camp.wall_posts.exists() and camp.announcements.exists()
    assert camp.participants.filter(checked_in_at__isnull=False).exists()
    online = Camp.objects.get(slug=ONLINE_SLUG)
    assert f"{settings.SITE_URL}/{ONLINE_SLUG}/" in out.getvalue()
    assert online.online_only and not online.venue_name
    assert all(room.join_url.startswith("https://") for room in online.rooms.all())
    assert online.published_plans.exists() and online.participants.registered().exists()

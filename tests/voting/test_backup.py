import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from events.models import Camp
from tests.factories import (
    make_camp,
    make_organizer,
    make_participant,
    make_room,
    make_session,
    make_slot,
    make_sponsor,
    make_vote,
    open_voting,
)
from voting import backup, grid, services

pytestmark = pytest.mark.django_db


def full_camp():
    camp = make_camp(
        name="Barcamp Köln", hashtag="bcks", vote_budget=5, announcement="Kaffee im Foyer"
    )
    camp.organizers.add(make_organizer())
    open_voting(camp)
    make_room(camp, name="Saal", capacity=50)
    make_room(camp, name="Küche", capacity=10)
    slots = [make_slot(camp, start=f"{h}:00", end=f"{h}:45") for h in (10, 11, 12)]
    make_sponsor(camp, name="Kaffee GmbH", url="https://example.org")
    host = make_participant(camp=camp, display_name="Anna", hashtags=["python"], is_public=True)
    sessions = [make_session(camp=camp, host=host, title=f"S{i}", tags=["x"]) for i in range(3)]
    sessions[1].hosts.create(participant=make_participant(camp=camp, display_name="Ben"))
    for session in sessions:
        make_vote(session)
    grid.plan_day(camp=camp, date=camp.start_date)
    grid.set_pinned(session=sessions[0], pinned=True)
    grid.set_slot_locked(slot=slots[0], locked=True)
    grid.publish_plan(camp=camp, date=camp.start_date)
    services.merge_sessions(keep=sessions[1], duplicate=sessions[2])
    services.start_pitch(camp=camp, date=camp.start_date)
    return camp


def comparable(data):
    data = json.loads(json.dumps(data))
    data["camp"].pop("slug")
    return data


def test_export_and_import_round_trip_loses_nothing():
    camp = full_camp()
    exported = backup.export_camp(camp=camp)

    restored = backup.import_camp(data=json.loads(json.dumps(exported)), slug="restored")

    assert comparable(backup.export_camp(camp=restored)) == comparable(exported)
    assert restored.sessions.count() == camp.sessions.count() == 3
    assert len(exported["grid"]["published"][0]["placements"]) == 3


def test_import_refuses_a_taken_slug_and_damaged_files():
    camp = full_camp()
    exported = backup.export_camp(camp=camp)

    with pytest.raises(backup.BackupError, match="exists already"):
        backup.import_camp(data=exported)
    with pytest.raises(backup.BackupError, match="Not a camp file"):
        backup.import_camp(data={"format": "something else"})
    damaged = json.loads(json.dumps(exported))
    del damaged["sessions"][0]["hosts"]
    with pytest.raises(backup.BackupError, match="incomplete or damaged"):
        backup.import_camp(data=damaged, slug="damaged")
    assert not Camp.objects.filter(slug="damaged").exists()  # nothing half-imported


def test_commands_export_and_import(tmp_path):
    camp = full_camp()
    path = tmp_path / "camp.json"

    call_command("export_camp", camp.slug, "--output", str(path))
    call_command("import_camp", str(path), "--slug", "copy", stdout=StringIO())

    assert Camp.objects.get(slug="copy").name == "Barcamp Köln"
    with pytest.raises(CommandError, match="exists already"):
        call_command("import_camp", str(path), "--slug", "copy", stdout=StringIO())


def test_organizer_downloads_a_backup_in_the_admin(client):
    camp = full_camp()
    client.force_login(camp.organizers.first())

    response = client.post(
        reverse("admin:events_camp_changelist"),
        {"action": "download_backup", "_selected_action": [camp.pk]},
    )

    assert response["Content-Disposition"].startswith(f'attachment; filename="{camp.slug}-')
    assert json.loads(response.content)["camp"]["name"] == "Barcamp Köln"


def camp_of_a_series():
    """A camp of a series with topic wishes (one taken up by its session) and e-mail choices."""
    from events.models import NotificationSettings
    from tests.factories import make_series, make_user, make_wish

    series = make_series(name="Barcamp Köln", slug="bcko", description="Every May")
    camp = make_camp(name="Barcamp Köln 2026", slug="bcko-2026", series=series)
    anna = make_participant(camp=camp, display_name="Anna")
    NotificationSettings.objects.create(user=anna.user, plan_published=True, reminder=False)
    session = make_session(camp=camp, host=anna, title="Rust")
    outsider = make_user(email="past@example.org")
    make_wish(series, title="Rust", by=anna.user, votes=[anna.user, outsider], session=session)
    make_wish(series, title="Go", by=outsider, votes=[outsider])
    make_wish(series, title="Spam", hidden=True)
    return camp


def test_round_trip_brings_the_series_its_wishes_and_the_email_choices():
    from events.models import NotificationSettings, Series

    camp = camp_of_a_series()
    exported = json.loads(json.dumps(backup.export_camp(camp=camp)))
    camp.delete()
    Series.objects.all().delete()

    restored = backup.import_camp(data=exported)

    assert backup.export_camp(camp=restored) == exported
    assert restored.series.description == "Every May"
    anna = restored.participants.get().user
    assert (
        NotificationSettings.objects.get(user=anna).plan_published,
        restored.series.wishes.count(),
    ) == (True, 3)
    assert restored.series.wishes.get(title="Rust").session == restored.sessions.get()


def test_import_into_an_installation_with_the_series_keeps_its_wishes():
    from sessions.models import TopicWish

    camp = camp_of_a_series()
    exported = backup.export_camp(camp=camp)

    restored = backup.import_camp(data=json.loads(json.dumps(exported)), slug="copy")

    assert restored.series == camp.series
    assert TopicWish.objects.count() == 3


def test_import_of_an_old_file_without_series_still_works():
    exported = json.loads(json.dumps(backup.export_camp(camp=full_camp())))
    del exported["camp"]["series"]
    del exported["wishes"]
    for person in exported["teilgeber"]:
        del person["notifications"]

    restored = backup.import_camp(data=exported, slug="old-file")

    assert restored.series is None

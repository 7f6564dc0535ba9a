import json
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from events import door, wall
from events.models import Camp
from sessions import services as session_services
from sessions.models import SessionNotes
from tests.factories import (
    make_camp,
    make_notes,
    make_organizer,
    make_participant,
    make_room,
    make_session,
    make_slot,
    make_sponsor,
    make_vote,
    open_voting,
)
from voting.grid import board
from voting.models import CampFeedback, SessionFeedback
from voting.plenum import services
from voting.records import backup

pytestmark = pytest.mark.django_db


def full_camp():
    camp = make_camp(name="Barcamp Köln", hashtag="bcks", vote_budget=5)
    organizer = make_organizer(camp)
    open_voting(camp)
    make_room(camp, name="Saal", capacity=50)
    make_room(camp, name="Küche", capacity=10)
    slots = [make_slot(camp, start=f"{h}:00", end=f"{h}:45") for h in (10, 11, 12)]
    make_sponsor(camp, name="Kaffee GmbH", url="https://example.org")
    host = make_participant(camp=camp, display_name="Anna", hashtags=["python"], is_public=True)
    sessions = [make_session(camp=camp, host=host, title=f"S{i}", tags=["x"]) for i in range(3)]
    ben = make_participant(camp=camp, display_name="Ben")
    sessions[1].hosts.create(participant=ben)
    door.check_in_participant(participant=ben)
    SessionFeedback.objects.create(session=sessions[0], participant=ben, rating=4, comment="gut")
    SessionFeedback.objects.create(session=sessions[0], participant=None, rating=2)  # erased
    CampFeedback.objects.create(
        camp=camp, participant=host, rating=5, good="Kaffee", improve="WLAN", come_again="yes"
    )
    for session in sessions:
        make_vote(session)
    board.plan_day(camp=camp, date=camp.start_date)
    board.set_pinned(session=sessions[0], pinned=True)
    board.set_slot_locked(slot=slots[0], locked=True)
    board.publish_plan(camp=camp, date=camp.start_date)
    services.merge_sessions(keep=sessions[1], duplicate=sessions[2])
    services.start_pitch(camp=camp, date=camp.start_date)
    wall.post_announcement(camp=camp, by=organizer, text="Kaffee im Foyer")
    unpinned = wall.post_announcement(camp=camp, by=organizer, text="Start 10 Uhr")
    wall.pin_announcement(announcement=unpinned, by=organizer, pinned=False)
    shown = wall.post_message(camp=camp, participant=host, text="Hallo #bcks")
    wall.show_post(post=shown, by=organizer)
    wall.post_message(camp=camp, participant=host, text="Noch nicht freigegeben")
    make_notes(sessions[0], "# Notes\n\nfirst", "# Notes\n\nfirst\nsecond")
    session_services.save_notes(
        session=sessions[0], user=organizer, participant=None, text="by the Orga", base_revision=2
    )
    session_services.add_link(
        session=sessions[0],
        user=host.user,
        participant=host,
        title="Pad",
        url="https://pad.example",
    )
    session_services.add_slides(
        session=sessions[0],
        user=organizer,
        participant=None,
        title="Folien",
        file=ContentFile(b"%PDF-1.7\n", name="f.pdf"),
    )
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
    assert [(a["text"], a["pinned"]) for a in exported["announcements"]] == [
        ("Kaffee im Foyer", True),
        ("Start 10 Uhr", False),
    ]
    assert [(p["text"], p["status"]) for p in exported["wall"]] == [
        ("Hallo #bcks", "shown"),
        ("Noch nicht freigegeben", "pending"),
    ]
    notes = SessionNotes.objects.get(session__camp=restored)
    assert (notes.text, notes.revision) == ("by the Orga", 3)
    host_email = camp.sessions.get(title="S0").hosts.get().participant.user.email
    organizer_email = camp.organizers.get().email
    assert [(r["number"], r["author"]) for r in exported["sessions"][0]["notes"]] == [
        (1, host_email),
        (2, host_email),
        (3, organizer_email),
    ]
    assert [link["title"] for link in exported["sessions"][0]["links"]] == ["Pad", "Folien"]
    assert exported["sessions"][0]["links"][1]["file"].startswith("slides/")
    assert exported["sessions"][0]["feedback"][0]["rating"] == 4
    assert exported["sessions"][0]["feedback"][1]["teilgeber"] is None
    assert exported["camp_feedback"][0]["good"] == "Kaffee"
    ben = restored.participants.get(display_name="Ben")
    assert ben.is_checked_in
    assert ben.ticket_code == camp.participants.get(display_name="Ben").ticket_code
    assert SessionFeedback.objects.filter(session__camp=restored).count() == 2


def test_import_of_a_file_without_tickets_and_feedback():
    exported = json.loads(json.dumps(backup.export_camp(camp=full_camp())))
    for person in exported["teilgeber"]:
        del person["ticket_code"]
    for session in exported["sessions"]:
        del session["feedback"]
    del exported["camp_feedback"]

    restored = backup.import_camp(data=exported, slug="older-file")

    codes = list(restored.participants.values_list("ticket_code", flat=True))
    assert len(set(codes)) == len(codes) == len(exported["teilgeber"])
    assert SessionFeedback.objects.filter(session__camp=restored).count() == 0


def test_import_of_a_file_from_before_the_wall_keeps_its_announcement():
    exported = backup.export_camp(camp=full_camp())
    for key in ("announcements", "wall"):
        del exported[key]
    del exported["camp"]["wall_needs_approval"]
    exported["camp"]["announcement"] = "Kaffee im Foyer"

    restored = backup.import_camp(data=json.loads(json.dumps(exported)), slug="older")

    assert list(restored.announcements.values_list("text", "pinned")) == [("Kaffee im Foyer", True)]
    assert restored.wall_needs_approval is True
    assert restored.wall_posts.count() == 0


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


def test_a_file_from_before_the_documentation_imports_without_notes():
    exported = json.loads(json.dumps(backup.export_camp(camp=full_camp())))
    for session in exported["sessions"]:
        del session["notes"], session["links"]

    restored = backup.import_camp(data=exported, slug="older")

    assert restored.sessions.count() == 3
    assert not SessionNotes.objects.filter(session__camp=restored).exists()


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


def test_round_trip_keeps_the_online_rooms_and_who_sees_their_links():
    camp = full_camp()
    camp.room_links_public = True
    camp.save()
    camp.rooms.filter(name="Saal").update(online_url="https://meet.example.org/saal")
    camp.rooms.filter(name="Küche").update(
        online_url="https://meet.example.org/kueche", online_only=True
    )
    exported = backup.export_camp(camp=camp)

    restored = backup.import_camp(data=json.loads(json.dumps(exported)), slug="restored")

    assert comparable(backup.export_camp(camp=restored)) == comparable(exported)
    assert (restored.online_only, restored.room_links_public) == (False, True)
    assert sorted(restored.rooms.values_list("name", "online_url", "online_only")) == [
        ("Küche", "https://meet.example.org/kueche", True),
        ("Saal", "https://meet.example.org/saal", False),
    ]


def test_a_file_from_before_online_rooms_imports_as_a_camp_at_its_venue():
    exported = backup.export_camp(camp=full_camp())
    for field in ("online_only", "room_links_public"):
        del exported["camp"][field]
    for room in exported["rooms"]:
        del room["online_url"], room["online_only"]

    restored = backup.import_camp(data=json.loads(json.dumps(exported)), slug="older")

    assert (restored.online_only, restored.room_links_public) == (False, False)
    assert set(restored.rooms.values_list("online_url", "online_only")) == {("", False)}


def test_a_teilgeber_new_to_the_site_keeps_the_name_they_chose():
    camp = full_camp()
    anna = camp.participants.get(display_name="Anna").user
    text = json.dumps(backup.export_camp(camp=camp)).replace(anna.email, "anna@new.example")

    restored = backup.import_camp(data=json.loads(text), slug="elsewhere")

    assert restored.participants.get(display_name="Anna").user.first_name == anna.first_name != ""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from events import live, wall
from events.models import Announcement, Participant, WallPost
from sessions.models import NoteRevision, Session, SessionLink, SessionNotes
from tests.factories import (
    make_camp,
    make_notes,
    make_organizer,
    make_participant,
    make_placed_session,
    make_room,
    make_session,
    make_slot,
    make_vote,
    open_voting,
)
from voting.grid import board
from voting.models import CampFeedback, Placement, SessionFeedback, Vote
from voting.records import privacy

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    camp = make_camp(name="Barcamp Köln", capacity=3)  # me, the other session's host, its voter
    open_voting(camp)
    me = make_participant(camp=camp, display_name="Anna", hashtags=["python"], bio="Hi")
    waiting = make_participant(camp=camp, status=Participant.Status.WAITLISTED)
    alone = make_session(camp=camp, host=me, title="Alone")
    shared = make_session(camp=camp, host=me, title="Shared")
    cohost = make_participant(camp=camp, status=Participant.Status.WAITLISTED)
    shared.hosts.create(participant=cohost)
    other = make_session(camp=camp, title="Other")
    make_vote(other, me)
    make_vote(other)
    SessionFeedback.objects.create(session=other, participant=me, rating=4, comment="Mein Wort")
    SessionFeedback.objects.create(session=other, participant=None, rating=2)  # someone else's
    CampFeedback.objects.create(camp=camp, participant=me, rating=5, good="Alles", come_again="yes")
    client.force_login(me.user)
    client.cookies["django_language"] = "en"
    return {
        "camp": camp,
        "me": me,
        "waiting": waiting,
        "alone": alone,
        "shared": shared,
        "other": other,
    }


def test_download_contains_everything_about_me(client, person):
    response = client.post(reverse("my-data"))

    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith('attachment; filename="barcamp-data-')
    assert data["account"]["email"] == person["me"].user.email
    assert data["camps"][0]["display_name"] == "Anna"
    assert data["camps"][0]["hashtags"] == ["python"]
    assert {s["title"] for s in data["hosted_sessions"]} == {"Alone", "Shared"}
    assert [v["session"] for v in data["votes"]] == ["Other"]
    assert data["camps"][0]["ticket_code"] == person["me"].ticket_code
    assert [(f["session"], f["rating"], f["comment"]) for f in data["session_feedback"]] == [
        ("Other", 4, "Mein Wort")
    ]
    assert [(f["rating"], f["good"], f["come_again"]) for f in data["camp_feedback"]] == [
        (5, "Alles", "yes")
    ]


def test_my_data_page_needs_login(client):
    response = client.get(reverse("my-data"))

    assert response.status_code == 302


def test_deleting_keeps_sessions_as_deleted_teilgeber_and_tallies_right(client, person):
    response = client.post(reverse("voting:delete-account"), {"confirm": "yes", "sessions": "keep"})

    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=person["me"].user_id).exists()
    assert person["other"].votes.count() == 1
    assert list(SessionFeedback.objects.values_list("rating", flat=True)) == [2]  # theirs is gone
    assert CampFeedback.objects.count() == 0
    person["waiting"].refresh_from_db()
    assert person["waiting"].is_registered  # the freed seat went to the waitlist
    assert Session.objects.get(pk=person["alone"].pk).status == Session.Status.PROPOSED
    assert Session.objects.get(pk=person["shared"].pk).hosts.count() == 1
    page = client.get(person["alone"].get_absolute_url())
    assert "deleted Teilgeber" in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_deleting_can_withdraw_the_sessions_hosted_alone(client, person):
    client.post(reverse("voting:delete-account"), {"confirm": "yes", "sessions": "withdraw"})

    assert Session.objects.get(pk=person["alone"].pk).status == Session.Status.WITHDRAWN
    assert Session.objects.get(pk=person["shared"].pk).status == Session.Status.PROPOSED


def test_deleting_without_confirmation_is_400_and_deletes_nothing(client, person):
    response = client.post(reverse("voting:delete-account"), {"sessions": "keep"})

    assert response.status_code == 400
    assert "Tick the confirmation" in response.content.decode()
    assert get_user_model().objects.filter(pk=person["me"].user_id).exists()
    assert Vote.objects.count() == 2


def test_a_session_left_without_hosts_can_still_be_planned(client, person):
    camp = person["camp"]
    room, slot = make_room(camp), make_slot(camp)
    client.post(reverse("voting:delete-account"), {"confirm": "yes", "sessions": "keep"})

    board.plan_day(camp=camp, date=camp.start_date)

    assert Placement.objects.filter(
        room=room, slot=slot
    ).exists()  # no "session without hosts" refusal


def test_organizer_erases_a_past_camps_personal_data_and_keeps_the_programme(client):
    past = datetime.date.today() - datetime.timedelta(days=3)
    camp = make_camp(start_date=past, end_date=past)
    room, slot = make_room(camp), make_slot(camp)
    host = make_participant(camp=camp, display_name="Anna Private")
    session = make_session(camp=camp, host=host, title="Kept for the record")
    make_vote(session)
    rater = make_participant(camp=camp)
    SessionFeedback.objects.create(session=session, participant=rater, rating=5, comment="Top")
    CampFeedback.objects.create(camp=camp, participant=rater, rating=4, good="Gern wieder")
    board.move_session(session=session, room=room, slot=slot)
    board.publish_plan(camp=camp, date=camp.start_date)
    running = make_camp()
    make_participant(camp=running)
    organizer = make_organizer(camp)
    running.organizers.add(organizer)
    client.force_login(organizer)

    client.post(
        reverse("admin:events_camp_changelist"),
        {"action": "erase_personal_data", "_selected_action": [camp.pk, running.pk]},
    )

    assert Participant.objects.filter(camp=camp).count() == 0
    assert Vote.objects.filter(session__camp=camp).count() == 0
    # The feedback was anonymous already: it stays, now without any Teilgeber.
    assert list(SessionFeedback.objects.values_list("participant", "rating", "comment")) == [
        (None, 5, "Top")
    ]
    assert list(CampFeedback.objects.values_list("participant", "good")) == [(None, "Gern wieder")]
    assert Participant.objects.filter(camp=running).count() == 1  # not over yet: untouched
    plan = client.get(reverse("voting:plan", args=[camp.slug])).content.decode()
    assert "Kept for the record" in plan
    assert "Anna Private" not in plan


# --- Session notes, links and slides ---------------------------------------------------------


@pytest.fixture
def documented(person):
    """A placed session of another host whose notes "me" (Anna) edited, with a link she added."""
    camp = person["camp"]
    other = person["other"]
    room, slot = make_room(camp), make_slot(camp)
    board.move_session(session=other, room=room, slot=slot)
    make_notes(other, "Host's start")
    make_notes(other, "Host's start\nAnna's line", author=person["me"])
    make_notes(other, "Host's start\nAnna's line\nHost again")
    SessionLink.objects.create(
        session=other, title="Anna's pad", url="https://pad.example", added_by=person["me"].user
    )
    return other


def test_download_contains_my_note_revisions_and_links(client, person, documented):
    data = json.loads(client.post(reverse("my-data")).content)

    assert [(r["session"], r["revision"], r["text"]) for r in data["session_notes"]] == [
        ("Other", 2, "Host's start\nAnna's line")
    ]
    assert [(link["title"], link["url"]) for link in data["links_and_slides"]] == [
        ("Anna's pad", "https://pad.example")
    ]
    assert "1 revision of session notes" in client.get(reverse("my-data")).content.decode()


def test_deleting_keeps_my_revisions_in_the_record_without_my_name(client, person, documented):
    me = person["me"].user

    client.post(reverse("voting:delete-account"), {"confirm": "yes", "sessions": "keep"})

    revision = NoteRevision.objects.get(number=2)
    assert (revision.author, revision.text) == (None, "Host's start\nAnna's line")
    assert NoteRevision.objects.exclude(author=None).count() == 2  # the host's stay theirs
    assert SessionLink.objects.get().added_by is None
    assert not NoteRevision.objects.filter(author_id=me.pk).exists()
    notes = client.get(reverse("voting:notes", args=[person["camp"].slug, documented.pk]))
    assert "deleted Teilgeber" in notes.content.decode()
    assert SessionNotes.objects.get(session=documented).text.endswith("Host again")


def test_erasing_a_past_camp_unlinks_the_authors_of_its_notes(person, documented):
    camp = person["camp"]
    organizer = make_organizer(camp)
    make_notes(documented, "Orga's version", author=make_participant(camp=camp, user=organizer))
    elsewhere = make_placed_session(title="Another camp's")
    make_notes(elsewhere, "kept with author")
    camp.start_date = camp.end_date = datetime.date.today() - datetime.timedelta(days=2)
    camp.save()

    privacy.erase_camp_personal_data(camp=camp)

    assert NoteRevision.objects.filter(notes__session__camp=camp).exclude(author=None).count() == 0
    assert SessionLink.objects.get().added_by is None
    assert NoteRevision.objects.get(notes__session=elsewhere).author is not None
    assert SessionNotes.objects.get(session=documented).text == "Orga's version"


# --- The wall -----------------------------------------------------------------------------------


def test_download_contains_my_posts_on_walls(client, person):
    camp = person["camp"]
    wall.post_message(camp=camp, participant=person["me"], text="Lift from Köln?")

    data = json.loads(client.post(reverse("my-data")).content)

    assert data["wall_posts"] == [
        {
            "camp": "Barcamp Köln",
            "text": "Lift from Köln?",
            "status": "pending",
            "at": WallPost.objects.get().created_at.isoformat(),
        }
    ]
    assert "1 post on a wall" in client.get(reverse("my-data")).content.decode()


def test_deleting_my_account_deletes_my_posts_and_nobody_elses(
    client, person, django_capture_on_commit_callbacks
):
    camp = person["camp"]
    organizer = make_organizer(camp)
    wall.post_message(camp=camp, participant=person["me"], text="Mine")
    theirs = wall.post_message(camp=camp, participant=make_participant(camp=camp), text="Theirs")
    wall.post_announcement(camp=camp, by=organizer, text="Lunch")
    version = live.current_version(camp.slug, (live.WALL,))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("voting:delete-account"), {"confirm": "yes", "sessions": "keep"})

    assert list(WallPost.objects.all()) == [theirs]
    assert Announcement.objects.count() == 1  # the camp's, not the person's
    assert live.current_version(camp.slug, (live.WALL,)) != version  # walls re-render


def test_erasing_a_past_camp_deletes_its_posts_and_keeps_its_announcements():
    past = datetime.date.today() - datetime.timedelta(days=3)
    camp = make_camp(start_date=past, end_date=past)
    wall.post_message(camp=camp, participant=make_participant(camp=camp), text="Bye")
    wall.post_announcement(camp=camp, by=make_organizer(camp), text="Thanks for coming")

    privacy.erase_camp_personal_data(camp=camp)

    assert WallPost.objects.count() == 0
    assert Announcement.objects.count() == 1


# --- Topic wishes, e-mail settings and the mails sent ----------------------------------------


@pytest.fixture
def wishing(person):
    """Anna's camp belongs to a series: she wished for two topics (one taken up) and voted."""
    from events.models import NotificationSettings, SentNotification
    from tests.factories import make_series, make_user, make_wish

    series = make_series(name="Barcamp Köln")
    camp = person["camp"]
    camp.series = series
    camp.save()
    me = person["me"].user
    NotificationSettings.objects.create(user=me, plan_published=True)
    SentNotification.objects.create(user=me, camp=camp, kind="reminder", key="reminder:1")
    other = make_user()
    open_wish = make_wish(series, title="Rust", by=me, votes=[me, other])
    taken = make_wish(series, title="Go", by=me, votes=[me], session=person["other"])
    theirs = make_wish(series, title="Kaffee", by=other, votes=[me, other])
    return {**person, "open": open_wish, "taken": taken, "theirs": theirs}


def test_download_contains_my_wishes_wish_votes_email_settings_and_mails(client, wishing):
    data = json.loads(client.post(reverse("my-data")).content)

    assert sorted((w["topic"], w["taken_up_as"]) for w in data["topic_wishes"]) == [
        ("Go", "Other"),
        ("Rust", None),
    ]
    assert sorted(v["topic"] for v in data["wish_votes"]) == ["Go", "Kaffee", "Rust"]
    assert data["email_settings"] == {
        "registration": True,
        "session_placed": True,
        "plan_published": True,
        "reminder": True,
        "wish_taken_up": True,
    }
    assert [(m["kind"], m["camp"]) for m in data["emails_sent"]] == [("reminder", "Barcamp Köln")]


def test_deleting_keeps_open_wishes_without_a_name_and_drops_votes_settings_and_mails(
    client, wishing
):
    from events.models import NotificationSettings, SentNotification
    from sessions.models import TopicWish, WishVote

    client.post(reverse("voting:delete-account"), {"confirm": "yes", "sessions": "keep"})

    assert TopicWish.objects.get(pk=wishing["open"].pk).proposed_by is None
    assert TopicWish.objects.get(pk=wishing["taken"].pk).proposed_by is None
    assert WishVote.objects.filter(wish=wishing["theirs"]).count() == 1
    assert NotificationSettings.objects.count() == 0
    assert SentNotification.objects.count() == 0


def test_deleting_with_withdraw_deletes_open_wishes_but_keeps_taken_ones(client, wishing):
    from sessions.models import TopicWish

    client.post(reverse("voting:delete-account"), {"confirm": "yes", "sessions": "withdraw"})

    assert sorted(TopicWish.objects.values_list("title", flat=True)) == ["Go", "Kaffee"]


def test_erasing_a_past_camp_drops_the_log_of_its_mails():
    from events.models import SentNotification
    from tests.factories import make_user
    from voting.records import privacy

    past = datetime.date.today() - datetime.timedelta(days=3)
    camp = make_camp(start_date=past, end_date=past)
    user = make_user()
    SentNotification.objects.create(user=user, camp=camp, kind="reminder", key="reminder:x")
    SentNotification.objects.create(user=user, camp=make_camp(), kind="reminder", key="reminder:y")

    privacy.erase_camp_personal_data(camp=camp)

    assert list(SentNotification.objects.values_list("key", flat=True)) == ["reminder:y"]

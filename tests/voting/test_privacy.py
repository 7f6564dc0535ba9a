import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from events.models import Participant
from sessions.models import Session
from tests.factories import (
    make_camp,
    make_organizer,
    make_participant,
    make_room,
    make_session,
    make_slot,
    make_vote,
    open_voting,
)
from voting import grid
from voting.models import Placement, Vote

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


def test_my_data_page_needs_login(client):
    response = client.get(reverse("my-data"))

    assert response.status_code == 302


def test_deleting_keeps_sessions_as_deleted_teilgeber_and_tallies_right(client, person):
    response = client.post(reverse("voting:delete-account"), {"confirm": "yes", "sessions": "keep"})

    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=person["me"].user_id).exists()
    assert person["other"].votes.count() == 1
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

    grid.plan_day(camp=camp, date=camp.start_date)

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
    grid.move_session(session=session, room=room, slot=slot)
    grid.publish_plan(camp=camp, date=camp.start_date)
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
    assert Participant.objects.filter(camp=running).count() == 1  # not over yet: untouched
    plan = client.get(reverse("voting:plan", args=[camp.slug])).content.decode()
    assert "Kept for the record" in plan
    assert "Anna Private" not in plan


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
    from voting import privacy

    past = datetime.date.today() - datetime.timedelta(days=3)
    camp = make_camp(start_date=past, end_date=past)
    user = make_user()
    SentNotification.objects.create(user=user, camp=camp, kind="reminder", key="reminder:x")
    SentNotification.objects.create(user=user, camp=make_camp(), kind="reminder", key="reminder:y")

    privacy.erase_camp_personal_data(camp=camp)

    assert list(SentNotification.objects.values_list("key", flat=True)) == ["reminder:y"]

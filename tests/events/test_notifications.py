"""E-mails through tasks: registration, the reminder, preferences, the one-click unsubscribe."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import notifications, services, tasks
from events.models import Notification, NotificationSettings, Participant, SentNotification
from tests.factories import make_camp, make_participant, make_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def unsubscribe_path(url):
    return url.removeprefix("http://127.0.0.1:8000")


# --- Registration mails, now a task ----------------------------------------------------------


def test_registration_mail_is_enqueued_after_commit_not_inside(django_capture_on_commit_callbacks):
    camp = make_camp(name="Barcamp Köln")
    user = make_user(email="anna@example.org")

    with django_capture_on_commit_callbacks() as callbacks:
        services.register_participant(camp=camp, user=user, language="en")
        assert mail.outbox == []
    for callback in callbacks:
        callback()

    assert [m.subject for m in mail.outbox] == ["You are registered for Barcamp Köln"]


def test_registration_mail_cannot_be_unsubscribed(django_capture_on_commit_callbacks):
    camp = make_camp(name="Barcamp Köln")
    user = make_user()
    NotificationSettings.objects.create(
        user=user, session_placed=False, plan_published=False, reminder=False, wish_taken_up=False
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.register_participant(camp=camp, user=user, language="en")

    message = mail.outbox[0]
    assert "List-Unsubscribe" not in message.extra_headers
    assert "Barcamp Köln" in message.body
    assert "Which e-mails you get: http://127.0.0.1:8000/account/notifications/" in message.body


def test_registration_mail_is_sent_once_even_if_the_task_runs_twice(
    django_capture_on_commit_callbacks,
):
    camp = make_camp()
    with django_capture_on_commit_callbacks(execute=True):
        participant = services.register_participant(camp=camp, user=make_user(), language="en")
    args = (participant.pk, participant.status, participant.status_changed_at.isoformat(), False)

    tasks.send_registration_mail.call(*args)

    assert len(mail.outbox) == 1
    assert SentNotification.objects.filter(kind=Notification.REGISTRATION).count() == 1


def test_registration_mail_of_an_outdated_status_is_dropped(django_capture_on_commit_callbacks):
    camp = make_camp()
    participant = make_participant(camp=camp)
    old = participant.status_changed_at.isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(participant=participant)

    assert tasks.send_registration_mail.call(participant.pk, "registered", old, False) is False
    assert mail.outbox == []


def test_waitlist_promotion_mail_goes_in_the_promoted_persons_language(
    django_capture_on_commit_callbacks,
):
    camp = make_camp(name="Barcamp Köln", capacity=1)
    seat = make_participant(camp=camp)
    waiting = make_participant(
        camp=camp,
        status=Participant.Status.WAITLISTED,
        language="de",
        user=make_user(email="w@example.org"),
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(participant=seat)

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["w@example.org"], "Ein Platz ist frei: Du bist für Barcamp Köln angemeldet")
    ]
    waiting.refresh_from_db()
    assert waiting.is_registered


def test_a_queue_that_is_down_does_not_break_the_registration(
    django_capture_on_commit_callbacks, monkeypatch
):
    class Broken:
        name = "send_registration_mail"

        def enqueue(self, *args):
            raise ConnectionRefusedError("queue down")

    monkeypatch.setattr(tasks, "send_registration_mail", Broken())
    camp = make_camp()

    with django_capture_on_commit_callbacks(execute=True):
        participant = services.register_participant(camp=camp, user=make_user())

    assert participant.is_registered


# --- Preferences -----------------------------------------------------------------------------


def test_notification_defaults_without_a_choice():
    user = make_user()

    current = NotificationSettings.for_user(user)

    assert [current.wants(kind) for kind in Notification.values] == [True, True, False, True, True]


def test_wanting_filter_on_participants():
    camp = make_camp()
    default = make_participant(camp=camp)
    opted_out = make_participant(camp=camp)
    opted_in = make_participant(camp=camp)
    NotificationSettings.objects.create(user=opted_out.user, reminder=False)
    NotificationSettings.objects.create(user=opted_in.user, plan_published=True)

    def who(kind):
        return sorted(
            Participant.objects.filter(camp=camp)
            .filter(NotificationSettings.wanting(kind))
            .values_list("pk", flat=True)
        )

    assert who(Notification.REMINDER) == [default.pk, opted_in.pk]
    assert who(Notification.PLAN_PUBLISHED) == [opted_in.pk]
    assert who(Notification.REGISTRATION) == [default.pk, opted_out.pk, opted_in.pk]


def test_update_notification_settings_ignores_unknown_kinds():
    user = make_user()

    services.update_notification_settings(
        user=user, choices={"reminder": False, "registration": False, "is_staff": True}
    )

    current = NotificationSettings.for_user(user)
    assert (current.reminder, current.wants(Notification.REGISTRATION)) == (False, True)
    assert user.is_staff is False


def test_unsubscribe_refuses_a_kind_that_cannot_be_switched_off():
    with pytest.raises(ValueError):
        services.unsubscribe(user=make_user(), kind=Notification.REGISTRATION)


# --- The settings page -----------------------------------------------------------------------


@pytest.fixture
def logged_in(client):
    user = make_user()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    client.user = user
    return client


def test_settings_page_shows_the_defaults(logged_in):
    response = logged_in.get(reverse("events:notifications"))

    assert response.status_code == 200
    form = response.context["form"]
    assert {name: form[name].initial for name in form.fields} == {
        "session_placed": True,
        "plan_published": False,
        "reminder": True,
        "wish_taken_up": True,
    }


def test_settings_page_saves_the_choices(logged_in):
    response = logged_in.post(
        reverse("events:notifications"),
        {"plan_published": "on", "session_placed": "on"},
        follow=True,
    )

    current = NotificationSettings.objects.get(user=logged_in.user)
    assert (
        current.session_placed,
        current.plan_published,
        current.reminder,
        current.wish_taken_up,
    ) == (
        True,
        True,
        False,
        False,
    )
    assert [str(m) for m in response.context["messages"]] == ["Your e-mail settings are saved."]


def test_settings_page_htmx_answers_the_form_fragment(logged_in):
    response = logged_in.post(reverse("events:notifications"), {"reminder": "on"}, headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(
        '<form method="post" class="stacked-form panel" id="settings-form"'
    )
    assert "Your e-mail settings are saved." in body
    assert NotificationSettings.objects.get(user=logged_in.user).reminder is True


def test_settings_page_needs_a_login(client):
    response = client.get(reverse("events:notifications"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- The reminder ----------------------------------------------------------------------------


@pytest.fixture
def tomorrow_camp():
    now = datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.UTC)
    camp = make_camp(
        name="Barcamp Köln",
        start_date=datetime.date(2026, 5, 2),
        end_date=datetime.date(2026, 5, 2),
        venue_address="Domplatz 1",
    )
    return camp, now


def test_reminder_goes_to_registered_teilgeber_who_want_it_in_their_language(tomorrow_camp):
    camp, now = tomorrow_camp
    german = make_participant(camp=camp, language="de", display_name="Anna")
    english = make_participant(camp=camp, language="en", display_name="Ben")
    opted_out = make_participant(camp=camp)
    NotificationSettings.objects.create(user=opted_out.user, reminder=False)
    make_participant(camp=camp, status=Participant.Status.WAITLISTED)
    make_participant(camp=camp, status=Participant.Status.CANCELLED)

    assert tasks.camps_to_remind(now=now, hour=10) == [camp]
    sent = tasks.send_camp_reminder(camp)

    assert sent == 2
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([german.user.email], "Morgen: Barcamp Köln"),
        ([english.user.email], "Tomorrow: Barcamp Köln"),
    ]
    assert "Domplatz 1" in mail.outbox[1].body


def test_reminder_carries_the_one_click_unsubscribe_headers(tomorrow_camp):
    camp, _now = tomorrow_camp
    participant = make_participant(camp=camp, language="en")

    tasks.send_camp_reminder(camp)

    message = mail.outbox[0]
    url = notifications.unsubscribe_url(participant.user, Notification.REMINDER)
    assert message.extra_headers == {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert url in message.body
    assert "Barcamp Köln" in message.body


def test_reminder_command_twice_sends_nothing_twice(tomorrow_camp, monkeypatch):
    camp, now = tomorrow_camp
    make_participant(camp=camp)
    monkeypatch.setattr(timezone, "now", lambda: now)
    out = io.StringIO()

    call_command("send_notifications", stdout=out)
    call_command("send_notifications", stdout=out)

    assert len(mail.outbox) == 1
    assert out.getvalue().splitlines() == [
        "1 reminders and 0 plan notices sent.",
        "0 reminders and 0 plan notices sent.",
    ]


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (datetime.datetime(2026, 5, 1, 7, 59, tzinfo=datetime.UTC), False),  # 09:59 in Berlin
        (datetime.datetime(2026, 5, 1, 8, 0, tzinfo=datetime.UTC), True),  # 10:00 in Berlin
        (datetime.datetime(2026, 4, 30, 12, 0, tzinfo=datetime.UTC), False),  # two days before
        (datetime.datetime(2026, 5, 2, 8, 0, tzinfo=datetime.UTC), False),  # the day itself
    ],
)
def test_reminder_is_due_on_the_day_before_from_the_hour_in_the_camps_time(tomorrow_camp, now, due):
    camp, _now = tomorrow_camp

    assert (camp in tasks.camps_to_remind(now=now, hour=10)) is due


# --- Unsubscribe -----------------------------------------------------------------------------


@pytest.fixture
def token_url():
    user = make_user()
    return user, unsubscribe_path(notifications.unsubscribe_url(user, Notification.REMINDER))


def test_unsubscribe_get_only_asks_to_confirm(client, token_url):
    user, url = token_url
    client.cookies["django_language"] = "en"

    response = client.get(url)

    assert response.status_code == 200
    assert "Yes, stop these e-mails" in response.content.decode()
    assert NotificationSettings.for_user(user).reminder is True


def test_unsubscribe_one_click_post_needs_no_login_and_no_csrf_token(token_url):
    user, url = token_url
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert NotificationSettings.for_user(user).reminder is False
    assert NotificationSettings.for_user(user).session_placed is True


def test_unsubscribe_twice_is_once(client, token_url):
    user, url = token_url

    client.post(url)
    response = client.post(url)

    assert response.status_code == 200
    assert NotificationSettings.objects.filter(user=user).count() == 1


@pytest.mark.parametrize("token", ["garbage", "x" * 500, "W1sxLCJyZW1pbmRlciJd:1abc:xyz"])
def test_unsubscribe_with_a_bad_token_is_not_found_and_changes_nothing(client, token):
    response = client.post(reverse("events:unsubscribe", args=[token]))

    assert response.status_code == 404
    assert NotificationSettings.objects.count() == 0


def test_unsubscribe_token_for_registration_mails_is_refused(client):
    user = make_user()
    token = notifications.signing.dumps(
        [user.pk, "registration"], salt=notifications.UNSUBSCRIBE_SALT, compress=True
    )

    response = client.post(reverse("events:unsubscribe", args=[token]))

    assert response.status_code == 404


def test_unsubscribe_of_a_deleted_account_is_not_found(client, token_url):
    user, url = token_url
    user.delete()

    assert client.post(url).status_code == 404


def test_unsubscribe_round_trip_from_the_mail(tomorrow_camp):
    camp, _now = tomorrow_camp
    participant = make_participant(camp=camp, language="en")
    tasks.send_camp_reminder(camp)
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")

    Client(enforce_csrf_checks=True).post(unsubscribe_path(link))
    SentNotification.objects.all().delete()
    tasks.send_camp_reminder(camp)

    assert len(mail.outbox) == 1
    assert NotificationSettings.for_user(participant.user).reminder is False

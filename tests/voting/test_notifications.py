"""Mails about the grid: hosts whose session was placed or moved (once per burst), the plan's
publication; and the production task backend (django-tasks-db) end to end."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import default_task_backend
from django.utils import timezone

from events.models import NotificationSettings, SentNotification
from tests.factories import make_camp, make_participant, make_room, make_session, make_slot
from voting import tasks
from voting.grid import board
from voting.models import GridDay

pytestmark = pytest.mark.django_db

T = datetime.time


@pytest.fixture
def day():
    """Two rooms, two slots; Anna's and Ben's sessions; Clara, a Teilgeber, asked for plan mails."""
    camp = make_camp(name="Barcamp Köln")
    saal, kueche = make_room(camp, name="Saal", order=0), make_room(camp, name="Küche", order=1)
    early = make_slot(camp, start=T(10, 0), end=T(10, 45))
    late = make_slot(camp, start=T(11, 0), end=T(11, 45))
    anna = make_participant(camp=camp, display_name="Anna", language="en")
    ben = make_participant(camp=camp, display_name="Ben", language="de")
    clara = make_participant(camp=camp, display_name="Clara", language="en")
    NotificationSettings.objects.create(user=clara.user, plan_published=True)
    rust = make_session(camp=camp, host=anna, title="Rust")
    kaffee = make_session(camp=camp, host=ben, title="Kaffee")
    board.move_session(session=rust, room=saal, slot=early)
    board.move_session(session=kaffee, room=kueche, slot=early)
    return {
        "camp": camp,
        "rooms": (saal, kueche),
        "slots": (early, late),
        "people": (anna, ben, clara),
        "sessions": (rust, kaffee),
    }


def later(minutes=11):
    return timezone.now() + datetime.timedelta(minutes=minutes)


def mails_to(participant):
    return [m for m in mail.outbox if m.to == [participant.user.email]]


def publish(day, capture):
    with capture(execute=True):
        board.publish_plan(camp=day["camp"], date=day["camp"].start_date)


def test_publishing_tells_each_host_where_their_session_is(day, django_capture_on_commit_callbacks):
    anna, ben, clara = day["people"]

    publish(day, django_capture_on_commit_callbacks)

    [to_anna] = [m for m in mails_to(anna) if "Rust" in m.subject]
    assert to_anna.subject == "Placed: “Rust” is at 10:00 in Saal"
    assert "placed at 10:00–10:45, Saal: “Rust”" in to_anna.body
    assert to_anna.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert [m.subject for m in mails_to(ben)] == ["Eingeplant: „Kaffee“ ist um 10:00 in Küche"]


def test_publishing_tells_who_asked_that_the_plan_is_out_once_a_day(
    day, django_capture_on_commit_callbacks
):
    anna, ben, clara = day["people"]

    publish(day, django_capture_on_commit_callbacks)
    publish(day, django_capture_on_commit_callbacks)

    [message] = mails_to(clara)
    assert message.subject.startswith("The plan of Barcamp Köln for ")
    assert "http://127.0.0.1:8000/" + day["camp"].slug + "/plan/" in message.body
    assert [m for m in mails_to(anna) if "plan of" in m.subject] == []


def test_a_published_move_waits_for_the_board_to_be_quiet(day, django_capture_on_commit_callbacks):
    anna, ben, _clara = day["people"]
    rust, _kaffee = day["sessions"]
    saal, _kueche = day["rooms"]
    publish(day, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        board.move_session(session=rust, room=saal, slot=day["slots"][1])

    assert mail.outbox == []
    assert tasks.send_due_host_notices() == 0
    assert tasks.send_due_host_notices(now=later()) == 1
    assert [m.subject for m in mail.outbox] == ["Moved: “Rust” is at 11:00 in Saal"]


def test_a_burst_of_drags_makes_one_mail_per_host_and_only_moved_hosts_hear(
    day, django_capture_on_commit_callbacks
):
    anna, ben, _clara = day["people"]
    rust, kaffee = day["sessions"]
    saal, kueche = day["rooms"]
    early, late = day["slots"]
    publish(day, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        board.move_session(session=rust, room=kueche, slot=late)
        board.move_session(session=rust, room=saal, slot=late)
        board.move_session(session=kaffee, room=saal, slot=early)  # swaps nothing: Rust left
        board.move_session(session=kaffee, room=kueche, slot=early)  # and back: unchanged
    tasks.send_due_host_notices(now=later())

    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([anna.user.email], "Moved: “Rust” is at 11:00 in Saal")
    ]


def test_notices_respect_the_hosts_choice(day, django_capture_on_commit_callbacks):
    anna, ben, _clara = day["people"]
    NotificationSettings.objects.create(user=anna.user, session_placed=False)

    publish(day, django_capture_on_commit_callbacks)

    assert [m for m in mails_to(anna)] == []
    assert len(mails_to(ben)) == 1


def test_host_notice_is_sent_once_even_when_run_twice(day, django_capture_on_commit_callbacks):
    publish(day, django_capture_on_commit_callbacks)
    sent = len(mail.outbox)
    grid_day = GridDay.objects.get(camp=day["camp"])
    grid_day.hosts_notified_version = 0
    grid_day.hosts_notice_due_at = timezone.now()
    grid_day.save()

    tasks.send_host_notice(camp=day["camp"], date=day["camp"].start_date)

    assert len(mail.outbox) == sent
    assert SentNotification.objects.filter(kind="session_placed").count() == 2


def test_the_command_sends_due_plan_notices(day, django_capture_on_commit_callbacks, monkeypatch):
    rust, _kaffee = day["sessions"]
    publish(day, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        board.move_session(session=rust, room=day["rooms"][1], slot=day["slots"][1])
    quiet = later()
    monkeypatch.setattr(timezone, "now", lambda: quiet)

    call_command("send_notifications")

    assert [m.subject for m in mail.outbox] == ["Moved: “Rust” is at 11:00 in Küche"]


def test_a_host_of_two_sessions_gets_one_mail_naming_a_double_slots_whole_time(
    day, django_capture_on_commit_callbacks
):
    anna, ben, _clara = day["people"]
    saal, kueche = day["rooms"]
    early, late = day["slots"]
    board.unplace_session(session=day["sessions"][1])
    workshop = make_session(camp=day["camp"], host=ben, title="Workshop", length=2)
    board.move_session(session=workshop, room=kueche, slot=early)
    go = make_session(camp=day["camp"], host=anna, title="Go")
    board.move_session(session=go, room=saal, slot=late)

    publish(day, django_capture_on_commit_callbacks)

    [to_anna] = mails_to(anna)
    assert to_anna.subject == "Your sessions at Barcamp Köln have their place"
    assert "placed at 10:00–10:45, Saal: “Rust”" in to_anna.body
    assert "placed at 11:00–11:45, Saal: “Go”" in to_anna.body
    [to_ben] = mails_to(ben)
    assert "10:00–11:45, Küche: „Workshop“" in to_ben.body


def test_with_a_deferring_backend_the_notice_is_enqueued_for_when_it_is_due(
    day, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.PLAN_CHANGE_NOTICE_DELAY = 300
    board.publish_plan(camp=day["camp"], date=day["camp"].start_date)
    rust = day["sessions"][0]

    with django_capture_on_commit_callbacks(execute=True):
        board.move_session(session=rust, room=day["rooms"][1], slot=day["slots"][1])

    [result] = default_task_backend.results
    assert result.task.name == "notify_moved_hosts"
    assert result.args == [day["camp"].pk, day["camp"].start_date.isoformat()]
    due = GridDay.objects.get(camp=day["camp"]).hosts_notice_due_at
    assert result.task.run_after == due
    assert (due - timezone.now()).total_seconds() == pytest.approx(300, abs=30)


@pytest.mark.django_db(transaction=True)
def test_the_database_backend_queues_mails_for_the_worker(settings):
    """Production: django-tasks-db stores the task; `db_worker --batch` sends the mail."""
    from django_tasks_db.models import DBTaskResult

    from events import services
    from tests.factories import make_user

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    camp = make_camp(name="Barcamp Köln")

    services.register_participant(camp=camp, user=make_user(), language="en")

    assert mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert [m.subject for m in mail.outbox] == ["You are registered for Barcamp Köln"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"

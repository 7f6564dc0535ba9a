import datetime

import pytest
from django.core import mail
from django.utils import timezone

from events import queries, services
from events.models import Participant, Slot
from tests.factories import make_camp, make_participant, make_user

pytestmark = pytest.mark.django_db


def test_register_participant_with_free_seat_is_registered_and_mailed(
    django_capture_on_commit_callbacks,
):
    camp = make_camp(capacity=2)
    user = make_user(email="anna@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        participant = services.register_participant(camp=camp, user=user, language="en")

    assert participant.status == Participant.Status.REGISTERED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@example.org"]
    assert mail.outbox[0].subject == f"You are registered for {camp.name}"


def test_register_participant_when_full_lands_on_waitlist(django_capture_on_commit_callbacks):
    camp = make_camp(capacity=1)
    services.register_participant(camp=camp, user=make_user())

    with django_capture_on_commit_callbacks(execute=True):
        participant = services.register_participant(camp=camp, user=make_user(), language="en")

    assert participant.status == Participant.Status.WAITLISTED
    assert mail.outbox[-1].subject == f"You are on the waitlist of {camp.name}"


def test_register_participant_twice_changes_nothing(django_capture_on_commit_callbacks):
    camp = make_camp(capacity=5)
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.register_participant(camp=camp, user=user)

    with django_capture_on_commit_callbacks(execute=True):
        second = services.register_participant(camp=camp, user=user)

    assert second.pk == first.pk
    assert camp.participants.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"registration_open": False},
        {"registration_opens_at": timezone.now() + datetime.timedelta(days=1)},
        {"registration_closes_at": timezone.now() - datetime.timedelta(minutes=1)},
    ],
    ids=["switched-off", "not-yet-open", "already-closed"],
)
def test_register_participant_while_closed_raises_and_saves_nothing(overrides):
    camp = make_camp(**overrides)

    with pytest.raises(services.RegistrationError, match="closed"):
        services.register_participant(camp=camp, user=make_user())

    assert camp.participants.count() == 0


def test_register_participant_inside_window_is_allowed():
    now = timezone.now()
    camp = make_camp(
        registration_opens_at=now - datetime.timedelta(days=1),
        registration_closes_at=now + datetime.timedelta(days=1),
    )

    participant = services.register_participant(camp=camp, user=make_user())

    assert participant.is_registered


def test_cancel_registration_promotes_first_waitlisted(django_capture_on_commit_callbacks):
    camp = make_camp(capacity=1)
    seated = services.register_participant(camp=camp, user=make_user())
    first = services.register_participant(
        camp=camp, user=make_user(email="first@example.org"), language="en"
    )
    second = services.register_participant(camp=camp, user=make_user())

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(participant=seated)

    statuses = dict(camp.participants.values_list("pk", "status"))
    assert statuses == {
        seated.pk: Participant.Status.CANCELLED,
        first.pk: Participant.Status.REGISTERED,
        second.pk: Participant.Status.WAITLISTED,
    }
    assert [message.to for message in mail.outbox] == [["first@example.org"]]
    assert "moved up" in mail.outbox[0].body


def test_status_email_speaks_the_language_the_teilgeber_registered_in(
    django_capture_on_commit_callbacks,
):
    camp = make_camp(name="Barcamp Köln")

    with django_capture_on_commit_callbacks(execute=True):
        services.register_participant(camp=camp, user=make_user(), language="de")

    assert mail.outbox[0].subject == "Du bist für Barcamp Köln angemeldet"


def test_cancel_registration_of_waitlisted_promotes_nobody():
    camp = make_camp(capacity=1)
    seated = services.register_participant(camp=camp, user=make_user())
    waiting = services.register_participant(camp=camp, user=make_user())
    last = services.register_participant(camp=camp, user=make_user())

    services.cancel_registration(participant=waiting)

    seated.refresh_from_db()
    last.refresh_from_db()
    assert seated.is_registered
    assert last.is_waitlisted
    assert queries.waitlist_position(last) == 1


def test_register_again_after_cancelling_queues_at_the_end():
    camp = make_camp(capacity=1)
    user = make_user()
    mine = services.register_participant(camp=camp, user=user)
    services.cancel_registration(participant=mine)  # the seat is free again ...
    services.register_participant(camp=camp, user=make_user())  # ... and taken
    other = services.register_participant(camp=camp, user=make_user())

    again = services.register_participant(camp=camp, user=user)

    assert again.pk == mine.pk
    assert again.is_waitlisted
    assert queries.waitlist_position(other) == 1
    assert queries.waitlist_position(again) == 2


def test_promote_waitlisted_after_capacity_grows_fills_exactly_the_new_seats():
    camp = make_camp(capacity=1)
    for _ in range(4):
        services.register_participant(camp=camp, user=make_user())
    camp.capacity = 3
    camp.save()

    promoted = services.promote_waitlisted(camp=camp)

    assert len(promoted) == 2
    assert camp.participants.registered().count() == 3
    assert camp.participants.waitlisted().count() == 1


def test_waitlist_position_counts_from_one_in_joining_order():
    camp = make_camp(capacity=1)
    services.register_participant(camp=camp, user=make_user())
    waiting = [services.register_participant(camp=camp, user=make_user()) for _ in range(3)]

    positions = [queries.waitlist_position(participant) for participant in waiting]

    assert positions == [1, 2, 3]


def test_register_participant_prefills_profile_from_latest_camp_but_not_the_opt_in():
    user = make_user()
    make_participant(
        camp=make_camp(),
        user=user,
        display_name="Anna",
        hashtags=["python"],
        bio="Hi",
        is_public=True,
    )

    participant = services.register_participant(camp=make_camp(), user=user)

    assert (participant.display_name, participant.hashtags, participant.bio) == (
        "Anna",
        ["python"],
        "Hi",
    )
    assert participant.is_public is False


def test_new_participant_is_private_and_named_as_the_account_chose():
    user = make_user(email="julia.b@example.org", first_name="Julia")

    participant = services.register_participant(camp=make_camp(), user=user)

    assert participant.display_name == "Julia"
    assert participant.is_public is False


def test_new_participant_without_a_chosen_name_is_never_named_after_the_email():
    camp = make_camp()
    make_participant(camp=camp)
    user = make_user(email="julia.b@example.org", first_name="")

    participant = services.register_participant(camp=camp, user=user)

    assert participant.display_name == "Teilgeber 2"


def test_the_name_given_at_the_first_join_names_the_teilgeber_and_the_account():
    user = make_user(first_name="")

    participant = services.register_participant(camp=make_camp(), user=user, display_name="Jule")

    user.refresh_from_db()
    assert (participant.display_name, user.first_name) == ("Jule", "Jule")


def test_a_neutral_name_from_an_earlier_camp_is_not_taken_for_a_chosen_one():
    user = make_user(first_name="")
    make_participant(user=user, display_name="Teilgeber 7")

    assert queries.known_display_name(user) == ""


def test_update_profile_strips_hash_and_keeps_three_hashtags():
    participant = make_participant()

    services.update_profile(
        participant=participant,
        display_name="Anna",
        hashtags=["#python", "community", "#", "four", "five"],
        bio="",
        links=["https://example.org"],
        is_public=True,
    )

    participant.refresh_from_db()
    assert participant.hashtags == ["python", "community", "four"]
    assert participant.links == ["https://example.org"]
    assert participant.is_public is True


def test_slot_times_fills_day_and_skips_break():
    times = services.slot_times(
        start=datetime.time(10, 0),
        end=datetime.time(15, 0),
        length=datetime.timedelta(minutes=45),
        gap=datetime.timedelta(minutes=15),
        breaks=[(datetime.time(12, 0), datetime.time(13, 0))],
    )

    assert [(f"{s:%H:%M}", f"{e:%H:%M}") for s, e in times] == [
        ("10:00", "10:45"),
        ("11:00", "11:45"),
        ("13:00", "13:45"),
        ("14:00", "14:45"),
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"length": datetime.timedelta(0)}, "length must be positive"),
        ({"gap": datetime.timedelta(minutes=-5)}, "cannot be negative"),
        ({"end": datetime.time(9, 0)}, "must end after it starts"),
        ({"breaks": [(datetime.time(12, 0), datetime.time(11, 0))]}, "break must end"),
    ],
)
def test_slot_times_rejects_bad_input(kwargs, message):
    arguments = {
        "start": datetime.time(10, 0),
        "end": datetime.time(18, 0),
        "length": datetime.timedelta(minutes=45),
    }
    arguments.update(kwargs)

    with pytest.raises(services.SlotGenerationError, match=message):
        services.slot_times(**arguments)


def test_generate_slots_for_a_real_day_creates_seven_session_slots_and_the_break():
    camp = make_camp()

    slots = services.generate_slots(
        camp=camp,
        date=camp.start_date,
        start=datetime.time(9, 30),
        end=datetime.time(18, 0),
        length=datetime.timedelta(minutes=45),
        gap=datetime.timedelta(minutes=15),
        breaks=[(datetime.time(12, 30), datetime.time(13, 30))],
    )

    kinds = [slot.kind for slot in slots]
    assert kinds.count(Slot.Kind.SESSIONS) == 7
    assert kinds.count(Slot.Kind.BREAK) == 1
    assert Slot.objects.filter(camp=camp).count() == 8


def test_generate_slots_clashing_with_existing_slot_creates_nothing():
    camp = make_camp()
    Slot.objects.create(
        camp=camp, date=camp.start_date, start=datetime.time(11, 0), end=datetime.time(12, 0)
    )

    with pytest.raises(services.SlotGenerationError, match="already has the slot"):
        services.generate_slots(
            camp=camp,
            date=camp.start_date,
            start=datetime.time(10, 0),
            end=datetime.time(14, 0),
            length=datetime.timedelta(minutes=60),
        )

    assert Slot.objects.filter(camp=camp).count() == 1


def test_generate_slots_with_replace_starts_the_day_over():
    camp = make_camp()
    Slot.objects.create(
        camp=camp, date=camp.start_date, start=datetime.time(11, 0), end=datetime.time(12, 0)
    )

    services.generate_slots(
        camp=camp,
        date=camp.start_date,
        start=datetime.time(10, 0),
        end=datetime.time(12, 0),
        length=datetime.timedelta(minutes=60),
        replace=True,
    )

    assert list(Slot.objects.filter(camp=camp).values_list("start", flat=True)) == [
        datetime.time(10, 0),
        datetime.time(11, 0),
    ]


def test_generate_slots_outside_the_camp_days_is_refused():
    camp = make_camp()

    with pytest.raises(services.SlotGenerationError, match="not a day of this camp"):
        services.generate_slots(
            camp=camp,
            date=camp.end_date + datetime.timedelta(days=1),
            start=datetime.time(10, 0),
            end=datetime.time(12, 0),
            length=datetime.timedelta(minutes=60),
        )


def test_update_profile_reaches_the_pitch_and_grid_pages(django_capture_on_commit_callbacks):
    from events import live

    participant = make_participant()
    before = live.current_version(participant.camp.slug, (live.PITCH,))

    with django_capture_on_commit_callbacks(execute=True):
        services.update_profile(
            participant=participant,
            display_name="Anna",
            hashtags=[],
            bio="",
            links=[],
            is_public=False,
        )

    assert live.current_version(participant.camp.slug, (live.PITCH,)) != before

import datetime

import pytest
from django.urls import reverse

from events.models import Camp, Participant, Room, Slot
from tests.factories import (
    make_camp,
    make_organizer,
    make_participant,
    make_room,
    make_slot,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def camp():
    return make_camp(name="Own Camp")


@pytest.fixture
def other_camp():
    return make_camp(name="Other Camp")


@pytest.fixture
def organizer_client(client, camp):
    client.cookies["django_language"] = "en"
    client.force_login(make_organizer(camp))
    return client


def camp_form_data(camp, *, rooms=(), slots=(), sponsors=(), **overrides):
    """The POST body of the camp's admin change form, with its three inlines."""
    data = {
        "name": camp.name,
        "slug": camp.slug,
        "description": camp.description,
        "hashtag": camp.hashtag,
        "visibility": camp.visibility,
        "start_date": camp.start_date.isoformat(),
        "end_date": camp.end_date.isoformat(),
        "time_zone": camp.time_zone,
        "venue_name": camp.venue_name,
        "venue_address": camp.venue_address,
        "capacity": camp.capacity,
        "registration_open": "on" if camp.registration_open else "",
        "pitching_open": "on" if camp.pitching_open else "",
        "hide_counts_until_closed": "on" if camp.hide_counts_until_closed else "",
        "vote_budget": camp.vote_budget or "",
        "organizers": [user.pk for user in camp.organizers.all()] if camp.pk else [],
    }
    for prefix, rows in (("rooms", rooms), ("slots", slots), ("sponsors", sponsors)):
        existing = [row for row in rows if row.get("id")]
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = len(existing)
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
        for index, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{index}-{key}"] = value
            data[f"{prefix}-{index}-camp"] = camp.pk
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_organizer_sees_only_own_camps(organizer_client, camp, other_camp):
    response = organizer_client.get(reverse("admin:events_camp_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [camp]


def test_organizer_cannot_open_another_camp(organizer_client, other_camp):
    response = organizer_client.get(reverse("admin:events_camp_change", args=[other_camp.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_organizer_cannot_change_another_camp_by_post(organizer_client, other_camp):
    response = organizer_client.post(
        reverse("admin:events_camp_change", args=[other_camp.pk]),
        camp_form_data(other_camp, name="Hijacked"),
    )

    other_camp.refresh_from_db()
    assert response.status_code == 302
    assert other_camp.name == "Other Camp"


def test_organizer_sees_only_teilgeber_of_own_camps(organizer_client, camp, other_camp):
    mine = make_participant(camp=camp)
    theirs = make_participant(camp=other_camp)

    listing = organizer_client.get(reverse("admin:events_participant_changelist"))
    foreign = organizer_client.get(reverse("admin:events_participant_change", args=[theirs.pk]))

    assert list(listing.context["cl"].queryset) == [mine]
    assert foreign.status_code == 302


def test_organizer_cannot_generate_slots_for_another_camp(organizer_client, other_camp):
    response = organizer_client.get(
        reverse("admin:events_camp_generate_slots", args=[other_camp.pk])
    )

    assert response.status_code == 404


def test_superuser_sees_every_camp(client, camp, other_camp):
    client.force_login(make_user(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:events_camp_changelist"))

    assert set(response.context["cl"].queryset) == {camp, other_camp}


def test_user_without_staff_status_cannot_enter_the_admin(client, camp):
    user = make_user()
    camp.organizers.add(user)
    client.force_login(user)

    response = client.get(reverse("admin:events_camp_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_organizer_creating_a_camp_organizes_it(client):
    organizer = make_organizer()
    client.force_login(organizer)
    draft = Camp(
        name="New Camp",
        slug="new-camp",
        capacity=50,
        start_date=datetime.date(2027, 6, 1),
        end_date=datetime.date(2027, 6, 2),
    )

    response = client.post(reverse("admin:events_camp_add"), camp_form_data(draft, organizers=[]))

    assert response.status_code == 302
    assert list(Camp.objects.get(slug="new-camp").organizers.all()) == [organizer]


def test_camp_page_edits_rooms_slots_and_sponsors_inline(organizer_client, camp):
    data = camp_form_data(
        camp,
        rooms=[{"name": "Saal", "capacity": 80, "order": 0}],
        slots=[
            {
                "date": camp.start_date.isoformat(),
                "start": "10:00",
                "end": "10:45",
                "kind": "sessions",
            }
        ],
        sponsors=[{"name": "Kaffee GmbH", "url": "https://example.org", "order": 0}],
    )

    response = organizer_client.post(reverse("admin:events_camp_change", args=[camp.pk]), data)

    assert response.status_code == 302
    assert list(camp.rooms.values_list("name", "capacity")) == [("Saal", 80)]
    assert camp.slots.count() == 1
    assert list(camp.sponsors.values_list("name", flat=True)) == ["Kaffee GmbH"]


def test_rooms_keep_the_order_in_which_they_were_entered(organizer_client, camp):
    rooms = [{"name": name, "capacity": 20, "order": 0} for name in ("Werkstatt", "Aula", "Mensa")]

    organizer_client.post(
        reverse("admin:events_camp_change", args=[camp.pk]), camp_form_data(camp, rooms=rooms)
    )
    change_page = organizer_client.get(reverse("admin:events_camp_change", args=[camp.pk]))

    assert list(camp.rooms.values_list("name", flat=True)) == ["Werkstatt", "Aula", "Mensa"]
    inline = change_page.context["inline_admin_formsets"][0]
    assert [form.instance.name for form in inline.formset.forms] == ["Werkstatt", "Aula", "Mensa"]


def test_rooms_with_an_order_number_follow_it(organizer_client, camp):
    rooms = [
        {"name": "Werkstatt", "capacity": 20, "order": 3},
        {"name": "Aula", "capacity": 20, "order": 1},
        {"name": "Mensa", "capacity": 20, "order": 2},
        {"name": "Foyer", "capacity": 20, "order": 2},
    ]

    organizer_client.post(
        reverse("admin:events_camp_change", args=[camp.pk]), camp_form_data(camp, rooms=rooms)
    )

    assert list(camp.rooms.values_list("name", flat=True)) == [
        "Aula",
        "Mensa",
        "Foyer",
        "Werkstatt",
    ]


def test_overlapping_slots_are_refused_with_message_and_nothing_saved(organizer_client, camp):
    day = camp.start_date.isoformat()
    data = camp_form_data(
        camp,
        rooms=[{"name": "Saal", "capacity": 80, "order": 0}],
        slots=[
            {"date": day, "start": "10:00", "end": "11:00", "kind": "sessions"},
            {"date": day, "start": "10:30", "end": "11:30", "kind": "sessions"},
        ],
        name="Renamed",
    )

    response = organizer_client.post(reverse("admin:events_camp_change", args=[camp.pk]), data)

    camp.refresh_from_db()
    assert response.status_code == 400
    assert "overlaps the slot 10:00–11:00" in response.content.decode()
    assert camp.name == "Own Camp"
    assert camp.rooms.count() == 0
    assert camp.slots.count() == 0


def test_moving_two_existing_slots_past_each_other_is_allowed(organizer_client, camp):
    first = make_slot(camp, start=datetime.time(10, 0), end=datetime.time(11, 0))
    second = make_slot(camp, start=datetime.time(11, 0), end=datetime.time(12, 0))
    day = camp.start_date.isoformat()
    data = camp_form_data(
        camp,
        slots=[
            {"id": first.pk, "date": day, "start": "11:00", "end": "12:00", "kind": "sessions"},
            {"id": second.pk, "date": day, "start": "10:00", "end": "11:00", "kind": "plenum"},
        ],
    )

    response = organizer_client.post(reverse("admin:events_camp_change", args=[camp.pk]), data)

    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.start, second.kind) == (datetime.time(10, 0), Slot.Kind.PLENUM)


def test_slot_ending_before_it_starts_is_refused(organizer_client, camp):
    data = camp_form_data(
        camp,
        slots=[
            {
                "date": camp.start_date.isoformat(),
                "start": "11:00",
                "end": "10:00",
                "kind": "sessions",
            }
        ],
    )

    response = organizer_client.post(reverse("admin:events_camp_change", args=[camp.pk]), data)

    assert response.status_code == 400
    assert "A slot must end after it starts." in response.content.decode()
    assert camp.slots.count() == 0


def test_room_without_capacity_is_refused(organizer_client, camp):
    data = camp_form_data(camp, rooms=[{"name": "Kitchen", "capacity": 0, "order": 0}])

    response = organizer_client.post(reverse("admin:events_camp_change", args=[camp.pk]), data)

    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    assert camp.rooms.count() == 0


def test_raising_capacity_in_admin_moves_the_waitlist_up(organizer_client, camp):
    camp.capacity = 1
    camp.save()
    make_participant(camp=camp)
    waiting = make_participant(camp=camp, status=Participant.Status.WAITLISTED)

    response = organizer_client.post(
        reverse("admin:events_camp_change", args=[camp.pk]), camp_form_data(camp, capacity=2)
    )

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.is_registered


def test_generate_slots_sets_up_a_day_in_one_step(organizer_client, camp):
    url = reverse("admin:events_camp_generate_slots", args=[camp.pk])
    data = {
        "date": camp.start_date.isoformat(),
        "start": "09:30",
        "end": "18:00",
        "length": 45,
        "gap": 15,
        "break_start": "12:30",
        "break_end": "13:30",
    }

    form_page = organizer_client.get(url)
    response = organizer_client.post(url, data)

    assert form_page.status_code == 200
    assert response.status_code == 302
    assert camp.slots.filter(kind=Slot.Kind.SESSIONS).count() == 7
    assert camp.slots.filter(kind=Slot.Kind.BREAK).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"length": 0}, "greater than or equal to 5"),
        ({"end": "08:00"}, "The last slot must end after the first starts."),
        ({"break_end": ""}, "Give both the start and the end of the break"),
        ({"date": "1999-01-01"}, "Select a valid choice"),
        ({"start": "25:00"}, "Enter a valid time."),
    ],
)
def test_generate_slots_bad_input_is_400_and_creates_nothing(
    organizer_client, camp, changes, message
):
    data = {
        "date": camp.start_date.isoformat(),
        "start": "10:00",
        "end": "18:00",
        "length": 45,
        "gap": 15,
        "break_start": "12:30",
        "break_end": "13:30",
        **changes,
    }

    response = organizer_client.post(
        reverse("admin:events_camp_generate_slots", args=[camp.pk]), data
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert camp.slots.count() == 0


def test_generate_slots_clash_is_400_with_message(organizer_client, camp):
    make_slot(camp, start=datetime.time(11, 0), end=datetime.time(12, 0))
    data = {
        "date": camp.start_date.isoformat(),
        "start": "10:00",
        "end": "18:00",
        "length": 45,
        "gap": 15,
    }

    response = organizer_client.post(
        reverse("admin:events_camp_generate_slots", args=[camp.pk]), data
    )

    assert response.status_code == 400
    assert "already has the slot" in response.content.decode()
    assert camp.slots.count() == 1


def test_check_in_action_marks_teilgeber(organizer_client, camp):
    participant = make_participant(camp=camp)

    organizer_client.post(
        reverse("admin:events_participant_changelist"),
        {"action": "check_in", "_selected_action": [participant.pk]},
    )

    participant.refresh_from_db()
    assert participant.is_checked_in


def test_room_admin_offers_only_own_camps(organizer_client, camp, other_camp):
    make_room(other_camp)

    response = organizer_client.get(reverse("admin:events_room_add"))

    assert list(response.context["adminform"].form.fields["camp"].queryset) == [camp]
    assert Room.objects.count() == 1


def test_admin_changes_reach_the_live_pages(
    organizer_client, camp, django_capture_on_commit_callbacks
):
    from events import live

    room = make_room(camp, name="Saal", capacity=80)
    before = live.current_version(camp.slug)
    data = camp_form_data(
        camp, rooms=[{"id": room.pk, "name": "Großer Saal", "capacity": 80, "order": 0}]
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(reverse("admin:events_camp_change", args=[camp.pk]), data)
    after_camp = live.current_version(camp.slug)
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(reverse("admin:events_room_delete", args=[room.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert after_camp != before
    assert live.current_version(camp.slug) != after_camp


def test_check_in_action_skips_the_cancelled_and_the_waitlisted_and_keeps_times(
    organizer_client, camp
):
    import datetime

    from django.utils import timezone

    from events.models import Participant

    earlier = timezone.now() - datetime.timedelta(hours=1)
    already = make_participant(camp=camp, checked_in_at=earlier)
    waiting = make_participant(camp=camp, status=Participant.Status.WAITLISTED)
    gone = make_participant(camp=camp, status=Participant.Status.CANCELLED)

    organizer_client.post(
        reverse("admin:events_participant_changelist"),
        {"action": "check_in", "_selected_action": [already.pk, waiting.pk, gone.pk]},
    )

    assert Participant.objects.get(pk=already.pk).checked_in_at == earlier
    assert Participant.objects.get(pk=waiting.pk).checked_in_at is None
    assert Participant.objects.get(pk=gone.pk).checked_in_at is None


def test_participant_admin_shows_and_finds_the_ticket_code(organizer_client, camp):
    participant = make_participant(camp=camp, display_name="Anna")

    found = organizer_client.get(
        reverse("admin:events_participant_changelist"), {"q": participant.ticket_code}
    )
    page = organizer_client.get(reverse("admin:events_participant_change", args=[participant.pk]))

    assert "Anna" in found.content.decode()
    assert participant.ticket_code in page.content.decode()


def test_camp_form_offers_the_organizers_one_works_with(client, camp, other_camp):
    me = make_organizer(camp)
    colleague = make_organizer(camp)
    elsewhere = make_organizer(other_camp)
    make_organizer()  # staff, organizes nothing yet
    client.force_login(me)

    response = client.get(reverse("admin:events_camp_change", args=[camp.pk]))

    offered = set(response.context["adminform"].form.fields["organizers"].queryset)
    assert offered == {me, colleague}
    assert elsewhere.username not in response.content.decode()


def test_camp_form_offers_a_superuser_every_staff_user(client, camp, other_camp):
    elsewhere = make_organizer(other_camp)
    newcomer = make_organizer()
    make_user()  # no staff status: cannot organize
    make_organizer(is_active=False)
    superuser = make_user(is_staff=True, is_superuser=True)
    client.force_login(superuser)

    response = client.get(reverse("admin:events_camp_change", args=[camp.pk]))

    offered = set(response.context["adminform"].form.fields["organizers"].queryset)
    assert offered == {elsewhere, newcomer, superuser}


def test_camp_form_refuses_a_staff_user_one_does_not_work_with(client, camp, other_camp):
    me = make_organizer(camp)
    elsewhere = make_organizer(other_camp)
    client.force_login(me)

    response = client.post(
        reverse("admin:events_camp_change", args=[camp.pk]),
        camp_form_data(camp, organizers=[me.pk, elsewhere.pk]),
    )

    assert response.status_code == 400
    assert list(camp.organizers.all()) == [me]


def test_saving_the_camp_without_oneself_is_refused_with_a_message(client, camp):
    me = make_organizer(camp)
    colleague = make_organizer(camp)
    client.cookies["django_language"] = "en"
    client.force_login(me)

    response = client.post(
        reverse("admin:events_camp_change", args=[camp.pk]),
        camp_form_data(camp, organizers=[colleague.pk], name="Renamed"),
    )

    camp.refresh_from_db()
    assert response.status_code == 400
    assert "Keep yourself among the organizers" in response.content.decode()
    assert camp.name == "Own Camp"
    assert set(camp.organizers.all()) == {me, colleague}


def test_another_organizer_can_take_one_off_the_camp(client, camp):
    leaving = make_organizer(camp)
    colleague = make_organizer(camp)
    client.force_login(colleague)
    assert set(camp.organizers.all()) == {leaving, colleague}

    response = client.post(
        reverse("admin:events_camp_change", args=[camp.pk]),
        camp_form_data(camp, organizers=[colleague.pk]),
    )

    assert response.status_code == 302
    assert list(camp.organizers.all()) == [colleague]

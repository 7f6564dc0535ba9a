"""The next camp of a series: a copy of the last camp's setup, never of its people."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from events import services
from events.models import Camp, Participant, Room, Slot, Sponsor
from sessions.models import Session
from tests.factories import (
    make_camp,
    make_organizer,
    make_participant,
    make_room,
    make_series,
    make_session,
    make_slot,
    make_sponsor,
    make_user,
    make_vote,
    open_voting,
)
from voting.models import Vote

pytestmark = pytest.mark.django_db

D = datetime.date
T = datetime.time


@pytest.fixture
def series():
    return make_series(name="Barcamp Köln", slug="barcamp-koeln")


@pytest.fixture
def last_camp(series):
    """A two-day camp: rooms, a slot pattern per day, a sponsor with a logo, Teilgeber and votes."""
    camp = make_camp(
        name="Barcamp Köln 2026",
        slug="bcko-2026",
        series=series,
        start_date=D(2026, 5, 2),
        end_date=D(2026, 5, 3),
        capacity=180,
        hashtag="bcko26",
        vote_budget=5,
        hide_counts_until_closed=True,
        venue_name="Stadthalle",
        registration_opens_at=datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC),
        wall_needs_approval=False,
    )
    camp.announcements.create(text="Lunch in the foyer")
    make_room(camp, name="Saal", capacity=120, order=1)
    make_room(camp, name="Küche", capacity=12, order=2)
    make_slot(camp, date=D(2026, 5, 2), start=T(10, 0), end=T(10, 45))
    make_slot(
        camp,
        date=D(2026, 5, 2),
        start=T(12, 30),
        end=T(13, 30),
        kind=Slot.Kind.BREAK,
        title="Lunch",
    )
    make_slot(camp, date=D(2026, 5, 3), start=T(11, 0), end=T(11, 45))
    sponsor = make_sponsor(camp, name="Kaffee AG", url="https://kaffee.example", order=3)
    sponsor.logo.save("kaffee.svg", ContentFile(b"<svg/>"), save=True)
    open_voting(camp, D(2026, 5, 2))
    make_vote(make_session(camp=camp))
    camp.organizers.add(make_organizer())
    return camp


def copy(series, **overrides):
    fields = {
        "series": series,
        "name": "Barcamp Köln 2027",
        "slug": "bcko-2027",
        "start_date": D(2027, 5, 8),
        "end_date": D(2027, 5, 9),
    }
    fields.update(overrides)
    return services.create_next_camp(**fields)


def slot_rows(camp):
    return [
        (slot.date, slot.start, slot.end, slot.kind, slot.title)
        for slot in Slot.objects.filter(camp=camp).order_by("date", "start")
    ]


def test_next_camp_copies_rooms_with_capacity_and_order(series, last_camp):
    camp = copy(series)

    assert [(r.name, r.capacity, r.order) for r in camp.rooms.all()] == [
        ("Saal", 120, 1),
        ("Küche", 12, 2),
    ]


def test_next_camp_shifts_each_days_slots_onto_the_new_dates(series, last_camp):
    camp = copy(series)

    assert slot_rows(camp) == [
        (D(2027, 5, 8), T(10, 0), T(10, 45), Slot.Kind.SESSIONS, ""),
        (D(2027, 5, 8), T(12, 30), T(13, 30), Slot.Kind.BREAK, "Lunch"),
        (D(2027, 5, 9), T(11, 0), T(11, 45), Slot.Kind.SESSIONS, ""),
    ]


def test_next_camp_with_more_days_repeats_the_last_days_pattern(series, last_camp):
    camp = copy(series, end_date=D(2027, 5, 10))

    assert [row[:2] for row in slot_rows(camp)] == [
        (D(2027, 5, 8), T(10, 0)),
        (D(2027, 5, 8), T(12, 30)),
        (D(2027, 5, 9), T(11, 0)),
        (D(2027, 5, 10), T(11, 0)),
    ]


def test_next_camp_with_fewer_days_leaves_out_the_later_days(series, last_camp):
    camp = copy(series, end_date=D(2027, 5, 8))

    assert [row[:2] for row in slot_rows(camp)] == [
        (D(2027, 5, 8), T(10, 0)),
        (D(2027, 5, 8), T(12, 30)),
    ]


def test_next_camp_copies_sponsors_with_a_logo_file_of_their_own(series, last_camp):
    camp = copy(series)

    sponsor = camp.sponsors.get()
    old = last_camp.sponsors.get()
    assert (sponsor.name, sponsor.url, sponsor.order) == ("Kaffee AG", "https://kaffee.example", 3)
    assert sponsor.logo.name != old.logo.name
    assert sponsor.logo.read() == b"<svg/>"


def test_next_camp_without_the_logo_file_keeps_the_sponsor(series, last_camp):
    old = last_camp.sponsors.get()
    old.logo.storage.delete(old.logo.name)

    camp = copy(series)

    assert camp.sponsors.get().logo.name == ""


def test_next_camp_copies_settings_and_moves_the_registration_window(series, last_camp):
    camp = copy(series)

    assert (camp.capacity, camp.vote_budget, camp.hide_counts_until_closed, camp.venue_name) == (
        180,
        5,
        True,
        "Stadthalle",
    )
    assert camp.registration_opens_at == datetime.datetime(2027, 3, 7, 9, 0, tzinfo=datetime.UTC)
    assert camp.hashtag == "bcko27"
    assert camp.series == series
    assert set(camp.organizers.all()) == set(last_camp.organizers.all())


def test_next_camp_takes_the_hashtag_the_organizer_typed(series, last_camp):
    camp = copy(series, hashtag="#koeln27")

    assert camp.hashtag == "koeln27"


def test_next_camp_copies_nothing_personal(series, last_camp):
    participants, sessions, votes = (
        Participant.objects.count(),
        Session.objects.count(),
        Vote.objects.count(),
    )

    camp = copy(series)

    assert camp.participants.count() == 0
    assert camp.sessions.count() == 0
    assert camp.voting_days.count() == 0
    assert camp.announcements.count() == 0
    assert camp.wall_needs_approval is False  # a setting, copied
    assert (Participant.objects.count(), Session.objects.count(), Vote.objects.count()) == (
        participants,
        sessions,
        votes,
    )


def test_next_camp_copies_the_latest_camp_of_the_series(series, last_camp):
    make_camp(
        series=series,
        slug="bcko-2020",
        start_date=D(2020, 5, 2),
        end_date=D(2020, 5, 2),
        capacity=5,
    )

    camp = copy(series)

    assert camp.capacity == 180


def test_next_camp_adds_the_staff_user_who_made_it_as_organizer(series, last_camp):
    user = make_organizer()

    camp = copy(series, user=user)

    assert user in camp.organizers.all()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"slug": "bcko-2026"}, "Camp with this Short name in the address already exists."),
        ({"slug": "admin"}, "“admin” is reserved, please choose another."),
        ({"slug": "series"}, "“series” is reserved, please choose another."),
        ({"end_date": D(2027, 5, 7)}, "The last day cannot be before the first day."),
    ],
)
def test_next_camp_refuses_bad_input_and_creates_nothing(series, last_camp, overrides, message):
    before = (
        Camp.objects.count(),
        Room.objects.count(),
        Slot.objects.count(),
        Sponsor.objects.count(),
    )

    with pytest.raises(services.CampCopyError) as error:
        copy(series, **overrides)

    assert str(error.value) == message
    assert (
        Camp.objects.count(),
        Room.objects.count(),
        Slot.objects.count(),
        Sponsor.objects.count(),
    ) == before


def test_next_camp_of_an_empty_series_is_refused(series):
    with pytest.raises(services.CampCopyError) as error:
        copy(series)

    assert str(error.value) == "The series has no camp yet to copy from."


def test_next_camp_is_one_transaction(series, last_camp, monkeypatch):
    def broken(source, target):
        raise RuntimeError("storage down")

    monkeypatch.setattr(services, "_copy_logo", broken)

    with pytest.raises(RuntimeError):
        copy(series)

    assert not Camp.objects.filter(slug="bcko-2027").exists()
    assert Room.objects.filter(camp__slug="bcko-2027").count() == 0


@pytest.mark.parametrize(
    ("hashtag", "expected"),
    [
        ("bcko26", "bcko27"),
        ("bc2026", "bc2027"),
        ("26bc", "27bc"),
        ("stammtisch", "stammtisch"),
        ("", ""),
    ],
)
def test_next_hashtag_moves_the_year(hashtag, expected):
    assert (
        services.next_hashtag(hashtag, old_date=D(2026, 5, 2), new_date=D(2027, 5, 8)) == expected
    )


def test_next_hashtag_in_the_same_year_stays():
    assert (
        services.next_hashtag("bcko26", old_date=D(2026, 3, 1), new_date=D(2026, 5, 1)) == "bcko26"
    )


def test_day_mapping_one_day_onto_one_day():
    assert services.day_mapping([D(2026, 1, 9)], [D(2026, 3, 13)]) == {
        D(2026, 3, 13): D(2026, 1, 9)
    }


# --- The admin -------------------------------------------------------------------------------


@pytest.fixture
def organizer_client(client, last_camp):
    organizer = make_organizer(last_camp)
    client.force_login(organizer)
    client.cookies["django_language"] = "en"
    client.organizer = organizer
    return client


def form_data(**overrides):
    data = {
        "name": "Barcamp Köln 2027",
        "slug": "bcko-2027",
        "start_date": "2027-05-08",
        "end_date": "2027-05-09",
        "hashtag": "",
    }
    data.update(overrides)
    return data


def test_admin_next_camp_page_suggests_the_next_year(organizer_client, series):
    response = organizer_client.get(reverse("admin:events_series_next_camp", args=[series.pk]))

    assert response.status_code == 200
    assert response.context["form"].initial == {"name": "Barcamp Köln 2027", "hashtag": "bcko27"}


def test_admin_next_camp_creates_the_camp_and_says_what_it_copied(organizer_client, series):
    response = organizer_client.post(
        reverse("admin:events_series_next_camp", args=[series.pk]), form_data(), follow=True
    )

    camp = Camp.objects.get(slug="bcko-2027")
    assert response.redirect_chain[-1][0] == reverse("admin:events_camp_change", args=[camp.pk])
    assert [str(m) for m in response.context["messages"]] == [
        "“Barcamp Köln 2027” is set up like “Barcamp Köln 2026”: 2 rooms, 3 slots "
        "(08.05. ← 02.05., 09.05. ← 03.05.), 1 sponsors. Nobody is registered yet."
    ]
    assert organizer_client.organizer in camp.organizers.all()


def test_admin_next_camp_invalid_form_answers_400(organizer_client, series):
    response = organizer_client.post(
        reverse("admin:events_series_next_camp", args=[series.pk]), form_data(start_date="soon")
    )

    assert response.status_code == 400
    assert not Camp.objects.filter(slug="bcko-2027").exists()


def test_admin_next_camp_taken_slug_answers_409(organizer_client, series):
    response = organizer_client.post(
        reverse("admin:events_series_next_camp", args=[series.pk]), form_data(slug="bcko-2026")
    )

    assert response.status_code == 409
    assert "already exists" in response.content.decode()


def test_admin_next_camp_of_another_teams_series_is_not_found(client, series, last_camp):
    client.force_login(make_organizer(make_camp()))

    response = client.get(reverse("admin:events_series_next_camp", args=[series.pk]))

    assert response.status_code == 404


def test_admin_series_list_shows_only_own_series(client, series, last_camp):
    other = make_series(name="Other series")
    make_camp(series=other)
    client.force_login(make_organizer(last_camp))

    response = client.get(reverse("admin:events_series_changelist"))

    assert [s.name for s in response.context["cl"].result_list] == ["Barcamp Köln"]


def test_admin_camp_action_leads_to_the_next_camp_page(organizer_client, series, last_camp):
    response = organizer_client.post(
        reverse("admin:events_camp_changelist"),
        {"action": "next_camp", "index": 0, "_selected_action": [last_camp.pk]},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:events_series_next_camp", args=[series.pk])


def test_admin_camp_action_without_series_says_so(organizer_client, last_camp):
    lone = make_camp()
    lone.organizers.add(organizer_client.organizer)

    response = organizer_client.post(
        reverse("admin:events_camp_changelist"),
        {"action": "next_camp", "index": 0, "_selected_action": [lone.pk]},
        follow=True,
    )

    assert "Select camps of one series" in response.content.decode()


def test_teilgeber_cannot_reach_the_next_camp_page(client, series, last_camp):
    client.force_login(make_participant(camp=last_camp).user)

    response = client.get(reverse("admin:events_series_next_camp", args=[series.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


__all__ = ["make_user"]

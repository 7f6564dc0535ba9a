"""Online and hybrid rooms: what a room is, and what organizers enter for it in the admin."""

import datetime

import pytest
from django.urls import reverse

from events import services
from events.models import Camp, Room
from tests.events.test_admin import camp_form_data
from tests.factories import make_camp, make_organizer, make_participant, make_room, make_series

pytestmark = pytest.mark.django_db

MEET = "https://meet.example.org/bc-saal"


@pytest.fixture
def camp():
    return make_camp(name="Own Camp")


@pytest.fixture
def organizer_client(client, camp):
    client.cookies["django_language"] = "en"
    client.force_login(make_organizer(camp))
    return client


@pytest.mark.parametrize(
    ("online_only_camp", "online_url", "online_only", "kind"),
    [
        (False, "", False, Room.Kind.VENUE),
        (False, MEET, False, Room.Kind.HYBRID),
        (False, MEET, True, Room.Kind.ONLINE),
        (False, "", True, Room.Kind.ONLINE),  # its link still to come
        (True, MEET, False, Room.Kind.ONLINE),
        (True, "", False, Room.Kind.ONLINE),
    ],
)
def test_a_rooms_kind_follows_its_address_and_its_camp(
    online_only_camp, online_url, online_only, kind
):
    camp = make_camp(online_only=online_only_camp, venue_name="" if online_only_camp else "Halle")
    room = make_room(camp, online_url=online_url, online_only=online_only)

    assert camp.rooms.get(pk=room.pk).kind == kind


@pytest.mark.parametrize(
    ("online_only_camp", "online_url", "online_only", "mark"),
    [
        (False, "", False, ""),
        (False, MEET, False, "hybrid"),
        (False, MEET, True, "online"),
        (True, MEET, False, ""),  # every room of an online camp is online: nothing to tell apart
    ],
)
def test_a_room_is_marked_where_the_mark_tells_something(
    online_only_camp, online_url, online_only, mark
):
    camp = make_camp(online_only=online_only_camp, venue_name="" if online_only_camp else "Halle")
    make_room(camp, online_url=online_url, online_only=online_only)

    assert camp.rooms.get().marked_kind == mark


def test_the_kind_of_rooms_read_through_their_camp_costs_no_query(django_assert_num_queries):
    camp = make_camp()
    make_room(camp, online_url=MEET)
    rooms = list(camp.rooms.all())

    with django_assert_num_queries(0):
        kinds = [room.kind for room in rooms]

    assert kinds == [Room.Kind.HYBRID]


@pytest.mark.parametrize(
    "stored", ["javascript:alert(1)", "ftp://files.example.org/", "data:text/html,hi", ""]
)
def test_only_a_web_address_is_ever_a_link(stored):
    """A row written around the form (an imported backup) never becomes a javascript: link."""
    room = Room(online_url=stored)

    assert room.join_url == ""


def test_the_admin_saves_a_hybrid_and_an_online_room(organizer_client, camp):
    data = camp_form_data(
        camp,
        rooms=[
            {"name": "Saal", "capacity": 80, "order": 0, "online_url": MEET},
            {
                "name": "Online 1",
                "capacity": 30,
                "order": 1,
                # Typed without the scheme on a phone: taken as https.
                "online_url": "meet.example.org/bc-online-1",
                "online_only": "on",
            },
        ],
        room_links_public="on",
    )

    response = organizer_client.post(reverse("admin:events_camp_change", args=[camp.pk]), data)

    assert response.status_code == 302
    assert [(room.name, room.online_url, room.kind) for room in camp.rooms.all()] == [
        ("Saal", MEET, Room.Kind.HYBRID),
        ("Online 1", "https://meet.example.org/bc-online-1", Room.Kind.ONLINE),
    ]
    camp.refresh_from_db()
    assert camp.room_links_public is True


BAD_ADDRESSES = [
    "ftp://files.example.org/room",
    "javascript:alert(1)",
    "mailto:orga@example.org",
    "https://",
    "bitte Link folgt",
]
MESSAGE = "Enter the full address of the video conference, beginning with https:// (or http://)."


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_a_bad_online_address_is_refused_inline_with_a_message_and_nothing_saved(
    organizer_client, camp, address
):
    data = camp_form_data(
        camp, rooms=[{"name": "Saal", "capacity": 80, "order": 0, "online_url": address}]
    )

    response = organizer_client.post(reverse("admin:events_camp_change", args=[camp.pk]), data)

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert camp.rooms.count() == 0


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_a_bad_online_address_is_refused_in_the_room_admin_too(organizer_client, camp, address):
    room = make_room(camp, name="Saal", online_url=MEET)
    data = {"camp": camp.pk, "name": "Saal", "capacity": 30, "order": 0, "online_url": address}

    response = organizer_client.post(reverse("admin:events_room_change", args=[room.pk]), data)

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    room.refresh_from_db()
    assert room.online_url == MEET


def test_an_online_camp_with_a_venue_is_refused_with_a_message(organizer_client, camp):
    data = camp_form_data(camp, online_only="on")  # the camp's venue "Stadthalle" still set

    response = organizer_client.post(reverse("admin:events_camp_change", args=[camp.pk]), data)

    assert response.status_code == 400
    assert "An online camp has no venue" in response.content.decode()
    camp.refresh_from_db()
    assert camp.online_only is False


def test_an_online_camp_is_saved_without_a_venue(organizer_client, camp):
    data = camp_form_data(
        camp,
        online_only="on",
        venue_name="",
        venue_address="",
        rooms=[{"name": "Lovelace", "capacity": 50, "order": 0, "online_url": MEET}],
    )

    response = organizer_client.post(reverse("admin:events_camp_change", args=[camp.pk]), data)

    assert response.status_code == 302
    camp.refresh_from_db()
    assert (camp.online_only, camp.room_links_public) == (True, False)  # registered only: default
    assert [room.kind for room in camp.rooms.all()] == [Room.Kind.ONLINE]


def test_the_next_camp_of_a_series_keeps_the_online_rooms_and_the_choice():
    series = make_series()
    last = make_camp(series=series, online_only=True, venue_name="", room_links_public=True)
    make_room(last, name="Lovelace", online_url=MEET, online_only=True)

    camp = services.create_next_camp(
        series=series,
        name="Next",
        slug="next",
        start_date=last.start_date + datetime.timedelta(days=365),
        end_date=last.end_date + datetime.timedelta(days=365),
    )

    assert (camp.online_only, camp.room_links_public) == (True, True)
    assert list(camp.rooms.values_list("name", "online_url", "online_only")) == [
        ("Lovelace", MEET, True)
    ]


def test_room_links_are_for_registered_teilgeber_unless_the_organizers_choose_public():
    camp = Camp.objects.create(
        name="New",
        slug="new",
        start_date=datetime.date(2027, 5, 8),
        end_date=datetime.date(2027, 5, 8),
        capacity=10,
    )

    assert (camp.online_only, camp.room_links_public) == (False, False)


def test_an_online_camps_page_says_so_and_sends_its_teilgeber_to_the_plan_not_a_ticket(client):
    camp = make_camp(online_only=True, venue_name="")
    client.cookies["django_language"] = "en"
    client.force_login(make_participant(camp=camp).user)

    body = client.get(camp.get_absolute_url()).content.decode()

    assert '<span class="fact-label">Where</span> online' in body
    plan = reverse("voting:plan", args=[camp.slug])
    assert f'<a class="button primary" href="{plan}">The plan, with the rooms’ links</a>' in body
    assert reverse("events:ticket", args=[camp.slug]) not in body


def test_a_camp_at_a_venue_still_hands_out_tickets(client):
    camp = make_camp(venue_name="Stadthalle")
    client.cookies["django_language"] = "en"
    client.force_login(make_participant(camp=camp).user)

    body = client.get(camp.get_absolute_url()).content.decode()

    assert '<span class="fact-label">Where</span> Stadthalle' in body
    assert reverse("events:ticket", args=[camp.slug]) in body

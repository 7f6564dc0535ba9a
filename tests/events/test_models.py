import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from events.models import Camp, Room, Slot
from tests.factories import make_camp, make_room

pytestmark = pytest.mark.django_db


def test_slot_that_ends_before_it_starts_is_invalid():
    camp = make_camp()
    slot = Slot(
        camp=camp, date=camp.start_date, start=datetime.time(11, 0), end=datetime.time(10, 0)
    )

    with pytest.raises(ValidationError) as error:
        slot.full_clean()

    assert error.value.message_dict["end"] == ["A slot must end after it starts."]


def test_slot_that_ends_before_it_starts_is_refused_by_the_database():
    camp = make_camp()

    with pytest.raises(IntegrityError):
        Slot.objects.create(
            camp=camp, date=camp.start_date, start=datetime.time(11, 0), end=datetime.time(11, 0)
        )


def test_slot_outside_the_camp_days_is_invalid():
    camp = make_camp()
    slot = Slot(
        camp=camp,
        date=camp.end_date + datetime.timedelta(days=1),
        start=datetime.time(10, 0),
        end=datetime.time(11, 0),
    )

    with pytest.raises(ValidationError) as error:
        slot.full_clean()

    assert list(error.value.message_dict) == ["date"]


def test_room_without_capacity_is_invalid_and_refused_by_the_database():
    camp = make_camp()

    with pytest.raises(ValidationError) as error:
        Room(camp=camp, name="Kitchen", capacity=0).full_clean()
    assert list(error.value.message_dict) == ["capacity"]

    with pytest.raises(IntegrityError):
        make_room(camp, capacity=0)


def test_camp_that_ends_before_it_starts_is_invalid():
    camp = Camp(
        name="X",
        slug="x",
        capacity=10,
        start_date=datetime.date(2027, 5, 2),
        end_date=datetime.date(2027, 5, 1),
    )

    with pytest.raises(ValidationError) as error:
        camp.full_clean()

    assert list(error.value.message_dict) == ["end_date"]


@pytest.mark.parametrize("slug", ["admin", "accounts", "healthz"])
def test_camp_slug_cannot_take_an_app_path(slug):
    camp = Camp(
        name="X",
        slug=slug,
        capacity=10,
        start_date=datetime.date(2027, 5, 1),
        end_date=datetime.date(2027, 5, 1),
    )

    with pytest.raises(ValidationError) as error:
        camp.full_clean()

    assert list(error.value.message_dict) == ["slug"]


def test_camp_with_unknown_time_zone_is_invalid():
    camp = Camp(
        name="X",
        slug="x",
        capacity=10,
        time_zone="Europe/Atlantis",
        start_date=datetime.date(2027, 5, 1),
        end_date=datetime.date(2027, 5, 1),
    )

    with pytest.raises(ValidationError) as error:
        camp.full_clean()

    assert list(error.value.message_dict) == ["time_zone"]


def test_camp_days_lists_every_day():
    camp = Camp(start_date=datetime.date(2027, 5, 1), end_date=datetime.date(2027, 5, 3))

    assert camp.days == [
        datetime.date(2027, 5, 1),
        datetime.date(2027, 5, 2),
        datetime.date(2027, 5, 3),
    ]

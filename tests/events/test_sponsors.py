"""The camp's sponsors are read once per version of the plan (events.sponsors), and every change shows at once."""

import pytest
from django.urls import reverse

from events import live, sponsors
from events.models import Sponsor
from tests.factories import make_camp, make_sponsor

pytestmark = pytest.mark.django_db


def sponsor_queries(queries):
    return [q for q in queries if "events_sponsor" in q["sql"]]


def test_the_camp_page_reads_the_sponsors_once_per_version(client, django_assert_max_num_queries):
    camp = make_camp()
    make_sponsor(camp, name="Kaffee GmbH")
    client.get(f"/{camp.slug}/")

    with django_assert_max_num_queries(10) as queries:
        page = client.get(f"/{camp.slug}/")

    assert "Kaffee GmbH" in page.content.decode()
    assert not sponsor_queries(queries)


def _add(camp, sponsor):
    make_sponsor(camp, name="Neu AG")


def _rename(camp, sponsor):
    sponsor.name = "Neu AG"
    sponsor.save()


def _rename_with_the_camp_not_loaded(camp, sponsor):
    sponsor = Sponsor.objects.get(pk=sponsor.pk)
    sponsor.name = "Neu AG"
    sponsor.save()


def _delete(camp, sponsor):
    Sponsor.objects.get(pk=sponsor.pk).delete()


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (_add, {"Alt KG", "Neu AG"}),
        (_rename, {"Neu AG"}),
        (_rename_with_the_camp_not_loaded, {"Neu AG"}),
        (_delete, set()),
    ],
)
def test_a_change_to_a_sponsor_shows_at_once(django_capture_on_commit_callbacks, change, shown):
    camp = make_camp()
    sponsor = make_sponsor(camp, name="Alt KG")
    assert [s.name for s in sponsors.for_camp(camp)] == ["Alt KG"]

    with django_capture_on_commit_callbacks(execute=True):
        change(camp, sponsor)

    assert {s.name for s in sponsors.for_camp(camp)} == shown


def test_a_sponsor_change_gives_the_plan_a_new_version(django_capture_on_commit_callbacks):
    camp = make_camp()
    before = live.current_version(camp.slug, (live.PLAN,))

    with django_capture_on_commit_callbacks(execute=True):
        make_sponsor(camp)

    assert live.current_version(camp.slug, (live.PLAN,)) != before


def test_each_camp_has_its_own_sponsors(client):
    first, second = make_camp(), make_camp()
    make_sponsor(first, name="Erste GmbH")
    make_sponsor(second, name="Zweite GmbH")

    assert [s.name for s in sponsors.for_camp(first)] == ["Erste GmbH"]
    assert [s.name for s in sponsors.for_camp(second)] == ["Zweite GmbH"]


def test_deleting_a_camp_with_sponsors_works(django_capture_on_commit_callbacks):
    camp = make_camp()
    make_sponsor(camp)

    with django_capture_on_commit_callbacks(execute=True):
        camp.delete()

    assert not Sponsor.objects.exists()


def test_the_projector_shows_the_sponsors(client):
    camp = make_camp()
    make_sponsor(camp, name="Beamer AG")

    page = client.get(reverse("voting:projector", args=[camp.slug]))

    assert "Beamer AG" in page.content.decode()

import pytest
from django.urls import reverse

from tests.factories import make_camp, make_organizer, make_session, make_vote

pytestmark = pytest.mark.django_db


def test_organizer_sees_only_sessions_of_own_camps_with_vote_counts(client):
    camp = make_camp()
    mine = make_session(camp=camp)
    make_vote(mine)
    make_session()
    client.force_login(make_organizer(camp))

    response = client.get(reverse("admin:barcamp_sessions_session_changelist"))

    assert [(s.pk, s.vote_count) for s in response.context["cl"].queryset] == [(mine.pk, 1)]


def test_admin_hides_and_merges(client):
    camp = make_camp()
    first, second = make_session(camp=camp), make_session(camp=camp)
    voter_session_vote = make_vote(second)
    client.force_login(make_organizer(camp))
    url = reverse("admin:barcamp_sessions_session_changelist")

    client.post(url, {"action": "merge_into_oldest", "_selected_action": [first.pk, second.pk]})

    second.refresh_from_db()
    assert second.merged_into == first
    assert list(first.votes.values_list("participant", flat=True)) == [
        voter_session_vote.participant_id
    ]


def test_admin_cannot_act_on_sessions_of_other_camps(client):
    camp = make_camp()
    foreign = make_session()
    client.force_login(make_organizer(camp))

    client.post(
        reverse("admin:barcamp_sessions_session_changelist"),
        {"action": "hide", "_selected_action": [foreign.pk]},
    )

    foreign.refresh_from_db()
    assert foreign.hidden is False

"""People with your interests: opted-in Teilgeber who want the same sessions, only for the opted-in."""

import pytest
from django.urls import reverse

from events.models import Participant
from sessions.models import Session
from tests.factories import make_camp, make_participant, make_session, make_user, make_vote
from voting.aftercamp import network

pytestmark = pytest.mark.django_db


def public(camp, name, **overrides):
    return make_participant(camp=camp, display_name=name, is_public=True, **overrides)


@pytest.fixture
def camp():
    return make_camp()


@pytest.fixture
def me(camp):
    return public(camp, "Me")


def vote_all(participant, sessions):
    for session in sessions:
        make_vote(session, participant)


def test_shared_interests_ranks_by_sessions_in_common_then_by_fewest_other_votes(camp, me):
    sessions = [make_session(camp=camp, title=f"S{i}") for i in range(6)]
    vote_all(me, sessions[:3])
    three = public(camp, "Three in common")
    vote_all(three, sessions[:3])
    two_of_two = public(camp, "Two of two")
    vote_all(two_of_two, sessions[1:3])
    two_of_five = public(camp, "Two of five")
    vote_all(two_of_five, sessions[1:6])
    vote_all(public(camp, "Nothing in common"), sessions[3:])

    found = network.shared_interests(me)

    assert [(p.display_name, p.shared) for p in found] == [
        ("Three in common", 3),
        ("Two of two", 2),
        ("Two of five", 2),
    ]


def test_shared_interests_never_includes_people_who_did_not_opt_in(camp, me):
    session = make_session(camp=camp)
    make_vote(session, me)
    for person in [
        make_participant(camp=camp, display_name="Private"),
        public(camp, "Waitlisted", status=Participant.Status.WAITLISTED),
        public(camp, "Cancelled", status=Participant.Status.CANCELLED),
    ]:
        make_vote(session, person)
    other_camp = make_camp()
    make_vote(make_session(camp=other_camp), public(other_camp, "Elsewhere"))

    assert network.shared_interests(me) == []


def test_shared_interests_counts_visible_sessions_only(camp, me):
    hidden = make_session(camp=camp, hidden=True)
    withdrawn = make_session(camp=camp, status=Session.Status.WITHDRAWN)
    visible = make_session(camp=camp)
    ben = public(camp, "Ben")
    for session in (hidden, withdrawn, visible):
        make_vote(session, me)
        make_vote(session, ben)

    found = network.shared_interests(me)

    assert [(p.display_name, p.shared) for p in found] == [("Ben", 1)]


def test_shared_interests_query_count_is_constant_in_votes(camp, me, django_assert_num_queries):
    sessions = [make_session(camp=camp) for _ in range(12)]
    vote_all(me, sessions)
    for index in range(25):
        vote_all(public(camp, f"P{index}"), sessions[index % 4 :])

    with django_assert_num_queries(1):
        found = network.shared_interests(me)

    assert len(found) == 25


# --- The page --------------------------------------------------------------------------------


@pytest.fixture
def page(client, camp, me):
    session = make_session(camp=camp, title="Secret session title")
    make_vote(session, me)
    make_vote(session, public(camp, "Ben Wolf", hashtags=["ux"]))
    client.cookies["django_language"] = "en"
    return reverse("voting:interests", args=[camp.slug])


def test_interests_page_shows_how_many_but_not_which_sessions(client, me, page):
    client.force_login(me.user)

    response = client.get(page)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Ben Wolf" in content
    assert "1 session you both want to attend" in content
    assert "Secret session title" not in content


@pytest.mark.parametrize(
    ("viewer", "hint"),
    [
        ("registered", "tick “Show me in the camp’s public list of Teilgeber”"),
        ("waitlisted", "You are on the waitlist"),
        ("stranger", "Join the camp first"),
    ],
)
def test_interests_page_tells_who_did_not_opt_in_how_to_and_shows_nobody(
    client, camp, page, viewer, hint
):
    user = make_user()
    if viewer == "registered":
        make_vote(Session.objects.get(camp=camp), make_participant(camp=camp, user=user))
    elif viewer == "waitlisted":
        make_participant(camp=camp, user=user, is_public=True, status=Participant.Status.WAITLISTED)
    client.force_login(user)

    response = client.get(page)

    content = response.content.decode()
    assert response.status_code == 200
    assert hint in content
    assert "Ben Wolf" not in content
    assert response.context["people"] == []


def test_interests_page_needs_a_login(client, page):
    response = client.get(page)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_interests_page_without_votes_says_to_vote(client, camp):
    loner = public(camp, "Loner")
    client.force_login(loner.user)
    client.cookies["django_language"] = "en"

    response = client.get(reverse("voting:interests", args=[camp.slug]))

    assert "Vote for the sessions you want to attend" in response.content.decode()


def test_interests_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    def camp_with(people, sessions):
        camp = make_camp()
        viewer = public(camp, "Viewer")
        session_list = [make_session(camp=camp) for _ in range(sessions)]
        vote_all(viewer, session_list)
        for index in range(people):
            vote_all(public(camp, f"P{index}", hashtags=["a"]), session_list[index % 3 :])
        return camp, viewer

    small, small_viewer = camp_with(people=2, sessions=3)
    large, large_viewer = camp_with(people=30, sessions=15)

    client.force_login(small_viewer.user)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("voting:interests", args=[small.slug]))
    client.force_login(large_viewer.user)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("voting:interests", args=[large.slug]))
    assert len(response.context["people"]) == 30

"""Topic wishes: Teilgeber of a series wish for topics, vote, and take one up as their session."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import NotificationSettings, Participant
from sessions import services
from sessions.models import Session, TopicWish, WishVote
from tests.factories import (
    make_camp,
    make_organizer,
    make_participant,
    make_series,
    make_user,
    make_wish,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def series():
    return make_series(name="Barcamp Köln", slug="barcamp-koeln")


@pytest.fixture
def past_camp(series):
    start = timezone.localdate() - datetime.timedelta(days=300)
    return make_camp(name="Barcamp Köln 2025", series=series, start_date=start, end_date=start)


@pytest.fixture
def next_camp(series):
    return make_camp(name="Barcamp Köln 2026", series=series)


@pytest.fixture
def wisher(past_camp):
    """A Teilgeber of last year's camp."""
    return make_participant(camp=past_camp, language="en").user


def counts():
    return TopicWish.objects.count(), WishVote.objects.count(), Session.objects.count()


# --- Who may wish ----------------------------------------------------------------------------


def test_teilgeber_of_a_past_camp_may_wish(series, wisher):
    assert series.has_teilgeber(wisher)


def test_waitlisted_teilgeber_of_the_next_camp_may_wish(series, next_camp):
    user = make_participant(camp=next_camp, status=Participant.Status.WAITLISTED).user

    assert series.has_teilgeber(user)


@pytest.mark.parametrize("who", ["cancelled", "other series", "nobody"])
def test_others_may_not_wish(series, past_camp, who):
    user = make_user()
    if who == "cancelled":
        make_participant(camp=past_camp, user=user, status=Participant.Status.CANCELLED)
    if who == "other series":
        make_participant(camp=make_camp(series=make_series()), user=user)

    with pytest.raises(services.NotAllowedToWish):
        services.propose_wish(series=series, user=user, title="Rust")
    assert counts() == (0, 0, 0)


# --- Proposing -------------------------------------------------------------------------------


def test_propose_wish_counts_the_proposers_vote(series, wisher):
    wish = services.propose_wish(series=series, user=wisher, title="  Rust   for beginners ")

    assert wish.title == "Rust for beginners"
    assert list(wish.votes.values_list("user", flat=True)) == [wisher.pk]


def test_propose_own_wish_twice_returns_it(series, wisher):
    first = services.propose_wish(series=series, user=wisher, title="Rust")

    again = services.propose_wish(series=series, user=wisher, title="rust")

    assert again == first
    assert counts() == (1, 1, 0)


def test_propose_a_topic_somebody_wished_for_points_to_it(series, wisher, past_camp):
    services.propose_wish(series=series, user=wisher, title="Rust")
    other = make_participant(camp=past_camp).user

    with pytest.raises(services.WishError) as error:
        services.propose_wish(series=series, user=other, title="RUST")

    assert str(error.value) == "“Rust” is wished for already: vote for it instead."
    assert counts() == (1, 1, 0)


def test_propose_a_topic_again_once_the_old_wish_is_taken_up(series, wisher, next_camp):
    old = make_wish(series, title="Rust")
    old.session = make_participant(camp=next_camp) and Session.objects.create(
        camp=next_camp, title="Rust", day=next_camp.start_date
    )
    old.save()

    wish = services.propose_wish(series=series, user=wisher, title="Rust")

    assert wish != old


def test_propose_an_empty_topic_is_refused(series, wisher):
    with pytest.raises(services.WishError):
        services.propose_wish(series=series, user=wisher, title="   ")
    assert counts() == (0, 0, 0)


def test_one_open_wish_per_topic_is_a_database_constraint(series, wisher):
    from django.db import IntegrityError, transaction

    make_wish(series, title="Rust")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_wish(series, title="rust")


# --- Voting ----------------------------------------------------------------------------------


def test_wish_vote_toggles_and_two_taps_count_once(series, wisher):
    wish = make_wish(series)

    services.set_wish_vote(wish=wish, user=wisher, want=True)
    services.set_wish_vote(wish=wish, user=wisher, want=True)
    assert wish.votes.count() == 1
    services.set_wish_vote(wish=wish, user=wisher, want=False)
    services.set_wish_vote(wish=wish, user=wisher, want=False)
    assert wish.votes.count() == 0


def test_one_wish_vote_per_person_is_a_database_constraint(series, wisher):
    from django.db import IntegrityError, transaction

    wish = make_wish(series, votes=[wisher])

    with pytest.raises(IntegrityError), transaction.atomic():
        WishVote.objects.create(wish=wish, user=wisher)


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("hidden", "This wish is not open for votes."),
        ("taken", "This wish is a session now: vote for the session instead."),
    ],
)
def test_wish_vote_on_a_closed_wish_is_refused(series, wisher, next_camp, state, message):
    wish = make_wish(series, hidden=state == "hidden")
    if state == "taken":
        wish.session = Session.objects.create(camp=next_camp, title="x", day=next_camp.start_date)
        wish.save()

    with pytest.raises(services.WishError) as error:
        services.set_wish_vote(wish=wish, user=wisher, want=True)

    assert str(error.value) == message
    assert wish.votes.count() == 0


def test_wish_vote_by_an_outsider_is_refused(series):
    wish = make_wish(series)

    with pytest.raises(services.NotAllowedToWish):
        services.set_wish_vote(wish=wish, user=make_user(), want=True)


# --- Moderation ------------------------------------------------------------------------------


def test_showing_a_hidden_wish_whose_topic_is_wished_again_is_refused(series):
    hidden = make_wish(series, title="Rust", hidden=True)
    make_wish(series, title="Rust")

    with pytest.raises(services.WishError):
        services.set_wish_hidden(wish=hidden, hidden=False)
    hidden.refresh_from_db()
    assert hidden.hidden is True


# --- Taking a wish up ------------------------------------------------------------------------


def session_fields(camp, **overrides):
    fields = {
        "title": "Rust for beginners",
        "description": "",
        "format": "talk",
        "language": "de",
        "tags": [],
        "length": 1,
        "day": camp.start_date,
    }
    fields.update(overrides)
    return fields


def test_take_up_wish_proposes_the_session_and_links_it(series, next_camp):
    wish = make_wish(series, title="Rust")
    host = make_participant(camp=next_camp)

    session = services.take_up_wish(
        wish=wish, camp=next_camp, participant=host, **session_fields(next_camp)
    )

    wish.refresh_from_db()
    assert wish.session == session
    assert wish.taken_up_at is not None
    assert list(session.hosts.values_list("participant", flat=True)) == [host.pk]


def test_take_up_wish_twice_is_refused(series, next_camp):
    wish = make_wish(series)
    services.take_up_wish(
        wish=wish,
        camp=next_camp,
        participant=make_participant(camp=next_camp),
        **session_fields(next_camp),
    )

    with pytest.raises(services.WishError) as error:
        services.take_up_wish(
            wish=wish,
            camp=next_camp,
            participant=make_participant(camp=next_camp),
            **session_fields(next_camp),
        )

    assert str(error.value) == "Somebody took this wish up already."
    assert Session.objects.count() == 1


def test_take_up_wish_of_another_series_is_refused(series, next_camp):
    wish = make_wish(make_series())

    with pytest.raises(services.WishError):
        services.take_up_wish(
            wish=wish,
            camp=next_camp,
            participant=make_participant(camp=next_camp),
            **session_fields(next_camp),
        )
    assert Session.objects.count() == 0


def test_take_up_wish_keeps_the_session_rules(series, next_camp):
    wish = make_wish(series)
    waitlisted = make_participant(camp=next_camp, status=Participant.Status.WAITLISTED)

    with pytest.raises(services.SessionError):
        services.take_up_wish(
            wish=wish, camp=next_camp, participant=waitlisted, **session_fields(next_camp)
        )

    wish.refresh_from_db()
    assert (wish.session, Session.objects.count()) == (None, 0)


def test_take_up_wish_tells_the_wishers_but_not_the_new_host(
    series, next_camp, wisher, django_capture_on_commit_callbacks
):
    opted_out = make_user()
    NotificationSettings.objects.create(user=opted_out, wish_taken_up=False)
    host = make_participant(camp=next_camp)
    german = make_participant(camp=next_camp, language="de").user
    wish = make_wish(series, title="Rust", by=wisher, votes=[wisher, opted_out, host.user, german])

    with django_capture_on_commit_callbacks(execute=True):
        session = services.take_up_wish(
            wish=wish, camp=next_camp, participant=host, **session_fields(next_camp)
        )

    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [
            (wisher.email, "Your wish “Rust” is a session at Barcamp Köln 2026"),
            (german.email, "Dein Wunsch „Rust“ ist jetzt eine Session bei Barcamp Köln 2026"),
        ]
    )
    message = next(m for m in mail.outbox if m.to == [wisher.email])
    assert f"http://127.0.0.1:8000{session.get_absolute_url()}" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


# --- Views -----------------------------------------------------------------------------------


@pytest.fixture
def wisher_client(client, wisher):
    client.force_login(wisher)
    client.cookies["django_language"] = "en"
    return client


def wishes_url(series):
    return reverse("sessions:wishes", args=[series.slug])


def test_wishes_page_is_public_and_lists_open_wishes_most_wanted_first(client, series, next_camp):
    make_wish(series, title="Few", votes=[make_user()])
    make_wish(series, title="Many", votes=[make_user(), make_user()])
    make_wish(series, title="Hidden", hidden=True)

    response = client.get(wishes_url(series))

    assert response.status_code == 200
    assert [w.title for w in response.context["wishes"]] == ["Many", "Few"]
    assert response.context["may_wish"] is False
    assert response.context["next_camp"] == next_camp


def test_wishes_page_of_an_unknown_series_is_not_found(client):
    assert client.get("/series/nope/wishes/").status_code == 404


def test_wishes_page_shows_hidden_wishes_to_organizers(client, series, next_camp):
    make_wish(series, title="Hidden", hidden=True)
    client.force_login(make_organizer(next_camp))

    response = client.get(wishes_url(series))

    assert [w.title for w in response.context["wishes"]] == ["Hidden"]


def test_propose_wish_view_redirects_with_a_message(wisher_client, series):
    response = wisher_client.post(
        wishes_url(series), {"title": "Rust", "description": "why"}, follow=True
    )

    assert response.redirect_chain == [(wishes_url(series), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Your wish is on the list. Tell others to vote for it!"
    ]
    assert TopicWish.objects.get().description == "why"


def test_propose_wish_view_invalid_form_answers_400(wisher_client, series):
    response = wisher_client.post(wishes_url(series), {"title": "  "})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert counts() == (0, 0, 0)


def test_propose_wish_view_duplicate_answers_409(wisher_client, series):
    make_wish(series, title="Rust")

    response = wisher_client.post(wishes_url(series), {"title": "rust"})

    assert response.status_code == 409
    assert "is wished for already" in response.content.decode()
    assert counts() == (1, 0, 0)


def test_propose_wish_view_by_an_outsider_answers_403(client, series):
    client.force_login(make_user())

    response = client.post(wishes_url(series), {"title": "Rust"})

    assert response.status_code == 403
    assert counts() == (0, 0, 0)


def test_propose_wish_view_anonymous_goes_to_the_login(client, series):
    response = client.post(wishes_url(series), {"title": "Rust"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_wish_vote_htmx_answers_the_button(wisher_client, series):
    wish = make_wish(series, votes=[make_user()])

    response = wisher_client.post(
        reverse("sessions:wish-vote", args=[series.slug, wish.pk]), {"want": "1"}, headers=HTMX
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<div class="vote is-voted" id="wish-vote-{wish.pk}">')
    assert "<strong>2</strong>" in body
    assert 'aria-pressed="true"' in body


def test_wish_vote_plain_post_redirects_with_a_message(wisher_client, series):
    wish = make_wish(series, title="Rust", votes=[])

    response = wisher_client.post(
        reverse("sessions:wish-vote", args=[series.slug, wish.pk]), {"want": "1"}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == ["Your vote for “Rust” is counted."]
    assert wish.votes.count() == 1


@pytest.mark.parametrize("want", ["", "2", "yes"])
def test_wish_vote_with_a_bad_want_answers_400(wisher_client, series, want):
    wish = make_wish(series)

    response = wisher_client.post(
        reverse("sessions:wish-vote", args=[series.slug, wish.pk]), {"want": want}
    )

    assert response.status_code == 400
    assert wish.votes.count() == 0


def test_wish_vote_by_an_outsider_answers_403_in_place(client, series):
    client.force_login(make_user())
    client.cookies["django_language"] = "en"
    wish = make_wish(series)

    response = client.post(
        reverse("sessions:wish-vote", args=[series.slug, wish.pk]), {"want": "1"}, headers=HTMX
    )

    assert response.status_code == 403
    assert "Only Teilgeber of a camp of this series" in response.content.decode()
    assert wish.votes.count() == 0


def test_wish_vote_on_a_taken_wish_answers_409(wisher_client, series, next_camp):
    wish = make_wish(series)
    wish.session = Session.objects.create(camp=next_camp, title="x", day=next_camp.start_date)
    wish.save()

    response = wisher_client.post(
        reverse("sessions:wish-vote", args=[series.slug, wish.pk]), {"want": "1"}
    )

    assert response.status_code == 409
    assert "vote for the session instead" in response.content.decode()


def test_wish_vote_on_a_hidden_wish_is_not_found(wisher_client, series):
    wish = make_wish(series, hidden=True)

    response = wisher_client.post(
        reverse("sessions:wish-vote", args=[series.slug, wish.pk]), {"want": "1"}
    )

    assert response.status_code == 404


def test_wish_vote_of_another_series_is_not_found(wisher_client, series):
    wish = make_wish(make_series())

    response = wisher_client.post(
        reverse("sessions:wish-vote", args=[series.slug, wish.pk]), {"want": "1"}
    )

    assert response.status_code == 404


def test_organizer_hides_and_shows_a_wish(client, series, next_camp):
    wish = make_wish(series)
    client.force_login(make_organizer(next_camp))
    url = reverse("sessions:wish-hide", args=[series.slug, wish.pk])

    client.post(url, {"hidden": "1"})
    wish.refresh_from_db()
    assert wish.hidden is True
    client.post(url, {"hidden": "0"})
    wish.refresh_from_db()
    assert wish.hidden is False


def test_hiding_a_wish_is_for_organizers_only(wisher_client, series):
    wish = make_wish(series)

    response = wisher_client.post(
        reverse("sessions:wish-hide", args=[series.slug, wish.pk]), {"hidden": "1"}
    )

    assert response.status_code == 404
    wish.refresh_from_db()
    assert wish.hidden is False


def test_wishes_page_query_count_does_not_grow_with_wishes_and_votes(
    wisher_client, series, wisher, django_assert_max_num_queries
):
    small = make_series()
    make_participant(camp=make_camp(series=small), user=wisher)
    make_wish(small, votes=[wisher])
    for number in range(20):
        make_wish(series, title=f"Topic {number}", votes=[wisher, make_user()])
    make_wish(series, title="Hidden", hidden=True)
    wisher_client.get(wishes_url(small))

    with django_assert_max_num_queries(12) as few:
        wisher_client.get(wishes_url(small))
    with django_assert_max_num_queries(len(few)):
        wisher_client.get(wishes_url(series))


# --- Taking a wish up from the session list --------------------------------------------------


@pytest.fixture
def host_client(client, next_camp):
    host = make_participant(camp=next_camp)
    client.force_login(host.user)
    client.cookies["django_language"] = "en"
    client.host = host
    return client


def test_session_list_offers_the_open_wishes_with_their_counts(host_client, series, next_camp):
    make_wish(series, title="Rust", votes=[make_user(), make_user()])
    make_wish(series, title="Hidden", hidden=True)

    response = host_client.get(reverse("voting:session-list", args=[next_camp.slug]))

    assert [(w.title, w.vote_count) for w in response.context["wishes"]] == [("Rust", 2)]
    body = response.content.decode()
    assert "Wished topics" in body
    assert "Take it up" in body


def test_session_list_of_a_past_camp_offers_no_wishes(client, series, past_camp):
    make_wish(series)

    response = client.get(reverse("voting:session-list", args=[past_camp.slug]))

    assert response.context["wishes"] == []


def test_session_list_with_wishes_query_count_does_not_grow(
    host_client, series, next_camp, django_assert_max_num_queries
):
    small = make_camp(series=make_series())
    make_participant(camp=small, user=host_client.host.user)
    make_wish(small.series)
    for number in range(20):
        make_wish(series, title=f"Topic {number}", votes=[make_user()])
    for camp in (small, next_camp):  # warm the session, the language and the camps' cache
        host_client.get(reverse("voting:session-list", args=[camp.slug]))

    with django_assert_max_num_queries(25) as few:
        host_client.get(reverse("voting:session-list", args=[small.slug]))
    with django_assert_max_num_queries(len(few)):
        host_client.get(reverse("voting:session-list", args=[next_camp.slug]))


def test_new_session_form_is_prefilled_from_the_wish(host_client, series, next_camp):
    wish = make_wish(series, title="Rust", description="from zero")

    response = host_client.get(reverse("sessions:new", args=[next_camp.slug]) + f"?wish={wish.pk}")

    form = response.context["form"]
    assert (form["title"].value(), form["description"].value()) == ("Rust", "from zero")
    assert f'<input type="hidden" name="wish" value="{wish.pk}">' in response.content.decode()


def test_taking_up_a_wish_proposes_the_session_and_marks_the_wish(host_client, series, next_camp):
    wish = make_wish(series, title="Rust")

    response = host_client.post(
        reverse("sessions:new", args=[next_camp.slug]),
        {
            "title": "Rust, really",
            "format": "talk",
            "language": "de",
            "length": 1,
            "day": next_camp.start_date.isoformat(),
            "wish": wish.pk,
        },
    )

    wish.refresh_from_db()
    assert response.status_code == 302
    assert wish.session.title == "Rust, really"
    assert response["Location"] == wish.session.get_absolute_url()


def test_taking_up_a_taken_wish_answers_409_and_proposes_nothing(host_client, series, next_camp):
    wish = make_wish(series)
    wish.session = Session.objects.create(camp=next_camp, title="x", day=next_camp.start_date)
    wish.save()

    response = host_client.post(
        reverse("sessions:new", args=[next_camp.slug]),
        {
            "title": "Mine",
            "format": "talk",
            "language": "de",
            "length": 1,
            "day": next_camp.start_date.isoformat(),
            "wish": wish.pk,
        },
    )

    assert response.status_code == 409
    assert "Somebody took this wish up already." in response.content.decode()
    assert Session.objects.count() == 1


@pytest.mark.parametrize("wish_id", ["999999", "abc", "²"])
def test_taking_up_an_unknown_wish_is_not_found(host_client, next_camp, wish_id):
    response = host_client.get(reverse("sessions:new", args=[next_camp.slug]) + f"?wish={wish_id}")

    assert response.status_code == 404


def test_taking_up_a_wish_of_another_series_is_not_found(host_client, next_camp):
    wish = make_wish(make_series())

    response = host_client.get(reverse("sessions:new", args=[next_camp.slug]) + f"?wish={wish.pk}")

    assert response.status_code == 404

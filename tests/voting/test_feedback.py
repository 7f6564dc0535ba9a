"""Feedback: rating a session from its start by the published plan, the camp's feedback, the
hosts' and the Orga's anonymous summaries, the CSV exports."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Participant
from tests.factories import (
    make_camp,
    make_organizer,
    make_participant,
    make_room,
    make_session,
    make_slot,
    make_vote,
)
from voting.aftercamp import feedback
from voting.grid import board
from voting.models import CampFeedback, SessionFeedback

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    client.cookies["django_language"] = "en"


def camp_with_plan(*, days_from_today=-1, sessions=1):
    """A camp whose published plan holds sessions at 10:00 (and 11:00, …) on its first day."""
    day = timezone.localdate() + datetime.timedelta(days=days_from_today)
    camp = make_camp(start_date=day, end_date=day, time_zone="Europe/Berlin")
    room = make_room(camp)
    placed = []
    for index in range(sessions):
        slot = make_slot(
            camp, start=datetime.time(10 + index, 0), end=datetime.time(10 + index, 45)
        )
        session = make_session(camp=camp, title=f"Session {index}")
        board.move_session(session=session, room=room, slot=slot)
        placed.append(session)
    board.publish_plan(camp=camp, date=camp.start_date)
    return camp, placed


def at(camp, hour, minute=0):
    return datetime.datetime.combine(camp.start_date, datetime.time(hour, minute), tzinfo=camp.tz)


@pytest.fixture
def started():
    """A session that started yesterday, a registered Teilgeber who may rate it."""
    camp, (session,) = camp_with_plan()
    return {"camp": camp, "session": session, "teilgeber": make_participant(camp=camp)}


def feedback_url(session):
    return reverse("voting:session-feedback", args=[session.camp.slug, session.pk])


# --- When feedback opens ---------------------------------------------------------------------


def test_session_starts_at_follows_the_published_plan():
    camp, (session,) = camp_with_plan(days_from_today=5)

    assert feedback.session_starts_at(session) == at(camp, 10)


def test_session_not_in_the_published_plan_has_no_start():
    camp, _ = camp_with_plan()
    unplaced = make_session(camp=camp)

    assert feedback.session_starts_at(unplaced) is None


def test_camp_feedback_opens_with_the_first_slot_or_midnight():
    camp, _ = camp_with_plan(days_from_today=5)
    empty = make_camp()

    assert feedback.camp_feedback_opens_at(camp) == at(camp, 10)
    assert feedback.camp_feedback_opens_at(empty) == datetime.datetime.combine(
        empty.start_date, datetime.time(0, 0), tzinfo=empty.tz
    )


def test_started_session_ids_come_from_the_grid():
    camp, sessions = camp_with_plan(sessions=2)
    from voting.grid.queries import published_grid

    plan = published_grid(camp, camp.start_date)

    assert feedback.started_session_ids(plan, at(camp, 10, 30)) == {sessions[0].pk}
    assert feedback.started_session_ids(plan, at(camp, 11)) == {s.pk for s in sessions}
    assert feedback.started_session_ids(plan, at(camp, 9)) == set()
    assert feedback.started_session_ids(None, at(camp, 9)) == set()


# --- Rating a session --------------------------------------------------------------------------


def test_rate_session_once_it_started():
    camp, (session,) = camp_with_plan(days_from_today=5)
    teilgeber = make_participant(camp=camp)

    rating = feedback.rate_session(
        session=session, participant=teilgeber, rating=4, comment=" gut ", now=at(camp, 10)
    )

    assert (rating.rating, rating.comment) == (4, "gut")


def test_rate_session_before_it_starts_is_refused():
    camp, (session,) = camp_with_plan(days_from_today=5)
    teilgeber = make_participant(camp=camp)

    with pytest.raises(feedback.FeedbackError, match="Feedback opens when the session starts"):
        feedback.rate_session(session=session, participant=teilgeber, rating=4, now=at(camp, 9, 59))
    assert SessionFeedback.objects.count() == 0


def test_rating_again_replaces_the_first(started):
    first = feedback.rate_session(
        session=started["session"], participant=started["teilgeber"], rating=2, comment="meh"
    )

    second = feedback.rate_session(
        session=started["session"], participant=started["teilgeber"], rating=5
    )

    assert second.pk == first.pk
    assert SessionFeedback.objects.get().rating == 5
    assert SessionFeedback.objects.get().comment == ""


def test_one_rating_per_teilgeber_and_session_by_the_database(started):
    from django.db import IntegrityError, transaction

    SessionFeedback.objects.create(
        session=started["session"], participant=started["teilgeber"], rating=3
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFeedback.objects.create(
            session=started["session"], participant=started["teilgeber"], rating=4
        )


def test_rating_outside_1_to_5_is_refused_by_service_and_database(started):
    from django.db import IntegrityError, transaction

    for bad in (0, 6, -1, "5", None):
        with pytest.raises(feedback.FeedbackError, match="from 1 to 5"):
            feedback.rate_session(
                session=started["session"], participant=started["teilgeber"], rating=bad
            )
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFeedback.objects.create(
            session=started["session"], participant=started["teilgeber"], rating=7
        )


@pytest.mark.parametrize(
    "who",
    ["nobody", "waitlisted", "cancelled", "other_camp"],
)
def test_only_registered_teilgeber_of_the_camp_may_rate(started, who):
    participant = {
        "nobody": None,
        "waitlisted": make_participant(camp=started["camp"], status=Participant.Status.WAITLISTED),
        "cancelled": make_participant(camp=started["camp"], status=Participant.Status.CANCELLED),
        "other_camp": make_participant(camp=make_camp()),
    }[who]

    with pytest.raises(feedback.FeedbackNotAllowed, match="Only registered Teilgeber"):
        feedback.rate_session(session=started["session"], participant=participant, rating=3)


def test_checked_in_is_not_needed_to_rate(started):
    assert started["teilgeber"].checked_in_at is None

    feedback.rate_session(session=started["session"], participant=started["teilgeber"], rating=3)

    assert SessionFeedback.objects.count() == 1


def test_hosts_do_not_rate_their_own_session(started):
    host = started["session"].hosts.get().participant

    with pytest.raises(feedback.FeedbackError, match="You host this session"):
        feedback.rate_session(session=started["session"], participant=host, rating=5)


def test_unplaced_withdrawn_or_hidden_sessions_cannot_be_rated(started):
    unplaced = make_session(camp=started["camp"])
    hidden = started["session"]
    hidden.hidden = True
    hidden.save()

    with pytest.raises(feedback.FeedbackError, match="not in the published plan"):
        feedback.rate_session(session=unplaced, participant=started["teilgeber"], rating=3)
    with pytest.raises(feedback.FeedbackError, match="not held"):
        feedback.rate_session(session=hidden, participant=started["teilgeber"], rating=3)


# --- Camp feedback -------------------------------------------------------------------------------


def test_camp_feedback_from_the_first_day_start_and_editable():
    camp, _ = camp_with_plan(days_from_today=5)
    teilgeber = make_participant(camp=camp)

    with pytest.raises(feedback.FeedbackError, match="opens when the camp begins"):
        feedback.give_camp_feedback(camp=camp, participant=teilgeber, rating=4, now=at(camp, 9, 59))
    first = feedback.give_camp_feedback(
        camp=camp, participant=teilgeber, rating=4, good="Kaffee", now=at(camp, 10)
    )
    second = feedback.give_camp_feedback(
        camp=camp, participant=teilgeber, rating=2, come_again="maybe", now=at(camp, 12)
    )

    assert second.pk == first.pk
    assert (second.rating, second.good, second.come_again) == (2, "", "maybe")
    assert CampFeedback.objects.count() == 1


def test_camp_feedback_refuses_bad_input_and_outsiders(started):
    camp = started["camp"]

    with pytest.raises(feedback.FeedbackError, match="from 1 to 5"):
        feedback.give_camp_feedback(camp=camp, participant=started["teilgeber"], rating=9)
    with pytest.raises(feedback.FeedbackError, match="yes, maybe or no"):
        feedback.give_camp_feedback(
            camp=camp, participant=started["teilgeber"], rating=3, come_again="perhaps"
        )
    with pytest.raises(feedback.FeedbackNotAllowed):
        feedback.give_camp_feedback(camp=camp, participant=make_participant(), rating=3)
    assert CampFeedback.objects.count() == 0


# --- Summaries -------------------------------------------------------------------------------


def rate_many(session, ratings, comments=()):
    comments = list(comments) + [""] * len(ratings)
    for rating, comment in zip(ratings, comments, strict=False):
        SessionFeedback.objects.create(
            session=session,
            participant=make_participant(camp=session.camp),
            rating=rating,
            comment=comment,
        )


def test_session_summary_counts_averages_and_distributes(started):
    rate_many(started["session"], [5, 4, 4, 1], ["toll", "", "zu lang"])

    summary = feedback.session_summary(started["session"])

    assert summary.count == 4
    assert summary.average == 3.5
    assert summary.distribution == [(5, 1, 25), (4, 2, 50), (3, 0, 0), (2, 0, 0), (1, 1, 25)]
    assert summary.comments == ["toll", "zu lang"]


def test_one_rating_of_three_is_a_third_of_a_bar_not_a_whole_one(started):
    rate_many(started["session"], [5, 4, 2])

    summary = feedback.session_summary(started["session"])

    assert summary.distribution == [(5, 1, 33), (4, 1, 33), (3, 0, 0), (2, 1, 33), (1, 0, 0)]


def test_empty_summary_has_no_average(started):
    summary = feedback.session_summary(started["session"])

    assert (summary.count, summary.average) == (0, None)
    assert [count for _rating, count, _percent in summary.distribution] == [0] * 5


def test_camp_summary_collects_comments_and_come_again(started):
    camp = started["camp"]
    for rating, good, improve, again in [(5, "Kaffee", "", "yes"), (3, "", "WLAN", "maybe")]:
        CampFeedback.objects.create(
            camp=camp,
            participant=make_participant(camp=camp),
            rating=rating,
            good=good,
            improve=improve,
            come_again=again,
        )
    CampFeedback.objects.create(camp=make_camp(), participant=None, rating=1)

    summary = feedback.camp_summary(camp)

    assert (summary.count, summary.average) == (2, 4.0)
    assert summary.good == ["Kaffee"]
    assert summary.improve == ["WLAN"]
    assert summary.come_again == {"yes": 1, "maybe": 1, "no": 0}


# --- Pages ---------------------------------------------------------------------------------------


def test_rate_with_one_tap_via_htmx(client, started):
    client.force_login(started["teilgeber"].user)

    response = client.post(feedback_url(started["session"]), {"rating": "4"}, headers=HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="feedback-form"')
    assert "Thank you! Your rating is saved" in page
    assert 'aria-pressed="true"' in page
    assert SessionFeedback.objects.get().rating == 4


def test_rate_without_js_redirects_to_next(client, started):
    client.force_login(started["teilgeber"].user)
    plan = reverse("voting:plan", args=[started["camp"].slug])

    response = client.post(
        feedback_url(started["session"]), {"rating": "5", "comment": "Danke!", "next": plan}
    )

    assert response.status_code == 302
    assert response["Location"] == plan
    assert SessionFeedback.objects.get().comment == "Danke!"


def test_feedback_page_shows_the_form_once_started(client, started):
    client.force_login(started["teilgeber"].user)

    response = client.get(feedback_url(started["session"]))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('name="rating"') == 5


def test_feedback_page_before_the_start_says_when(client):
    camp, (session,) = camp_with_plan(days_from_today=5)
    client.force_login(make_participant(camp=camp).user)

    response = client.get(feedback_url(session))
    posted = client.post(feedback_url(session), {"rating": "3"})

    assert response.status_code == 200
    assert "Feedback opens when the session starts" in response.content.decode()
    assert 'name="rating"' not in response.content.decode()
    assert posted.status_code == 409
    assert SessionFeedback.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Tap a rating from 1 to 5."),
        ({"rating": "6"}, "Choose a rating from 1 to 5."),
        ({"rating": "abc"}, "Choose a rating from 1 to 5."),
        ({"rating": "3", "comment": "x" * 1001}, "at most 1000 characters"),
    ],
)
def test_bad_ratings_are_400_and_save_nothing(client, started, data, message):
    client.force_login(started["teilgeber"].user)

    for headers in (HTMX, {}):
        response = client.post(feedback_url(started["session"]), data, headers=headers)

        assert response.status_code == 400
        assert message in response.content.decode()
    assert SessionFeedback.objects.count() == 0


def test_host_rating_own_session_is_409(client, started):
    client.force_login(started["session"].hosts.get().participant.user)

    response = client.post(feedback_url(started["session"]), {"rating": "5"})

    assert response.status_code == 409
    assert "You host this session" in response.content.decode()
    assert SessionFeedback.objects.count() == 0


def test_outsider_rating_is_403(client, started):
    client.force_login(make_participant(camp=make_camp()).user)

    response = client.post(feedback_url(started["session"]), {"rating": "5"})

    assert response.status_code == 403
    assert "Only registered Teilgeber" in response.content.decode()
    assert SessionFeedback.objects.count() == 0


def test_session_of_another_camp_is_404(client, started):
    client.force_login(started["teilgeber"].user)
    _, (foreign,) = camp_with_plan()

    response = client.get(
        reverse("voting:session-feedback", args=[started["camp"].slug, foreign.pk])
    )

    assert response.status_code == 404


def test_session_detail_links_the_rating_once_started(client, started):
    client.force_login(started["teilgeber"].user)

    page = client.get(started["session"].get_absolute_url()).content.decode()

    assert feedback_url(started["session"]) in page


def test_session_detail_has_no_rating_link_before_the_start(client):
    camp, (session,) = camp_with_plan(days_from_today=5)
    client.force_login(make_participant(camp=camp).user)

    page = client.get(session.get_absolute_url()).content.decode()

    assert feedback_url(session) not in page


def test_hosts_see_their_sessions_feedback_without_names(client, started):
    SessionFeedback.objects.create(
        session=started["session"],
        participant=make_participant(camp=started["camp"], display_name="Secret Rater"),
        rating=4,
        comment="Sehr gut erklärt",
    )
    client.force_login(started["session"].hosts.get().participant.user)

    page = client.get(started["session"].get_absolute_url()).content.decode()

    assert "Sehr gut erklärt" in page
    assert "1 rating" in page
    assert "Secret Rater" not in page


def test_other_teilgeber_do_not_see_the_feedback(client, started):
    rate_many(started["session"], [4], ["Sehr gut erklärt"])
    client.force_login(started["teilgeber"].user)

    page = client.get(started["session"].get_absolute_url()).content.decode()

    assert "Sehr gut erklärt" not in page


def test_plan_has_no_rating_links_before_the_sessions_start(client):
    camp, (session,) = camp_with_plan(days_from_today=5)
    client.force_login(make_participant(camp=camp).user)

    page = client.get(reverse("voting:plan", args=[camp.slug])).content.decode()

    assert session.title in page
    assert feedback_url(session) not in page
    assert reverse("voting:camp-feedback", args=[camp.slug]) not in page


def test_plan_links_started_sessions_of_a_past_day(client, started):
    client.force_login(started["teilgeber"].user)

    page = client.get(
        reverse("voting:plan", args=[started["camp"].slug]),
        {"day": started["camp"].start_date.isoformat()},
    ).content.decode()

    assert feedback_url(started["session"]) in page
    assert reverse("voting:camp-feedback", args=[started["camp"].slug]) in page


def _agenda(page):
    return page.split('<section class="agenda"', 1)[1].split("</section>", 1)[0]


def test_plan_agenda_links_the_rating_of_a_started_session_it_lists(client, started):
    make_vote(started["session"], started["teilgeber"])
    client.force_login(started["teilgeber"].user)

    page = client.get(
        reverse("voting:plan", args=[started["camp"].slug]),
        {"day": started["camp"].start_date.isoformat()},
    ).content.decode()

    assert started["session"].title in _agenda(page)
    assert feedback_url(started["session"]) in _agenda(page)


def test_plan_agenda_has_no_rating_link_before_the_start(client):
    camp, (session,) = camp_with_plan(days_from_today=5)
    me = make_participant(camp=camp)
    make_vote(session, me)
    client.force_login(me.user)

    page = client.get(reverse("voting:plan", args=[camp.slug])).content.decode()

    assert session.title in _agenda(page)
    assert feedback_url(session) not in _agenda(page)


def test_plan_has_no_rating_links_for_visitors(client, started):
    page = client.get(reverse("voting:plan", args=[started["camp"].slug])).content.decode()

    assert feedback_url(started["session"]) not in page


def test_camp_feedback_page_saves_and_shows_it_again(client, started):
    client.force_login(started["teilgeber"].user)
    url = reverse("voting:camp-feedback", args=[started["camp"].slug])

    response = client.post(
        url, {"rating": "5", "good": "Alles", "improve": "", "come_again": "yes"}, follow=True
    )

    page = response.content.decode()
    assert "Thank you for your feedback!" in page
    assert "Alles" in page
    assert CampFeedback.objects.get().come_again == "yes"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"rating": "0"},
        {"rating": "3", "come_again": "perhaps"},
        {"rating": "3", "good": "x" * 2001},
    ],
)
def test_bad_camp_feedback_is_400_and_saves_nothing(client, started, data):
    client.force_login(started["teilgeber"].user)

    response = client.post(reverse("voting:camp-feedback", args=[started["camp"].slug]), data)

    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert CampFeedback.objects.count() == 0


def test_camp_feedback_before_the_camp_is_409(client):
    camp, _ = camp_with_plan(days_from_today=5)
    client.force_login(make_participant(camp=camp).user)

    response = client.post(reverse("voting:camp-feedback", args=[camp.slug]), {"rating": "3"})

    assert response.status_code == 409
    assert "opens when the camp begins" in response.content.decode()
    assert CampFeedback.objects.count() == 0


# --- The Orga's summary and exports --------------------------------------------------------------


@pytest.fixture
def organizer_client(client, started):
    client.force_login(make_organizer(started["camp"]))
    return client


def test_results_page_shows_summaries_without_names(organizer_client, started):
    rate_many(started["session"], [5, 3], ["Spannend"])
    CampFeedback.objects.create(
        camp=started["camp"],
        participant=make_participant(camp=started["camp"], display_name="Hidden Name"),
        rating=4,
        good="Kaffee",
        improve="Mehr Räume",
    )

    response = organizer_client.get(reverse("voting:feedback-results", args=[started["camp"].slug]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Session 0" in page
    assert "2 ratings" in page
    assert "4.0" in page or "4,0" in page
    assert "Spannend" in page and "Kaffee" in page and "Mehr Räume" in page
    assert "Hidden Name" not in page


def test_results_bars_are_shares_of_the_ratings_with_the_count_beside(organizer_client, started):
    rate_many(started["session"], [5, 4, 4, 2])

    response = organizer_client.get(reverse("voting:feedback-results", args=[started["camp"].slug]))

    rows = re.findall(
        r'<dt>(\d)</dt><dd><meter min="0" max="100" value="(\d+)"[^>]*></meter> '
        r'<span class="distribution-count">(\d+)</span>',
        response.content.decode(),
    )
    assert rows == [
        ("5", "25", "1"),
        ("4", "50", "2"),
        ("3", "0", "0"),
        ("2", "25", "1"),
        ("1", "0", "0"),
    ]


def test_results_query_count_does_not_grow(
    organizer_client, started, django_assert_max_num_queries
):
    url = reverse("voting:feedback-results", args=[started["camp"].slug])
    rate_many(started["session"], [4])
    with django_assert_max_num_queries(12) as few:
        organizer_client.get(url)
    for index in range(6):
        session = make_session(camp=started["camp"], title=f"More {index}")
        rate_many(session, [1, 2, 3], ["a", "b"])
    CampFeedback.objects.bulk_create(
        [CampFeedback(camp=started["camp"], participant=None, rating=3, good="g") for _ in range(5)]
    )

    with django_assert_max_num_queries(len(few)):
        organizer_client.get(url)


def test_session_detail_query_count_with_feedback_does_not_grow(
    client, started, django_assert_max_num_queries
):
    host = started["session"].hosts.get().participant
    client.force_login(host.user)
    rate_many(started["session"], [4])
    with django_assert_max_num_queries(30) as few:
        client.get(started["session"].get_absolute_url())
    rate_many(started["session"], [1, 2, 3, 4, 5] * 4, ["x"] * 20)

    with django_assert_max_num_queries(len(few)):
        client.get(started["session"].get_absolute_url())


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_session_csv_has_one_row_per_rating_without_names(organizer_client, started):
    rate_many(started["session"], [5, 2], ['=HYPERLINK("http://evil")', "+1 super"])
    started["teilgeber"].display_name = "Nameless"

    response = organizer_client.get(
        reverse("voting:feedback-sessions-csv", args=[started["camp"].slug])
    )

    rows = read_csv(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0] == ["day", "session", "rating", "comment"]
    day = started["camp"].start_date.isoformat()
    assert rows[1:] == [
        [day, "Session 0", "5", '\'=HYPERLINK("http://evil")'],
        [day, "Session 0", "2", "'+1 super"],
    ]
    assert "Teilgeber" not in response.content.decode()


def test_camp_csv_escapes_formulas(organizer_client, started):
    CampFeedback.objects.create(
        camp=started["camp"], participant=None, rating=3, good="@SUM(A1)", improve="-2+3"
    )

    rows = read_csv(
        organizer_client.get(reverse("voting:feedback-camp-csv", args=[started["camp"].slug]))
    )

    assert rows == [["rating", "come_again", "good", "improve"], ["3", "", "'@SUM(A1)", "'-2+3"]]


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_csv_cell_escapes_every_formula_start(value):
    assert feedback.csv_cell(value) == "'" + value


def test_csv_cell_leaves_plain_text():
    assert feedback.csv_cell("gut – 5") == "gut – 5"
    assert feedback.csv_cell(None) == ""
    assert feedback.csv_cell(4) == "4"


def test_the_plan_asks_when_camp_feedback_opens_once_per_version_of_the_plan(
    client, started, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from events import live

    camp = started["camp"]
    client.force_login(started["teilgeber"].user)

    def plan():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("voting:plan", args=[camp.slug])).content.decode()
        first_slot = [
            q for q in queries if 'FROM "events_slot"' in q["sql"] and "LIMIT 1" in q["sql"]
        ]
        return page, first_slot

    page, first = plan()
    _, again = plan()
    with django_capture_on_commit_callbacks(execute=True):
        live.mark_changed(camp.slug)  # what the admin does when a slot changes
    _, changed = plan()

    assert reverse("voting:camp-feedback", args=[camp.slug]) in page
    assert (len(first), again, len(changed)) == (1, [], 1)

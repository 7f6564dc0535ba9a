import re
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from events import live
from events.models import Participant
from events.services import update_profile
from sessions.models import Session
from sessions.services import update_session
from tests.factories import (
    make_camp,
    make_organizer,
    make_participant,
    make_session,
    make_user,
    make_vote,
    open_voting,
)
from voting.models import LivePitch, Vote, VotingDay
from voting.plenum import services
from voting.views.plenum import PITCH_PAGE, PROJECTOR_PAGE

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def camp():
    camp = make_camp()
    open_voting(camp)
    return camp


@pytest.fixture
def teilgeber(client, camp):
    client.cookies["django_language"] = "en"
    participant = make_participant(camp=camp)
    client.force_login(participant.user)
    return participant


@pytest.fixture
def organizer(client, camp):
    client.cookies["django_language"] = "en"
    user = make_organizer(camp)
    client.force_login(user)
    return user


# --- Voting --------------------------------------------------------------------------------


def test_vote_form_post_votes_and_returns_to_next(client, camp, teilgeber):
    session = make_session(camp=camp)

    response = client.post(
        reverse("voting:vote", args=[camp.slug, session.pk]),
        {"want": "1", "next": f"/{camp.slug}/sessions/"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/{camp.slug}/sessions/"
    assert Vote.objects.filter(session=session, participant=teilgeber).count() == 1


def test_vote_htmx_swaps_button_and_count_in_place(client, camp, teilgeber):
    session = make_session(camp=camp)
    make_vote(session)

    response = client.post(
        reverse("voting:vote", args=[camp.slug, session.pk]), {"want": "1"}, headers=HTMX
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith(f'<div class="vote is-voted" id="vote-{session.pk}">')
    assert 'aria-pressed="true"' in content
    assert "<strong>2</strong>" in content
    assert '<input type="hidden" name="want" value="0">' in content


def test_an_htmx_vote_answers_without_a_csrf_token_and_the_next_vote_needs_only_the_header(
    camp,
):
    session = make_session(camp=camp)
    url = reverse("voting:vote", args=[camp.slug, session.pk])
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_participant(camp=camp).user)
    page = client.get(f"/{camp.slug}/pitch/").content.decode()
    header_token = re.search(r'"x-csrftoken": "([^"]+)"', page).group(1)

    voted = client.post(url, {"want": "1"}, headers={**HTMX, "X-CSRFToken": header_token})
    taken_back = client.post(url, {"want": "0"}, headers={**HTMX, "X-CSRFToken": header_token})
    without = client.post(url, {"want": "1"}, headers=HTMX)

    assert voted.status_code == 200
    assert "csrfmiddlewaretoken" not in voted.content.decode()
    assert settings.CSRF_COOKIE_NAME not in voted.cookies
    assert taken_back.status_code == 200
    assert without.status_code == 403
    assert Vote.objects.filter(session=session).count() == 0


def test_the_vote_button_on_a_page_keeps_its_csrf_token_for_a_plain_form_post(
    client, camp, teilgeber
):
    session = make_session(camp=camp)

    page = client.get(reverse("voting:session-detail", args=[camp.slug, session.pk]))

    button = re.search(rf'id="vote-{session.pk}">(.*?)</form>', page.content.decode(), re.S)
    assert 'name="csrfmiddlewaretoken"' in button.group(1)


def test_vote_twice_with_want_counts_once(client, camp, teilgeber):
    session = make_session(camp=camp)
    url = reverse("voting:vote", args=[camp.slug, session.pk])

    client.post(url, {"want": "1"}, headers=HTMX)
    client.post(url, {"want": "1"}, headers=HTMX)

    assert Vote.objects.filter(session=session).count() == 1


def test_vote_without_want_toggles(client, camp, teilgeber):
    session = make_session(camp=camp)
    url = reverse("voting:vote", args=[camp.slug, session.pk])

    client.post(url, headers=HTMX)
    voted = Vote.objects.count()
    client.post(url, headers=HTMX)

    assert (voted, Vote.objects.count()) == (1, 0)


def test_vote_with_invalid_want_is_400(client, camp, teilgeber):
    session = make_session(camp=camp)

    response = client.post(
        reverse("voting:vote", args=[camp.slug, session.pk]), {"want": "yes please"}
    )

    assert response.status_code == 400
    assert Vote.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hidden": True}, "This session is not open for votes."),
        ({"status": Session.Status.WITHDRAWN}, "This session is not open for votes."),
    ],
)
def test_vote_on_hidden_or_withdrawn_session_is_409_with_message(
    client, camp, teilgeber, change, message
):
    session = make_session(camp=camp, **change)

    response = client.post(
        reverse("voting:vote", args=[camp.slug, session.pk]), {"want": "1"}, headers=HTMX
    )

    assert response.status_code == 409
    assert message in response.content.decode()
    assert Vote.objects.count() == 0


def test_vote_on_a_closed_day_is_409_with_message(client, camp, teilgeber):
    VotingDay.objects.filter(camp=camp).update(state=VotingDay.State.CLOSED)
    session = make_session(camp=camp)

    response = client.post(reverse("voting:vote", args=[camp.slug, session.pk]), {"want": "1"})

    assert response.status_code == 409
    assert "Voting for this day is not open." in response.content.decode()
    assert Vote.objects.count() == 0


def test_vote_without_budget_left_is_409_with_message(client, camp, teilgeber):
    camp.vote_budget = 1
    camp.save()
    first, second = make_session(camp=camp), make_session(camp=camp)
    make_vote(first, teilgeber)

    response = client.post(
        reverse("voting:vote", args=[camp.slug, second.pk]), {"want": "1"}, headers=HTMX
    )

    assert response.status_code == 409
    assert "You have used all your 1 votes." in response.content.decode()
    assert Vote.objects.filter(session=second).count() == 0


def test_vote_htmx_updates_votes_left_out_of_band(client, camp, teilgeber):
    camp.vote_budget = 3
    camp.save()
    session = make_session(camp=camp)

    response = client.post(
        reverse("voting:vote", args=[camp.slug, session.pk]), {"want": "1"}, headers=HTMX
    )

    assert (
        '<p class="votes-left" id="votes-left" hx-swap-oob="true">You have 2 votes left.</p>'
        in response.content.decode()
    )


def test_vote_by_waitlisted_is_403(client, camp):
    participant = make_participant(camp=camp, status=Participant.Status.WAITLISTED)
    client.force_login(participant.user)
    session = make_session(camp=camp)

    response = client.post(reverse("voting:vote", args=[camp.slug, session.pk]), {"want": "1"})

    assert response.status_code == 403
    assert Vote.objects.count() == 0


def test_an_htmx_vote_refused_to_the_waitlist_answers_in_place_and_says_why(client, camp):
    participant = make_participant(camp=camp, status=Participant.Status.WAITLISTED)
    client.force_login(participant.user)
    client.cookies["django_language"] = "en"
    session = make_session(camp=camp)

    response = client.post(
        reverse("voting:vote", args=[camp.slug, session.pk]), {"want": "1"}, headers=HTMX
    )

    content = response.content.decode()
    assert response.status_code == 403
    assert content.lstrip().startswith(f'<div class="vote" id="vote-{session.pk}">')
    assert "<html" not in content
    assert "You are on the waitlist – you can vote as soon as you move up." in content
    assert Vote.objects.count() == 0


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (
            Participant.Status.WAITLISTED,
            "You are on the waitlist – you can vote as soon as you move up.",
        ),
        (Participant.Status.CANCELLED, "Join the camp</a> to vote."),
        (None, "Join the camp</a> to vote."),
    ],
    ids=["waitlisted", "cancelled", "not joined"],
)
@pytest.mark.parametrize("page", ["voting:pitch", "voting:session-list"])
def test_who_may_not_vote_sees_a_disabled_button_and_why(client, camp, status, reason, page):
    make_session(camp=camp, title="Tea tasting", pitch_position=1)
    services.start_pitch(camp=camp, date=camp.start_date)
    user = make_user()
    if status:
        make_participant(camp=camp, user=user, status=status)
    client.force_login(user)
    client.cookies["django_language"] = "en"

    content = client.get(reverse(page, args=[camp.slug])).content.decode()

    assert re.search(r'<button type="button" class="vote-button" disabled[^>]*>', content)
    assert reason in content
    assert 'name="want"' not in content


def test_a_registered_teilgeber_sees_a_live_vote_button(client, camp, teilgeber):
    make_session(camp=camp, pitch_position=1)
    services.start_pitch(camp=camp, date=camp.start_date)

    content = client.get(reverse("voting:pitch", args=[camp.slug])).content.decode()

    assert 'vote-button" disabled' not in content
    assert 'name="want" value="1"' in content


def test_vote_anonymous_htmx_is_sent_to_login(client, camp):
    session = make_session(camp=camp)

    response = client.post(
        reverse("voting:vote", args=[camp.slug, session.pk]), {"want": "1"}, headers=HTMX
    )

    assert response["HX-Redirect"].startswith(reverse("account_login"))
    assert Vote.objects.count() == 0


def test_vote_on_session_of_another_camp_is_404(client, camp, teilgeber):
    foreign = make_session()

    response = client.post(reverse("voting:vote", args=[camp.slug, foreign.pk]), {"want": "1"})

    assert response.status_code == 404
    assert Vote.objects.count() == 0


def test_a_vote_changes_what_the_projector_shows_but_not_the_phones_pitch_page(
    client, camp, teilgeber, django_capture_on_commit_callbacks
):
    session = make_session(camp=camp)
    phone_before = live.current_version(camp.slug, PITCH_PAGE)
    projector_before = live.current_version(camp.slug, PROJECTOR_PAGE)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("voting:vote", args=[camp.slug, session.pk]), {"want": "1"}, headers=HTMX
        )

    assert live.current_version(camp.slug, PITCH_PAGE) == phone_before
    assert live.current_version(camp.slug, PROJECTOR_PAGE) != projector_before


def test_vote_query_count_does_not_grow_with_votes(
    client, camp, teilgeber, django_assert_max_num_queries
):
    warm_up, quiet, busy = make_session(camp=camp), make_session(camp=camp), make_session(camp=camp)
    for _ in range(30):
        make_vote(busy)
        make_session(camp=camp)
    client.post(reverse("voting:vote", args=[camp.slug, warm_up.pk]), {"want": "1"}, headers=HTMX)

    with django_assert_max_num_queries(20) as few:
        client.post(reverse("voting:vote", args=[camp.slug, quiet.pk]), {"want": "1"}, headers=HTMX)
    with django_assert_max_num_queries(len(few)):
        client.post(reverse("voting:vote", args=[camp.slug, busy.pk]), {"want": "1"}, headers=HTMX)


# --- The list --------------------------------------------------------------------------------


def test_list_search_and_filters(client, camp, teilgeber):
    make_session(camp=camp, title="Rust for beginners", tags=["rust"], format="talk")
    make_session(
        camp=camp,
        title="Kaffee",
        description="all about rust",
        tags=["coffee"],
        format="discussion",
    )
    make_session(camp=camp, title="Hidden rust", hidden=True)
    make_session(title="Other camp rust")
    url = reverse("voting:session-list", args=[camp.slug])

    def titles(**params):
        return sorted(session.title for session in client.get(url, params).context["sessions"])

    assert titles(q="rust") == ["Kaffee", "Rust for beginners"]
    assert titles(tag="rust") == ["Rust for beginners"]
    assert titles(format="discussion") == ["Kaffee"]
    assert titles(format="nonsense") == ["Kaffee", "Rust for beginners"]


def test_list_sorted_by_most_wanted_and_mine(client, camp, teilgeber):
    popular, quiet, mine = (make_session(camp=camp, title=t) for t in ("Popular", "Quiet", "Mine"))
    for _ in range(3):
        make_vote(popular)
    make_vote(quiet, teilgeber)
    mine.hosts.create(participant=teilgeber)
    url = reverse("voting:session-list", args=[camp.slug])

    wanted = [s.title for s in client.get(url, {"sort": "wanted"}).context["sessions"]]
    own = sorted(s.title for s in client.get(url, {"mine": "1"}).context["sessions"])

    assert wanted == ["Popular", "Quiet", "Mine"]
    assert own == ["Mine", "Quiet"]


def test_list_hides_counts_until_voting_closes(client, camp, teilgeber):
    camp.hide_counts_until_closed = True
    camp.save()
    session = make_session(camp=camp)
    make_vote(session)
    url = reverse("voting:session-list", args=[camp.slug])

    while_open = client.get(url, {"sort": "wanted"})
    VotingDay.objects.filter(camp=camp).update(state=VotingDay.State.CLOSED)
    after = client.get(url)

    assert "vote-count" not in while_open.content.decode()
    assert while_open.context["sort"] == "newest"
    assert "<strong>1</strong>" in after.content.decode()


def test_organizer_sees_hidden_counts(client, camp, organizer):
    camp.hide_counts_until_closed = True
    camp.save()
    make_vote(make_session(camp=camp))

    response = client.get(reverse("voting:session-list", args=[camp.slug]))

    assert "<strong>1</strong>" in response.content.decode()


def test_list_htmx_returns_only_the_results(client, camp, teilgeber):
    make_session(camp=camp, title="Rust")

    response = client.get(
        reverse("voting:session-list", args=[camp.slug]), {"q": "rust"}, headers=HTMX
    )

    assert response.content.decode().lstrip().startswith('<div id="session-results">')


def test_list_query_count_does_not_grow_with_sessions_and_votes(
    client, camp, teilgeber, django_assert_max_num_queries
):
    small = make_camp()
    open_voting(small)
    make_session(camp=small)
    for _ in range(25):
        session = make_session(camp=camp, tags=["x"])
        make_vote(session)
        make_vote(session, teilgeber)
    small_participant = make_participant(camp=small, user=teilgeber.user)
    assert small_participant
    for warm in (small, camp):  # the session, the language and the camps' cache
        client.get(reverse("voting:session-list", args=[warm.slug]))

    with django_assert_max_num_queries(20) as few:
        client.get(reverse("voting:session-list", args=[small.slug]))
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("voting:session-list", args=[camp.slug]))


def test_list_shows_a_changed_session_and_host_name_although_its_cards_are_kept(
    client, camp, teilgeber, django_capture_on_commit_callbacks
):
    session = make_session(camp=camp, title="Rust for beginners", tags=["rust"])
    host = session.hosts.get().participant
    url = reverse("voting:session-list", args=[camp.slug])
    client.get(url)  # the cards' heads are kept now

    with django_capture_on_commit_callbacks(execute=True):
        update_session(
            session=session,
            title="Rust for everybody",
            description="",
            format=session.format,
            language=session.language,
            tags=["rust", "systems"],
            length=session.length,
            day=session.day,
        )
        update_profile(
            participant=host,
            display_name="Ferris",
            hashtags=[],
            bio="",
            links=[],
            is_public=False,
        )
    content = client.get(url).content.decode()

    assert "Rust for everybody" in content
    assert "Rust for beginners" not in content
    assert "#systems" in content
    assert '<span class="host-name">Ferris</span>' in content


def test_list_shows_a_session_proposed_after_its_cards_were_kept(client, camp, teilgeber):
    url = reverse("voting:session-list", args=[camp.slug])
    make_session(camp=camp, title="First")
    client.get(url)
    version = live.memo_version(camp.slug, PITCH_PAGE)

    # Proposed without a new version of the sessions: a commit the list read, but not the
    # kept cards (they were kept under the version read before it).
    make_session(camp=camp, title="Second")
    assert live.memo_version(camp.slug, PITCH_PAGE) == version
    content = client.get(url).content.decode()

    assert ">First</a>" in content
    assert ">Second</a>" in content


def test_list_with_kept_cards_reads_the_sessions_once(
    client, camp, teilgeber, django_assert_num_queries
):
    for index in range(30):
        session = make_session(camp=camp, tags=[f"tag{index}"])
        make_vote(session)
    url = reverse("voting:session-list", args=[camp.slug])
    client.get(url)  # the session, the language, the camp's cache and the cards' heads

    # The camp, the login session, the user and the Teilgeber (the tests keep no rows in the
    # cache); then the days' voting states, the sessions with their counts, and the viewer's
    # votes and hosts. Not the sessions' hosts, titles and tags: they are in the kept heads.
    with django_assert_num_queries(7):
        response = client.get(url)

    assert response.content.decode().count('class="session-card"') == 30


# --- Quick voting -----------------------------------------------------------------------------


def test_quick_vote_shows_fewest_votes_first_and_moves_on(client, camp, teilgeber):
    popular = make_session(camp=camp, title="Popular")
    make_vote(popular)
    lonely = make_session(camp=camp, title="Lonely")
    url = reverse("voting:quick-vote", args=[camp.slug])

    first = client.get(url).context["session"]
    client.post(url, {"session": lonely.pk, "choice": "skip"})
    second = client.get(url).context["session"]
    client.post(url, {"session": popular.pk, "choice": "want"})
    done = client.get(url)

    assert (first, second) == (lonely, popular)
    assert Vote.objects.filter(participant=teilgeber).count() == 1
    assert done.context["session"] is None
    assert "You have seen every session." in done.content.decode()


def walk_quick_voting(client, camp):
    """Skip through quick voting to the end: the sessions in the order it showed them."""
    url = reverse("voting:quick-vote", args=[camp.slug])
    client.post(url, {"choice": "restart"})
    seen = []
    while (session := client.get(url).context["session"]) is not None and len(seen) < 50:
        seen.append(session.title)
        client.post(url, {"session": session.pk, "choice": "skip"})
    return seen


def test_quick_vote_with_hidden_counts_shows_each_session_once_in_an_order_of_ones_own(
    client, camp, teilgeber
):
    camp.hide_counts_until_closed = True
    camp.save()
    titles = [f"Session {n}" for n in range(10)]
    for votes, title in enumerate(titles):
        session = make_session(camp=camp, title=title)
        for _ in range(votes):
            make_vote(session)
    other = Client()
    other.force_login(make_participant(camp=camp).user)

    mine = walk_quick_voting(client, camp)
    again = walk_quick_voting(client, camp)
    theirs = walk_quick_voting(other, camp)

    assert sorted(mine) == sorted(theirs) == titles
    assert again == mine
    assert theirs != mine
    assert mine not in (titles, titles[::-1])  # neither fewest nor most votes first


def test_quick_vote_with_hidden_counts_keeps_its_order_when_votes_come_in(client, camp, teilgeber):
    camp.hide_counts_until_closed = True
    camp.save()
    for n in range(5):
        make_session(camp=camp, title=f"Session {n}")
    url = reverse("voting:quick-vote", args=[camp.slug])
    first = client.get(url).context["session"]

    for _ in range(3):
        make_vote(first)

    assert client.get(url).context["session"] == first


def test_quick_vote_shows_an_organizer_fewest_votes_first_though_counts_are_hidden(
    client, camp, teilgeber
):
    camp.hide_counts_until_closed = True
    camp.save()
    camp.organizers.add(teilgeber.user)
    teilgeber.user.is_staff = True
    teilgeber.user.save()
    popular = make_session(camp=camp, title="Popular")
    make_vote(popular)
    lonely = make_session(camp=camp, title="Lonely")

    assert walk_quick_voting(client, camp) == [lonely.title, popular.title]


def test_quick_vote_bad_input_is_400(client, camp, teilgeber):
    response = client.post(
        reverse("voting:quick-vote", args=[camp.slug]), {"session": "abc", "choice": "want"}
    )

    assert response.status_code == 400
    assert Vote.objects.count() == 0


def test_each_vote_button_of_the_list_is_its_own(client, camp, teilgeber):
    mine, other = make_session(camp=camp), make_session(camp=camp)
    make_vote(mine, teilgeber)
    for _ in range(2):
        make_vote(other)

    html = client.get(reverse("voting:session-list", args=[camp.slug])).content.decode()

    buttons = {int(pk): body for pk, body in re.findall(r'id="vote-(\d+)">(.*?)</div>', html, re.S)}
    for session, want, pressed, count in ((mine, 0, "true", 1), (other, 1, "false", 2)):
        body = buttons[session.pk]
        assert f'action="{reverse("voting:vote", args=[camp.slug, session.pk])}"' in body
        assert f'name="want" value="{want}"' in body
        assert f'aria-pressed="{pressed}"' in body
        assert f"<strong>{count}</strong>" in body
        assert 'name="csrfmiddlewaretoken"' in body  # the form works without JavaScript too
        assert 'name="next"' in body


# --- The live pitch ----------------------------------------------------------------------------


def test_unchanged_pitch_poll_is_204_without_a_query(client, camp, django_assert_num_queries):
    make_session(camp=camp)
    services.start_pitch(camp=camp, date=camp.start_date)
    phone_version = live.current_version(camp.slug, PITCH_PAGE)
    projector_version = live.current_version(camp.slug, PROJECTOR_PAGE)

    with django_assert_num_queries(0):
        phone = client.get(
            reverse("voting:pitch", args=[camp.slug]), {"v": phone_version}, headers=HTMX
        )
        projector = client.get(
            reverse("voting:projector", args=[camp.slug]), {"v": projector_version}, headers=HTMX
        )

    assert (phone.status_code, projector.status_code) == (204, 204)
    assert phone.content == b""


@pytest.mark.parametrize("voted", [True, False])
def test_the_pitch_page_shows_the_count_and_the_viewers_vote(client, camp, teilgeber, voted):
    session = make_session(camp=camp)
    make_vote(session)
    if voted:
        make_vote(session, teilgeber)
    services.start_pitch(camp=camp, date=camp.start_date)

    html = client.get(reverse("voting:pitch", args=[camp.slug])).content.decode()

    assert f"<strong>{2 if voted else 1}</strong>" in html
    assert f'aria-pressed="{"true" if voted else "false"}"' in html


def test_the_pitch_page_of_a_teilgeber_makes_one_query(
    client, camp, teilgeber, settings, django_assert_num_queries
):
    # What production keeps in Redis; the suite's cache is this process's memory.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.USER_CACHE_TIMEOUT = settings.CAMP_CACHE_TIMEOUT = 60
    settings.PARTICIPANT_CACHE_TIMEOUT = 60
    client.force_login(teilgeber.user)
    make_vote(make_session(camp=camp))
    services.start_pitch(camp=camp, date=camp.start_date)
    client.get(reverse("voting:pitch", args=[camp.slug]))  # the pitch, kept per version

    with django_assert_num_queries(1):  # the count and the viewer's vote
        response = client.get(reverse("voting:pitch", args=[camp.slug]))

    assert response.status_code == 200


def test_changed_pitch_poll_renders_the_new_state(
    client, camp, teilgeber, django_capture_on_commit_callbacks
):
    session = make_session(camp=camp, title="Pitched now")
    version = live.current_version(camp.slug, PITCH_PAGE)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_pitch(camp=camp, date=camp.start_date)

    response = client.get(reverse("voting:pitch", args=[camp.slug]), {"v": version}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<section id="pitch-live"')
    assert "Pitched now" in content
    assert f"?v={live.current_version(camp.slug, PITCH_PAGE)}" in content
    assert f'id="vote-{session.pk}"' in content
    # A thousand phones ask for it at once after "Next": like the vote's answer, it leaves the
    # token to the page's <body> (hx-headers), which sends it with every htmx request. That a
    # phone votes with the button a poll brought: tests/browser/test_live_pitch.py.
    assert f'hx-post="{reverse("voting:vote", args=[camp.slug, session.pk])}"' in content
    assert "csrfmiddlewaretoken" not in content
    assert "csrftoken" not in response.cookies


def test_pitch_poll_after_cache_loss_renders_instead_of_204(client, camp, settings):
    settings.LIVE_TOKENS_MAX_AGE = 0.05
    version = live.current_version(camp.slug, PROJECTOR_PAGE)
    cache.clear()
    # The process answers from the tokens it read for LIVE_TOKENS_MAX_AGE, then asks the cache.
    time.sleep(0.06)

    response = client.get(
        reverse("voting:projector", args=[camp.slug]), {"v": version}, headers=HTMX
    )

    assert response.status_code == 200


def test_projector_shows_current_pitch_count_and_qr(client, camp):
    session = make_session(camp=camp, title="On stage")
    make_vote(session)
    make_vote(session)
    services.start_pitch(camp=camp, date=camp.start_date)

    response = client.get(reverse("voting:projector", args=[camp.slug]))
    qr = client.get(reverse("voting:qr", args=[camp.slug]))

    content = response.content.decode()
    assert "On stage" in content
    assert '<span class="count-number" id="interest-count">2</span>' in content
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg")


def test_projector_for_unknown_camp_is_404(client):
    assert client.get("/nope/projector/", {"v": "x"}, headers=HTMX).status_code == 404


def test_manage_pitch_is_404_for_everyone_but_organizers(client, camp, teilgeber):
    other_organizer = make_organizer(make_camp())

    as_teilgeber = client.get(reverse("voting:manage-pitch", args=[camp.slug]))
    client.force_login(other_organizer)
    as_other_organizer = client.get(reverse("voting:manage-pitch", args=[camp.slug]))

    assert (as_teilgeber.status_code, as_other_organizer.status_code) == (404, 404)


def test_manage_pitch_runs_the_plenum(client, camp, organizer):
    a = make_session(camp=camp, title="A", pitch_position=1)
    b = make_session(camp=camp, title="B", pitch_position=2)
    url = reverse("voting:manage-pitch", args=[camp.slug])
    day = camp.start_date.isoformat()

    client.post(url, {"action": "start", "day": day})
    started = LivePitch.objects.get(camp=camp).current
    client.post(url, {"action": "next", "day": day})
    nexted = LivePitch.objects.get(camp=camp).current
    client.post(url, {"action": "up", "session": b.pk, "day": day})
    client.post(url, {"action": "close-voting", "day": day}, headers=HTMX)

    assert (started, nexted) == (a, b)
    assert list(Session.objects.pitch_queue(camp=camp, date=camp.start_date)) == [b, a]
    assert services.voting_state(camp=camp, date=camp.start_date) == VotingDay.State.CLOSED


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"action": "explode"}, 409),
        ({"action": "next"}, 409),
        ({"action": "up", "session": "x"}, 409),
    ],
)
def test_manage_pitch_bad_actions_are_4xx_with_message(client, camp, organizer, data, status):
    response = client.post(reverse("voting:manage-pitch", args=[camp.slug]), data, headers=HTMX)

    assert response.status_code == status
    assert 'class="message message-error"' in response.content.decode()


def test_organizer_merges_duplicates(client, camp, organizer):
    keep, duplicate = make_session(camp=camp), make_session(camp=camp)
    make_vote(duplicate)

    response = client.post(
        reverse("voting:merge", args=[camp.slug, duplicate.pk]), {"into": keep.pk}
    )

    assert response.status_code == 302
    assert keep.votes.count() == 1
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep


def test_merge_by_teilgeber_is_404(client, camp, teilgeber):
    keep, duplicate = make_session(camp=camp), make_session(camp=camp)

    response = client.post(
        reverse("voting:merge", args=[camp.slug, duplicate.pk]), {"into": keep.pk}
    )

    assert response.status_code == 404
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_merge_without_target_is_400(client, camp, organizer):
    duplicate = make_session(camp=camp)

    response = client.post(reverse("voting:merge", args=[camp.slug, duplicate.pk]), {"into": ""})

    assert response.status_code == 400
    assert "Choose the session to merge into." in response.content.decode()


def test_anonymous_sees_pitch_and_a_vote_button_that_logs_in_first(client, camp):
    session = make_session(camp=camp, title="Open to all")
    services.start_pitch(camp=camp, date=camp.start_date)
    client.cookies["django_language"] = "en"

    response = client.get(reverse("voting:pitch", args=[camp.slug]))

    content = response.content.decode()
    assert "Open to all" in content
    assert f'action="{reverse("voting:vote", args=[camp.slug, session.pk])}"' in content
    assert "I want to go" in content


def test_user_not_in_camp_sees_no_vote_form(client, camp):
    make_session(camp=camp)
    client.force_login(make_user())

    response = client.get(reverse("voting:session-list", args=[camp.slug]))

    assert response.status_code == 200

"""A tap on join, a vote or "propose" while logged out is done after the login, whichever way
the person logs in (barcamp.intents), and only for them."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse

from events.models import Participant
from sessions.models import Session
from tests.factories import make_camp, make_participant, make_session, make_user, open_voting
from voting.models import Vote
from voting.plenum import services as voting_services

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
PASSWORD = "a long enough password"


@pytest.fixture
def client():
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def _code():
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.MULTILINE)
    return match.group(1)


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def log_in_with_password(client, user, login_url):
    """Log in on the page the tap sent the person to; returns where the login sends them."""
    response = client.post(login_url, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def log_in_with_code(client, email, login_url):
    """Ask for a code in the one box of the login page, enter it; returns where that leads."""
    next_url = login_url.split("?next=", 1)[1]
    requested = client.post(f"/accounts/login/code/?next={next_url}", {"email": email})
    assert requested.status_code == 302, requested.content.decode()[:2000]
    confirmed = client.post(requested["Location"], {"code": _code()})
    assert confirmed.status_code == 302, confirmed.content.decode()[:2000]
    return confirmed["Location"]


def tap_join(client, camp):
    response = client.post(
        reverse("events:register", args=[camp.slug]),
        HTTP_REFERER=f"http://testserver/{camp.slug}/",
    )
    assert response.status_code == 302
    return response["Location"]


# --- Join --------------------------------------------------------------------------------------


def test_a_head_request_never_finishes_a_kept_tap(client):
    camp = make_camp()
    user = make_user(password=PASSWORD)
    back = log_in_with_password(client, user, tap_join(client, camp))

    head = client.head(back)

    assert head.status_code == 302
    assert not camp.participants.filter(user=user).exists()
    client.get(back)
    assert camp.participants.get(user=user).status == Participant.Status.REGISTERED


def test_a_join_tapped_logged_out_is_done_after_the_password_login(client):
    camp = make_camp()
    user = make_user(password=PASSWORD)

    back = log_in_with_password(client, user, tap_join(client, camp))
    response = client.get(back)

    assert back == f"/{camp.slug}/register/"
    assert response.status_code == 302
    assert response["Location"] == f"/{camp.slug}/"
    assert camp.participants.get(user=user).status == Participant.Status.REGISTERED


def test_a_join_tapped_logged_out_is_done_after_the_login_code(client):
    camp = make_camp(capacity=1)
    make_participant(camp=camp)
    user = make_user()

    back = log_in_with_code(client, user.email, tap_join(client, camp))
    response = client.get(back, follow=True)

    assert camp.participants.get(user=user).status == Participant.Status.WAITLISTED
    assert "You are on the waitlist, number 1." in response.content.decode()


def test_a_newcomer_joins_by_code_and_is_asked_for_the_name_once(client):
    camp = make_camp()

    back = log_in_with_code(client, "neu@example.org", tap_join(client, camp))
    asked = client.get(back, follow=True)
    joined = client.post(back, {"display_name": "Jule"})

    user = get_user_model().objects.get(email="neu@example.org")
    assert asked.status_code == 200
    assert "Almost done: how should the others see you?" in asked.content.decode()
    assert "Shown publicly" in asked.content.decode()
    assert joined["Location"] == f"/{camp.slug}/"
    assert camp.participants.get(user=user).display_name == "Jule"
    assert user.first_name == "Jule"


def test_a_name_that_is_an_e_mail_address_is_refused_at_the_first_join(client):
    camp = make_camp()
    client.force_login(make_user(first_name=""))

    response = client.post(
        reverse("events:register", args=[camp.slug]),
        {"display_name": "neu@example.org"},
        headers=HTMX,
    )

    assert response.status_code == 400
    assert "That looks like an e-mail address." in response.content.decode()
    assert camp.participants.count() == 0


def test_a_join_tapped_logged_out_is_done_after_signing_up_with_a_name(client):
    camp = make_camp()
    login_url = tap_join(client, camp)
    next_url = login_url.split("?next=", 1)[1]

    signed_up = client.post(
        f"/accounts/signup/?next={next_url}",
        {"first_name": "Ben", "email": "ben@example.org", "password1": ""},
    )
    confirmed = client.post(signed_up["Location"], {"code": _code()})
    response = client.get(confirmed["Location"])

    assert confirmed["Location"] == f"/{camp.slug}/register/"
    assert response["Location"] == f"/{camp.slug}/"
    assert camp.participants.get(user__email="ben@example.org").display_name == "Ben"


def test_a_kept_tap_is_done_once(client):
    camp = make_camp()
    user = make_user(password=PASSWORD)
    back = log_in_with_password(client, user, tap_join(client, camp))
    client.get(back)
    client.post(reverse("events:cancel", args=[camp.slug]))

    again = client.get(back)

    assert again["Location"] == f"/{camp.slug}/"
    assert camp.participants.get(user=user).status == Participant.Status.CANCELLED


def test_a_kept_tap_expires(client, monkeypatch):
    camp = make_camp()
    user = make_user(password=PASSWORD)
    login_url = tap_join(client, camp)
    back = log_in_with_password(client, user, login_url)
    later = time.time() + 31 * 60
    monkeypatch.setattr(time, "time", lambda: later)

    client.get(back)

    assert camp.participants.count() == 0


def test_a_kept_tap_is_gone_after_a_logout_and_never_done_for_the_next_person(client):
    camp = make_camp()
    first = make_user(password=PASSWORD)
    second = make_user(password=PASSWORD)
    tap_join(client, camp)
    # The first person logs in from the header instead, and out again: the session is flushed.
    log_in_with_password(client, first, reverse("account_login"))
    client.post(reverse("account_logout"))

    log_in_with_password(client, second, reverse("account_login"))
    client.get(reverse("events:register", args=[camp.slug]))

    assert camp.participants.count() == 0


def test_a_tap_without_the_csrf_token_keeps_nothing():
    client = Client(enforce_csrf_checks=True)
    camp = make_camp()

    response = client.post(reverse("events:register", args=[camp.slug]))

    assert response.status_code == 403
    assert "barcamp-pending-action" not in client.session


def test_the_login_never_returns_to_another_host(client):
    user = make_user(password=PASSWORD)

    back = log_in_with_password(
        client, user, f"{reverse('account_login')}?next=https://evil.example/x"
    )

    assert not back.startswith("https://evil.example")
    assert back.startswith("/")


def test_a_kept_tap_goes_on_to_a_page_of_this_site_only(client):
    camp = make_camp()
    open_voting(camp)
    session = make_session(camp=camp)
    user = make_user(password=PASSWORD)
    make_participant(camp=camp, user=user)

    login_url = client.post(
        reverse("voting:vote", args=[camp.slug, session.pk]),
        {"want": "1"},
        HTTP_REFERER="https://evil.example/phish",
    )["Location"]
    back = log_in_with_password(client, user, login_url)
    response = client.get(back)

    assert response["Location"] == "/"
    assert Vote.objects.filter(session=session, participant__user=user).count() == 1


# --- Vote --------------------------------------------------------------------------------------


def test_a_vote_tapped_logged_out_is_cast_after_the_login_back_on_the_pitch(client):
    camp = make_camp()
    open_voting(camp)
    session = make_session(camp=camp, title="Tea tasting")
    voting_services.start_pitch(camp=camp, date=camp.start_date)
    user = make_user(password=PASSWORD)
    make_participant(camp=camp, user=user)
    pitch = f"http://testserver/{camp.slug}/pitch/"

    tapped = client.post(
        reverse("voting:vote", args=[camp.slug, session.pk]),
        {"want": "1"},
        headers={**HTMX, "HX-Current-URL": pitch},
    )
    back = log_in_with_password(client, user, tapped["HX-Redirect"])
    response = client.get(back)

    assert back == f"/{camp.slug}/sessions/{session.pk}/vote/"
    assert response["Location"] == f"/{camp.slug}/pitch/"
    assert "Your vote for “Tea tasting” counts." in _messages(response)
    assert Vote.objects.filter(session=session, participant__user=user).count() == 1


def test_a_vote_waits_for_the_join_and_is_cast_after_it(client):
    camp = make_camp()
    open_voting(camp)
    session = make_session(camp=camp, title="Tea tasting")
    user = make_user(password=PASSWORD)

    login_url = client.post(
        reverse("voting:vote", args=[camp.slug, session.pk]),
        {"want": "1"},
        HTTP_REFERER=f"http://testserver/{camp.slug}/sessions/",
    )["Location"]
    asked = client.get(log_in_with_password(client, user, login_url))
    joined = client.post(reverse("events:register", args=[camp.slug]))
    voted = client.get(joined["Location"])

    assert asked["Location"] == f"/{camp.slug}/"
    assert "Join the camp first: then your vote for “Tea tasting” counts." in _messages(asked)
    assert joined["Location"] == f"/{camp.slug}/sessions/{session.pk}/vote/"
    assert voted["Location"] == f"/{camp.slug}/sessions/"
    assert Vote.objects.filter(session=session, participant__user=user).count() == 1


def test_a_vote_kept_for_someone_on_the_waitlist_says_why_and_counts_nothing(client):
    camp = make_camp()
    open_voting(camp)
    session = make_session(camp=camp)
    user = make_user(password=PASSWORD)
    make_participant(camp=camp, user=user, status=Participant.Status.WAITLISTED)

    login_url = client.post(
        reverse("voting:vote", args=[camp.slug, session.pk]),
        {"want": "1"},
        HTTP_REFERER=f"http://testserver/{camp.slug}/pitch/",
    )["Location"]
    response = client.get(log_in_with_password(client, user, login_url))

    assert response["Location"] == f"/{camp.slug}/pitch/"
    assert "You are on the waitlist – you can vote as soon as you move up." in _messages(response)
    assert Vote.objects.count() == 0


def test_a_vote_address_opened_without_a_kept_tap_changes_nothing(client):
    camp = make_camp()
    open_voting(camp)
    session = make_session(camp=camp)
    participant = make_participant(camp=camp)
    client.force_login(participant.user)

    response = client.get(reverse("voting:vote", args=[camp.slug, session.pk]))

    assert response["Location"] == session.get_absolute_url()
    assert Vote.objects.count() == 0


# --- Propose -----------------------------------------------------------------------------------


def test_a_proposal_sent_logged_out_is_back_in_the_form_after_the_login(client):
    camp = make_camp()
    user = make_user(password=PASSWORD)
    make_participant(camp=camp, user=user)

    sent = client.post(
        reverse("sessions:new", args=[camp.slug]),
        {"title": "Knitting for coders", "description": "Bring *yarn*.", "format": "workshop"},
        HTTP_REFERER=f"http://testserver/{camp.slug}/sessions/new/",
    )
    form = client.get(log_in_with_password(client, user, sent["Location"]))

    content = form.content.decode()
    assert form.status_code == 200
    assert 'value="Knitting for coders"' in content
    assert "Bring *yarn*." in content
    assert '<option value="workshop" selected>' in content
    assert Session.objects.count() == 0


def test_propose_waits_for_the_join_and_goes_on_to_the_form(client):
    camp = make_camp()
    client.force_login(make_user())

    asked = client.get(reverse("sessions:new", args=[camp.slug]))
    joined = client.post(reverse("events:register", args=[camp.slug]))

    assert asked["Location"] == f"/{camp.slug}/"
    assert "Join the camp first: then you go on to propose your session." in _messages(asked)
    assert joined["Location"] == reverse("sessions:new", args=[camp.slug])
    assert client.get(joined["Location"]).status_code == 200

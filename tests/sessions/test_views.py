import pytest
from django.urls import reverse

from events.models import Participant
from sessions.models import Session
from tests.factories import make_camp, make_organizer, make_participant, make_session, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def camp():
    return make_camp()


@pytest.fixture
def teilgeber(client, camp):
    client.cookies["django_language"] = "en"
    participant = make_participant(camp=camp)
    client.force_login(participant.user)
    return participant


def _data(camp, **overrides):
    data = {
        "title": "Kaffee und Open Source",
        "description": "",
        "format": "discussion",
        "language": "de",
        "tags": "kaffee, open source",
        "length": "1",
        "day": camp.start_date.isoformat(),
    }
    data.update(overrides)
    return data


def test_propose_a_session(client, camp, teilgeber):
    response = client.post(f"/{camp.slug}/sessions/new/", _data(camp))

    session = Session.objects.get()
    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url()
    assert session.tags == ["kaffee", "open source"]
    assert list(session.hosts.values_list("participant", flat=True)) == [teilgeber.pk]


def test_propose_page_needs_login(client, camp):
    response = client.get(f"/{camp.slug}/sessions/new/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("status", [None, Participant.Status.WAITLISTED])
def test_propose_without_registration_sends_to_the_camp_page(client, camp, status):
    user = make_user()
    if status:
        make_participant(camp=camp, user=user, status=status)
    client.force_login(user)

    response = client.post(f"/{camp.slug}/sessions/new/", _data(camp))

    assert response.status_code == 302
    assert response["Location"] == f"/{camp.slug}/"
    assert Session.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "This field is required."),
        ("title", "   ", "This field is required."),
        ("title", "x" * 10_000, "Ensure this value has at most 120 characters"),
        ("description", "x" * 2001, "Ensure this value has at most 2000 characters"),
        ("format", "keynote", "Select a valid choice."),
        ("length", "3", "Select a valid choice."),
        ("day", "1999-01-01", "Select a valid choice."),
        ("tags", "a, b, c, d, e, f", "At most 5 tags"),
    ],
)
def test_propose_bad_input_is_400_with_message_and_saves_nothing(
    client, camp, teilgeber, field, value, message
):
    response = client.post(f"/{camp.slug}/sessions/new/", _data(camp, **{field: value}))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Session.objects.count() == 0


def test_propose_while_pitching_is_closed_is_409(client, teilgeber):
    camp = teilgeber.camp
    camp.pitching_open = False
    camp.save()

    response = client.post(f"/{camp.slug}/sessions/new/", _data(camp))

    assert response.status_code == 409
    assert "closed the pitch" in response.content.decode()
    assert Session.objects.count() == 0


def test_host_edits_the_session(client, camp, teilgeber):
    session = make_session(camp=camp, host=teilgeber)

    response = client.post(f"/{camp.slug}/sessions/{session.pk}/edit/", _data(camp, title="Neu"))

    session.refresh_from_db()
    assert response.status_code == 302
    assert session.title == "Neu"


def test_someone_else_cannot_edit_or_withdraw(client, camp, teilgeber):
    session = make_session(camp=camp)

    edit = client.post(f"/{camp.slug}/sessions/{session.pk}/edit/", _data(camp, title="Hijacked"))
    withdraw = client.post(f"/{camp.slug}/sessions/{session.pk}/withdraw/")

    session.refresh_from_db()
    assert (edit.status_code, withdraw.status_code) == (404, 404)
    assert session.title != "Hijacked"
    assert session.status == Session.Status.PROPOSED


def test_organizer_can_edit_any_session_of_their_camp(client, camp):
    session = make_session(camp=camp)
    client.force_login(make_organizer(camp))

    response = client.post(f"/{camp.slug}/sessions/{session.pk}/edit/", _data(camp, title="Tidied"))

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Tidied"


def test_host_withdraws(client, camp, teilgeber):
    session = make_session(camp=camp, host=teilgeber)

    response = client.post(f"/{camp.slug}/sessions/{session.pk}/withdraw/")

    session.refresh_from_db()
    assert response.status_code == 302
    assert session.status == Session.Status.WITHDRAWN


def test_session_of_another_camp_is_404(client, camp, teilgeber):
    foreign = make_session()

    assert client.get(f"/{camp.slug}/sessions/{foreign.pk}/").status_code == 404
    assert client.post(f"/{camp.slug}/sessions/{foreign.pk}/edit/", _data(camp)).status_code == 404


def test_cohost_link_lets_a_teilgeber_join_as_host(client, camp, teilgeber):
    session = make_session(camp=camp)
    url = f"/{camp.slug}/sessions/{session.pk}/cohost/{session.invite_token}/"

    page = client.get(url)
    accepted = client.post(url)

    assert page.status_code == 200
    assert accepted.status_code == 302
    assert session.hosts.filter(participant=teilgeber).exists()


def test_cohost_link_with_wrong_token_is_404(client, camp, teilgeber):
    session = make_session(camp=camp)

    response = client.post(f"/{camp.slug}/sessions/{session.pk}/cohost/wrong/")

    assert response.status_code == 404
    assert session.hosts.count() == 1


def test_organizer_hides_a_session_and_others_no_longer_see_it(client, camp):
    session = make_session(camp=camp)
    organizer = make_organizer(camp)
    client.force_login(organizer)

    response = client.post(f"/{camp.slug}/sessions/{session.pk}/hide/", {"hidden": "1"})
    organizer_view = client.get(session.get_absolute_url())
    client.force_login(make_user())
    other_view = client.get(session.get_absolute_url())

    assert response.status_code == 302
    assert organizer_view.status_code == 200
    assert other_view.status_code == 404


def test_teilgeber_cannot_hide(client, camp, teilgeber):
    session = make_session(camp=camp)

    response = client.post(f"/{camp.slug}/sessions/{session.pk}/hide/", {"hidden": "1"})

    session.refresh_from_db()
    assert response.status_code == 404
    assert session.hidden is False


def test_description_markdown_is_sanitised(client, camp):
    session = make_session(
        camp=camp,
        description="**bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> [ok](https://example.org)",
    )

    content = client.get(session.get_absolute_url()).content.decode()

    assert "<strong>bold</strong>" in content
    assert "<script>alert(1)" not in content
    assert "javascript:" not in content
    assert "onerror" not in content
    assert '<a href="https://example.org" rel="nofollow noopener ugc">ok</a>' in content


@pytest.mark.parametrize(
    "next_url", ["0", "//evil.example/", "https://evil.example/", "javascript:alert(1)"]
)
def test_hide_with_a_bad_next_goes_back_to_the_session(client, camp, next_url):
    session = make_session(camp=camp)
    client.force_login(make_organizer(camp))

    response = client.post(
        f"/{camp.slug}/sessions/{session.pk}/hide/", {"hidden": "1", "next": next_url}
    )

    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url()

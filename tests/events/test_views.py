import datetime
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from events.models import Camp, Participant
from tests.factories import make_camp, make_participant, make_sponsor, make_user

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def teilgeber_client(english):
    user = make_user()
    english.force_login(user)
    english.user = user
    return english


def test_home_lists_upcoming_listed_camps_only(client):
    listed = make_camp(name="Listed Camp")
    make_camp(name="Unlisted Camp", visibility=Camp.Visibility.UNLISTED)
    past = timezone.localdate() - datetime.timedelta(days=10)
    make_camp(name="Past Camp", start_date=past, end_date=past)

    response = client.get("/")

    assert response.status_code == 200
    assert [camp.name for camp in response.context["camps"]] == [listed.name]


def test_camp_page_shows_what_when_where_and_sponsors(english):
    camp = make_camp(name="Barcamp Köln", venue_name="Stollwerck", hashtag="bcks")
    make_sponsor(camp, name="Kaffee GmbH")

    response = english.get(f"/{camp.slug}/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Barcamp Köln" in content
    assert "Stollwerck" in content
    assert "#bcks" in content
    assert "Kaffee GmbH" in content
    assert "Join the camp" in content


def test_unlisted_camp_page_is_reachable_by_its_link(client):
    camp = make_camp(visibility=Camp.Visibility.UNLISTED)

    assert client.get(f"/{camp.slug}/").status_code == 200


def test_unknown_camp_is_404(client):
    assert client.get("/no-such-camp/").status_code == 404


def test_camp_page_query_count_does_not_grow_with_sponsors_and_teilgeber(
    teilgeber_client, django_assert_max_num_queries
):
    small = make_camp()
    large = make_camp()
    make_sponsor(small)
    for _ in range(20):
        make_sponsor(large)
        make_participant(camp=large)
    for camp in (small, large):  # warm the session, the language and the camps' cache
        teilgeber_client.get(f"/{camp.slug}/")

    with django_assert_max_num_queries(8) as small_queries:
        teilgeber_client.get(f"/{small.slug}/")
    with django_assert_max_num_queries(len(small_queries)):
        teilgeber_client.get(f"/{large.slug}/")


def test_camp_page_does_not_ask_the_database_whether_a_teilgeber_organizes_it(
    teilgeber_client, django_assert_max_num_queries
):
    camp = make_camp()
    teilgeber_client.get(f"/{camp.slug}/")  # warm the session and the language

    with django_assert_max_num_queries(8) as queries:
        teilgeber_client.get(f"/{camp.slug}/")

    assert not [query for query in queries if "organizers" in query["sql"]]


def _counts_seats(queries):
    """The queries that count the camp's registered Teilgeber."""
    return [
        q
        for q in queries
        if "count(" in q["sql"].lower()
        and "events_participant" in q["sql"]
        and "'registered'" in q["sql"]
    ]


@pytest.mark.parametrize("status", [Participant.Status.REGISTERED, Participant.Status.WAITLISTED])
def test_camp_page_of_a_teilgeber_who_is_in_does_not_count_the_seats(
    teilgeber_client, django_assert_max_num_queries, status
):
    camp = make_camp(capacity=10)
    make_participant(camp=camp, user=teilgeber_client.user, status=status)
    teilgeber_client.get(f"/{camp.slug}/")  # warm the session and the language

    with django_assert_max_num_queries(8) as queries:
        response = teilgeber_client.get(f"/{camp.slug}/")

    assert response.status_code == 200
    assert "seats left" not in response.content.decode()
    assert not _counts_seats(queries)


def test_camp_page_counts_the_seats_for_whoever_may_still_join(
    teilgeber_client, django_assert_max_num_queries
):
    camp = make_camp(capacity=10)
    make_participant(camp=camp)
    make_participant(camp=camp, user=teilgeber_client.user, status=Participant.Status.CANCELLED)

    with django_assert_max_num_queries(8) as queries:
        response = teilgeber_client.get(f"/{camp.slug}/")

    assert "9 seats left." in response.content.decode()
    assert len(_counts_seats(queries)) == 1


def test_register_anonymous_is_sent_to_login_and_the_tap_is_kept(client):
    camp = make_camp()

    response = client.post(
        f"/{camp.slug}/register/", HTTP_REFERER=f"http://testserver/{camp.slug}/"
    )

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/{camp.slug}/register/"
    assert client.session["barcamp-pending-action"]["path"] == f"/{camp.slug}/register/"
    assert client.session["barcamp-pending-action"]["page"] == f"/{camp.slug}/"
    assert camp.participants.count() == 0


def test_register_anonymous_htmx_gets_client_redirect(client):
    camp = make_camp()

    response = client.post(
        f"/{camp.slug}/register/",
        headers={**HTMX, "HX-Current-URL": f"http://testserver/{camp.slug}/"},
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('account_login')}?next=/{camp.slug}/register/"


def test_register_with_one_tap_registers(teilgeber_client):
    camp = make_camp()

    response = teilgeber_client.post(f"/{camp.slug}/register/")

    assert response.status_code == 302
    assert response["Location"] == f"/{camp.slug}/"
    assert camp.participants.get().status == Participant.Status.REGISTERED


def test_register_htmx_swaps_the_registration_panel(teilgeber_client):
    camp = make_camp()

    response = teilgeber_client.post(f"/{camp.slug}/register/", headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<section id="registration"')
    assert "You are registered." in content
    assert "<html" not in content


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_register_when_full_says_waitlist_once(teilgeber_client, htmx):
    camp = make_camp(capacity=1)
    make_participant(camp=camp)

    response = teilgeber_client.post(
        f"/{camp.slug}/register/", follow=True, headers=HTMX if htmx else {}
    )

    content = response.content.decode()
    assert "You are on the waitlist, number 1." in content
    assert content.count("on the waitlist") == 1


def test_register_while_closed_is_409_with_message_and_saves_nothing(teilgeber_client):
    camp = make_camp(registration_open=False)

    response = teilgeber_client.post(f"/{camp.slug}/register/")

    assert response.status_code == 409
    assert "Registration for this camp is closed." in response.content.decode()
    assert camp.participants.count() == 0


def test_register_by_get_without_a_kept_tap_changes_nothing(teilgeber_client):
    camp = make_camp()

    response = teilgeber_client.get(f"/{camp.slug}/register/")

    assert response.status_code == 302
    assert response["Location"] == f"/{camp.slug}/"
    assert camp.participants.count() == 0


def test_register_unknown_camp_is_404(teilgeber_client):
    assert teilgeber_client.post("/nope/register/").status_code == 404


def test_register_without_csrf_token_is_403():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    camp = make_camp()

    response = client.post(f"/{camp.slug}/register/")

    assert response.status_code == 403
    assert camp.participants.count() == 0


def test_cancel_gives_the_seat_to_the_waitlist(teilgeber_client):
    camp = make_camp(capacity=1)
    make_participant(camp=camp, user=teilgeber_client.user)
    waiting = make_participant(camp=camp, status=Participant.Status.WAITLISTED)

    response = teilgeber_client.post(f"/{camp.slug}/cancel/")

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.is_registered
    assert camp.participants.get(user=teilgeber_client.user).is_cancelled


def test_profile_needs_a_registration(teilgeber_client):
    camp = make_camp()

    response = teilgeber_client.get(f"/{camp.slug}/profile/")

    assert response.status_code == 302
    assert response["Location"] == f"/{camp.slug}/"


def test_profile_anonymous_is_sent_to_login(client):
    camp = make_camp()

    response = client.get(f"/{camp.slug}/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def _profile_data(**overrides):
    data = {
        "display_name": "Anna",
        "hashtag_1": "#python",
        "hashtag_2": "community",
        "hashtag_3": "",
        "bio": "Builds things.",
        "links": "https://example.org\nhttps://social.example/@anna",
        "is_public": "on",
    }
    data.update(overrides)
    return data


def test_profile_edit_saves(teilgeber_client):
    camp = make_camp()
    participant = make_participant(camp=camp, user=teilgeber_client.user)

    response = teilgeber_client.post(f"/{camp.slug}/profile/", _profile_data())

    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.display_name == "Anna"
    assert participant.hashtags == ["python", "community"]
    assert participant.links == ["https://example.org", "https://social.example/@anna"]
    assert participant.is_public is True


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("display_name", "   ", "This field is required."),
        ("display_name", "x" * 81, "Ensure this value has at most 80 characters"),
        ("hashtag_1", "two words", "A hashtag is one word"),
        ("hashtag_2", "<script>", "A hashtag is one word"),
        ("bio", "x" * 10_000, "Ensure this value has at most 500 characters"),
        ("links", "javascript:alert(1)", "is not a web address"),
        ("links", "\n".join(f"https://example.org/{i}" for i in range(6)), "At most 5 links"),
    ],
)
def test_profile_bad_input_is_400_with_message_and_changes_nothing(
    teilgeber_client, field, value, message
):
    camp = make_camp()
    participant = make_participant(camp=camp, user=teilgeber_client.user, display_name="Before")

    response = teilgeber_client.post(f"/{camp.slug}/profile/", _profile_data(**{field: value}))

    assert response.status_code == 400
    assert message in response.content.decode()
    participant.refresh_from_db()
    assert participant.display_name == "Before"
    assert participant.is_public is False


def test_people_lists_only_registered_teilgeber_who_opted_in(client):
    camp = make_camp()
    make_participant(camp=camp, display_name="Public Anna", is_public=True)
    make_participant(camp=camp, display_name="Private Ben")
    make_participant(
        camp=camp, display_name="Gone Carla", is_public=True, status=Participant.Status.CANCELLED
    )
    make_participant(camp=make_camp(), display_name="Other Camp Dana", is_public=True)

    response = client.get(f"/{camp.slug}/people/")

    assert [person.display_name for person in response.context["people"]] == ["Public Anna"]
    assert "Private Ben" not in response.content.decode()


def test_user_text_is_escaped(client):
    camp = make_camp(name="<script>alert(1)</script>")
    make_participant(camp=camp, display_name="<img src=x onerror=alert(1)>", is_public=True)

    content = client.get(f"/{camp.slug}/people/").content.decode()

    assert "<script>alert(1)" not in content
    assert "<img src=x" not in content
    assert "&lt;img src=x onerror=alert(1)&gt;" in content


def test_pages_are_german_by_default_and_switch_to_english(client):
    camp = make_camp()

    german = client.get(f"/{camp.slug}/", HTTP_ACCEPT_LANGUAGE="en-US,en")
    switched = client.post("/i18n/setlang/", {"language": "en", "next": f"/{camp.slug}/"})
    english = client.get(f"/{camp.slug}/")

    assert german.headers["Content-Language"] == "de"
    assert 'lang="de"' in german.content.decode()
    assert "Beim Camp dabei sein" in german.content.decode()
    assert switched.status_code == 302
    assert english.headers["Content-Language"] == "en"
    assert "Join the camp" in english.content.decode()


def test_favicon_ico_is_served_at_the_root(client):
    # Browsers ask for it on pages without an icon link: the admin, PDFs, exports.
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content.startswith(b"ok")


def test_healthz_answers_503_when_the_database_does_not(client):
    # On PostgreSQL the check takes a connection from the pool itself (barcamp.db).
    gone = (
        mock.patch.object(connection.pool, "connection", side_effect=OperationalError("down"))
        if connection.vendor == "postgresql"
        else mock.patch(
            "django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")
        )
    )
    with gone:
        response = client.get("/healthz")

    assert response.status_code == 503


def test_readyz_answers_200_when_database_and_cache_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 200


def test_readyz_names_the_cache_when_it_is_gone(client):
    with mock.patch("django.core.cache.cache.set", side_effect=ConnectionError("redis down")):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.content == b"unavailable: cache\n"


def test_pages_send_the_security_headers_and_a_strict_csp(client):
    camp = make_camp()

    response = client.get(f"/{camp.slug}/")

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()  # htmx's script tag carries it


def test_only_strictly_necessary_cookies_are_set_for_a_visitor(client):
    camp = make_camp()

    response = client.get(f"/{camp.slug}/")

    assert set(response.cookies) <= {"csrftoken"}


def test_privacy_page_shows_the_operators_text(client, tmp_path, settings):
    notice = tmp_path / "privacy.md"
    notice.write_text(
        "Run by **Barcamp Köln e.V.**, <script>x</script> datenschutz@example.org", encoding="utf-8"
    )
    settings.PRIVACY_POLICY_FILE = str(notice)
    client.cookies["django_language"] = "en"

    content = client.get("/privacy/").content.decode()

    assert "<strong>Barcamp Köln e.V.</strong>" in content
    assert "<script>x" not in content
    assert "No tracking, no third-party requests" in content


def test_privacy_page_says_when_the_operator_has_not_filled_it_in(client, settings):
    settings.PRIVACY_POLICY_FILE = ""
    client.cookies["django_language"] = "en"

    assert "has not filled in their privacy notice" in client.get("/privacy/").content.decode()

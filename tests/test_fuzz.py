"""Every form and POST endpoint fuzzed: random and hostile input never gives a 500, and a refused
request (4xx) writes nothing."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import notifications, wall
from events.models import (
    Announcement,
    Camp,
    Notification,
    NotificationSettings,
    Participant,
    WallPost,
)
from sessions.models import NoteRevision, Session, SessionLink, TopicWish, WishVote
from tests.factories import (
    make_camp,
    make_notes,
    make_organizer,
    make_participant,
    make_room,
    make_series,
    make_session,
    make_slot,
    make_wish,
    open_voting,
)
from voting.grid import board
from voting.models import CampFeedback, Placement, PublishedPlan, SessionFeedback, Vote

pytestmark = pytest.mark.django_db

HOSTILE = st.one_of(
    st.text(max_size=50),
    st.text(min_size=5000, max_size=12000, alphabet="xäß€🙂"),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "\"'><img src=x onerror=alert(1)>",
            "javascript:alert(1)",
            "1 OR 1=1; --",
            "\x00",
            "-1",
            "0",
            "99999999999999999999",
            "1.5",
            "2027-02-30",
            "25:61",
            "",
            " ",
            "1",
            "want",
            "skip",
            "start",
            "next",
            "move",
            "publish",
            "undo",
            "keep",
            "save",
            "preview",
            "slides",
            "https://example.org/x",
            "<<<<<<< a\nx\n======= b\ny\n>>>>>>>",
            "check-in",
            "admit",
            "undo",
            "FUZZ23",
            "fuzz-23",
            "5",
            "=1+1",
            "approve",
            "hide",
            "unhide",
            "announce",
            "pin",
            "unpin",
            "remove",
            "approval-off",
        ]
    ),
)
FIELDS = {
    "profile": ["display_name", "hashtag_1", "hashtag_2", "hashtag_3", "bio", "links", "is_public"],
    "new": ["title", "description", "format", "language", "tags", "length", "day"],
    "vote": ["want", "next"],
    "quick": ["session", "choice"],
    "manage": ["action", "day", "session"],
    "board": ["action", "day", "session", "room", "slot", "value", "announcement"],
    "merge": ["into"],
    "hide": ["hidden", "next"],
    "edit": ["title", "description", "format", "language", "tags", "length", "day"],
    "withdraw": ["next"],
    "cohost": ["token"],
    "renew": ["next"],
    "register": ["next"],
    "cancel": ["next"],
    "setlang": ["language", "next"],
    "generate-slots": [
        "date",
        "start",
        "end",
        "length",
        "gap",
        "break_start",
        "break_end",
        "replace",
    ],
    "delete": ["confirm", "sessions"],
    "notes": ["text", "base_revision", "action"],
    "add-link": ["kind", "title", "url", "file"],
    "remove-link": ["next"],
    "door": ["action", "code", "q", "next"],
    "session-feedback": ["rating", "comment", "next"],
    "camp-feedback": ["rating", "good", "improve", "come_again"],
    "wall": ["text", "nonce"],
    "wall-post": ["action"],
    "wall-manage": ["action", "text", "nonce", "announcement"],
    "wishes": ["title", "description"],
    "wish-vote": ["want", "next"],
    "wish-hide": ["hidden"],
    "notifications": ["session_placed", "plan_published", "reminder", "wish_taken_up"],
    "next-camp": ["name", "slug", "start_date", "end_date", "hashtag"],
    "take-up": ["title", "format", "language", "length", "day", "wish"],
}
# Endpoints whose fields are checkboxes or copied through one service: fewer examples do.
EXAMPLES = {"notifications": 8, "next-camp": 12, "take-up": 12, "wish-hide": 12, "unsubscribe": 8}
ANONYMOUS_FIELDS = {
    "signup": ["email", "password1"],
    "login": ["login", "password"],
    "login-code": ["email"],
    "confirm-code": ["code"],
    "unsubscribe": ["List-Unsubscribe"],
}


def counts():
    return (
        Participant.objects.count(),
        Session.objects.count(),
        Vote.objects.count(),
        Placement.objects.count(),
        PublishedPlan.objects.count(),
        NoteRevision.objects.count(),
        SessionLink.objects.count(),
        SessionFeedback.objects.count(),
        CampFeedback.objects.count(),
        Participant.objects.filter(checked_in_at__isnull=False).count(),
        WallPost.objects.count(),
        Announcement.objects.count(),
        # A refused moderation or setting must not change a state either.
        tuple(WallPost.objects.values_list("status", flat=True)),
        tuple(Announcement.objects.values_list("pinned", flat=True)),
        tuple(Camp.objects.values_list("wall_needs_approval", flat=True)),
        Camp.objects.count(),
        TopicWish.objects.count(),
        WishVote.objects.count(),
        NotificationSettings.objects.count(),
    )


@pytest.fixture
def world():
    series = make_series(slug="fuzz-series")
    camp = make_camp(slug="fuzz-camp", series=series)
    open_voting(camp)
    room, slot = make_room(camp), make_slot(camp)
    organizer = make_organizer(camp)
    # Organizes and takes part: reaches every endpoint; the door knows the code.
    make_participant(camp=camp, user=organizer, ticket_code="FUZZ23")
    session = make_session(camp=camp, host=make_participant(camp=camp))
    board.move_session(session=session, room=room, slot=slot)  # placed: it has its notes page
    make_notes(session, "Notes to fuzz\n\nsecond paragraph")
    link = SessionLink.objects.create(session=session, title="Pad", url="https://pad.example")
    post = wall.post_message(camp=camp, participant=make_participant(camp=camp), text="Hallo")
    wall.post_announcement(camp=camp, by=organizer, text="Lunch")
    wish = make_wish(series, title="A wished topic")
    return {
        "camp": camp,
        "organizer": organizer,
        "session": session,
        "link": link,
        "post": post,
        "series": series,
        "wish": wish,
    }


def urls(world):
    camp, session = world["camp"].slug, world["session"].pk
    token = world["session"].invite_token
    return {
        "edit": f"/{camp}/sessions/{session}/edit/",
        "withdraw": f"/{camp}/sessions/{session}/withdraw/",
        "cohost": f"/{camp}/sessions/{session}/cohost/{token}/",
        "renew": f"/{camp}/sessions/{session}/invitation/",
        "register": f"/{camp}/register/",
        "cancel": f"/{camp}/cancel/",
        "setlang": "/i18n/setlang/",
        "generate-slots": f"/admin/events/camp/{world['camp'].pk}/generate-slots/",
        "delete": "/account/delete/",
        "signup": "/accounts/signup/",
        "login": "/accounts/login/",
        "login-code": "/accounts/login/code/",
        "confirm-code": "/accounts/login/code/confirm/",
        "profile": f"/{camp}/profile/",
        "new": f"/{camp}/sessions/new/",
        "vote": f"/{camp}/sessions/{session}/vote/",
        "quick": f"/{camp}/vote/",
        "manage": f"/{camp}/pitch/manage/",
        "board": f"/{camp}/board/",
        "merge": f"/{camp}/sessions/{session}/merge/",
        "hide": f"/{camp}/sessions/{session}/hide/",
        "notes": f"/{camp}/sessions/{session}/notes/",
        "add-link": f"/{camp}/sessions/{session}/links/",
        "remove-link": f"/{camp}/sessions/{session}/links/{world['link'].pk}/remove/",
        "door": f"/{camp}/door/",
        "session-feedback": f"/{camp}/sessions/{session}/feedback/",
        "camp-feedback": f"/{camp}/feedback/",
        "wall": f"/{camp}/wall/",
        "wall-post": f"/{camp}/wall/{world['post'].pk}/",
        "wall-manage": f"/{camp}/wall/manage/",
        "wishes": "/series/fuzz-series/wishes/",
        "wish-vote": f"/series/fuzz-series/wishes/{world['wish'].pk}/vote/",
        "wish-hide": f"/series/fuzz-series/wishes/{world['wish'].pk}/hide/",
        "notifications": "/account/notifications/",
        "next-camp": f"/admin/events/series/{world['series'].pk}/next-camp/",
        "take-up": f"/{camp}/sessions/new/",
        "unsubscribe": notifications.unsubscribe_url(
            world["organizer"], Notification.REMINDER
        ).removeprefix("http://127.0.0.1:8000"),
    }


@pytest.mark.parametrize("endpoint", sorted(FIELDS) + sorted(ANONYMOUS_FIELDS))
def test_hostile_posts_never_fail_and_refusals_write_nothing(world, endpoint):
    client = Client()
    if endpoint in FIELDS:
        client.force_login(world["organizer"])
    fields = FIELDS.get(endpoint) or ANONYMOUS_FIELDS[endpoint]
    url = urls(world)[endpoint]

    @settings(
        max_examples=EXAMPLES.get(endpoint, 30),
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(data=st.fixed_dictionaries({}, optional={field: HOSTILE for field in fields}))
    def post(data):
        before = counts()
        response = client.post(url, data, headers={"HX-Request": "true"} if len(data) % 2 else {})
        assert response.status_code < 500, (endpoint, data, response.status_code)
        if response.status_code >= 400:
            assert counts() == before, (endpoint, data)

    post()


@pytest.mark.parametrize("endpoint", ["session-feedback", "camp-feedback"])
def test_hostile_feedback_in_a_running_camp_never_fails(endpoint):
    """The camp began yesterday, so the feedback forms validate and save what passes."""
    import datetime

    from django.utils import timezone

    from voting.grid import board

    day = timezone.localdate() - datetime.timedelta(days=1)
    camp = make_camp(slug="fuzz-running", start_date=day, end_date=day)
    room, slot = make_room(camp), make_slot(camp)
    session = make_session(camp=camp)
    board.move_session(session=session, room=room, slot=slot)
    board.publish_plan(camp=camp, date=day)
    client = Client()
    client.force_login(make_participant(camp=camp).user)
    url = {
        "session-feedback": f"/{camp.slug}/sessions/{session.pk}/feedback/",
        "camp-feedback": f"/{camp.slug}/feedback/",
    }[endpoint]

    @settings(max_examples=25, suppress_health_check=list(HealthCheck), deadline=None)
    @given(data=st.fixed_dictionaries({}, optional={field: HOSTILE for field in FIELDS[endpoint]}))
    def post(data):
        before = counts()
        response = client.post(url, data, headers={"HX-Request": "true"} if len(data) % 2 else {})
        assert response.status_code < 500, (endpoint, data, response.status_code)
        if response.status_code >= 400:
            assert counts() == before, (endpoint, data)

    post()


# Pages whose query parameters are read by hand (not through a form), with those parameters.
GET_FIELDS = {
    "people": ["q", "tag"],
    "session-list": ["q", "tag", "format", "day", "sort", "mine"],
    "door": ["q", "part"],
    "badges": ["code"],
    "wall": ["before"],
    "board": ["day"],
    "plan": ["day", "v"],
    "pitch": ["v"],
    "notes": ["edit"],
    "take-up": ["wish"],
}
# Each of these broke a page once: PostgreSQL refuses NUL in text, int() refuses "²".
NASTY = ["\x00", "a\x00b", "²", "1²", "99999999999999999999", "x" * 5000]


def get_urls(world):
    camp, session = world["camp"].slug, world["session"].pk
    return {
        **urls(world),
        "people": f"/{camp}/people/",
        "session-list": f"/{camp}/sessions/",
        "badges": f"/{camp}/door/badges.pdf",
        "board": f"/{camp}/board/",
        "plan": f"/{camp}/plan/",
        "pitch": f"/{camp}/pitch/",
        "notes": f"/{camp}/sessions/{session}/notes/",
    }


@pytest.mark.parametrize("endpoint", sorted(GET_FIELDS))
def test_hostile_query_parameters_never_fail(world, endpoint):
    client = Client()
    client.force_login(world["organizer"])
    url = get_urls(world)[endpoint]
    for field in GET_FIELDS[endpoint]:
        for value in NASTY:
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(url, {field: value}, headers=headers)
                assert response.status_code < 500, (endpoint, field, value, response.status_code)


@pytest.mark.parametrize("endpoint", sorted(FIELDS))
def test_nul_in_any_posted_field_never_fails(world, endpoint):
    """Drawn at random above now and then; here every field gets it, every run."""
    client = Client()
    client.force_login(world["organizer"])
    url = urls(world)[endpoint]
    for field in FIELDS[endpoint]:
        before = counts()
        response = client.post(url, {field: "a\x00b"}, headers={"HX-Request": "true"})
        assert response.status_code < 500, (endpoint, field, response.status_code)
        if response.status_code >= 400:
            assert counts() == before, (endpoint, field)

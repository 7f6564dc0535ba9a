"""Who may do what: every page and action of a camp against every role.

A person who may not see something gets a 404, not a hint that it exists; a person who is not
logged in is sent to the login (302); an action the role may see but not take is refused with a
message (403/409) or sends them where they can act (302)."""

import pytest
from django.test import Client
from django.urls import reverse

from events import wall
from events.models import Participant
from sessions.models import SessionLink
from tests.factories import (
    make_camp,
    make_notes,
    make_organizer,
    make_participant,
    make_room,
    make_series,
    make_session,
    make_slot,
    make_user,
    make_wish,
    open_voting,
)
from voting.grid import board

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "user",  # logged in, not registered for the camp
    "waitlisted",
    "teilgeber",
    "host",
    "other_organizer",
    "organizer",
    "superuser",
]


@pytest.fixture
def world():
    series = make_series()
    camp = make_camp(series=series)
    open_voting(camp)
    room = make_room(camp)
    slot = make_slot(camp)
    host = make_participant(camp=camp, display_name="Host")
    session = make_session(camp=camp, host=host, title="Visible")
    hidden = make_session(camp=camp, host=host, title="Hidden", hidden=True)
    board.move_session(session=session, room=room, slot=slot)
    board.publish_plan(camp=camp, date=camp.start_date)
    make_notes(session, "The first notes")
    link = SessionLink.objects.create(session=session, title="Pad", url="https://pad.example")
    teilgeber = make_participant(camp=camp)
    users = {
        "anonymous": None,
        "user": make_user(),
        "waitlisted": make_participant(camp=camp, status=Participant.Status.WAITLISTED).user,
        "teilgeber": teilgeber.user,
        "host": host.user,
        "other_organizer": make_organizer(make_camp()),
        "organizer": make_organizer(camp),
        "superuser": make_user(is_staff=True, is_superuser=True),
    }
    post = wall.show_post(
        post=wall.post_message(camp=camp, participant=host, text="Hallo"), by=users["organizer"]
    )
    return {
        "camp": camp,
        "session": session,
        "hidden": hidden,
        "room": room,
        "link": link,
        "users": users,
        "post": post,
        "host": host,
        "code": teilgeber.ticket_code,
        "series": series,
        "wish": make_wish(series, title="A wished topic"),
    }


def client_for(world, role):
    client = Client()
    if world["users"][role] is not None:
        client.force_login(world["users"][role])
    return client


OK, LOGIN, NOT_FOUND, REDIRECT = 200, "login", 404, 302
FORBIDDEN, CONFLICT = 403, 409


def expect(*, anonymous, user, waitlisted, teilgeber, host, other_organizer, organizer, superuser):
    return dict(locals())


EVERYONE = expect(
    anonymous=OK,
    user=OK,
    waitlisted=OK,
    teilgeber=OK,
    host=OK,
    other_organizer=OK,
    organizer=OK,
    superuser=OK,
)
ORGANIZERS_ONLY = expect(
    anonymous=LOGIN,
    user=NOT_FOUND,
    waitlisted=NOT_FOUND,
    teilgeber=NOT_FOUND,
    host=NOT_FOUND,
    other_organizer=NOT_FOUND,
    organizer=OK,
    superuser=OK,
)

MATRIX = [
    ("GET", "events:camp", {}, EVERYONE),
    ("GET", "events:people", {}, EVERYONE),
    ("GET", "voting:session-list", {}, EVERYONE),
    ("GET", "voting:session-detail", {"session": "session"}, EVERYONE),
    ("GET", "voting:pitch", {}, EVERYONE),
    ("GET", "voting:projector", {}, EVERYONE),
    ("GET", "voting:plan", {}, EVERYONE),
    ("GET", "voting:plan-ics", {}, EVERYONE),
    ("GET", "voting:schedule-json", {}, EVERYONE),
    ("GET", "voting:schedule-xml", {}, EVERYONE),
    ("GET", "voting:room-sign", {"room": "room"}, EVERYONE),
    ("GET", "events:wall", {}, EVERYONE),
    ("GET", "voting:projector-wall", {}, EVERYONE),
    (
        "GET",
        "voting:interests",
        {},
        {**EVERYONE, "anonymous": LOGIN},  # the page itself tells who did not opt in how to
    ),
    (
        "POST",
        "events:wall",
        {"data": {"text": "Hallo"}},
        expect(
            anonymous=LOGIN,
            user=FORBIDDEN,
            waitlisted=FORBIDDEN,
            teilgeber=REDIRECT,
            host=REDIRECT,
            other_organizer=FORBIDDEN,
            organizer=FORBIDDEN,
            superuser=FORBIDDEN,
        ),
    ),
    (
        "POST",
        "events:wall-post",
        {"post": "post", "data": {"action": "hide"}},
        {**ORGANIZERS_ONLY, "organizer": REDIRECT, "superuser": REDIRECT},
    ),
    (
        "POST",
        "events:wall-post",
        {"post": "post", "data": {"action": "delete"}},
        {**ORGANIZERS_ONLY, "host": REDIRECT, "organizer": REDIRECT, "superuser": REDIRECT},
    ),
    (
        "POST",
        "events:wall-manage",
        {"data": {"action": "announce", "text": "Lunch"}},
        {**ORGANIZERS_ONLY, "organizer": REDIRECT, "superuser": REDIRECT},
    ),
    ("GET", "voting:notes", {"session": "session"}, EVERYONE),
    ("GET", "voting:notes-revision", {"session": "session", "revision": 1}, EVERYONE),
    ("GET", "voting:documentation", {}, EVERYONE),
    ("GET", "voting:documentation-print", {}, EVERYONE),
    ("GET", "voting:documentation-markdown", {}, EVERYONE),
    ("GET", "voting:notes", {"session": "hidden"}, expect(**dict.fromkeys(ROLES, NOT_FOUND))),
    (
        "POST",
        "voting:notes",
        {"session": "session", "data": {"text": "More notes", "base_revision": "1"}},
        expect(
            anonymous=LOGIN,
            user=FORBIDDEN,
            waitlisted=FORBIDDEN,
            teilgeber=REDIRECT,
            host=REDIRECT,
            other_organizer=FORBIDDEN,
            organizer=REDIRECT,
            superuser=REDIRECT,
        ),
    ),
    (
        "POST",
        "voting:add-link",
        {"session": "session", "data": {"kind": "link", "title": "T", "url": "https://x.example"}},
        {**ORGANIZERS_ONLY, "host": REDIRECT, "organizer": REDIRECT, "superuser": REDIRECT},
    ),
    (
        "POST",
        "voting:remove-link",
        {"session": "session", "link": "link"},
        {**ORGANIZERS_ONLY, "host": REDIRECT, "organizer": REDIRECT, "superuser": REDIRECT},
    ),
    (
        "GET",
        "voting:session-detail",
        {"session": "hidden"},
        expect(
            anonymous=NOT_FOUND,
            user=NOT_FOUND,
            waitlisted=NOT_FOUND,
            teilgeber=NOT_FOUND,
            host=OK,
            other_organizer=NOT_FOUND,
            organizer=OK,
            superuser=OK,
        ),
    ),
    (
        "GET",
        "events:profile",
        {},
        expect(
            anonymous=LOGIN,
            user=REDIRECT,
            waitlisted=OK,
            teilgeber=OK,
            host=OK,
            other_organizer=REDIRECT,
            organizer=REDIRECT,
            superuser=REDIRECT,
        ),
    ),
    (
        "GET",
        "sessions:new",
        {},
        expect(
            anonymous=LOGIN,
            user=REDIRECT,
            waitlisted=REDIRECT,
            teilgeber=OK,
            host=OK,
            other_organizer=REDIRECT,
            organizer=REDIRECT,
            superuser=REDIRECT,
        ),
    ),
    (
        "GET",
        "sessions:edit",
        {"session": "session"},
        expect(
            anonymous=LOGIN,
            user=NOT_FOUND,
            waitlisted=NOT_FOUND,
            teilgeber=NOT_FOUND,
            host=OK,
            other_organizer=NOT_FOUND,
            organizer=OK,
            superuser=OK,
        ),
    ),
    (
        "POST",
        "sessions:withdraw",
        {"session": "session"},
        expect(
            anonymous=LOGIN,
            user=NOT_FOUND,
            waitlisted=NOT_FOUND,
            teilgeber=NOT_FOUND,
            host=REDIRECT,
            other_organizer=NOT_FOUND,
            organizer=REDIRECT,
            superuser=REDIRECT,
        ),
    ),
    (
        "POST",
        "sessions:hide",
        {"session": "session"},
        {**ORGANIZERS_ONLY, "organizer": REDIRECT, "superuser": REDIRECT},
    ),
    (
        "POST",
        "voting:vote",
        {"session": "session", "data": {"want": "1"}},
        expect(
            anonymous=LOGIN,
            user=FORBIDDEN,
            waitlisted=FORBIDDEN,
            teilgeber=REDIRECT,
            host=CONFLICT,
            other_organizer=FORBIDDEN,
            organizer=FORBIDDEN,
            superuser=FORBIDDEN,
        ),
    ),
    (
        "POST",
        "voting:merge",
        {"session": "hidden", "data": {"into": "session"}},
        {**ORGANIZERS_ONLY, "organizer": REDIRECT, "superuser": REDIRECT},
    ),
    (
        "GET",
        "voting:quick-vote",
        {},
        expect(
            anonymous=LOGIN,
            user=REDIRECT,
            waitlisted=REDIRECT,
            teilgeber=OK,
            host=OK,
            other_organizer=REDIRECT,
            organizer=REDIRECT,
            superuser=REDIRECT,
        ),
    ),
    ("GET", "voting:manage-pitch", {}, ORGANIZERS_ONLY),
    (
        "POST",
        "voting:manage-pitch",
        {"data": {"action": "start"}},
        {**ORGANIZERS_ONLY, "organizer": REDIRECT, "superuser": REDIRECT},
    ),
    ("GET", "voting:board", {}, ORGANIZERS_ONLY),
    # The door: the ticket is its Teilgeber's, check-in and badges are the organizers'.
    (
        "GET",
        "events:ticket",
        {},
        expect(
            anonymous=LOGIN,
            user=REDIRECT,
            waitlisted=OK,
            teilgeber=OK,
            host=OK,
            other_organizer=REDIRECT,
            organizer=REDIRECT,
            superuser=REDIRECT,
        ),
    ),
    ("GET", "events:door", {}, ORGANIZERS_ONLY),
    (
        "POST",
        "events:door",
        {"data": {"action": "check-in", "code": "code"}},
        {**ORGANIZERS_ONLY, "organizer": REDIRECT, "superuser": REDIRECT},
    ),
    (
        "GET",
        "events:door-ticket",
        {"code": "code"},
        {**ORGANIZERS_ONLY, "teilgeber": REDIRECT},  # one's own ticket: to the ticket page
    ),
    ("GET", "events:badges", {}, ORGANIZERS_ONLY),
    # Feedback: the camp is ahead, so registered Teilgeber hear "not yet" (409), others 403.
    (
        "GET",
        "voting:session-feedback",
        {"session": "session"},
        {**EVERYONE, "anonymous": LOGIN},
    ),
    (
        "POST",
        "voting:session-feedback",
        {"session": "session", "data": {"rating": "3"}},
        expect(
            anonymous=LOGIN,
            user=FORBIDDEN,
            waitlisted=FORBIDDEN,
            teilgeber=CONFLICT,
            host=CONFLICT,
            other_organizer=FORBIDDEN,
            organizer=FORBIDDEN,
            superuser=FORBIDDEN,
        ),
    ),
    ("GET", "voting:camp-feedback", {}, {**EVERYONE, "anonymous": LOGIN}),
    (
        "POST",
        "voting:camp-feedback",
        {"data": {"rating": "3"}},
        expect(
            anonymous=LOGIN,
            user=FORBIDDEN,
            waitlisted=FORBIDDEN,
            teilgeber=CONFLICT,
            host=CONFLICT,
            other_organizer=FORBIDDEN,
            organizer=FORBIDDEN,
            superuser=FORBIDDEN,
        ),
    ),
    ("GET", "voting:feedback-results", {}, ORGANIZERS_ONLY),
    ("GET", "voting:feedback-sessions-csv", {}, ORGANIZERS_ONLY),
    ("GET", "voting:feedback-camp-csv", {}, ORGANIZERS_ONLY),
    (
        "POST",
        "voting:board",
        {"data": {"action": "publish"}},
        {**ORGANIZERS_ONLY, "organizer": REDIRECT, "superuser": REDIRECT},
    ),
]


def resolve(world, name, spec):
    camp = world["camp"]
    args = [camp.slug]
    if "session" in spec:
        args.append(world[spec["session"]].pk)
    if "room" in spec:
        args.append(world["room"].pk)
    if "revision" in spec:
        args.append(spec["revision"])
    if "link" in spec:
        args.append(world["link"].pk)
    if "code" in spec:
        args.append(world["code"])
    if "post" in spec:
        args.append(world["post"].pk)
    data = {
        key: (world[value].pk if value in ("session", "hidden") else value)
        for key, value in spec.get("data", {}).items()
    }
    if data.get("code") == "code":
        data["code"] = world["code"]
    return reverse(name, args=args), data


# Every route for every role, each case with a world of its own: a sixth of the fast tier's time.
@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "name", "spec", "outcomes"),
    MATRIX,
    ids=[f"{m} {n} {'/'.join(map(str, s.get('data', s).values()))}" for m, n, s, _ in MATRIX],
)
def test_permission_matrix(world, role, method, name, spec, outcomes):
    url, data = resolve(world, name, spec)
    client = client_for(world, role)

    response = client.get(url) if method == "GET" else client.post(url, data)

    expected = outcomes[role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_admin_of_the_camp(world, role):
    client = client_for(world, role)

    response = client.get(reverse("admin:events_camp_change", args=[world["camp"].pk]))

    expected = {"organizer": 200, "superuser": 200, "other_organizer": 302}.get(role, 302)
    assert response.status_code == expected
    if role in {"anonymous", "user", "waitlisted", "teilgeber", "host"}:
        assert response["Location"].startswith(reverse("admin:login"))
    if role == "other_organizer":
        assert response["Location"] == reverse("admin:index")


# --- Series pages: topic wishes, and the account's e-mail settings ----------------------------

# Teilgeber of any camp of the series (registered or waitlisted) wish and vote; its organizers
# moderate; everyone may read. Refusals of people who may look but not wish are a 403 with the
# message in the page.
WISHERS = expect(
    anonymous=LOGIN,
    user=FORBIDDEN,
    waitlisted=REDIRECT,
    teilgeber=REDIRECT,
    host=REDIRECT,
    other_organizer=FORBIDDEN,
    organizer=FORBIDDEN,
    superuser=FORBIDDEN,
)
LOGGED_IN = {**EVERYONE, "anonymous": LOGIN}

SERIES_MATRIX = [
    ("GET", "sessions:wishes", {}, EVERYONE),
    ("POST", "sessions:wishes", {"data": {"title": "Another topic"}}, WISHERS),
    ("POST", "sessions:wish-vote", {"wish": True, "data": {"want": "1"}}, WISHERS),
    (
        "POST",
        "sessions:wish-hide",
        {"wish": True, "data": {"hidden": "1"}},
        {**ORGANIZERS_ONLY, "organizer": REDIRECT, "superuser": REDIRECT},
    ),
    ("GET", "events:notifications", {"account": True}, LOGGED_IN),
    (
        "POST",
        "events:notifications",
        {"account": True, "data": {"reminder": "on"}},
        {**LOGGED_IN, **{role: REDIRECT for role in ROLES if role != "anonymous"}},
    ),
]


@pytest.mark.slow  # as the camp's matrix
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "name", "spec", "outcomes"),
    SERIES_MATRIX,
    ids=[
        f"{m} {n} {'/'.join(map(str, s.get('data', {}).values()))}" for m, n, s, _ in SERIES_MATRIX
    ],
)
def test_series_permission_matrix(world, role, method, name, spec, outcomes):
    args = [] if spec.get("account") else [world["series"].slug]
    if spec.get("wish"):
        args.append(world["wish"].pk)
    url = reverse(name, args=args)
    client = client_for(world, role)

    response = client.get(url) if method == "GET" else client.post(url, spec.get("data", {}))

    expected = outcomes[role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_taking_up_a_wish_is_for_registered_teilgeber(world, role):
    url = reverse("sessions:new", args=[world["camp"].slug]) + f"?wish={world['wish'].pk}"

    response = client_for(world, role).get(url)

    expected = {"teilgeber": 200, "host": 200}.get(role, 302)
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ROLES)
def test_the_next_camp_page_of_the_series_admin(world, role):
    response = client_for(world, role).get(
        reverse("admin:events_series_next_camp", args=[world["series"].pk])
    )

    expected = {"organizer": 200, "superuser": 200, "other_organizer": 404}.get(role, 302)
    assert response.status_code == expected

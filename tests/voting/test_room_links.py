"""Who sees an online room's link, and where: registered Teilgeber and organizers, or everybody if
the camp made the links public.

Every route of the URL conf (as tests/voting/test_hidden_counts.py walks it: the admin, the
accounts' and the language switch left out) is asked as page, htmx fragment and poll by each kind
of visitor, and the routes whose answer carries the link must be exactly those expected for that
visitor. So a new page that shows the link, or a page that starts to show it to the wrong people,
fails here without being added; a page that stops showing it does too. The projector is walked
like every page and never shows it: a link on a screen that a room looks at (and photographs)
is public, and nobody taps it."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from events import wall
from events.models import Participant
from events.notifications import unsubscribe_token
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
    make_vote,
    make_wish,
)
from tests.voting.test_hidden_counts import ROUTES, VARIANTS
from voting.grid import board

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.org/bc-lovelace-7f3a"
ANCHOR = f'href="{LINK}" rel="noopener noreferrer" target="_blank"'

# Where a viewer who may see the links finds them: the phone's plan (its day, now & next and
# the agenda), the session page, its notes page, the room's sign, and the person's own calendar.
PAGES_WITH_LINKS = {
    "voting:plan",
    "voting:session-detail",
    "voting:notes",
    "voting:room-sign",
}
OWN_CALENDAR = {"voting:agenda-ics"}
PUBLIC_FEEDS = {"voting:plan-ics", "voting:schedule-json", "voting:schedule-xml"}

# Roles: whom a camp's links are kept from, and whom they are for.
KEPT_FROM = ["anonymous", "stranger", "other-organizer", "waitlisted", "cancelled"]
SHOWN_TO = ["teilgeber", "host", "organizer"]
ROLES = KEPT_FROM + SHOWN_TO


def expected(role, *, public):
    """The routes whose answers carry the link for this role."""
    has_calendar = role in {"teilgeber", "host", "waitlisted", "cancelled"}
    if public:
        return PAGES_WITH_LINKS | PUBLIC_FEEDS | (OWN_CALENDAR if has_calendar else set())
    if role in SHOWN_TO:
        return PAGES_WITH_LINKS | (OWN_CALENDAR if has_calendar else set())
    return set()


@pytest.fixture
def world():
    """A camp with an online room, one session in it on the published plan, and one of each
    visitor; the session is on the agenda of every Teilgeber with a calendar."""
    series = make_series()
    camp = make_camp(series=series)
    room = make_room(camp, name="Lovelace", online_url=LINK, online_only=True)
    make_room(camp, name="Saal")  # at the venue: no link anywhere
    slot = make_slot(camp)
    host = make_participant(camp=camp, display_name="Host")
    session = make_session(camp=camp, host=host, title="Pitched")
    board.move_session(session=session, room=room, slot=slot)
    board.publish_plan(camp=camp, date=camp.start_date)
    make_notes(session, "Notes")
    link = SessionLink.objects.create(session=session, title="Pad", url="https://pad.example")
    organizer = make_organizer(camp)
    people = {
        "host": host,
        "teilgeber": make_participant(camp=camp, display_name="Teilgeber"),
        "waitlisted": make_participant(
            camp=camp, display_name="Waiting", status=Participant.Status.WAITLISTED
        ),
        "cancelled": make_participant(
            camp=camp, display_name="Gone", status=Participant.Status.CANCELLED
        ),
    }
    # Votes from before they lost their seat: their calendars still list the session.
    for role in ("teilgeber", "waitlisted", "cancelled"):
        make_vote(session, people[role])
    post = wall.show_post(
        post=wall.post_message(camp=camp, participant=host, text="Hallo"), by=organizer
    )
    return {
        "camp": camp,
        "room": room,
        "session": session,
        "link": link,
        "post": post,
        "wish": make_wish(series, title="A wish"),
        "people": people,
        "users": {
            "anonymous": None,
            "stranger": make_user(),
            "other-organizer": make_organizer(make_camp()),
            "organizer": organizer,
            **{role: participant.user for role, participant in people.items()},
        },
    }


def path_values(world, role, name, kwargs):
    """The route's path values for this role, or None if the route is not this role's to ask
    (a calendar link belongs to a Teilgeber)."""
    participant = world["people"].get(role)
    tokens = {
        "voting:agenda-ics": participant.calendar_token if participant else None,
        "sessions:cohost": world["session"].invite_token,
        "events:unsubscribe": unsubscribe_token(
            world["users"][role] or world["users"]["teilgeber"], "reminder"
        ),
    }
    values = {
        "camp_slug": world["camp"].slug,
        "session_id": world["session"].pk,
        "room_id": world["room"].pk,
        "code": world["people"]["teilgeber"].ticket_code,
        "post_id": world["post"].pk,
        "series_slug": world["camp"].series.slug,
        "wish_id": world["wish"].pk,
        "number": 1,
        "link_id": world["link"].pk,
    }
    filled = {}
    for kwarg in kwargs:
        if kwarg == "token":
            if name not in tokens:
                pytest.fail(f"Tell this test how to fill <token> of {name}.")
            filled[kwarg] = tokens[name]
            if filled[kwarg] is None:
                return None
        elif kwarg in values:
            filled[kwarg] = values[kwarg]
        else:
            pytest.fail(f"Tell this test how to fill <{kwarg}> of {name}.")
    return filled


def client_for(world, role):
    client = Client()
    client.cookies["django_language"] = "en"
    if world["users"][role] is not None:
        client.force_login(world["users"][role])
    return client


def walk(world, role):
    """{(route, variant): response} of every route this role can ask."""
    client = client_for(world, role)
    answers = {}
    for name, kwargs, live_page in ROUTES:
        values = path_values(world, role, name, kwargs)
        if values is None:
            continue
        url = reverse(name, kwargs=values)
        for variant, headers in VARIANTS.items():
            if variant == "poll" and not live_page:
                continue
            extra = dict(headers)
            query = extra.pop("QUERY_STRING", "")
            answers[(name, variant)] = client.get(f"{url}?{query}" if query else url, **extra)
    return answers


def carrying_the_link(answers):
    return {key for key, response in answers.items() if LINK.encode() in response.content}


@pytest.mark.slow  # every answer of the camp, per role and choice
@pytest.mark.parametrize("public", [False, True], ids=["registered-only", "public"])
@pytest.mark.parametrize("role", ROLES)
def test_the_link_reaches_exactly_whom_the_camp_chose(world, role, public):
    world["camp"].room_links_public = public
    world["camp"].save()

    answers = walk(world, role)

    names = expected(role, public=public)
    # Every variant of such a route: the page, its fragment and its poll alike.
    assert carrying_the_link(answers) == {key for key in answers if key[0] in names}
    for name, variant in carrying_the_link(answers):
        response = answers[(name, variant)]
        if response["Content-Type"].startswith("text/html"):
            # A link that opens the conference beside the camp's page, telling it nothing.
            body = response.content.decode()
            assert body.count(LINK) == body.count(ANCHOR), (name, variant)


@pytest.mark.parametrize("role", SHOWN_TO)
def test_every_answer_with_a_link_the_camp_keeps_for_teilgeber_is_private(world, role):
    """No shared cache (a proxy, a CDN) may keep a page with the link and hand it to another."""
    answers = walk(world, role)

    for name, variant in carrying_the_link(answers):
        cache_control = answers[(name, variant)].get("Cache-Control", "")
        assert "private" in re.split(r",\s*", cache_control), (name, variant, cache_control)


def test_the_walk_covers_every_output_that_can_show_a_link():
    names = {name for name, _kwargs, _live in ROUTES}

    assert names >= PAGES_WITH_LINKS | OWN_CALENDAR | PUBLIC_FEEDS | {"voting:projector"}


@pytest.mark.parametrize("first", ["anonymous", "organizer"])
def test_the_plan_each_process_keeps_per_version_is_kept_apart_for_whom_it_shows_links(
    world, first
):
    """The plan's shared parts are rendered once per version of the plan: a visitor's copy
    must not reach an organizer, nor an organizer's a visitor, whoever asks first."""
    url = reverse("voting:plan", args=[world["camp"].slug])
    order = [first, *({"anonymous", "organizer"} - {first})]

    bodies = {role: client_for(world, role).get(url).content for role in order}

    assert LINK.encode() not in bodies["anonymous"]
    assert LINK.encode() in bodies["organizer"]  # no agenda: the link is in the shared parts


def test_whoever_may_not_see_the_link_learns_the_room_is_online(world):
    client = client_for(world, "anonymous")

    plan = client.get(reverse("voting:plan", args=[world["camp"].slug])).content.decode()
    detail = client.get(world["session"].get_absolute_url()).content.decode()

    for body in (plan, detail):
        assert '<span class="room-kind">online</span>' in body
        assert "The online rooms’ links are shown to registered Teilgeber of the camp." in body
        assert LINK not in body


@pytest.mark.parametrize(
    ("status", "gets_link"),
    [(Participant.Status.REGISTERED, True), (Participant.Status.WAITLISTED, False)],
)
def test_a_host_is_told_the_link_with_the_place_of_their_session(
    django_capture_on_commit_callbacks, status, gets_link
):
    camp = make_camp()
    room = make_room(camp, name="Lovelace", online_url=LINK, online_only=True)
    host = make_participant(camp=camp, language="en", status=status)
    session = make_session(camp=camp, host=host, title="Rust")
    board.move_session(session=session, room=room, slot=make_slot(camp))

    with django_capture_on_commit_callbacks(execute=True):
        board.publish_plan(camp=camp, date=camp.start_date)

    (message,) = [m for m in mail.outbox if m.to == [host.user.email]]
    assert "placed at 10:00–10:45, Lovelace: “Rust”" in message.body
    assert (f"Online: {LINK}" in message.body) is gets_link
    assert (LINK in message.body) is gets_link


def test_the_board_marks_the_online_room_and_leaves_the_link_to_the_admin(world):
    client = client_for(world, "organizer")

    body = client.get(reverse("voting:board", args=[world["camp"].slug])).content.decode()

    assert 'Lovelace <span class="room-kind">online</span>' in body
    assert LINK not in body

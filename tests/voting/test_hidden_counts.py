"""While a camp hides the vote counts until voting closes, nothing shows them or follows them.

Every page, fragment, feed and poll of the site is asked twice, with other Teilgeber's votes
cast in between: while the counts are hidden both answers are the same (once the ever-new
CSRF tokens, nonces and live versions are set aside), so no count, and no order by count,
reaches anybody. The pages are every route of the URL conf (the admin, the accounts' and the
language switch's left out), so a new page is asked without being added here; a route whose
path needs a value this test cannot fill fails, asking for it. The answers to a vote are asked
the same way. Organizers see the counts where they work (ORGANIZERS_SEE_COUNTS); what the room
sees, on the projector and the door signs, hides them from an organizer's browser too.

The same walk with the counts shown proves that it notices a count (the control below)."""

import difflib
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from events import wall
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
    make_wish,
    open_voting,
)
from voting.grid import board
from voting.plenum import services

pytestmark = pytest.mark.django_db

LEFT_OUT = {"admin/", "accounts/", "i18n/"}  # Django's and allauth's pages, no counts of ours

# Where organizers see the counts while they are hidden: they run the camp from these.
ORGANIZERS_SEE_COUNTS = {
    "voting:session-list",
    "voting:session-detail",
    "voting:pitch",
    "voting:quick-vote",
    "voting:manage-pitch",
    "voting:board",
}
ROLES = ["anonymous", "teilgeber", "host", "organizer"]
VARIANTS = {
    "page": {},
    "fragment": {"HTTP_HX_REQUEST": "true"},
    "poll": {"HTTP_HX_REQUEST": "true", "QUERY_STRING": "v=stale"},
}


def routes():
    """(name, the names of its path's values, whether it is a live page that polls) of every
    route of the site but those LEFT_OUT."""
    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern) not in LEFT_OUT:
                    walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                live_page = hasattr(pattern.callback, "live_topics")  # barcamp.decorators
                found.append((name, tuple(pattern.pattern.converters), live_page))

    walk(get_resolver().url_patterns, None)
    return found


ROUTES = routes()


def _tokens(world, role):
    teilgeber = world["participants"]["teilgeber"]
    user = world["users"][role] or teilgeber.user
    # Made once: a signed token carries the moment it was made.
    return world["tokens"].setdefault(
        role,
        {
            "voting:agenda-ics": teilgeber.calendar_token,
            "sessions:cohost": world["session"].invite_token,
            "events:unsubscribe": unsubscribe_token(user, "reminder"),
        },
    )


def path_values(world, role, name, kwargs):
    values = {
        "camp_slug": world["camp"].slug,
        "session_id": world["session"].pk,
        "room_id": world["room"].pk,
        "code": world["participants"]["teilgeber"].ticket_code,
        "post_id": world["post"].pk,
        "series_slug": world["camp"].series.slug,
        "wish_id": world["wish"].pk,
        "number": 1,
        "link_id": world["link"].pk,
    }
    filled = {}
    for kwarg in kwargs:
        if kwarg == "token":
            filled[kwarg] = _tokens(world, role).get(name)
        else:
            filled[kwarg] = values.get(kwarg)
        if filled[kwarg] is None:
            pytest.fail(f"Tell this test how to fill <{kwarg}> of {name}.")
    return filled


@pytest.fixture
def world(monkeypatch):
    """A camp that hides its counts, voting open, one session pitched and placed on the plan."""
    # The clock stands still: feeds and health checks say when they were made.
    frozen = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    series = make_series()
    camp = make_camp(series=series, hide_counts_until_closed=True)
    open_voting(camp)
    room = make_room(camp, capacity=50)
    slot = make_slot(camp)
    host = make_participant(camp=camp, display_name="Host")
    session = make_session(camp=camp, host=host, title="Pitched")
    others = [make_session(camp=camp, title=f"Other {n}") for n in range(3)]
    board.move_session(session=session, room=room, slot=slot)
    board.publish_plan(camp=camp, date=camp.start_date)
    make_notes(session, "Notes")
    link = SessionLink.objects.create(session=session, title="Pad", url="https://pad.example")
    teilgeber = make_participant(camp=camp, display_name="Teilgeber")
    organizer = make_organizer(camp)
    post = wall.show_post(
        post=wall.post_message(camp=camp, participant=host, text="Hallo"), by=organizer
    )
    # Registered before the first answer, so that only their votes differ between the two.
    voters = [make_participant(camp=camp, display_name=f"Voter {n}") for n in range(4)]
    return {
        "tokens": {},
        "camp": camp,
        "room": room,
        "session": session,
        "others": others,
        "link": link,
        "post": post,
        "wish": make_wish(series, title="A wish"),
        "voters": voters,
        "participants": {"teilgeber": teilgeber, "host": host},
        "users": {
            "anonymous": None,
            "teilgeber": teilgeber.user,
            "host": host.user,
            "organizer": organizer,
        },
    }


def pitch(world, running):
    if running:
        started = services.start_pitch(camp=world["camp"], date=world["camp"].start_date)
        assert started.current == world["session"]  # the queue's first, voted for below


def cast_votes(world, capture):
    """Other Teilgeber vote as they do: through the service, the live pages told after commit."""
    session, (first_other, *_rest) = world["session"], world["others"]
    with capture(execute=True):
        for voter in world["voters"][:3]:
            services.set_vote(session=session, participant=voter, want=True)
        services.set_vote(session=first_other, participant=world["voters"][3], want=True)


def client_for(world, role):
    client = Client()
    client.cookies["django_language"] = "en"
    if world["users"][role] is not None:
        client.force_login(world["users"][role])
    return client


def normalized(world, response):
    """The answer without what differs on every request: CSRF tokens, nonces, a form's one-time
    token, a PDF's moment of making and its id, and the live version a page polls with (the votes have a
    topic of their own, which is not a count)."""
    body = response.content.decode(errors="replace")
    body = re.sub(r'(name="(?:csrfmiddlewaretoken|nonce)" value=")[^"]+', r"\1…", body)
    body = re.sub(r"(/CreationDate \(D:)\d+", r"\1…", body)
    body = re.sub(r"(/ID \[)<\w+><\w+>", r"\1…", body)
    body = re.sub(r'("x-csrftoken": ")[^"]+', r"\1…", body)
    body = re.sub(r'(nonce=")[^"]+', r"\1…", body)
    body = re.sub(r"([?&](?:amp;)?v=)[^\"&\s]+", r"\1…", body)
    return response.status_code, response.get("Location", ""), body


def ask(world, client, role, name, kwargs, variant):
    url = reverse(name, kwargs=path_values(world, role, name, kwargs))
    extra = dict(VARIANTS[variant])
    query = extra.pop("QUERY_STRING", "")
    return client.get(f"{url}?{query}" if query else url, **extra)


def answers_before_and_after_votes(world, capture, requests):
    """Each request answered, other Teilgeber vote, each answered again (by a new browser of
    the same person, which asks in the same order)."""
    first_clients, second_clients = {}, {}

    def answer(clients, role, *rest):
        if role not in clients:
            clients[role] = client_for(world, role)
        return ask(world, clients[role], role, *rest)

    before = [(key, answer(first_clients, *key)) for key in requests]
    cast_votes(world, capture)
    after = [answer(second_clients, *key) for key in requests]
    return {
        key: difference(normalized(world, first), normalized(world, second))
        for (key, first), second in zip(before, after, strict=True)
        if normalized(world, first) != normalized(world, second)
    }


def difference(first, second):
    """Where two answers differ, for the failure's message."""
    if first[:2] != second[:2]:
        return f"{first[:2]} → {second[:2]}"
    lines = difflib.unified_diff(first[2].splitlines(), second[2].splitlines(), n=0, lineterm="")
    return "\n".join(list(lines)[2:8])


def get_requests(role):
    return [
        (role, name, kwargs, variant)
        for name, kwargs, live_page in ROUTES
        for variant in VARIANTS
        if not (role == "organizer" and name in ORGANIZERS_SEE_COUNTS)
        if variant != "poll" or live_page
    ]


@pytest.mark.slow  # every page, fragment, feed and poll, per role
@pytest.mark.parametrize(
    ("role", "running"),
    # Stopped, the projector shows the plan instead of the pitch: the room's view, on a
    # screen of its own or on an organizer's laptop.
    [(role, True) for role in ROLES] + [("anonymous", False), ("organizer", False)],
    ids=lambda value: {True: "pitch-running", False: "pitch-stopped"}.get(value, value),
)
def test_no_page_fragment_feed_or_poll_changes_with_hidden_votes(
    world, django_capture_on_commit_callbacks, role, running
):
    pitch(world, running)

    changed = answers_before_and_after_votes(
        world, django_capture_on_commit_callbacks, get_requests(role)
    )

    assert changed == {}, "\n\n".join(f"{key}:\n{diff}" for key, diff in changed.items())


def test_the_walk_covers_the_pages_that_can_show_a_count():
    names = {name for name, _kwargs, _live in ROUTES}

    assert names >= {
        "voting:projector",
        "voting:projector-wall",
        "voting:pitch",
        "voting:session-list",
        "voting:session-detail",
        "voting:quick-vote",
        "voting:plan",
        "voting:room-sign",
        "voting:schedule-json",
        "voting:schedule-xml",
        "voting:plan-ics",
        "voting:agenda-ics",
        "voting:documentation-markdown",
    }
    assert {name for name, _kwargs, live_page in ROUTES if live_page} >= {
        "voting:projector",
        "voting:projector-wall",
        "voting:pitch",
        "voting:plan",
        "voting:room-sign",
    }


def test_control_the_walk_notices_counts_when_they_are_shown(
    world, django_capture_on_commit_callbacks
):
    world["camp"].hide_counts_until_closed = False
    world["camp"].save()
    pitch(world, True)
    requests = [
        (role, name, kwargs, "page")
        for role in ("anonymous", "teilgeber")
        for name, kwargs, _live in ROUTES
        if name
        in {
            "voting:projector",
            "voting:pitch",
            "voting:session-list",
            "voting:session-detail",
            "voting:quick-vote",
        }
    ]

    changed = answers_before_and_after_votes(world, django_capture_on_commit_callbacks, requests)

    assert {(role, name) for role, name, _kwargs, _variant in changed} == {
        ("anonymous", "voting:projector"),
        ("anonymous", "voting:pitch"),
        ("anonymous", "voting:session-list"),
        ("anonymous", "voting:session-detail"),
        ("teilgeber", "voting:projector"),
        ("teilgeber", "voting:pitch"),
        ("teilgeber", "voting:session-list"),
        ("teilgeber", "voting:session-detail"),
        ("teilgeber", "voting:quick-vote"),  # fewest votes first
    }


# --- The answers to a vote --------------------------------------------------------------------

HTMX = {"HTTP_HX_REQUEST": "true"}
# (who, route, its session, what is posted, headers): every way a vote is answered.
POSTS = [
    ("teilgeber", "voting:vote", "session", {"want": "1"}, HTMX),  # the quick path
    ("teilgeber", "voting:vote", "session", {}, HTMX),  # a toggle: the full path
    ("teilgeber", "voting:vote", "session", {"want": "1"}, {}),  # without JavaScript
    ("host", "voting:vote", "session", {"want": "1"}, HTMX),  # refused: the error's button
    ("teilgeber", "voting:quick-vote", None, {"choice": "skip", "session": "session"}, HTMX),
    ("teilgeber", "voting:quick-vote", None, {"choice": "want", "session": "session"}, HTMX),
    ("teilgeber", "voting:quick-vote", None, {"choice": "want", "session": "session"}, {}),
]


def post_and_undo(world, role, name, session, data, headers):
    """The answer to the post; what it wrote is rolled back, so it can be posted again."""
    args = [world["camp"].slug] + ([world[session].pk] if session else [])
    data = {key: world[value].pk if value == "session" else value for key, value in data.items()}
    with transaction.atomic():
        response = client_for(world, role).post(reverse(name, args=args), data, **headers)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("budget", [None, 5], ids=["no-budget", "budget"])
@pytest.mark.parametrize(
    ("role", "name", "session", "data", "headers"),
    POSTS,
    ids=[f"{p[0]} {p[1]} {p[3]} {'htmx' if p[4] else 'form'}" for p in POSTS],
)
def test_no_answer_to_a_vote_changes_with_hidden_votes(
    world, django_capture_on_commit_callbacks, budget, role, name, session, data, headers
):
    world["camp"].vote_budget = budget
    world["camp"].save()

    before = post_and_undo(world, role, name, session, data, headers)
    cast_votes(world, django_capture_on_commit_callbacks)
    after = post_and_undo(world, role, name, session, data, headers)

    assert before.status_code in {200, 302, 409}
    assert normalized(world, before) == normalized(world, after)


def test_control_a_vote_answers_with_the_count_when_it_is_shown(
    world, django_capture_on_commit_callbacks
):
    world["camp"].hide_counts_until_closed = False
    world["camp"].save()

    before = post_and_undo(world, *POSTS[0])
    cast_votes(world, django_capture_on_commit_callbacks)
    after = post_and_undo(world, *POSTS[0])

    assert "<strong>1</strong>" in before.content.decode()
    assert "<strong>4</strong>" in after.content.decode()

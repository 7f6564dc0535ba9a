"""A change committed while a live page is being rendered shows at the next poll, on every phone.

Each test commits a change at the worst moment — after the page read its data, before it
finished — the way a tap of "Next" lands among hundreds of phones' polls in the plenum.
"""

import re

import pytest
from django.core.cache import cache

from events import live, wall
from tests.factories import make_camp, make_participant, make_session, open_voting
from voting.plenum import queries, services

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def phone(client):
    client.cookies["django_language"] = "en"
    return client


def version_of(page):
    return re.search(r"\?v=([^\"&]+)", page).group(1)


@pytest.fixture
def next_during_the_render(monkeypatch, django_capture_on_commit_callbacks):
    """A running pitch whose organizer taps "Next" once, right after a page read the pitch."""
    camp = make_camp()
    open_voting(camp)
    make_session(camp=camp, title="Warm-up round", pitch_position=1)
    make_session(camp=camp, title="Rust in production", pitch_position=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_pitch(camp=camp, date=camp.start_date)
    read_pitch = queries.live_pitch

    def read_then_next(camp_read):
        pitch = read_pitch(camp_read)
        monkeypatch.setattr(queries, "live_pitch", read_pitch)  # once
        with django_capture_on_commit_callbacks(execute=True):
            services.step_pitch(camp=camp, step=1)
        return pitch

    monkeypatch.setattr(queries, "live_pitch", read_then_next)
    return camp


def test_a_pitch_step_while_a_phone_renders_shows_on_every_phone_at_the_next_poll(
    phone, next_during_the_render
):
    camp = next_during_the_render
    phone.force_login(make_participant(camp=camp).user)

    during = phone.get(f"/{camp.slug}/pitch/").text
    poll = phone.get(f"/{camp.slug}/pitch/", {"v": version_of(during)}, headers=HTMX)
    other_phone = phone.get(f"/{camp.slug}/pitch/").text

    assert '<h1 class="pitch-title">Warm-up round</h1>' in during
    assert poll.status_code == 200
    assert '<h1 class="pitch-title">Rust in production</h1>' in poll.text
    assert '<h1 class="pitch-title">Rust in production</h1>' in other_phone


def test_a_pitch_step_while_the_projector_renders_shows_at_its_next_poll(
    client, next_during_the_render
):
    camp = next_during_the_render

    during = client.get(f"/{camp.slug}/projector/").text
    poll = client.get(f"/{camp.slug}/projector/", {"v": version_of(during)}, headers=HTMX)

    assert '<h1 class="stage-title">Warm-up round</h1>' in during
    assert poll.status_code == 200
    assert '<h1 class="stage-title">Rust in production</h1>' in poll.text


def test_a_post_made_while_the_wall_renders_shows_at_the_next_poll(
    phone, monkeypatch, django_capture_on_commit_callbacks
):
    camp = make_camp(wall_needs_approval=False)
    author = make_participant(camp=camp)
    phone.force_login(make_participant(camp=camp).user)
    read_posts = wall.wall_posts

    def read_then_post(*args, **kwargs):
        posts = read_posts(*args, **kwargs)
        monkeypatch.setattr(wall, "wall_posts", read_posts)  # once
        with django_capture_on_commit_callbacks(execute=True):
            wall.post_message(camp=camp, participant=author, text="Coffee is ready")
        return posts

    monkeypatch.setattr(wall, "wall_posts", read_then_post)
    during = phone.get(f"/{camp.slug}/wall/").text
    poll = phone.get(f"/{camp.slug}/wall/", {"v": version_of(during)}, headers=HTMX)

    assert "Coffee is ready" not in during
    assert poll.status_code == 200
    assert "Coffee is ready" in poll.text


def test_a_value_is_kept_under_the_version_read_before_its_data():
    camp = make_camp()
    before = live.memo_version(camp.slug, (live.PITCH,))
    # A change lands between reading the version and keeping the value derived from old data
    # (a lost token is a new version too).
    cache.delete(f"live:{camp.slug}:{live.PITCH}")
    after = live.memo_version(camp.slug, (live.PITCH,))

    old = live.memoized(camp.slug, (live.PITCH,), "k", lambda: "old", version=before)
    new = live.memoized(camp.slug, (live.PITCH,), "k", lambda: "new")

    assert before != after
    assert (old, new) == ("old", "new")

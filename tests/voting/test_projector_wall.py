"""The projector's wall panel: announcements and the newest posts beside the grid, live by itself."""

import pytest
from django.urls import reverse

from events import live, wall
from tests.factories import make_camp, make_organizer, make_participant, make_session, make_vote
from voting.plenum import services
from voting.views.plenum import PROJECTOR_PAGE, PROJECTOR_WALL

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
STAGE = {**HTMX, "HX-Target": "projector-stage"}
WALL = {**HTMX, "HX-Target": "projector-wall"}


@pytest.fixture
def camp():
    return make_camp(hashtag="bcks")


@pytest.fixture
def organizer(camp):
    return make_organizer(camp)


def shown(camp, organizer, text, participant=None):
    post = wall.post_message(
        camp=camp, participant=participant or make_participant(camp=camp), text=text
    )
    return wall.show_post(post=post, by=organizer)


def wall_panel(camp):
    return reverse("voting:projector-wall", args=[camp.slug])


def projector(camp):
    return reverse("voting:projector", args=[camp.slug])


def test_projector_shows_announcements_and_shown_posts_only(client, camp, organizer):
    shown(camp, organizer, "Hello room", make_participant(camp=camp, display_name="Anna"))
    wall.post_message(camp=camp, participant=make_participant(camp=camp), text="Not yet")
    wall.hide_post(
        post=wall.post_message(camp=camp, participant=make_participant(camp=camp), text="Rude"),
        by=organizer,
    )
    for text in ("First", "Second", "Third", "Fourth"):
        wall.post_announcement(camp=camp, by=organizer, text=text)

    content = client.get(projector(camp)).content.decode()

    assert '<aside id="projector-wall"' in content
    assert "Hello room" in content and "Anna" in content
    assert "Not yet" not in content and "Rude" not in content
    assert [text in content for text in ("Fourth", "Third", "Second", "First")] == [
        True,
        True,
        True,
        False,  # the three newest fit on the wall
    ]
    assert "#bcks" in content


def test_projector_escapes_posts(client, camp, organizer):
    shown(camp, organizer, "<img src=x onerror=alert(1)>")

    content = client.get(projector(camp)).content.decode()

    assert "<img src=x" not in content
    assert "&lt;img src=x onerror=alert(1)&gt;" in content


def test_projector_without_posts_says_where_to_post(client, camp):
    client.cookies["django_language"] = "en"

    content = client.get(projector(camp)).content.decode()

    assert "Post on the wall from your phone:" in content
    assert f"/{camp.slug}/wall/" in content


def test_unchanged_wall_poll_is_204_without_a_query(client, camp, django_assert_num_queries):
    version = live.current_version(camp.slug, PROJECTOR_WALL)

    with django_assert_num_queries(0):
        response = client.get(wall_panel(camp), {"v": version}, headers=WALL)

    assert response.status_code == 204


def test_a_new_post_re_renders_the_wall_panel_and_not_the_stage(
    client, camp, organizer, django_capture_on_commit_callbacks
):
    stage_version = live.current_version(camp.slug, PROJECTOR_PAGE)
    wall_version = live.current_version(camp.slug, PROJECTOR_WALL)
    with django_capture_on_commit_callbacks(execute=True):
        shown(camp, organizer, "Fresh post")

    stage = client.get(projector(camp), {"v": stage_version}, headers=STAGE)
    panel = client.get(wall_panel(camp), {"v": wall_version}, headers=WALL)

    content = panel.content.decode()
    assert stage.status_code == 204
    assert panel.status_code == 200
    assert content.lstrip().startswith('<aside id="projector-wall"')
    assert "Fresh post" in content
    assert f"?v={live.current_version(camp.slug, PROJECTOR_WALL)}" in content
    assert "projector-stage" not in content


def test_a_vote_re_renders_the_stage_and_not_the_wall_panel(
    client, camp, django_capture_on_commit_callbacks
):
    session = make_session(camp=camp)
    services.start_pitch(camp=camp, date=camp.start_date)
    stage_version = live.current_version(camp.slug, PROJECTOR_PAGE)
    wall_version = live.current_version(camp.slug, PROJECTOR_WALL)
    with django_capture_on_commit_callbacks(execute=True):
        make_vote(session)
        live.mark_changed(camp.slug, live.VOTES)  # what the vote's commit does in a request

    stage = client.get(projector(camp), {"v": stage_version}, headers=STAGE)
    panel = client.get(wall_panel(camp), {"v": wall_version}, headers=WALL)

    assert stage.status_code == 200
    assert panel.status_code == 204


def test_an_announcement_re_renders_the_wall_panel(
    client, camp, organizer, django_capture_on_commit_callbacks
):
    wall_version = live.current_version(camp.slug, PROJECTOR_WALL)
    with django_capture_on_commit_callbacks(execute=True):
        wall.post_announcement(camp=camp, by=organizer, text="Lunch is ready")

    panel = client.get(wall_panel(camp), {"v": wall_version}, headers=WALL)

    assert panel.status_code == 200
    assert '<li class="side-item announcement">Lunch is ready</li>' in panel.content.decode()


def test_projector_with_posts_query_count_does_not_grow(client, django_assert_max_num_queries):
    def camp_with(posts):
        camp = make_camp()
        organizer = make_organizer(camp)
        wall.post_announcement(camp=camp, by=organizer, text="Lunch")
        for index in range(posts):
            shown(camp, organizer, f"Post {index}")
        return camp

    small, large = camp_with(2), camp_with(30)

    with django_assert_max_num_queries(12) as few:
        client.get(projector(small))
        client.get(wall_panel(small), headers=WALL)
    with django_assert_max_num_queries(len(few)):
        client.get(projector(large))
        client.get(wall_panel(large), headers=WALL)

"""The wall's pages: posting from the phone, the live poll, moderation and announcements."""

import pytest
from django.urls import reverse

from barcamp.live import versions
from events import live, wall
from events.models import Announcement, Participant, WallPost
from events.views_wall import WALL_PAGE
from tests.factories import make_camp, make_organizer, make_participant, make_user

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def camp():
    return make_camp(hashtag="bcks")


@pytest.fixture
def organizer(camp):
    return make_organizer(camp)


@pytest.fixture
def anna(camp):
    return make_participant(camp=camp, display_name="Anna")


@pytest.fixture
def as_anna(client, anna):
    client.force_login(anna.user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def as_organizer(client, organizer):
    client.force_login(organizer)
    client.cookies["django_language"] = "en"
    return client


def url(camp, name="events:wall", *args):
    return reverse(name, args=[camp.slug, *args])


def shown_post(camp, participant, text, organizer):
    return wall.show_post(
        post=wall.post_message(camp=camp, participant=participant, text=text), by=organizer
    )


# --- The page ------------------------------------------------------------------------------------


def test_wall_shows_shown_posts_and_pinned_announcements_to_everybody(
    client, camp, anna, organizer
):
    shown_post(camp, anna, "Coffee is great", organizer)
    wall.post_message(camp=camp, participant=anna, text="Still waiting")
    wall.post_announcement(camp=camp, by=organizer, text="Lunch at one")
    client.cookies["django_language"] = "en"

    response = client.get(url(camp))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Coffee is great" in content
    assert "Still waiting" not in content
    assert "Lunch at one" in content
    assert 'name="text"' not in content  # no form for a visitor
    assert "and join the camp to post" in content


def test_wall_shows_the_author_their_waiting_and_hidden_posts_marked(
    as_anna, camp, anna, organizer
):
    wall.post_message(camp=camp, participant=anna, text="Mine, waiting")
    wall.hide_post(
        post=wall.post_message(camp=camp, participant=anna, text="Mine, hidden"), by=organizer
    )

    content = as_anna.get(url(camp)).content.decode()

    assert "Mine, waiting" in content
    assert "Waiting for the organizers’ approval" in content
    assert "Mine, hidden" in content
    assert "Hidden by the organizers" in content
    assert "only you see it" in content


def test_hidden_post_is_invisible_to_other_teilgeber(client, camp, anna, organizer):
    wall.hide_post(post=wall.post_message(camp=camp, participant=anna, text="Gone"), by=organizer)
    client.force_login(make_participant(camp=camp).user)

    response = client.get(url(camp))

    assert "Gone" not in response.content.decode()


def test_wall_text_is_escaped_and_links_are_safe(client, camp, anna, organizer):
    shown_post(
        camp, anna, "<script>alert(1)</script> see https://example.org/x and #python", organizer
    )

    content = client.get(url(camp)).content.decode()

    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert '<a href="https://example.org/x" rel="nofollow noopener ugc">' in content
    assert f'href="/{camp.slug}/people/?tag=python"' in content


def test_wall_of_an_unknown_camp_is_404(client):
    assert client.get("/nope/wall/").status_code == 404


def test_wall_page_query_count_does_not_grow_with_posts(client, django_assert_max_num_queries):
    def camp_with(posts):
        camp = make_camp()
        organizer = make_organizer(camp)
        wall.post_announcement(camp=camp, by=organizer, text="Lunch")
        for index in range(posts):
            shown_post(camp, make_participant(camp=camp), f"Post {index}", organizer)
        viewer = make_participant(camp=camp)
        return camp, organizer, viewer

    small, small_orga, small_viewer = camp_with(2)
    large, large_orga, large_viewer = camp_with(40)

    for small_user, large_user in [
        (small_viewer.user, large_viewer.user),
        (small_orga, large_orga),
    ]:
        client.force_login(small_user)
        with django_assert_max_num_queries(12) as few:
            client.get(url(small))
        client.force_login(large_user)
        with django_assert_max_num_queries(len(few)):
            client.get(url(large))


# --- The live poll ---------------------------------------------------------------------------


def test_unchanged_wall_poll_is_204_without_a_query(client, camp, django_assert_num_queries):
    version = live.current_version(camp.slug, WALL_PAGE)

    with django_assert_num_queries(0):
        response = client.get(url(camp), {"v": version}, headers=HTMX)

    assert response.status_code == 204
    assert response.content == b""


def test_changed_wall_poll_renders_the_live_fragment(
    client, camp, anna, organizer, django_capture_on_commit_callbacks
):
    version = live.current_version(camp.slug, WALL_PAGE)
    with django_capture_on_commit_callbacks(execute=True):
        shown_post(camp, anna, "Fresh", organizer)

    response = client.get(url(camp), {"v": version}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="wall-live"')
    assert "Fresh" in content
    assert f"?v={live.current_version(camp.slug, WALL_PAGE)}" in content
    assert "<html" not in content


def test_a_vote_or_a_pitch_leaves_the_wall_poll_unchanged(
    client, camp, django_capture_on_commit_callbacks
):
    version = live.current_version(camp.slug, WALL_PAGE)
    with django_capture_on_commit_callbacks(execute=True):
        live.mark_changed(camp.slug, live.VOTES, live.PITCH, live.PLAN, live.DRAFT)

    response = client.get(url(camp), {"v": version}, headers=HTMX)

    assert response.status_code == 204


# --- Posting ---------------------------------------------------------------------------------


def test_post_plain_redirects_to_the_wall_with_a_message(as_anna, camp, anna):
    response = as_anna.post(url(camp), {"text": "Hallo Köln", "nonce": "abc"}, follow=True)

    assert response.redirect_chain == [(url(camp), 302)]
    assert "it appears on the wall once the organizers approve it" in response.content.decode()
    post = WallPost.objects.get()
    assert (post.participant, post.text, post.status) == (anna, "Hallo Köln", "pending")


def test_post_htmx_gives_a_fresh_form_and_the_wall_out_of_band(as_anna, camp):
    camp.wall_needs_approval = False
    camp.save()

    response = as_anna.post(url(camp), {"text": "Hallo", "nonce": "first"}, headers=HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<section id="wall-compose"')
    assert "Posted: it is on the wall and the projector." in content
    assert '<div id="wall-live"' in content and 'hx-swap-oob="true"' in content
    assert content.count("Posted: it is on the wall") == 1  # the messages appear once
    assert 'value="first"' not in content  # a new form, a new nonce
    assert '<p class="post-text">Hallo</p>' in content


def test_post_the_same_form_twice_posts_once(as_anna, camp):
    for _ in range(2):
        as_anna.post(url(camp), {"text": "Hallo", "nonce": "same"}, headers=HTMX)

    assert WallPost.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write something first."),
        ("  \r\n  ", "Write something first."),
        ("x" * 281, "At most 280 characters, please (this has 281)."),
        ("x" * 20_000, "At most 280 characters, please"),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_post_bad_text_is_400_with_message_and_posts_nothing(as_anna, camp, text, message, headers):
    response = as_anna.post(url(camp), {"text": text}, headers=headers)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert WallPost.objects.count() == 0


@pytest.mark.parametrize("status", [None, Participant.Status.WAITLISTED])
def test_post_by_someone_not_registered_is_403_with_message(client, camp, status):
    user = make_user()
    if status:
        make_participant(camp=camp, user=user, status=status)
    client.force_login(user)
    client.cookies["django_language"] = "en"

    response = client.post(url(camp), {"text": "Hallo"}, headers=HTMX)

    assert response.status_code == 403
    assert (
        "Only registered Teilgeber of this camp can post on its wall." in response.content.decode()
    )
    assert WallPost.objects.count() == 0


def test_post_anonymous_is_sent_to_login(client, camp):
    plain = client.post(url(camp), {"text": "Hallo"})
    htmx = client.post(url(camp), {"text": "Hallo"}, headers=HTMX)

    assert plain.status_code == 302
    assert plain["Location"].startswith(reverse("account_login"))
    assert htmx["HX-Redirect"].startswith(reverse("account_login"))
    assert WallPost.objects.count() == 0


# --- Moderation ------------------------------------------------------------------------------


def test_organizer_hides_a_post_by_htmx_and_gets_the_wall_back(as_organizer, camp, anna, organizer):
    post = shown_post(camp, anna, "Rude", organizer)

    response = as_organizer.post(
        url(camp, "events:wall-post", post.pk), {"action": "hide"}, headers=HTMX
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="wall-live"')
    assert "The post is hidden" in content
    assert WallPost.objects.get(pk=post.pk).is_hidden


@pytest.mark.parametrize(
    ("action", "status"), [("approve", "shown"), ("hide", "hidden"), ("unhide", "shown")]
)
def test_organizer_moderates_by_plain_post(as_organizer, camp, anna, action, status):
    post = wall.post_message(camp=camp, participant=anna, text="Hallo")

    response = as_organizer.post(url(camp, "events:wall-post", post.pk), {"action": action})

    assert response.status_code == 302
    assert WallPost.objects.get(pk=post.pk).status == status


def test_organizer_deletes_a_post(as_organizer, camp, anna):
    post = wall.post_message(camp=camp, participant=anna, text="Hallo")

    response = as_organizer.post(
        url(camp, "events:wall-post", post.pk), {"action": "delete"}, follow=True
    )

    assert "The post is deleted." in response.content.decode()
    assert WallPost.objects.count() == 0


def test_author_deletes_their_post_but_does_not_moderate_it(as_anna, camp, anna):
    post = wall.post_message(camp=camp, participant=anna, text="Hallo")

    approve = as_anna.post(url(camp, "events:wall-post", post.pk), {"action": "approve"})
    delete = as_anna.post(url(camp, "events:wall-post", post.pk), {"action": "delete"})

    assert approve.status_code == 404
    assert delete.status_code == 302
    assert WallPost.objects.count() == 0


@pytest.mark.parametrize("action", ["approve", "hide", "unhide", "delete"])
def test_other_teilgeber_cannot_moderate_and_nothing_changes(client, camp, anna, organizer, action):
    post = shown_post(camp, anna, "Hallo", organizer)
    client.force_login(make_participant(camp=camp).user)

    response = client.post(url(camp, "events:wall-post", post.pk), {"action": action}, headers=HTMX)

    assert response.status_code == 404
    assert WallPost.objects.get(pk=post.pk).is_shown


def test_organizer_of_another_camp_cannot_moderate(client, camp, anna):
    post = wall.post_message(camp=camp, participant=anna, text="Hallo")
    client.force_login(make_organizer(make_camp()))

    response = client.post(url(camp, "events:wall-post", post.pk), {"action": "approve"})

    assert response.status_code == 404
    assert WallPost.objects.get(pk=post.pk).is_pending


def test_moderating_a_post_of_another_camp_is_404(as_organizer, camp):
    other = make_camp()
    post = wall.post_message(camp=other, participant=make_participant(camp=other), text="Hallo")

    response = as_organizer.post(url(camp, "events:wall-post", post.pk), {"action": "hide"})

    assert response.status_code == 404
    assert WallPost.objects.get(pk=post.pk).is_pending


def test_unknown_moderation_is_400_and_changes_nothing(as_organizer, camp, anna):
    post = wall.post_message(camp=camp, participant=anna, text="Hallo")

    response = as_organizer.post(
        url(camp, "events:wall-post", post.pk), {"action": "explode"}, headers=HTMX
    )

    assert response.status_code == 400
    assert "Unknown action." in response.content.decode()
    assert WallPost.objects.get(pk=post.pk).is_pending


def test_organizer_sees_how_many_posts_wait(as_organizer, camp, anna):
    wall.post_message(camp=camp, participant=anna, text="one")
    wall.post_message(camp=camp, participant=anna, text="two")

    content = as_organizer.get(url(camp)).content.decode()

    assert "2 posts wait for your approval." in content
    assert content.count('value="approve"') == 2


# --- Announcements and the setting -----------------------------------------------------------


def test_organizer_pins_an_announcement_by_htmx(as_organizer, camp):
    response = as_organizer.post(
        url(camp, "events:wall-manage"),
        {"action": "announce", "text": "Lunch at one", "nonce": "a1"},
        headers=HTMX,
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<details id="wall-orga"')
    assert "The announcement is pinned on phones and the projector." in content
    assert '<div id="wall-live"' in content and 'hx-swap-oob="true"' in content
    assert list(Announcement.objects.values_list("text", "pinned")) == [("Lunch at one", True)]


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Write the announcement first."), ("x" * 281, "At most 280 characters")],
)
def test_announce_bad_text_is_400_and_pins_nothing(as_organizer, camp, text, message):
    response = as_organizer.post(
        url(camp, "events:wall-manage"), {"action": "announce", "text": text}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Announcement.objects.count() == 0


@pytest.mark.parametrize(("action", "pinned"), [("unpin", False), ("pin", True)])
def test_organizer_unpins_and_pins_again(as_organizer, camp, organizer, action, pinned):
    announcement = wall.post_announcement(camp=camp, by=organizer, text="Lunch")
    announcement.pinned = not pinned
    announcement.save()

    response = as_organizer.post(
        url(camp, "events:wall-manage"), {"action": action, "announcement": announcement.pk}
    )

    assert response.status_code == 302
    assert Announcement.objects.get().pinned is pinned


def test_organizer_removes_an_announcement(as_organizer, camp, organizer):
    announcement = wall.post_announcement(camp=camp, by=organizer, text="Lunch")

    response = as_organizer.post(
        url(camp, "events:wall-manage"),
        {"action": "remove", "announcement": announcement.pk},
        follow=True,
    )

    assert "The announcement is removed." in response.content.decode()
    assert Announcement.objects.count() == 0


@pytest.mark.parametrize("announcement", ["", "abc", "999999"])
def test_changing_a_missing_announcement_is_404_with_message(
    as_organizer, camp, organizer, announcement
):
    kept = wall.post_announcement(camp=camp, by=organizer, text="Lunch")

    response = as_organizer.post(
        url(camp, "events:wall-manage"),
        {"action": "remove", "announcement": announcement},
        headers=HTMX,
    )

    assert response.status_code == 404
    assert "That announcement is not there any more." in response.content.decode()
    assert list(Announcement.objects.all()) == [kept]


def test_announcement_of_another_camp_is_not_found(as_organizer, camp):
    other = make_camp()
    foreign = wall.post_announcement(camp=other, by=make_organizer(other), text="Elsewhere")

    response = as_organizer.post(
        url(camp, "events:wall-manage"), {"action": "remove", "announcement": foreign.pk}
    )

    assert response.status_code == 404
    assert Announcement.objects.filter(pk=foreign.pk).exists()


def test_organizer_lets_posts_appear_at_once(as_organizer, camp):
    response = as_organizer.post(
        url(camp, "events:wall-manage"), {"action": "approval-off"}, follow=True
    )

    camp.refresh_from_db()
    assert camp.wall_needs_approval is False
    assert "New posts appear at once." in response.content.decode()


@pytest.mark.parametrize("action", ["announce", "approval-off", "remove", "explode"])
def test_teilgeber_cannot_manage_the_wall(as_anna, camp, organizer, action):
    announcement = wall.post_announcement(camp=camp, by=organizer, text="Lunch")

    response = as_anna.post(
        url(camp, "events:wall-manage"),
        {"action": action, "text": "Free beer", "announcement": announcement.pk},
    )

    assert response.status_code == 404
    assert list(Announcement.objects.values_list("text", flat=True)) == ["Lunch"]
    camp.refresh_from_db()
    assert camp.wall_needs_approval is True


def test_unknown_manage_action_is_400(as_organizer, camp):
    response = as_organizer.post(url(camp, "events:wall-manage"), {"action": "explode"})

    assert response.status_code == 400
    assert "Unknown action." in response.content.decode()


def test_camp_page_shows_the_pinned_announcements(client, camp, organizer):
    wall.post_announcement(camp=camp, by=organizer, text="Lunch at one")
    unpinned = wall.post_announcement(camp=camp, by=organizer, text="Old news")
    wall.pin_announcement(announcement=unpinned, by=organizer, pinned=False)

    content = client.get(camp.get_absolute_url()).content.decode()

    assert '<p class="announcement">Lunch at one</p>' in content
    assert "Old news" not in content


def test_a_post_to_the_wall_reads_its_tokens_as_it_needs_them(as_anna, camp, monkeypatch):
    # A POST writes: the page it renders after reads the tokens then, not all at its start
    # (barcamp.live.versions.read_ahead is for GETs).
    reads = []
    get_many = versions.cache.get_many
    monkeypatch.setattr(
        versions.cache, "get_many", lambda keys: (reads.append(keys), get_many(keys))[1]
    )

    as_anna.post(url(camp), {"text": "Hallo", "nonce": "n1"}, headers=HTMX)

    assert reads and all(len(keys) < len(live.ALL) for keys in reads)

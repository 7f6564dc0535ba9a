"""The wall's rules, without HTTP: who posts, what a post may be, who moderates, what changes live."""

import pytest

from events import live, wall
from events.models import Announcement, Participant, WallPost
from tests.factories import make_camp, make_organizer, make_participant, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def camp():
    return make_camp(hashtag="bcks")


@pytest.fixture
def organizer(camp):
    return make_organizer(camp)


@pytest.fixture
def anna(camp):
    return make_participant(camp=camp, display_name="Anna")


# --- Posting ---------------------------------------------------------------------------------


def test_post_message_waits_for_approval_by_default(camp, anna):
    post = wall.post_message(camp=camp, participant=anna, text="  Hallo Köln!  ")

    assert post.status == WallPost.Status.PENDING
    assert post.text == "Hallo Köln!"
    assert camp.wall_needs_approval is True


def test_post_message_is_shown_at_once_when_the_camp_wants_that(anna):
    camp = anna.camp
    camp.wall_needs_approval = False
    camp.save()

    post = wall.post_message(camp=camp, participant=anna, text="Hallo")

    assert post.status == WallPost.Status.SHOWN


def test_post_message_keeps_280_characters(camp, anna):
    post = wall.post_message(camp=camp, participant=anna, text="ä" * 280)

    assert len(post.text) == 280


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write something first."),
        ("   \n\t ", "Write something first."),
        (None, "Write something first."),
        ("x" * 281, "A post has at most 280 characters."),
    ],
)
def test_post_message_refuses_empty_or_too_long_text(camp, anna, text, message):
    with pytest.raises(wall.InvalidText, match=message):
        wall.post_message(camp=camp, participant=anna, text=text)

    assert WallPost.objects.count() == 0


def test_post_message_normalises_line_breaks_before_counting(camp, anna):
    text = "abc\r\n" * 69 + "abcd"  # 349 characters sent, 280 once "\r\n" is one line break

    post = wall.post_message(camp=camp, participant=anna, text=text)

    assert len(post.text) == 280
    assert "\r" not in post.text


def test_post_message_keeps_at_most_one_empty_line(camp, anna):
    post = wall.post_message(camp=camp, participant=anna, text="one\n\n\n\n\ntwo")

    assert post.text == "one\n\ntwo"


@pytest.mark.parametrize("status", [Participant.Status.WAITLISTED, Participant.Status.CANCELLED])
def test_post_message_needs_a_registered_teilgeber(camp, status):
    waiting = make_participant(camp=camp, status=status)

    with pytest.raises(wall.NotAllowedToPost, match="Only registered Teilgeber"):
        wall.post_message(camp=camp, participant=waiting, text="Hallo")

    assert WallPost.objects.count() == 0


def test_post_message_without_a_teilgeber_is_refused(camp):
    with pytest.raises(wall.NotAllowedToPost):
        wall.post_message(camp=camp, participant=None, text="Hallo")


def test_post_message_on_the_wall_of_another_camp_is_refused(camp):
    stranger = make_participant(camp=make_camp())

    with pytest.raises(wall.NotAllowedToPost):
        wall.post_message(camp=camp, participant=stranger, text="Hallo")

    assert WallPost.objects.count() == 0


def test_post_message_twice_with_the_same_form_posts_once(camp, anna):
    first = wall.post_message(camp=camp, participant=anna, text="Hallo", nonce="n1")

    second = wall.post_message(camp=camp, participant=anna, text="Hallo", nonce="n1")
    other = wall.post_message(camp=camp, participant=anna, text="Hallo", nonce="n2")

    assert second.pk == first.pk
    assert other.pk != first.pk
    assert WallPost.objects.count() == 2


def test_post_message_changes_the_wall_and_nothing_else(
    camp, anna, django_capture_on_commit_callbacks
):
    before = {topic: live.current_version(camp.slug, (topic,)) for topic in live.ALL}

    with django_capture_on_commit_callbacks(execute=True):
        wall.post_message(camp=camp, participant=anna, text="Hallo")

    changed = {t for t in live.ALL if live.current_version(camp.slug, (t,)) != before[t]}
    assert changed == {live.WALL}


# --- Who sees what ----------------------------------------------------------------------------


def test_hidden_and_waiting_posts_are_seen_by_their_author_and_organizers_only(
    camp, anna, organizer
):
    ben = make_participant(camp=camp, display_name="Ben")
    shown = wall.show_post(
        post=wall.post_message(camp=camp, participant=anna, text="shown"), by=organizer
    )
    hidden = wall.hide_post(
        post=wall.post_message(camp=camp, participant=anna, text="hidden"), by=organizer
    )
    waiting = wall.post_message(camp=camp, participant=anna, text="waiting")

    for_ben = wall.wall_posts(camp, participant=ben)
    for_anna = wall.wall_posts(camp, participant=anna)
    for_anonymous = wall.wall_posts(camp)
    for_organizers = wall.wall_posts(camp, is_organizer=True)
    on_the_projector = wall.projector_posts(camp)

    assert for_ben == for_anonymous == on_the_projector == [shown]
    assert for_anna == for_organizers == [waiting, hidden, shown]


def test_wall_posts_of_another_camp_stay_there(camp, anna, organizer):
    other = make_camp()
    other.wall_needs_approval = False
    other.save()
    wall.post_message(camp=other, participant=make_participant(camp=other), text="elsewhere")

    assert wall.wall_posts(camp, is_organizer=True) == []
    assert wall.projector_posts(camp) == []


def test_wall_posts_pages_by_id(camp, anna):
    camp.wall_needs_approval = False
    camp.save()
    posts = [wall.post_message(camp=camp, participant=anna, text=f"p{i}") for i in range(5)]

    newest = wall.wall_posts(camp, limit=2)
    older = wall.wall_posts(camp, limit=2, before=newest[-1].pk)

    assert newest == [posts[4], posts[3]]
    assert older == [posts[2], posts[1]]


# --- Moderation -------------------------------------------------------------------------------


def test_organizer_approves_hides_and_shows_again(camp, anna, organizer):
    post = wall.post_message(camp=camp, participant=anna, text="Hallo")

    wall.show_post(post=post, by=organizer)
    approved = WallPost.objects.get(pk=post.pk).status
    wall.hide_post(post=post, by=organizer)
    hidden = WallPost.objects.get(pk=post.pk).status
    wall.show_post(post=post, by=organizer)

    assert (approved, hidden) == (WallPost.Status.SHOWN, WallPost.Status.HIDDEN)
    assert WallPost.objects.get(pk=post.pk).status == WallPost.Status.SHOWN


def test_a_superuser_moderates_every_camp(camp, anna):
    post = wall.post_message(camp=camp, participant=anna, text="Hallo")

    wall.hide_post(post=post, by=make_user(is_staff=True, is_superuser=True))

    assert WallPost.objects.get(pk=post.pk).is_hidden


@pytest.mark.parametrize("who", ["author", "teilgeber", "other_organizer", "nobody"])
@pytest.mark.parametrize("service", [wall.show_post, wall.hide_post])
def test_only_organizers_moderate(camp, anna, who, service):
    post = wall.post_message(camp=camp, participant=anna, text="Hallo")
    by = {
        "author": anna.user,
        "teilgeber": make_participant(camp=camp).user,
        "other_organizer": make_organizer(make_camp()),
        "nobody": None,
    }[who]

    with pytest.raises(wall.NotAllowedToModerate):
        service(post=post, by=by)

    assert WallPost.objects.get(pk=post.pk).is_pending


def test_the_author_and_organizers_delete_a_post_nobody_else(camp, anna, organizer):
    mine = wall.post_message(camp=camp, participant=anna, text="mine")
    theirs = wall.post_message(camp=camp, participant=anna, text="theirs")
    kept = wall.post_message(camp=camp, participant=anna, text="kept")

    wall.delete_post(post=mine, by=anna.user)
    wall.delete_post(post=theirs, by=organizer)
    with pytest.raises(wall.NotAllowedToModerate):
        wall.delete_post(post=kept, by=make_participant(camp=camp).user)

    assert list(WallPost.objects.values_list("text", flat=True)) == ["kept"]


def test_deleting_a_deleted_post_changes_nothing(camp, anna, organizer):
    post = wall.post_message(camp=camp, participant=anna, text="twice")
    wall.delete_post(post=post, by=organizer)

    wall.delete_post(post=post, by=organizer)

    assert WallPost.objects.count() == 0


# --- Announcements and the setting ---------------------------------------------------------


def test_organizer_pins_unpins_and_removes_announcements(
    camp, organizer, django_capture_on_commit_callbacks
):
    # Each change commits, as in a request: the pinned list is kept per version of the wall.
    with django_capture_on_commit_callbacks(execute=True):
        lunch = wall.post_announcement(camp=camp, by=organizer, text="Lunch in the foyer")
        wifi = wall.post_announcement(camp=camp, by=organizer, text="WiFi: barcamp")
    pinned_both = wall.pinned_announcements(camp)
    with django_capture_on_commit_callbacks(execute=True):
        wall.pin_announcement(announcement=lunch, by=organizer, pinned=False)
    pinned_one = wall.pinned_announcements(camp)
    with django_capture_on_commit_callbacks(execute=True):
        wall.delete_announcement(announcement=wifi, by=organizer)

    assert pinned_both == [wifi, lunch]
    assert pinned_one == [wifi]
    assert wall.pinned_announcements(camp) == []
    assert list(Announcement.objects.all()) == [lunch]  # unpinned, kept for the organizers


def test_pinned_announcements_are_read_once_per_version_of_the_wall(
    camp, organizer, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        wall.post_announcement(camp=camp, by=organizer, text="Lunch in the foyer")
    wall.pinned_announcements(camp)

    with django_assert_num_queries(0):
        again = wall.pinned_announcements(camp)
    with django_capture_on_commit_callbacks(execute=True):
        wall.post_announcement(camp=camp, by=organizer, text="WiFi: barcamp")
    with django_assert_num_queries(1):
        changed = wall.pinned_announcements(camp)

    assert [a.text for a in again] == ["Lunch in the foyer"]
    assert [a.text for a in changed] == ["WiFi: barcamp", "Lunch in the foyer"]


def test_the_camp_page_reads_the_pinned_announcements_once_per_version_of_the_wall(
    client, camp, organizer, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def page():
        with CaptureQueriesContext(connection) as queries:
            body = client.get(f"/{camp.slug}/").text
        return body, [q for q in queries if 'FROM "events_announcement"' in q["sql"]]

    with django_capture_on_commit_callbacks(execute=True):
        wall.post_announcement(camp=camp, by=organizer, text="Lunch in the foyer")
    first, first_queries = page()
    again, again_queries = page()
    with django_capture_on_commit_callbacks(execute=True):
        wall.post_announcement(camp=camp, by=organizer, text="WiFi: barcamp")
    changed, changed_queries = page()

    assert (len(first_queries), again_queries, len(changed_queries)) == (1, [], 1)
    assert "Lunch in the foyer" in again
    assert "WiFi: barcamp" in changed


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Write the announcement first."), ("x" * 281, "at most 280 characters")],
)
def test_post_announcement_refuses_empty_or_too_long_text(camp, organizer, text, message):
    with pytest.raises(wall.InvalidText, match=message):
        wall.post_announcement(camp=camp, by=organizer, text=text)

    assert Announcement.objects.count() == 0


def test_announcements_are_for_organizers_only(camp, anna, organizer):
    lunch = wall.post_announcement(camp=camp, by=organizer, text="Lunch")

    with pytest.raises(wall.NotAllowedToModerate):
        wall.post_announcement(camp=camp, by=anna.user, text="Free beer")
    with pytest.raises(wall.NotAllowedToModerate):
        wall.pin_announcement(announcement=lunch, by=anna.user, pinned=False)
    with pytest.raises(wall.NotAllowedToModerate):
        wall.delete_announcement(announcement=lunch, by=make_organizer(make_camp()))
    with pytest.raises(wall.NotAllowedToModerate):
        wall.set_wall_approval(camp=camp, by=anna.user, needs_approval=False)

    assert list(Announcement.objects.values_list("text", "pinned")) == [("Lunch", True)]
    camp.refresh_from_db()
    assert camp.wall_needs_approval is True


def test_post_announcement_twice_with_the_same_form_pins_once(camp, organizer):
    first = wall.post_announcement(camp=camp, by=organizer, text="Lunch", nonce="n")

    second = wall.post_announcement(camp=camp, by=organizer, text="Lunch", nonce="n")

    assert second.pk == first.pk
    assert Announcement.objects.count() == 1


def test_nul_characters_are_dropped_from_texts_and_nonces(camp, organizer):
    # The board's announce field reaches the service without a form; PostgreSQL refuses NUL.
    first = wall.post_announcement(camp=camp, by=organizer, text="Lun\x00ch", nonce="n\x00")

    again = wall.post_announcement(camp=camp, by=organizer, text="Lunch", nonce="n")

    assert (first.text, first.nonce) == ("Lunch", "n")
    assert again.pk == first.pk


def test_an_announcement_changes_the_wall_and_the_plan(
    camp, organizer, django_capture_on_commit_callbacks
):
    before = {topic: live.current_version(camp.slug, (topic,)) for topic in live.ALL}

    with django_capture_on_commit_callbacks(execute=True):
        wall.post_announcement(camp=camp, by=organizer, text="Lunch")

    changed = {t for t in live.ALL if live.current_version(camp.slug, (t,)) != before[t]}
    assert changed == {live.WALL, live.PLAN}


def test_switching_approval_off_leaves_waiting_posts_waiting(camp, anna, organizer):
    waiting = wall.post_message(camp=camp, participant=anna, text="before")

    wall.set_wall_approval(camp=camp, by=organizer, needs_approval=False)
    camp.refresh_from_db()
    later = wall.post_message(camp=camp, participant=anna, text="after")

    assert WallPost.objects.get(pk=waiting.pk).is_pending
    assert later.is_shown

"""The installable web app, as the server sends it: the service worker's script, the manifests and
icons, which pages the worker may keep, and the Clear-Site-Data of a login or a logout. What the
browser does with them: tests/browser/test_offline.py."""

import json
import re
import struct
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from events import webapp
from tests.factories import (
    make_camp,
    make_notes,
    make_organizer,
    make_participant,
    make_placed_session,
    make_room,
    make_session,
    make_user,
    open_voting,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent


def precached(script):
    return json.loads(re.search(r"const PRECACHE = (\[.*?\]);", script).group(1))


def test_the_worker_is_a_script_at_the_root_that_browsers_always_ask_for(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    assert precached(script) == [*webapp.precached_files(), "/offline.html"]
    assert '"Barcamp-Offline"' in script
    again = client.get("/sw.js", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == response["ETag"]


def test_the_worker_names_the_fingerprinted_static_files_so_any_change_is_a_new_worker(
    client, settings, collected_static
):
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    files = precached(client.get("/sw.js").content.decode())

    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", files[0])
    assert re.fullmatch(r"/static/js/offline\.[0-9a-f]{12}\.js", files[2])
    assert all((collected_static / path.removeprefix("/static/")).exists() for path in files[:-1])


def test_every_precached_file_is_there():
    for path in webapp.precached_files():
        assert finders.find(path.removeprefix(settings.STATIC_URL)), path


def png_size(path):
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_a_camp_has_its_own_manifest_that_opens_the_camp(client):
    camp = make_camp(name="Barcamp Rhein-Main 2027", slug="bcrm27", hashtag="bcrm27")

    response = client.get("/bcrm27/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["id"] == manifest["start_url"] == camp.get_absolute_url() == "/bcrm27/"
    assert manifest["scope"] == "/"
    assert manifest["name"] == "Barcamp Rhein-Main 2027"
    assert manifest["short_name"] == "#bcrm27"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#c2410c"
    icons = {(icon["src"], icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert icons == {
        ("/static/img/icon-192.png", "192x192", "any"),
        ("/static/img/icon-512.png", "512x512", "any"),
        ("/static/img/icon-maskable-192.png", "192x192", "maskable"),
        ("/static/img/icon-maskable-512.png", "512x512", "maskable"),
    }
    for src, sizes, _purpose in icons:
        width, height = png_size(ROOT / "static" / src.removeprefix("/static/"))
        assert f"{width}x{height}" == sizes


def test_a_short_camp_name_is_its_own_short_name(client):
    make_camp(name="BC Köln", slug="bck", hashtag="bck27")

    assert client.get("/bck/manifest.webmanifest").json()["short_name"] == "BC Köln"


def test_the_site_has_a_manifest_too_and_an_unknown_camp_has_none(client):
    site = client.get("/manifest.webmanifest")

    assert site.json()["start_url"] == "/"
    assert client.get("/no-such-camp/manifest.webmanifest").status_code == 404


def test_pages_link_their_camps_manifest_and_load_the_offline_script(client):
    camp = make_camp(slug="linked")
    room = make_room(camp)

    for path in [
        "/linked/",
        "/linked/plan/",
        "/linked/projector/",
        f"/linked/rooms/{room.pk}/sign/",
    ]:
        page = client.get(path).content.decode()
        assert '<link rel="manifest" href="/linked/manifest.webmanifest">' in page, path
        assert re.search(r'<script src="/static/js/offline\.js" defer data-worker="/sw\.js"', page)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in client.get("/").content.decode()


def test_the_offline_page_says_the_page_is_not_on_the_phone(client):
    response = client.get("/offline.html")

    assert response.status_code == 200
    assert "Du bist offline" in response.content.decode()


@pytest.fixture
def camp_with_everything():
    camp = make_camp(slug="kept")
    open_voting(camp)
    room = make_room(camp)
    session = make_placed_session(camp, room=room)
    make_notes(session, "Notes")
    teilgeber = make_participant(camp=camp)
    return camp, room, session, teilgeber


KEPT = [
    "/kept/",
    "/kept/sessions/",
    "/kept/sessions/{session}/",
    "/kept/plan/",
    "/kept/plan/?day={day}",
    "/kept/ticket/",
    "/kept/rooms/{room}/sign/",
    "/kept/pitch/",
    "/kept/wall/",
    "/kept/sessions/{session}/notes/",
    "/kept/sessions/{session}/notes/?edit=1",
]
NOT_KEPT = [
    "/",
    "/kept/people/",
    "/kept/projector/",
    "/kept/documentation/",
    "/kept/feedback/",
    "/account/notifications/",
    "/accounts/email/",
    "/account/data/",
    "/offline.html",
]


@pytest.mark.parametrize("path", KEPT)
def test_the_pages_a_teilgeber_needs_offline_may_be_kept(client, camp_with_everything, path):
    camp, room, session, teilgeber = camp_with_everything
    client.force_login(teilgeber.user)

    response = client.get(path.format(session=session.pk, room=room.pk, day=camp.start_date))

    assert response.status_code == 200
    assert response[webapp.KEEP_HEADER] == "keep"
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("path", NOT_KEPT)
def test_other_pages_are_never_kept(client, camp_with_everything, path):
    _camp, _room, _session, teilgeber = camp_with_everything
    client.force_login(teilgeber.user)

    response = client.get(path)

    assert response.status_code == 200
    assert webapp.KEEP_HEADER not in response


def test_an_organizers_door_page_is_never_kept(client, camp_with_everything):
    camp, *_ = camp_with_everything
    client.force_login(make_organizer(camp))

    response = client.get("/kept/door/")

    assert response.status_code == 200
    assert webapp.KEEP_HEADER not in response
    assert "no-store" in response["Cache-Control"]


def test_fragments_redirects_and_answers_to_forms_are_never_kept(client, camp_with_everything):
    camp, _room, session, teilgeber = camp_with_everything
    client.force_login(teilgeber.user)

    fragment = client.get("/kept/sessions/", headers={"HX-Request": "true"})
    poll = client.get("/kept/plan/?v=old", headers={"HX-Request": "true"})
    vote = client.post(f"/kept/sessions/{session.pk}/vote/", {"want": "1"})
    post = client.post("/kept/wall/", {"text": "Hallo", "nonce": "n1"})
    ticket_for_nobody = Client()
    ticket_for_nobody.force_login(make_user())

    assert fragment.status_code == 200 and webapp.KEEP_HEADER not in fragment
    assert poll.status_code == 200 and webapp.KEEP_HEADER not in poll
    assert vote.status_code == 302 and webapp.KEEP_HEADER not in vote
    assert post.status_code == 302 and webapp.KEEP_HEADER not in post
    redirect = ticket_for_nobody.get("/kept/ticket/")
    assert redirect.status_code == 302 and webapp.KEEP_HEADER not in redirect


def test_the_ticket_is_fresh_online_and_private(client, camp_with_everything):
    _camp, _room, _session, teilgeber = camp_with_everything
    client.force_login(teilgeber.user)

    response = client.get("/kept/ticket/")

    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert directives == {"private", "no-cache", "max-age=0", "must-revalidate"}


def test_the_forms_that_wait_offline_say_so(client, camp_with_everything):
    camp, _room, session, teilgeber = camp_with_everything
    client.force_login(teilgeber.user)

    detail = client.get(f"/kept/sessions/{session.pk}/").content.decode()
    wall = client.get("/kept/wall/").content.decode()
    notes = client.get(f"/kept/sessions/{session.pk}/notes/?edit=1").content.decode()

    assert 'data-offline-queue="vote"' in detail
    assert 'data-offline-queue="post"' in wall
    assert 'data-offline-queue="notes"' in notes


def test_logging_in_and_out_clear_what_the_phone_kept(client):
    user = make_user(email="anna@example.org", password="a-long-password-42")
    make_session()

    page = client.get("/")
    login = client.post(
        "/accounts/login/", {"login": "anna@example.org", "password": "a-long-password-42"}
    )
    after = client.get("/")
    logout = client.post("/accounts/logout/")

    assert "Clear-Site-Data" not in page
    assert login.status_code == 302
    assert login["Clear-Site-Data"] == '"cache", "storage"'
    assert after.wsgi_request.user == user
    assert "Clear-Site-Data" not in after
    assert logout.status_code == 302
    assert logout["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/").wsgi_request.user.is_anonymous


def test_logging_into_the_admin_clears_too(client):
    make_user(username="orga", password="a-long-password-42", is_staff=True)

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "orga", "password": "a-long-password-42", "next": "/admin/"},
    )

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'

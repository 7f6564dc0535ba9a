"""Every upload is checked by what it is, not by its name: a clear message, a 4xx, nothing saved.

UPLOADS holds every way a file reaches the site, by the model field that stores it; a test
compares it with the file fields of all models, so a new one fails until it is tried here."""

import io
import zipfile

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from events.models import Sponsor
from sessions.models import SessionLink
from tests.events.test_admin import camp_form_data
from tests.factories import make_camp, make_organizer, make_placed_session

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!doctype html><title>x</title><script>alert(document.cookie)</script>"
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
MB = 1024 * 1024


def image(kind="PNG", size=(40, 20), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, "white" if mode == "RGB" else 0).save(buffer, kind)
    return buffer.getvalue()


def pptx(members=("[Content_Types].xml", "ppt/presentation.xml")):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in members:
            package.writestr(name, "<xml/>")
    return buffer.getvalue()


@pytest.fixture
def world(client):
    camp = make_camp(name="Camp")
    session = make_placed_session(camp=camp)
    client.cookies["django_language"] = "en"
    client.force_login(make_organizer(camp))
    return {"camp": camp, "session": session}


def logo_in_camp_form(client, world, name, content):
    sponsor = {"name": "Kaffee GmbH", "url": "", "order": 0}
    sponsor["logo"] = SimpleUploadedFile(name, content)
    camp = world["camp"]
    return client.post(
        reverse("admin:events_camp_change", args=[camp.pk]),
        camp_form_data(camp, sponsors=[sponsor], name="Renamed"),
    )


def logo_in_sponsor_admin(client, world, name, content):
    return client.post(
        reverse("admin:events_sponsor_add"),
        {
            "camp": world["camp"].pk,
            "name": "Kaffee GmbH",
            "url": "",
            "order": 0,
            "logo": SimpleUploadedFile(name, content),
        },
    )


def slides_of_a_session(client, world, name, content):
    session = world["session"]
    return client.post(
        reverse("voting:add-link", args=[session.camp.slug, session.pk]),
        {"kind": "slides", "title": "Folien", "file": SimpleUploadedFile(name, content)},
    )


def stored_logos():
    return [sponsor.logo.name for sponsor in Sponsor.objects.exclude(logo="")]


def stored_slides():
    return list(SessionLink.objects.exclude(file="").values_list("file", flat=True))


def stored_files():
    def walk(path):
        folders, files = default_storage.listdir(path)
        found = [f"{path}/{name}".lstrip("/") for name in files]
        for folder in folders:
            found += walk(f"{path}/{folder}".lstrip("/"))
        return found

    return walk("")


# model field -> (what stores it, every way it is uploaded)
UPLOADS = {
    "events.Sponsor.logo": (stored_logos, [logo_in_camp_form, logo_in_sponsor_admin]),
    "barcamp_sessions.SessionLink.file": (stored_slides, [slides_of_a_session]),
}
LOGO_WAYS = UPLOADS["events.Sponsor.logo"][1]


def test_every_file_field_is_tried_here():
    file_fields = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    }

    assert file_fields == set(UPLOADS)


BAD_LOGOS = [
    ("page.png", HTML, "This file is not a PNG, JPEG or WebP image."),
    ("big.png", image() + b"\0" * (8 * MB), "The logo is larger than 2 MB."),
    ("logo.svg", SVG, "SVG logos are not accepted, since an SVG can carry scripts."),
    ("logo.png", SVG, "This file is not a PNG, JPEG or WebP image."),
    ("anim.png", image("GIF"), "This file is not a PNG, JPEG or WebP image."),
    ("broken.png", image()[:60], "This file is not a PNG, JPEG or WebP image."),
    (
        "bomb.png",
        image(size=(10_000, 5_000), mode="1"),
        "The logo has too many pixels (10000 × 5000).",
    ),
]


@pytest.mark.parametrize("way", LOGO_WAYS, ids=lambda way: way.__name__)
@pytest.mark.parametrize(
    ("name", "content", "message"), BAD_LOGOS, ids=[bad[0] for bad in BAD_LOGOS]
)
def test_a_bad_logo_is_refused_with_a_message_and_nothing_is_saved(
    client, world, way, name, content, message
):
    before = stored_files()

    response = way(client, world, name, content)

    world["camp"].refresh_from_db()
    assert response.status_code == 400
    assert message in response.content.decode()
    assert world["camp"].name == "Camp"
    assert not Sponsor.objects.exists()
    assert stored_files() == before


@pytest.mark.parametrize("way", LOGO_WAYS, ids=lambda way: way.__name__)
@pytest.mark.parametrize(
    ("name", "content", "stored_as"),
    [
        ("logo.png", image("PNG"), ".png"),
        ("logo.webp", image("WEBP"), ".webp"),
        ("photo.jpeg", image("JPEG"), ".jpg"),
        ("named-wrong.png", image("JPEG"), ".jpg"),  # stored as what it is
        ("logo.html", image("PNG"), ".png"),  # never served as a page
    ],
)
def test_a_raster_logo_is_kept_under_the_extension_of_what_it_is(
    client, world, way, name, content, stored_as
):
    response = way(client, world, name, content)

    assert response.status_code == 302
    (logo,) = stored_logos()
    assert logo.endswith(stored_as)
    assert default_storage.open(logo).read() == content


@override_settings(LOGO_MAX_MB=1)
def test_the_logo_size_limit_is_a_setting(client, world):
    response = logo_in_sponsor_admin(client, world, "big.png", image() + b"\0" * MB)

    assert response.status_code == 400
    assert "The logo is larger than 1 MB." in response.content.decode()


def test_a_stored_logo_is_not_checked_again_when_the_camp_is_saved(client, world):
    """An SVG logo from before the check stays, and does not block the camp's page."""
    sponsor = Sponsor.objects.create(
        camp=world["camp"], name="Alt", logo=SimpleUploadedFile("old.svg", SVG)
    )
    rows = [{"id": sponsor.pk, "name": "Alt AG", "url": "", "order": 0}]

    response = client.post(
        reverse("admin:events_camp_change", args=[world["camp"].pk]),
        camp_form_data(world["camp"], sponsors=rows),
    )

    sponsor.refresh_from_db()
    assert response.status_code == 302
    assert (sponsor.name, sponsor.logo.name.endswith(".svg")) == ("Alt AG", True)


BAD_SLIDES = [
    ("page.pdf", HTML, "This file is not a .pdf file."),
    ("slides.svg", SVG, "Slides as PDF, PowerPoint"),
    ("page.html", HTML, "Slides as PDF, PowerPoint"),
    ("zipped-page.pptx", b"PK\x03\x04" + HTML, "This file is not a .pptx file."),
    ("other.pptx", pptx(members=("index.html",)), "This file is not a .pptx file."),
    ("other.odp", pptx(), "This file is not a .odp file."),
    ("big.pdf", PDF + b"\0" * (8 * MB), "The file is larger than 5 MB."),
]


@override_settings(SLIDES_MAX_MB=5)
@pytest.mark.parametrize(
    ("name", "content", "message"), BAD_SLIDES, ids=[bad[0] for bad in BAD_SLIDES]
)
def test_bad_slides_are_refused_with_a_message_and_nothing_is_saved(
    client, world, name, content, message
):
    before = stored_files()

    response = slides_of_a_session(client, world, name, content)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert stored_slides() == []
    assert stored_files() == before


@pytest.mark.parametrize(("name", "content"), [("talk.pdf", PDF), ("talk.pptx", pptx())])
def test_real_slides_are_kept(client, world, name, content):
    response = slides_of_a_session(client, world, name, content)

    assert response.status_code == 302
    (stored,) = stored_slides()
    assert default_storage.open(stored).read() == content

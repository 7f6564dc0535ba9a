"""The door: tickets, check-in, admitting from the waitlist, the check-in page and the badges."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from events import door
from events.models import TICKET_ALPHABET, Participant, normalize_ticket_code
from events.services import register_participant
from tests.factories import make_camp, make_organizer, make_participant, make_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def camp():
    return make_camp(capacity=3, hashtag="bcko26", name="Barcamp Köln")


@pytest.fixture
def organizer_client(client, camp):
    client.force_login(make_organizer(camp))
    return client


def door_url(camp):
    return reverse("events:door", args=[camp.slug])


# --- Ticket codes ------------------------------------------------------------------------------


def test_ticket_code_has_six_unambiguous_characters():
    participant = make_participant()

    assert len(participant.ticket_code) == 6
    assert set(participant.ticket_code) <= set(TICKET_ALPHABET)
    assert not set("01ILO") & set(TICKET_ALPHABET)


def test_ticket_code_is_read_as_typed():
    assert normalize_ticket_code(" k7m-4qx ") == "K7M4QX"
    assert normalize_ticket_code("K7M 4QX") == "K7M4QX"
    assert normalize_ticket_code("K7M4Q") == ""  # too short
    assert normalize_ticket_code("K7M4Q0") == ""  # 0 is never in a code
    assert normalize_ticket_code("Anna") == ""


def test_ticket_code_is_unique_per_camp_by_the_database(camp):
    from django.db import IntegrityError, transaction

    first = make_participant(camp=camp)

    with pytest.raises(IntegrityError), transaction.atomic():
        make_participant(camp=camp, ticket_code=first.ticket_code)
    assert make_participant(camp=make_camp(), ticket_code=first.ticket_code).pk


def test_registering_draws_a_new_code_on_a_clash(camp, monkeypatch):
    make_participant(camp=camp, ticket_code="AAAAAA")
    field = Participant._meta.get_field("ticket_code")
    monkeypatch.setattr(field, "_get_default", lambda: "AAAAAA")
    monkeypatch.setattr("events.services.new_ticket_code", lambda: "BBBBBB")

    participant = register_participant(camp=camp, user=make_user())

    assert participant.ticket_code == "BBBBBB"


# --- Check-in services -----------------------------------------------------------------------


def test_check_in_sets_the_time_once(camp):
    participant = make_participant(camp=camp)
    first = timezone.now() - datetime.timedelta(minutes=5)

    checked = door.check_in_participant(participant=participant, now=first)
    again = door.check_in_participant(participant=participant)

    assert checked.just_checked_in is True
    assert again.just_checked_in is False
    assert again.checked_in_at == first


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Participant.Status.CANCELLED, "cancelled their registration"),
        (Participant.Status.WAITLISTED, "is on the waitlist"),
    ],
)
def test_check_in_refuses_the_cancelled_and_the_waitlisted(camp, status, message):
    participant = make_participant(camp=camp, status=status, display_name="Jürgen")

    with pytest.raises(door.CheckInError, match=message):
        door.check_in_participant(participant=participant)

    participant.refresh_from_db()
    assert participant.checked_in_at is None


def test_undo_check_in_clears_the_time_and_is_idempotent(camp):
    participant = door.check_in_participant(participant=make_participant(camp=camp))

    undone = door.undo_check_in(participant=participant)
    again = door.undo_check_in(participant=participant)

    assert undone.checked_in_at is None
    assert again.checked_in_at is None


def test_admit_from_waitlist_registers_and_checks_in_while_there_is_room(camp):
    for _ in range(3):
        make_participant(camp=camp)  # registered, not here (yet)
    waiting = make_participant(camp=camp, status=Participant.Status.WAITLISTED)

    admitted = door.admit_from_waitlist(participant=waiting)

    assert admitted.is_registered
    assert admitted.is_checked_in
    assert camp.participants.registered().count() == 4  # over the seats: no-shows freed room


def test_admit_from_waitlist_refuses_when_the_venue_is_full(camp):
    for _ in range(3):
        door.check_in_participant(participant=make_participant(camp=camp))
    waiting = make_participant(camp=camp, status=Participant.Status.WAITLISTED)

    with pytest.raises(door.CheckInError, match="The venue is full: 3 of 3"):
        door.admit_from_waitlist(participant=waiting)

    waiting.refresh_from_db()
    assert waiting.is_waitlisted
    assert waiting.checked_in_at is None


def test_admit_refuses_the_cancelled_and_checks_in_the_registered(camp):
    cancelled = make_participant(camp=camp, status=Participant.Status.CANCELLED)
    registered = make_participant(camp=camp)

    with pytest.raises(door.CheckInError, match="cancelled"):
        door.admit_from_waitlist(participant=cancelled)
    assert door.admit_from_waitlist(participant=registered).is_checked_in


def test_door_counts_checked_in_registered_and_waitlisted(camp):
    door.check_in_participant(participant=make_participant(camp=camp))
    make_participant(camp=camp)
    make_participant(camp=camp, status=Participant.Status.WAITLISTED)
    gone = door.check_in_participant(participant=make_participant(camp=camp))
    Participant.objects.filter(pk=gone.pk).update(status=Participant.Status.CANCELLED)
    make_participant(camp=make_camp(), checked_in_at=timezone.now())  # another camp

    counts = door.door_counts(camp)

    assert counts == {"registered": 2, "checked_in": 1, "waitlisted": 1, "room": 2}


def test_door_search_by_name_code_and_email_start(camp):
    anna = make_participant(camp=camp, display_name="Anna Müller")
    ben = make_participant(
        camp=camp, display_name="Ben", user=make_user(email="benjamin@example.org")
    )
    make_participant(camp=make_camp(), display_name="Anna Elsewhere")

    assert door.door_search(camp, "müller") == [anna]
    assert door.door_search(camp, anna.ticket_code.lower()) == [anna]
    assert door.door_search(camp, "benjamin") == [ben]
    assert door.door_search(camp, "example") == []  # the middle of an address finds nobody
    assert door.door_search(camp, "Anna") == [anna]


def test_door_search_finds_no_code_of_another_camp(camp):
    other = make_participant(camp=make_camp())

    assert door.door_search(camp, other.ticket_code) == []
    assert door.find_by_code(camp, other.ticket_code) is None


def test_empty_search_lists_the_latest_check_ins(camp):
    early = door.check_in_participant(
        participant=make_participant(camp=camp),
        now=timezone.now() - datetime.timedelta(hours=1),
    )
    late = door.check_in_participant(participant=make_participant(camp=camp))
    make_participant(camp=camp)

    assert door.door_search(camp, "  ") == [late, early]


# --- The check-in page -----------------------------------------------------------------------


def test_door_page_shows_count_and_search_results(organizer_client, camp):
    make_participant(camp=camp, display_name="Jürgen Weiß")
    make_participant(camp=camp, status=Participant.Status.WAITLISTED)

    response = organizer_client.get(door_url(camp), {"q": "jürgen"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Jürgen Weiß" in page
    assert "<strong>0</strong> / 1" in page
    assert "1 on the waitlist" in page


def test_door_search_as_you_type_gets_the_results_partial(organizer_client, camp):
    make_participant(camp=camp, display_name="Anna")

    response = organizer_client.get(door_url(camp), {"q": "ann"}, headers=HTMX)

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="door-results"')
    assert "Anna" in page
    assert "<html" not in page


def test_door_count_poll_gets_the_count_only(organizer_client, camp):
    door.check_in_participant(participant=make_participant(camp=camp))

    response = organizer_client.get(door_url(camp), {"part": "count"}, headers=HTMX)

    page = response.content.decode()
    assert page.lstrip().startswith('<p id="door-count"')
    assert "<strong>1</strong> / 1" in page


def test_door_search_without_results_says_so(organizer_client, camp):
    response = organizer_client.get(door_url(camp), {"q": "nobody"})

    assert "No Teilgeber of this camp has that name or code." in response.content.decode()


def test_check_in_by_tap_returns_the_row_and_the_new_count(organizer_client, camp):
    anna = make_participant(camp=camp, display_name="Anna")

    response = organizer_client.post(
        door_url(camp), {"action": "check-in", "code": anna.ticket_code}, headers=HTMX
    )

    page = response.content.decode()
    anna.refresh_from_db()
    assert response.status_code == 200
    assert anna.is_checked_in
    assert "Welcome, Anna: checked in." in page
    assert 'id="door-count"' in page and 'hx-swap-oob="true"' in page
    assert "<strong>1</strong> / 1" in page
    assert "Undo check-in" in page


def test_check_in_without_js_redirects_back_to_the_search(organizer_client, camp):
    anna = make_participant(camp=camp, display_name="Anna")

    response = organizer_client.post(
        door_url(camp), {"action": "check-in", "code": anna.ticket_code, "q": "ann"}, follow=True
    )

    assert response.redirect_chain == [(f"{door_url(camp)}?q=ann", 302)]
    assert "Welcome, Anna: checked in." in response.content.decode()


def test_second_check_in_says_already_and_keeps_the_time(organizer_client, camp):
    anna = door.check_in_participant(
        participant=make_participant(camp=camp, display_name="Anna"),
        now=timezone.now() - datetime.timedelta(minutes=3),
    )

    response = organizer_client.post(
        door_url(camp), {"action": "check-in", "code": anna.ticket_code}, headers=HTMX
    )

    assert response.status_code == 200
    assert "Anna was already checked in at" in response.content.decode()
    assert Participant.objects.get(pk=anna.pk).checked_in_at == anna.checked_in_at


def test_undo_by_tap(organizer_client, camp):
    anna = door.check_in_participant(participant=make_participant(camp=camp, display_name="Anna"))

    response = organizer_client.post(
        door_url(camp), {"action": "undo", "code": anna.ticket_code}, headers=HTMX
    )

    assert response.status_code == 200
    assert "Anna is no longer checked in." in response.content.decode()
    assert Participant.objects.get(pk=anna.pk).checked_in_at is None


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Participant.Status.CANCELLED, "cancelled their registration: not checked in."),
        (Participant.Status.WAITLISTED, "is on the waitlist: admit them"),
    ],
)
def test_check_in_of_cancelled_or_waitlisted_is_409_and_changes_nothing(
    organizer_client, camp, status, message
):
    person = make_participant(camp=camp, status=status)

    for headers in (HTMX, {}):
        response = organizer_client.post(
            door_url(camp), {"action": "check-in", "code": person.ticket_code}, headers=headers
        )

        assert response.status_code == 409
        assert message in response.content.decode()
    person.refresh_from_db()
    assert person.checked_in_at is None
    assert person.status == status


def test_waitlisted_row_offers_admission_only_with_room(organizer_client, camp):
    waiting = make_participant(camp=camp, status=Participant.Status.WAITLISTED, display_name="W")

    with_room = organizer_client.get(door_url(camp), {"q": "W"}).content.decode()
    for _ in range(3):
        door.check_in_participant(participant=make_participant(camp=camp))
    full = organizer_client.get(door_url(camp), {"q": waiting.ticket_code}).content.decode()

    assert "Admit from the waitlist and check in" in with_room
    assert "Admit from the waitlist" not in full
    assert "The venue is full" in full


def test_admit_by_tap_and_refusal_when_full(organizer_client, camp):
    waiting = make_participant(camp=camp, status=Participant.Status.WAITLISTED, display_name="W")
    late = make_participant(camp=camp, status=Participant.Status.WAITLISTED, display_name="L")
    for _ in range(2):
        door.check_in_participant(participant=make_participant(camp=camp))

    admitted = organizer_client.post(
        door_url(camp), {"action": "admit", "code": waiting.ticket_code}, headers=HTMX
    )
    refused = organizer_client.post(
        door_url(camp), {"action": "admit", "code": late.ticket_code}, headers=HTMX
    )

    assert admitted.status_code == 200
    assert refused.status_code == 409
    assert "The venue is full: 3 of 3 are checked in." in refused.content.decode()
    assert Participant.objects.get(pk=waiting.pk).is_checked_in
    assert Participant.objects.get(pk=late.pk).is_waitlisted


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"action": "check-in", "code": "ZZZZZZ"}, 404, "No Teilgeber of this camp has that code."),
        ({"action": "check-in", "code": ""}, 404, "No Teilgeber of this camp has that code."),
        ({"action": "explode", "code": "ZZZZZZ"}, 400, "Unknown action."),
        ({"code": "ZZZZZZ"}, 400, "Unknown action."),
    ],
)
def test_bad_door_posts_are_4xx_with_a_message(organizer_client, camp, data, status, message):
    anna = make_participant(camp=camp)

    for headers in (HTMX, {}):
        response = organizer_client.post(door_url(camp), data, headers=headers)

        assert response.status_code == status
        assert message in response.content.decode()
    assert Participant.objects.get(pk=anna.pk).checked_in_at is None


def test_code_of_another_camp_is_not_found_and_checks_in_nobody(organizer_client, camp):
    other = make_participant(camp=make_camp())

    response = organizer_client.post(
        door_url(camp), {"action": "check-in", "code": other.ticket_code}, headers=HTMX
    )

    assert response.status_code == 404
    assert Participant.objects.get(pk=other.pk).checked_in_at is None


def test_door_page_query_count_does_not_grow(organizer_client, camp, django_assert_max_num_queries):
    for index in range(3):
        door.check_in_participant(participant=make_participant(camp=camp, display_name=f"A{index}"))
    # Each full page also reads every badge's name once, for the missing-characters notice.
    with django_assert_max_num_queries(14) as few:
        organizer_client.get(door_url(camp), {"q": "a"})
        organizer_client.get(door_url(camp))
    for index in range(30):
        door.check_in_participant(
            participant=make_participant(camp=camp, display_name=f"B{index}a")
        )

    with django_assert_max_num_queries(len(few)):
        organizer_client.get(door_url(camp), {"q": "a"})
        organizer_client.get(door_url(camp))


def test_check_in_post_query_count_does_not_grow(
    organizer_client, camp, django_assert_max_num_queries
):
    first = make_participant(camp=camp)
    with django_assert_max_num_queries(14) as few:
        organizer_client.post(
            door_url(camp), {"action": "check-in", "code": first.ticket_code}, headers=HTMX
        )
    for _ in range(40):
        door.check_in_participant(participant=make_participant(camp=camp))
    second = make_participant(camp=camp)

    with django_assert_max_num_queries(len(few)):
        organizer_client.post(
            door_url(camp), {"action": "check-in", "code": second.ticket_code}, headers=HTMX
        )


# --- The ticket and the QR code's page ---------------------------------------------------------


def test_ticket_shows_qr_and_code_to_its_teilgeber(client, camp):
    anna = make_participant(camp=camp, display_name="Anna")
    client.force_login(anna.user)

    response = client.get(reverse("events:ticket", args=[camp.slug]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page
    assert anna.ticket_code_display in page
    assert "Anna" in page


def test_ticket_of_a_waitlisted_teilgeber_says_so(client, camp):
    waiting = make_participant(camp=camp, status=Participant.Status.WAITLISTED)
    client.force_login(waiting.user)

    response = client.get(reverse("events:ticket", args=[camp.slug]))

    assert "You are on the waitlist" in response.content.decode()


def test_no_ticket_without_registration(client, camp):
    gone = make_participant(camp=camp, status=Participant.Status.CANCELLED)
    client.force_login(gone.user)

    response = client.get(reverse("events:ticket", args=[camp.slug]), follow=True)

    assert response.redirect_chain[-1][0] == camp.get_absolute_url()
    assert "Join the camp first: then you get a ticket." in response.content.decode()


def test_camp_page_links_the_ticket_when_registered(client, camp):
    client.force_login(make_participant(camp=camp).user)

    response = client.get(camp.get_absolute_url())

    assert reverse("events:ticket", args=[camp.slug]) in response.content.decode()


def test_qr_code_holds_the_door_address_of_the_ticket(client, camp):
    anna = make_participant(camp=camp)
    client.force_login(anna.user)
    expected = "http://testserver" + reverse(
        "events:door-ticket", args=[camp.slug, anna.ticket_code]
    )

    response = client.get(reverse("events:ticket", args=[camp.slug]))

    import segno

    qr = segno.make(expected, error="m").svg_inline(scale=8, border=2, title=anna.ticket_code)
    assert qr in response.content.decode()


def test_scanned_ticket_shows_the_organizer_one_check_in_button(organizer_client, camp):
    anna = make_participant(camp=camp, display_name="Anna")

    response = organizer_client.get(
        reverse("events:door-ticket", args=[camp.slug, anna.ticket_code])
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Anna" in page
    assert 'value="check-in"' in page


def test_scanned_ticket_check_in_without_js_returns_to_it(organizer_client, camp):
    anna = make_participant(camp=camp, display_name="Anna")
    page_url = reverse("events:door-ticket", args=[camp.slug, anna.ticket_code])

    response = organizer_client.post(
        door_url(camp), {"action": "check-in", "code": anna.ticket_code, "next": page_url}
    )

    assert response.status_code == 302
    assert response["Location"] == page_url


def test_scanned_ticket_accepts_the_code_as_typed(organizer_client, camp):
    anna = make_participant(camp=camp)

    response = organizer_client.get(
        reverse("events:door-ticket", args=[camp.slug, anna.ticket_code.lower()])
    )

    assert response.status_code == 200


def test_own_scanned_ticket_sends_the_teilgeber_to_their_ticket(client, camp):
    anna = make_participant(camp=camp)
    client.force_login(anna.user)

    response = client.get(reverse("events:door-ticket", args=[camp.slug, anna.ticket_code]))

    assert response.status_code == 302
    assert response["Location"] == reverse("events:ticket", args=[camp.slug])


def test_someone_elses_ticket_is_404_to_a_teilgeber(client, camp):
    anna = make_participant(camp=camp)
    client.force_login(make_participant(camp=camp).user)

    response = client.get(reverse("events:door-ticket", args=[camp.slug, anna.ticket_code]))

    assert response.status_code == 404


def test_unknown_or_foreign_code_is_404_to_the_organizer(organizer_client, camp):
    other = make_participant(camp=make_camp())

    for code in ("ZZZZZZ", other.ticket_code, "x" * 300):
        response = organizer_client.get(reverse("events:door-ticket", args=[camp.slug, code]))

        assert response.status_code == 404


# --- Badges ------------------------------------------------------------------------------------


def pdf_text(response):
    reader = PdfReader(io.BytesIO(response.content))
    return [page.extract_text() for page in reader.pages]


def test_badges_of_all_registered_teilgeber_render_umlauts(organizer_client, camp):
    camp.capacity = 20
    camp.save()
    make_participant(camp=camp, display_name="Jürgen Weiß", hashtags=["Öko", "Spaß", "Maße"])
    make_participant(camp=camp, display_name="Zoë Łukasik", hashtags=[])
    for index in range(10):
        make_participant(camp=camp, display_name=f"Person {index:02d}")
    make_participant(camp=camp, display_name="Waiting Wanda", status=Participant.Status.WAITLISTED)
    make_participant(camp=camp, display_name="Gone Gustav", status=Participant.Status.CANCELLED)

    response = organizer_client.get(reverse("events:badges", args=[camp.slug]))

    pages = pdf_text(response)
    text = "\n".join(pages)
    assert response["Content-Type"] == "application/pdf"
    assert len(pages) == 2  # twelve badges, ten to a sheet
    assert "Jürgen Weiß" in text
    assert "#Öko  #Spaß  #Maße" in text
    assert "Zoë Łukasik" in text
    assert "#bcko26" in text
    assert "Barcamp Köln" in text
    assert "Waiting Wanda" not in text
    assert "Gone Gustav" not in text
    assert text.count("#bcko26") == 12


def test_badge_of_one_teilgeber(organizer_client, camp):
    anna = make_participant(camp=camp, display_name="Anna Groß")
    make_participant(camp=camp, display_name="Ben Other")

    response = organizer_client.get(
        reverse("events:badges", args=[camp.slug]), {"code": anna.ticket_code}
    )

    text = "\n".join(pdf_text(response))
    assert "Anna Groß" in text
    assert "Ben Other" not in text
    assert anna.ticket_code in response["Content-Disposition"]


def test_badge_of_an_unknown_code_is_404(organizer_client, camp):
    other = make_participant(camp=make_camp())

    for code in ("ZZZZZZ", other.ticket_code, ""):
        response = organizer_client.get(reverse("events:badges", args=[camp.slug]), {"code": code})

        assert response.status_code == 404


def test_badge_embeds_its_font():
    from events import badges

    camp = make_camp(name="Ärzte-Camp")
    pdf = badges.render_badges(camp=camp, participants=[make_participant(camp=camp)])

    reader = PdfReader(io.BytesIO(pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [font.get_object()["/DescendantFonts"][0].get_object() for font in fonts.values()]
    assert all("/FontFile2" in d["/FontDescriptor"] for d in descriptors)
    assert any("DejaVu" in str(d["/BaseFont"]) for d in descriptors)


def test_long_names_fit_on_their_badge():
    from events import badges

    camp = make_camp()
    long_name = make_participant(
        camp=camp, display_name="Anna-Lena Müller-Lüdenscheidt von Oberhausen"
    )
    one_word = make_participant(
        camp=camp, display_name="Donaudampfschifffahrtsgesellschaftskapitän"
    )

    reader = PdfReader(
        io.BytesIO(badges.render_badges(camp=camp, participants=[long_name, one_word]))
    )

    text = reader.pages[0].extract_text()
    assert "Anna-Lena Müller-Lüdenscheidt" in text and "von Oberhausen" in text
    assert "Donaudampfschifffahrts" in text


def noto_fonts():
    from django.conf import settings

    if not any((path / "NotoSans-Regular.ttf").is_file() for path in settings.BADGE_FONT_DIRS):
        pytest.fail(
            "The Noto fonts are missing: `make test` installs them (scripts/ensure-fonts), or "
            "apt-get install fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji"
        )


def embedded_fonts(pdf):
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    return {str(font.get_object().get("/BaseFont")) for font in fonts.values()}


def test_badges_print_names_in_chinese_japanese_korean_arabic_and_with_emoji():
    from events import badges

    noto_fonts()
    camp = make_camp(name="Barcamp Köln")
    names = ["王小明", "山田 花子", "김민준", "محمد علي", "Zoë 🎉", "राहुल"]
    people = [make_participant(camp=camp, display_name=name) for name in names]

    pdf = badges.render_badges(camp=camp, participants=people)

    # pypdf puts a NUL before each two-byte character it extracts; poppler's pdftotext does not.
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace("\x00", "")
    for word in ["王小明", "山田 花子", "김민준", "محمد", "علي", "Zoë 🎉", "राहुल"]:
        assert word in text, word
    fonts = embedded_fonts(pdf)
    assert any("NotoSansCJK" in font for font in fonts)
    assert any("DejaVu" in font for font in fonts)


def test_badges_of_latin_names_carry_no_other_font():
    from events import badges

    camp = make_camp(name="Barcamp Köln")

    pdf = badges.render_badges(camp=camp, participants=[make_participant(camp=camp)])

    assert all("DejaVu" in font for font in embedded_fonts(pdf))


def test_the_door_page_names_the_badges_that_would_miss_characters(
    organizer_client, camp, settings
):
    settings.BADGE_FONT_DIRS = []  # a host without the Noto fonts
    make_participant(camp=camp, display_name="王小明")
    make_participant(camp=camp, display_name="Zoë 🎉", hashtags=["ok"])
    make_participant(camp=camp, display_name="Anna Groß", hashtags=["spaß"])

    page = organizer_client.get(reverse("events:door", args=[camp.slug]))

    content = page.content.decode()
    assert "Some badges will miss characters" in content
    assert (
        '<li><strong>王小明</strong>: <span class="missing-character">王</span> '
        '<span class="missing-character">小</span> <span class="missing-character">明</span> </li>'
    ) in content
    assert '<li><strong>Zoë 🎉</strong>: <span class="missing-character">🎉</span> </li>' in content
    assert "<strong>Anna Groß</strong>" not in content


def test_the_door_page_is_quiet_when_every_badge_can_be_printed(organizer_client, camp):
    noto_fonts()
    make_participant(camp=camp, display_name="王小明")
    make_participant(camp=camp, display_name="Zoë 🎉")

    page = organizer_client.get(reverse("events:door", args=[camp.slug]))

    assert "Some badges will miss characters" not in page.content.decode()


def test_a_character_no_font_has_is_reported_even_with_every_font():
    from events import badges

    noto_fonts()
    camp = make_camp()
    person = make_participant(camp=camp, display_name="Ada \ue000 Lovelace")

    assert badges.unprintable([person]) == [(person, ["\ue000"])]

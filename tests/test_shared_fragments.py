"""`{% shared %}`: the parts of a page that are the same for everybody, rendered once per process."""

import datetime
from unittest import mock

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.factories import make_camp, make_participant

pytestmark = pytest.mark.django_db


def render(source, **context):
    return Template("{% load i18n shared_fragments %}" + source).render(Context(context))


class Renders:
    def __init__(self):
        self.count = 0

    def __str__(self):
        self.count += 1
        return f"rendered {self.count}"


def test_a_fragment_is_rendered_once_for_the_same_values():
    renders = Renders()
    source = '{% shared "part" renders=renders slug=slug %}{{ renders }}{% endshared %}'

    first = render(source, renders=renders, slug="a")
    again = render(source, renders=renders, slug="a")
    other = render(source, renders=renders, slug="b")

    assert (first, again, other) == ("rendered 1", "rendered 1", "rendered 2")


def test_a_fragment_sees_only_the_values_of_its_key():
    source = '{% shared "part" slug=slug %}[{{ slug }}|{{ email }}|{{ csrf_token }}]{% endshared %}'

    html = render(source, slug="camp", email="someone@example.org", csrf_token="secret")

    assert html == "[camp||]"


def test_each_language_has_its_own_fragment():
    source = '{% shared "part" %}{% translate "Camp" %}|{% get_current_language as code %}{{ code }}{% endshared %}'

    with translation.override("de"):
        german = render(source)
    with translation.override("en"):
        english = render(source)

    assert (german, english) == ("Camp|de", "Camp|en")


def test_a_value_is_escaped_inside_a_fragment():
    html = render('{% shared "part" name=name %}{{ name }}{% endshared %}', name="<b>Camp</b>")

    assert html == "&lt;b&gt;Camp&lt;/b&gt;"


@pytest.mark.parametrize(
    "tag",
    [
        "{% shared %}",
        "{% shared part %}",
        '{% shared "part" slug %}',
    ],
)
def test_a_fragment_needs_a_quoted_name_and_only_named_values(tag):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load shared_fragments %}" + tag + "{% endshared %}")


# --- The page's shared parts ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "label"),
    [
        ("events:camp", "Camp"),
        ("voting:session-list", "Sessions"),
        ("voting:pitch", "Pitch"),
        ("voting:plan", "Plan"),
        ("events:people", "People"),
        ("events:wall", "Wall"),
    ],
)
def test_the_camp_navigation_marks_the_page_it_is_on(client, url_name, label):
    camp = make_camp()
    other = make_camp()
    client.cookies["django_language"] = "en"
    client.get(reverse(url_name, args=[other.slug]))  # the same fragment for another camp

    html = client.get(reverse(url_name, args=[camp.slug]))

    url = reverse(url_name, args=[camp.slug])
    assert f'<a href="{url}" aria-current="page">{label}</a>' in html.text
    assert html.text.count('aria-current="page"') == 1


def test_the_header_shows_the_camps_new_name_after_a_rename(client):
    camp = make_camp(name="Barcamp Alt")
    client.get(camp.get_absolute_url())

    camp.name = "Barcamp Neu"
    camp.save()
    html = client.get(reverse("voting:pitch", args=[camp.slug])).text

    assert f'<a class="brand" href="{camp.get_absolute_url()}">' in html
    assert "Barcamp Neu" in html and "Barcamp Alt" not in html


def test_the_footer_links_follow_the_login(client):
    camp = make_camp()
    my_data = reverse("my-data")
    anonymous = client.get(camp.get_absolute_url()).text

    client.force_login(make_participant(camp=camp).user)
    logged_in = client.get(camp.get_absolute_url()).text

    assert my_data not in anonymous
    assert my_data in logged_in


def test_the_camp_page_shows_the_camps_changed_facts(client):
    camp = make_camp(
        name="Barcamp Alt",
        venue_name="Stadthalle",
        venue_address="Marktplatz 1",
        hashtag="bcalt",
        description="Das alte Programm.",
    )
    client.get(camp.get_absolute_url())

    camp.name, camp.venue_name, camp.venue_address = "Barcamp Neu", "Rathaus", "Domplatz 2"
    camp.hashtag, camp.description = "bcneu", "Das neue Programm."
    camp.end_date = camp.start_date + datetime.timedelta(days=1)
    camp.save()
    html = client.get(camp.get_absolute_url()).text

    for new in ("Barcamp Neu", "Rathaus", "Domplatz 2", "#bcneu", "Das neue Programm."):
        assert new in html
    for old in ("Barcamp Alt", "Stadthalle", "Marktplatz 1", "#bcalt", "Das alte Programm."):
        assert old not in html
    assert date_format(camp.end_date, "j. F Y") in html


class Tomorrow(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return datetime.datetime.now(tz) + datetime.timedelta(days=1)


def test_the_camp_page_links_the_documentation_from_the_camps_first_day(client):
    camp = make_camp(start_date=timezone.localdate() + datetime.timedelta(days=1))
    camp.end_date = camp.start_date
    camp.save()
    documentation = reverse("voting:documentation", args=[camp.slug])

    today = client.get(camp.get_absolute_url()).text
    with mock.patch("django.template.defaulttags.datetime", Tomorrow):
        tomorrow = client.get(camp.get_absolute_url()).text

    assert documentation not in today
    assert documentation in tomorrow

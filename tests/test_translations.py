"""The German admin reads German: the strings Django's own German catalogs lack are ours to give."""

import gettext
import json
import re
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import make_camp, make_organizer

DJANGO = Path(django.__file__).parent
# The catalogs of what an organizer meets in the admin: forms and fields, the admin itself and
# its scripts (the date and time pickers, the organizers' chooser), users, content types.
CATALOGS = [
    ("conf", "django"),
    ("contrib/admin", "django"),
    ("contrib/admin", "djangojs"),
    ("contrib/auth", "django"),
    ("contrib/contenttypes", "django"),
    ("contrib/sessions", "django"),
]
MISSING = object()


class _Missing(gettext.NullTranslations):
    """The end of a chain of catalogs: what none of them translates comes back as MISSING."""

    def gettext(self, message):
        return MISSING

    def ngettext(self, singular, plural, n):
        return MISSING

    def pgettext(self, context, message):
        return MISSING

    def npgettext(self, context, singular, plural, n):
        return MISSING


def _unquote(lines):
    text = "".join(re.findall(r'^"(.*)"$', lines, re.MULTILINE))
    return re.sub(r"\\(.)", lambda match: {"n": "\n", "t": "\t"}.get(match[1], match[1]), text)


def source_messages(path):
    """(context, msgid, msgid_plural) of every message of a .po file (Django's English source)."""
    entry = re.compile(
        r'^(?:msgctxt "(?P<context>.*)"\n)?msgid (?P<id>(?:".*"\n)+)'
        r'(?:msgid_plural (?P<plural>(?:".*"\n)+))?msgstr',
        re.MULTILINE,
    )
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        match = entry.search(block + "\n")
        if match and _unquote(match["id"]):
            plural = _unquote(match["plural"]) if match["plural"] else None
            yield match["context"], _unquote(match["id"]), plural


def german(domain, django_catalog):
    """Our catalogs (LOCALE_PATHS, first wins) over Django's, as Django merges them."""
    files = [Path(path) / "de" / "LC_MESSAGES" / f"{domain}.mo" for path in settings.LOCALE_PATHS]
    files.append(django_catalog)
    chain = None
    for file in filter(Path.exists, files):
        with file.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)
        if chain is None:
            chain = catalog
        else:
            chain.add_fallback(catalog)
    chain.add_fallback(_Missing())
    return chain


@pytest.mark.parametrize(("package", "domain"), CATALOGS)
def test_every_django_string_of_the_admin_has_a_german_translation(package, domain):
    locale = DJANGO / package / "locale"
    catalog = german(domain, locale / "de" / "LC_MESSAGES" / f"{domain}.mo")

    untranslated = []
    for context, message, plural in source_messages(locale / "en" / "LC_MESSAGES" / f"{domain}.po"):
        if plural is None:
            result = catalog.pgettext(context, message) if context else catalog.gettext(message)
        elif context:
            result = catalog.npgettext(context, message, plural, 1)
        else:
            result = catalog.ngettext(message, plural, 1)
        if result is MISSING:
            untranslated.append(message)

    assert untranslated == []


@pytest.mark.django_db
def test_the_german_admin_shows_its_choices_and_scripts_in_german(client):
    camp = make_camp()
    client.force_login(make_organizer(camp))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"

    page = client.get(reverse("admin:events_camp_add")).content.decode()
    scripts = client.get(reverse("admin:jsi18n")).content.decode()

    assert "- Select an option -" not in page
    assert "– Bitte auswählen –" in page
    # The catalog is JSON inside the script, non-ASCII letters escaped.
    assert f'"Choose all %s": {json.dumps("Alle %s auswählen")}' in scripts
    assert json.dumps("Hinweis: Zeiten in der Zeitzone %(timezone)s eingeben.")[:-1] in scripts

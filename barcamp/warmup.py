"""
What a worker would otherwise do on its first requests, done before it serves: importing the
views (the URL resolver), loading both languages' catalogs, compiling the templates and reading
the static files' manifest.

Measured with `bench/costs.py --first` (figures in bench/README.md): a fresh process's first
requests cost many times their normal CPU, while requests queue behind them; after `warm()`,
about their normal cost. granian's workers call it in their app factory (`barcamp/serve.py`)
before they take a request, so that also a worker replacing a crashed one starts warm.

Nothing here touches the database or the cache: a worker must start while either is away.
"""

from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import get_resolver
from django.utils import translation


def warm():
    # Importing every view module, building the resolver's reverse dictionaries (per language).
    resolver = get_resolver()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("German")
            resolver.reverse_dict  # noqa: B018  (a property that builds and keeps the dictionary)

    engine = engines["django"]
    for directory in _template_dirs():
        for path in sorted(directory.rglob("*.html")):
            engine.get_template(str(path.relative_to(directory)))

    from django.contrib.staticfiles.storage import staticfiles_storage

    # The storage is built on first use; in production, building it reads the manifest.
    staticfiles_storage.base_url  # noqa: B018


def _template_dirs():
    """The project's own templates: every page the phones and the projector see is among them."""
    return [Path(directory) for directory in settings.TEMPLATES[0]["DIRS"]]

"""What every server worker has done before it serves (granian's app factory, barcamp/serve.py)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core import cache as cache_module
from django.template import engines
from django.urls import clear_url_caches, get_resolver
from django.utils.functional import empty
from django.utils.translation import trans_real

from barcamp.warmup import warm


@pytest.fixture
def cold(monkeypatch):
    """A process that has not compiled a template, built the URL resolver or read a catalog."""
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    clear_url_caches()
    monkeypatch.setattr(trans_real, "_translations", {})
    monkeypatch.setattr(staticfiles_storage, "_wrapped", empty)
    yield loader
    loader.reset()
    clear_url_caches()


def project_templates():
    return {
        str(path.relative_to(directory))
        for directory in map(Path, settings.TEMPLATES[0]["DIRS"])
        for path in directory.rglob("*.html")
    }


def test_warm_up_compiles_every_project_template(cold):
    warm()

    assert project_templates() <= set(cold.get_template_cache)
    assert len(project_templates()) > 50


def test_warm_up_builds_the_url_resolver_for_each_language(cold):
    warm()

    built = get_resolver()._reverse_dict
    assert {code for code, _name in settings.LANGUAGES} <= set(built)
    assert all(built[code] for code, _name in settings.LANGUAGES)


def test_warm_up_loads_each_language_s_catalog(cold):
    warm()

    assert {code for code, _name in settings.LANGUAGES} <= set(trans_real._translations)


def test_warm_up_builds_the_static_files_storage(cold):
    # The production storage reads the manifest of fingerprinted names when it is built.
    warm()

    assert staticfiles_storage._wrapped is not empty


def test_warm_up_touches_neither_the_database_nor_the_cache(cold, monkeypatch):
    # A worker must start while the database or Redis is away (it answers 503, or serves
    # slower), so its warm-up reads neither.
    # No `db` mark: any query fails this test; the cache is made to fail the same way.
    def no_cache(self, alias):
        raise AssertionError(f"warm() used the cache {alias!r}")

    monkeypatch.setattr(type(cache_module.caches), "__getitem__", no_cache)

    warm()

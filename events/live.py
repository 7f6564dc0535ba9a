"""
The live version of a camp: a token that changes whenever something on its live pages does.

Phones and the projector poll with the token they last rendered. Reading the token is one
cache read (no database, no rendering), so an unchanged poll is nearly free; the pages are
rendered again only after a change. The token lives in the shared cache (Redis in
production) so that every app process sees the same one. A lost token (cache restart) only
costs every client one extra render.
"""

import secrets

from django.core.cache import cache
from django.db import transaction


def _key(camp_slug):
    return f"live:{camp_slug}"


def cached_version(camp_slug):
    """The camp's token if the cache has one, else None: the one read an unchanged poll costs."""
    return cache.get(_key(camp_slug))


def current_version(camp_slug):
    """The camp's current token; creates one on first use or after the cache lost it."""
    version = cache.get(_key(camp_slug))
    if version is None:
        cache.add(_key(camp_slug), secrets.token_hex(6), timeout=None)
        version = cache.get(_key(camp_slug))
    return version


def mark_changed(camp_slug):
    """After the current transaction commits, give the camp a new token."""
    transaction.on_commit(lambda: cache.set(_key(camp_slug), secrets.token_hex(6), timeout=None))

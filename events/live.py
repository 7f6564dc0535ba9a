"""
The live version of a camp: tokens that change whenever something on its live pages does.

Phones, the projector and door signs poll with the version they last rendered. Reading the
version is one cache round trip (no database, no rendering), so an unchanged poll is nearly
free; a page is rendered again only after a change it shows. Changes come in topics, so that
a vote, which only the projector's count and the board show, does not make a thousand phones
re-render their pitch page. The tokens live in the shared cache (Redis in production) so that
every app process sees the same ones; a lost token (cache restart) only costs every client
one extra render.
"""

import secrets

from django.core.cache import cache
from django.db import transaction

PITCH = "pitch"  # the live pitch, the queue, the sessions themselves
VOTES = "votes"  # tallies
PLAN = "plan"  # the published grid and the pinned announcements
DRAFT = "draft"  # the organizers' draft grid
WALL = "wall"  # the wall's posts and the pinned announcements
ALL = (PITCH, VOTES, PLAN, DRAFT, WALL)


def _keys(camp_slug, topics):
    return [f"live:{camp_slug}:{topic}" for topic in topics]


def cached_version(camp_slug, topics=ALL):
    """The camp's version of these topics if the cache has it, else None: what an unchanged poll costs."""
    keys = _keys(camp_slug, topics)
    tokens = cache.get_many(keys)
    if len(tokens) != len(keys):
        return None
    return ".".join(tokens[key] for key in keys)


def current_version(camp_slug, topics=ALL):
    """The camp's version of these topics; creates tokens on first use or after the cache lost them."""
    keys = _keys(camp_slug, topics)
    tokens = cache.get_many(keys)
    missing = [key for key in keys if key not in tokens]
    if missing:
        for key in missing:
            cache.add(key, secrets.token_hex(4), timeout=None)
        tokens = cache.get_many(keys)
    return ".".join(tokens.get(key, "0") for key in keys)


def is_unchanged_poll(request, camp_slug, topics):
    """An HTMX poll that already shows the current version: answer 204 without touching the database."""
    seen = request.GET.get("v")
    return bool(request.htmx and seen and seen == cached_version(camp_slug, topics))


def mark_changed(camp_slug, *topics):
    """After the current transaction commits, give the topics (all if none given) new tokens."""
    keys = _keys(camp_slug, topics or ALL)
    transaction.on_commit(
        lambda: cache.set_many({key: secrets.token_hex(4) for key in keys}, timeout=None)
    )

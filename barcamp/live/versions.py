"""
The live version of a camp: tokens that change whenever something on its live pages does.

Phones, the projector and door signs poll with the version they last rendered. Reading the
version is one cache round trip (no database, no rendering), or none when this process read or
set the same tokens within LIVE_TOKENS_MAX_AGE, so an unchanged poll is nearly free; a page is
rendered again only after a change it shows. Changes come in topics, so that a vote, which only
the projector's count and the board show, does not make a thousand phones re-render their pitch
page. The tokens live in the shared cache (Redis in production) so that every app process sees
the same ones; a lost token (cache restart) only costs every client one extra render.

The topics are the apps' (`declare_topics`, from an AppConfig.ready()), and so are the other
cache keys a live page reads with its tokens (`read_ahead_also`): this module knows a camp only
by its slug.
"""

import atexit
import contextvars
import logging
import secrets
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# Every topic of a camp, in the order the apps declared them; those whose changes come too often
# for a new token each (`_Coalescing`); and what else a live page reads with them (functions of
# the camp's slug that give cache keys): set once, at start-up.
_topics = []
_coalesced = set()
_read_ahead_keys = []


def declare_topics(*topics, coalesced=()):
    """Adds topics of a camp's live pages: what `mark_changed()` without topics changes and what
    `read_ahead()` reads. A change of only a `coalesced` topic gets a new token at most every
    LIVE_VOTES_INTERVAL seconds per process (the tallies). Called from an AppConfig.ready()."""
    _topics.extend(topic for topic in topics if topic not in _topics)
    _coalesced.update(coalesced)


def read_ahead_also(keys_of):
    """Has `read_ahead()` read `keys_of(camp_slug)` too, in the same round trip (a row the live
    pages load next, for `take_read_ahead`). Called from an AppConfig.ready()."""
    if keys_of not in _read_ahead_keys:
        _read_ahead_keys.append(keys_of)


def _keys(camp_slug, topics):
    return [f"live:{camp_slug}:{topic}" for topic in topics]


# The tokens read so far in a request that reads them once (`reading_once`), or None; and the
# other keys `read_ahead` read with them, until they are taken.
_read_in_this_request = contextvars.ContextVar("live_tokens_read_in_this_request", default=None)


class reading_once:  # noqa: N801 - used as a function: `with live.reading_once():`
    """
    Within: each token is read from the cache once, and later reads reuse it.

    For a poll's request (barcamp.live.polls.LivePolls), which reads a page's tokens to compare
    them with the version the page shows, and when they differ reads them again to render the
    page (its version, what it keeps in `memoized`), twice on the plan and the projector; and
    for a live page's GET (`read_ahead`). A version read earlier in the request is never newer
    than the data the page reads after it, which is all a version must be; neither writes
    anything that would give it new tokens. A class, not a generator: every poll enters it,
    also the unchanged ones.
    """

    def __enter__(self):
        self.reset = _read_in_this_request.set({})

    def __exit__(self, *exc_info):
        _read_in_this_request.reset(self.reset)


def reading():
    """Whether this request reads each token once (within `reading_once`)."""
    return _read_in_this_request.get() is not None


def read_ahead(camp_slug, *others):
    """
    Within `reading_once`: all the camp's tokens in one read. A page reads the tokens of several
    topics, each where it needs them (the plan page its plan's three times, the pitch's and the
    wall's once): one round trip to Redis for all of them instead of one for each. With them, the
    keys the apps named (`read_ahead_also`: the camp's row) and `others`, which the request reads
    next, for `take_read_ahead`.
    """
    read = _read_in_this_request.get()
    if read is None:
        return
    keys = _keys(camp_slug, _topics)
    others = [*(key for keys_of in _read_ahead_keys for key in keys_of(camp_slug)), *others]
    asked = time.monotonic()
    values = cache.get_many([*keys, *others])
    tokens = {key: values[key] for key in keys if key in values}
    _learn(keys, tokens, asked)
    read.update(tokens)
    read.update({key: values.get(key) for key in others})


NOT_READ = object()


def take_read_ahead(key):
    """What `read_ahead` read for this cache key (one of its `others`) in this request, once:
    its value, None when the cache did not have it, NOT_READ when it was not read ahead or was
    taken already (a later read asks the cache, which may have it by then)."""
    read = _read_in_this_request.get()
    return NOT_READ if read is None else read.pop(key, NOT_READ)


def _read(keys):
    read = _read_in_this_request.get()
    if read is None:
        return _get_many(keys)
    unread = [key for key in keys if key not in read]
    if unread:
        read.update(_get_many(unread))
    return {key: read[key] for key in keys if key in read}


def _get_many(keys):
    asked = time.monotonic()
    tokens = cache.get_many(keys)
    _learn(keys, tokens, asked)
    return tokens


def _learn(keys, tokens, asked):
    """Keeps the tokens read of these keys, as of `asked`."""
    _remember(tokens, asked)
    for key in keys:
        if key not in tokens:  # lost with the cache, or never made: not to be trusted either
            _seen.pop(key, None)


# The tokens this process read from the cache or set there: key -> (token, the time.monotonic()
# before it was read or set). A plain dict: its reads and writes are atomic between threads.
_seen = {}
_SEEN_KEYS = 4096  # a few hundred camps of five topics: dropped all at once beyond that


def _remember(tokens, when):
    if len(_seen) > _SEEN_KEYS:
        _seen.clear()
    for key, token in tokens.items():
        _seen[key] = (token, when)


def _seen_version(camp_slug, topics):
    """The topics' version from the tokens this process read or set within the last
    LIVE_TOKENS_MAX_AGE seconds, or None."""
    oldest = time.monotonic() - settings.LIVE_TOKENS_MAX_AGE
    tokens = []
    for key in _keys(camp_slug, topics):
        entry = _seen.get(key)
        if entry is None or entry[1] < oldest:
            return None
        tokens.append(entry[0])
    return ".".join(tokens)


def cached_version(camp_slug, topics=None):
    """The camp's version of these topics (all if none given) if the cache has it, else None:
    what an unchanged poll costs."""
    keys = _keys(camp_slug, _topics if topics is None else topics)
    tokens = _read(keys)
    if len(tokens) != len(keys):
        return None
    return ".".join(tokens[key] for key in keys)


def shared_version(camp_slug, topics):
    """The topics' version as the shared cache keeps it, its tokens created on first use or after
    the cache lost them; None if it cannot keep them (a cache that keeps nothing)."""
    keys = _keys(camp_slug, topics)
    tokens = _read(keys)
    missing = [key for key in keys if key not in tokens]
    if missing:
        for key in missing:
            cache.add(key, secrets.token_hex(4), timeout=None)
        # Another process may have created them first: read what the cache keeps.
        tokens = {**tokens, **_get_many(missing)}
        if (read := _read_in_this_request.get()) is not None:
            read.update(tokens)
    if len(tokens) != len(keys):
        return None
    return ".".join(tokens[key] for key in keys)


def current_version(camp_slug, topics=None):
    """The camp's version of these topics (all if none given); creates tokens on first use or
    after the cache lost them."""
    topics = _topics if topics is None else topics
    return shared_version(camp_slug, topics) or ".".join("0" for _topic in topics)


def page_version(version, *, changes_at=None):
    """The version a live page renders into its poll, from `current_version()` read *before*
    the page read its data (read after, it could stamp the old state with a newer version, and
    the poll would answer 204 to it until the next change); a page that shows the time (the
    current slot, "moved" marks) adds when it will change by itself."""
    if changes_at is not None:
        version += f"~{int(changes_at.timestamp())}"
    return version


def is_current(camp_slug, topics, seen):
    """Whether a page that rendered version `seen` still shows the present: one cache read.

    A page that shows the time carries the moment it goes stale, so a projector highlights
    the next slot when it begins, not when something else changes."""
    if not seen:
        return False
    tokens, _, stale_at = seen.partition("~")
    if stale_at and not (stale_at.isdigit() and timezone.now().timestamp() < int(stale_at)):
        return False
    if settings.LIVE_TOKENS_MAX_AGE and tokens == _seen_version(camp_slug, topics):
        return True
    return tokens == cached_version(camp_slug, topics)


def mark_changed(camp_slug, *topics):
    """After the current transaction commits, give the topics (all if none given) new tokens."""
    keys = _keys(camp_slug, topics or _topics)
    if len(topics) == 1 and topics[0] in _coalesced:
        transaction.on_commit(lambda: _coalescing.publish(keys[0]))
    elif len(keys) == 1:
        transaction.on_commit(lambda: _publish(keys[0]))
    else:
        transaction.on_commit(lambda: _set({key: secrets.token_hex(4) for key in keys}))


def _publish(key):
    token, when = secrets.token_hex(4), time.monotonic()
    cache.set(key, token, timeout=None)
    _remember({key: token}, when)


def _set(tokens):
    when = time.monotonic()
    cache.set_many(tokens, timeout=None)
    _remember(tokens, when)


class _Coalescing:
    """
    Gives a key a new token at most once per `interval` seconds in this process: a change at
    once when the last one is longer ago, the changes within the interval with one new token
    at its end.

    A vote changes only the tallies, and the plenum casts hundreds a second: a new token for
    each was a Redis round trip per vote for a projector that polls every two seconds. A token
    set at the end of the interval is set after every change it covers has committed, so a
    page rendered under it shows them all (what `memoized` relies on).

    The tokens due later are set by one thread per process that sleeps until the next is due.
    A timer thread for each cost the vote that started it a wait for the new thread to run,
    and each thread a Redis client and connection of its own (Django's caches are per thread).
    """

    def __init__(self, interval):
        self.interval = interval
        self.condition = threading.Condition()
        self.last = {}  # key: time.monotonic() of its last new token
        self.pending = {}  # key: time.monotonic() at which it gets its new token
        self.thread = None

    def publish(self, key):
        interval = self.interval()
        now = time.monotonic()
        with self.condition:
            if key in self.pending:
                return
            last = self.last.get(key)
            if last is not None and last + interval > now:
                self.pending[key] = last + interval
                self._start_thread()
                self.condition.notify()
                return
            self.last[key] = now
        _publish(key)

    def _start_thread(self):
        # Per process: a worker forked from a process that had one does not inherit it.
        if self.thread is None or not self.thread.is_alive():
            self.thread = threading.Thread(target=self._run, name="live-tokens", daemon=True)
            self.thread.start()

    def _run(self):
        while True:
            with self.condition:
                while not (due := self._take_due()):
                    next_at = min(self.pending.values(), default=None)
                    self.condition.wait(None if next_at is None else next_at - time.monotonic())
            for key in due:
                try:
                    _publish(key)
                except Exception:  # the thread must go on: the next votes need it
                    logger.exception("Could not give %s a new token", key)

    def _take_due(self):
        now = time.monotonic()
        due = [key for key, at in self.pending.items() if at <= now]
        for key in due:
            del self.pending[key]
            self.last[key] = now
        return due

    def clear(self):
        with self.condition:
            self.pending.clear()
            self.last.clear()

    def flush_all(self):
        """The tokens still due, at once: a process that stops must not take them along."""
        with self.condition:
            due, self.pending = list(self.pending), {}
        for key in due:
            _publish(key)


_coalescing = _Coalescing(interval=lambda: settings.LIVE_VOTES_INTERVAL)
atexit.register(_coalescing.flush_all)

"""
What a thousand phones would render alike, derived once per live version in each process.

The version is shared (the cache), so every process serves the same state; each keeps its own
copy of what it derived, and a new version simply makes new keys (old ones age out).
"""

import threading
from collections import OrderedDict

from . import versions


class Memo:
    """The newest `size` values computed in this process, by key (a key that names a version
    makes a new version new keys, and old ones age out). Values are shared between requests and
    threads: callers must treat them as read-only."""

    def __init__(self, size):
        self.size, self.values, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key, compute):
        with self.lock:
            if key in self.values:
                self.values.move_to_end(key)
                return self.values[key]
        value = compute()
        with self.lock:
            self.values[key] = value
            while len(self.values) > self.size:
                self.values.popitem(last=False)
        return value

    def clear(self):
        with self.lock:
            self.values.clear()


_memo = Memo(size=256)


def memo_version(camp_slug, topics):
    """The topics' version to keep derived values under, or None without a shared cache: read it
    before reading what the values derive from, and hand it to each `memoized()` of the request."""
    return versions.shared_version(camp_slug, topics)


READ_HERE = object()  # memoized(version=...)'s default: read the version there


def memoized(camp_slug, topics, key, compute, *, version=READ_HERE):
    """compute(), once per version of the camp's topics in this process.

    A value must never be kept under a version newer than what it was derived from: a request
    that read the old state, then found the version of a change committed meanwhile, would keep
    the old state under the new version for every later request. By default the version is read
    here, before compute() reads the database. A compute() that derives from data the request
    read earlier gets `version=`, read before that data (`memo_version`). Without a shared
    version (the cache is away, `None`) it computes every time.
    """
    if version is READ_HERE:
        version = versions.shared_version(camp_slug, topics)
    if version is None:
        return compute()
    return _memo.get((camp_slug, tuple(topics), version, key), compute)

"""A Redis cache that fails open: when Redis is gone the app keeps working without it."""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (ConnectionError, TimeoutError, OSError)


def fail_open(operation, default, call, *args):
    """`call(*args)`, or `default` when Redis cannot be reached."""
    try:
        return call(*args)
    except UNAVAILABLE as error:
        logger.warning("Redis unavailable during %s: %s", operation, error)
        return default


class FailOpenRedisCache(RedisCache):
    """
    Django's Redis cache, except that an unreachable Redis reads as a miss and writes are dropped.

    Everything the app keeps in the cache can be rebuilt: live versions (a miss means one extra
    render per client), cached sessions (read from the database instead), rate-limit counters
    (not counted while Redis is away). Only the cache API's public methods are wrapped; the
    connections are Django's and redis-py's, set up by the settings' OPTIONS (short socket
    timeouts keep a dead Redis from holding requests up).
    """

    def get(self, key, default=None, version=None):
        return fail_open("get", default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return fail_open("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return fail_open("has_key", False, super().has_key, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return fail_open("set", None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return fail_open("set_many", list(data), super().set_many, data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # "Added" when Redis is away: allauth's rate limits take a lock with add and would
        # otherwise wait for it and answer every login, code and sign-up "too many requests".
        return fail_open("add", True, super().add, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return fail_open("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return fail_open("delete", False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return fail_open("delete_many", None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        # Counters (rate limits) cannot count without Redis: report the first hit.
        return fail_open("incr", delta, super().incr, key, delta, version)

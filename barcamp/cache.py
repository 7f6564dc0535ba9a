"""A Redis cache that fails open: when Redis is gone the app keeps working without it."""

import functools
import logging

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisSerializer
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (ConnectionError, TimeoutError, OSError)

# INCRBY only a key that is there (the cache API's incr of a missing key is a ValueError), in one
# round trip instead of EXISTS and INCRBY.
INCR_IF_EXISTS = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


def fails_open(default):
    """The method's answer, or `default(*args)` when Redis cannot be reached."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as error:
                logger.warning("Redis unavailable during %s: %s", method.__name__, error)
                return default(*args, **kwargs)

        return wrapper

    return decorate


def answer(value):
    return lambda *args, **kwargs: value


class FailOpenRedisCache(BaseCache):
    """
    The cache API on one Redis, through redis-py's client; an unreachable Redis reads as a miss
    and writes are dropped.

    Everything the app keeps in the cache can be rebuilt: live versions (a miss means one extra
    render per client), cached sessions (read from the database instead), rate-limit counters
    (not counted while Redis is away: every request is the first). `add` answers "added":
    allauth's rate limits take a lock with it and would otherwise answer every login, code and
    sign-up "too many requests". Short socket timeouts (settings, OPTIONS) keep a dead Redis
    from holding requests up.

    A backend of our own on Django's BaseCache rather than Django's RedisCache, whose client
    builds a new redis.Redis, with its table of a few hundred response callbacks, for every
    command, several per vote (bench/README.md). One redis.Redis serves
    every call of the process (it is thread-safe; redis-py's pool gives a forked child its own
    connections). Values are stored as Django's RedisCache stores them (its RedisSerializer:
    integers as they are, everything else pickled), so either reads the other's entries.
    One server only (no read replicas).
    """

    def __init__(self, server, params):
        super().__init__(params)
        self.client = redis.Redis.from_url(server, **params.get("OPTIONS", {}))
        self.serializer = RedisSerializer()
        self.incr_if_exists = self.client.register_script(INCR_IF_EXISTS)

    def get_backend_timeout(self, timeout=DEFAULT_TIMEOUT):
        # As Django's RedisCache: None keeps the key for good, zero or less deletes it.
        if timeout == DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else max(0, int(timeout))

    @fails_open(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        value = self.client.get(self.make_and_validate_key(key, version=version))
        return default if value is None else self.serializer.loads(value)

    @fails_open(answer({}))
    def get_many(self, keys, version=None):
        names = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not names:
            return {}
        values = self.client.mget(list(names))
        return {
            names[name]: self.serializer.loads(value)
            for name, value in zip(names, values, strict=True)
            if value is not None
        }

    @fails_open(answer(False))
    def has_key(self, key, version=None):
        return bool(self.client.exists(self.make_and_validate_key(key, version=version)))

    @fails_open(answer(None))
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        name = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout == 0:
            self.client.delete(name)
        else:
            self.client.set(name, self.serializer.dumps(value), ex=timeout)

    @fails_open(lambda data, *args, **kwargs: list(data))
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        values = {
            self.make_and_validate_key(key, version=version): self.serializer.dumps(value)
            for key, value in data.items()
        }
        timeout = self.get_backend_timeout(timeout)
        pipeline = self.client.pipeline()
        if timeout == 0:
            pipeline.delete(*values)
        else:
            pipeline.mset(values)
            if timeout is not None:  # MSET takes no expiry
                for name in values:
                    pipeline.expire(name, timeout)
        pipeline.execute()
        return []

    @fails_open(answer(True))
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        name = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        value = self.serializer.dumps(value)
        if timeout == 0:
            added = bool(self.client.set(name, value, nx=True))
            if added:
                self.client.delete(name)
            return added
        return bool(self.client.set(name, value, ex=timeout, nx=True))

    @fails_open(answer(False))
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        name = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            return bool(self.client.persist(name))
        return bool(self.client.expire(name, timeout))

    @fails_open(answer(False))
    def delete(self, key, version=None):
        return bool(self.client.delete(self.make_and_validate_key(key, version=version)))

    @fails_open(answer(None))
    def delete_many(self, keys, version=None):
        names = [self.make_and_validate_key(key, version=version) for key in keys]
        if names:
            self.client.delete(*names)

    # Counters (rate limits) cannot count without Redis: report the first hit.
    @fails_open(lambda key, delta=1, version=None: delta)
    def incr(self, key, delta=1, version=None):
        value = self.incr_if_exists(
            keys=[self.make_and_validate_key(key, version=version)], args=[delta]
        )
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def clear(self):
        return bool(self.client.flushdb())

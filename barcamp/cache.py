"""A Redis cache that fails open: when Redis is gone the app keeps working without it."""

import logging
import os
import socket
import struct

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (ConnectionError, TimeoutError, OSError)
# Where get_and_follow's target key takes the pointer's value.
POINTER = "{pointer}"
# Seconds a read or write may take when the settings name none (redis-py's default).
REDIS_IO_TIMEOUT = 5


# INCRBY only a key that is there, in one round trip.
INCR_IF_EXISTS = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""


# INCRBY, and give a counter this creates its expiry, in one round trip.
INCR_WITH_EXPIRY = """
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if value == tonumber(ARGV[1]) then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return value
"""


# The value of KEYS[1], the pointer in KEYS[2], and the value of the key it points at
# (ARGV[1] .. pointer .. ARGV[2]), in one round trip. The third key is not declared in KEYS,
# so not for Redis Cluster.
GET_AND_FOLLOW = """
local pointer = redis.call('GET', KEYS[2])
local pointed = false
if pointer then
  pointed = redis.call('GET', ARGV[1] .. pointer .. ARGV[2])
end
return {redis.call('GET', KEYS[1]), pointer, pointed}
"""


# This process's id, kept up to date across forks (PidCachingConnectionPool).
_pid = os.getpid()


def _forked():
    global _pid
    _pid = os.getpid()


os.register_at_fork(after_in_child=_forked)


class PidCachingConnectionPool(redis.ConnectionPool):
    """
    redis-py's pool, noticing a fork without asking the kernel. redis-py compares its pid with
    os.getpid() as it hands out a connection and as it takes it back, and each os.getpid() is a
    system call: two per command, on a machine where system calls are dear (bench/README.md).
    """

    def _checkpid(self):
        if self.pid != _pid:
            super()._checkpid()  # forked: redis-py makes the child its own connections


class KernelTimeoutConnection(redis.connection.Connection):
    """
    A connection whose reads and writes time out in the kernel (SO_RCVTIMEO, SO_SNDTIMEO)
    instead of in Python. A Python socket with a timeout polls before every send and every
    receive: two system calls more per command, each letting go of the interpreter lock that
    the worker's other thread then takes. Here the socket blocks, and the kernel gives up after
    `io_timeout` seconds; redis-py reports that as a ConnectionError ("Resource temporarily
    unavailable") and closes the connection, and the caches fail open as for a dead Redis.
    """

    def __init__(self, *, io_timeout=None, **kwargs):
        self.io_timeout = io_timeout
        super().__init__(**kwargs)

    def _connect(self):
        sock = super()._connect()
        if self.io_timeout:
            seconds = int(self.io_timeout)
            timeval = struct.pack("ll", seconds, int((self.io_timeout - seconds) * 1_000_000))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeval)
        return sock


class ReusingRedisCacheClient(RedisCacheClient):
    """
    Django's Redis client builds a new redis.Redis object for every cache call, and each one
    fills a table of a few hundred response callbacks: a third of what an unchanged poll cost.
    One redis.Redis per connection pool serves every call (it is thread-safe).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._incr_if_exists = None
        self._incr_with_expiry = None
        self._get_and_follow = None

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client

    def incr(self, key, delta):
        """
        Django's incr asks EXISTS, then INCRBY: two round trips on every rate-limited POST (a
        vote among them), and a counter that expires between the two comes back without an
        expiry, limiting its person for good. A script does both at once.
        """
        client = self.get_client(key, write=True)
        if self._incr_if_exists is None:
            self._incr_if_exists = client.register_script(INCR_IF_EXISTS)
        value = self._incr_if_exists(keys=[key], args=[delta], client=client)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def incr_with_expiry(self, key, delta, timeout):
        client = self.get_client(key, write=True)
        if self._incr_with_expiry is None:
            self._incr_with_expiry = client.register_script(INCR_WITH_EXPIRY)
        return self._incr_with_expiry(keys=[key], args=[delta, timeout], client=client)

    def get_and_follow(self, key, pointer_key, target_key):
        client = self.get_client(key, write=True)  # a script: on the primary
        if self._get_and_follow is None:
            self._get_and_follow = client.register_script(GET_AND_FOLLOW)
        before, _, after = target_key.partition(POINTER)
        values = self._get_and_follow(keys=[key, pointer_key], args=[before, after], client=client)
        return tuple(None if value is None else self._serializer.loads(value) for value in values)


class FailOpenRedisCache(RedisCache):
    """
    Django's Redis cache, except that an unreachable Redis reads as a miss and writes are dropped.

    Everything the app keeps in the cache can be rebuilt: live versions (a miss means one extra
    render per client), cached sessions (read from the database instead), rate-limit counters
    (not counted while Redis is away). A short socket timeout (settings) keeps a dead Redis from
    holding requests up.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        options = {"pool_class": PidCachingConnectionPool, **self._options}
        # Plain TCP only: a rediss:// or unix:// address brings its own connection class (TLS,
        # a Unix socket), which a connection_class here would replace.
        plain_tcp = all(server.startswith("redis://") for server in self._servers)
        if plain_tcp and "connection_class" not in options:
            # The socket_timeout of the settings, kept by the kernel.
            options["connection_class"] = KernelTimeoutConnection
            options["io_timeout"] = options.pop("socket_timeout", REDIS_IO_TIMEOUT)
            options["socket_timeout"] = None
        self._options = options

    def _fail_open(self, operation, default, call, *args):
        try:
            return call(*args)
        except UNAVAILABLE as error:
            logger.warning("Redis unavailable during %s: %s", operation, error)
            return default

    def get(self, key, default=None, version=None):
        return self._fail_open("get", default, super().get, key, default, version)

    def get_and_follow(self, key, pointer_key, target_key):
        """
        The value of `key`, the pointer at `pointer_key`, and the value of the key it points
        at, in one round trip: a pointer is an integer (Redis holds it as it is, not pickled),
        and `target_key` is the key pointed at with POINTER in place of that integer. Each is
        None when it is not there, all three when Redis is away.
        """
        return self._fail_open(
            "get_and_follow",
            (None, None, None),
            self._cache.get_and_follow,
            self.make_and_validate_key(key),
            self.make_and_validate_key(pointer_key),
            self.make_and_validate_key(target_key),
        )

    def get_many(self, keys, version=None):
        return self._fail_open("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._fail_open("has_key", False, super().has_key, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fail_open("set", None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fail_open("set_many", list(data), super().set_many, data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # "Added" when Redis is away: allauth's rate limits take a lock with add and would
        # otherwise wait for it and answer every login, code and sign-up "too many requests".
        return self._fail_open("add", True, super().add, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fail_open("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._fail_open("delete", False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._fail_open("delete_many", None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        # Counters (rate limits) cannot count without Redis: report the first hit.
        return self._fail_open("incr", delta, super().incr, key, delta, version)


class RateLimitRedisCache(FailOpenRedisCache):
    """
    The cache django-ratelimit counts in (RATELIMIT_USE_CACHE): one round trip per limited
    request instead of two.

    For every limited POST, a vote among them, django-ratelimit asks `add(key, 1, period)` to
    start the window's counter, and when the counter was already there, `incr(key)`: the add
    and its round trip are wasted on all but the first request of a window. Here `add` only
    notes the period and answers "already there"; `incr` then counts and gives a counter it
    starts its expiry, in one script. Only for django-ratelimit's counters: `add` never stores.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._periods = {}

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._periods[key] = self.get_backend_timeout(timeout)
        return False

    def get(self, key, default=None, version=None):
        self._periods.pop(key, None)
        return super().get(key, default, version)

    def incr(self, key, delta=1, version=None):
        timeout = self._periods.pop(key, None) or self.default_timeout
        redis_key = self.make_and_validate_key(key, version=version)
        return self._fail_open(
            "incr", delta, self._cache.incr_with_expiry, redis_key, delta, int(timeout)
        )

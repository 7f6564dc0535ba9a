"""The Redis cache (barcamp.cache) against a real Redis: what rate limits and live versions rely on."""

import os
import socket
import struct
import threading
import time
from unittest import mock

import pytest

from barcamp.cache import FailOpenRedisCache, RateLimitRedisCache

REDIS_URL = os.environ.get("TEST_CACHE_REDIS_URL", "redis://127.0.0.1:6379/12")


@pytest.fixture
def cache():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"needs Redis at {REDIS_URL}")
    # A key prefix of its own: parallel test workers share the Redis database.
    cache = FailOpenRedisCache(REDIS_URL, {"KEY_PREFIX": f"test-cache-{os.getpid()}"})
    yield cache
    cache.clear()


@pytest.fixture
def rate_limit_cache(cache):
    return RateLimitRedisCache(REDIS_URL, {"KEY_PREFIX": f"test-cache-{os.getpid()}"})


def commands(cache):
    """Count the commands the cache sends to Redis."""
    client = cache._cache.get_client(write=True)
    return mock.patch.object(client, "execute_command", wraps=client.execute_command)


def test_incr_counts_in_one_round_trip_and_keeps_the_expiry(cache):
    cache.add("counter", 1, 60)
    cache.incr("counter")  # the first one may load the script into Redis

    with commands(cache) as sent:
        value = cache.incr("counter")

    assert value == 3
    assert sent.call_count == 1
    assert cache.get("counter") == 3
    key = cache.make_and_validate_key("counter")
    assert 0 < cache._cache.get_client().ttl(key) <= 60


def test_incr_of_a_missing_key_raises_and_creates_nothing(cache):
    with pytest.raises(ValueError):
        cache.incr("gone")

    assert cache.get("gone") is None


def test_a_rate_limit_counts_each_request_once(cache, rf):
    from django_ratelimit.core import get_usage

    request = rf.post("/")
    request.user = mock.Mock(is_authenticated=True, pk=7)

    with mock.patch("django_ratelimit.core.caches", {"default": cache}):
        counts = [
            get_usage(request, group="vote", key="user", rate="3/m", increment=True)
            for _ in range(4)
        ]

    assert [usage["count"] for usage in counts] == [1, 2, 3, 4]
    assert [usage["should_limit"] for usage in counts] == [False, False, False, True]


def _votes_counted(cache, rf, times, *, rate="3/m"):
    from django_ratelimit.core import get_usage

    request = rf.post("/")
    request.user = mock.Mock(is_authenticated=True, pk=7)
    with mock.patch("django_ratelimit.core.caches", {"default": cache}):
        return [
            get_usage(request, group="vote", key="user", rate=rate, increment=True)
            for _ in range(times)
        ]


def test_the_rate_limit_cache_counts_a_request_in_one_round_trip(rate_limit_cache, rf):
    _votes_counted(rate_limit_cache, rf, 1)  # the first one may load the script into Redis

    with commands(rate_limit_cache) as sent:
        counts = _votes_counted(rate_limit_cache, rf, 4)

    assert sent.call_count == 4
    assert [usage["count"] for usage in counts] == [2, 3, 4, 5]
    assert [usage["should_limit"] for usage in counts] == [False, False, True, True]


def test_the_rate_limit_cache_gives_a_new_counter_its_window_as_expiry(rate_limit_cache, rf):
    _votes_counted(rate_limit_cache, rf, 2, rate="3/h")

    client = rate_limit_cache._cache.get_client()
    [key] = client.keys(rate_limit_cache.make_and_validate_key("rl:*"))
    assert int(client.get(key)) == 2
    # django-ratelimit's window plus its 5 seconds of fudge.
    assert 3600 < client.ttl(key) <= 3605


def test_the_rate_limit_cache_add_stores_nothing(rate_limit_cache):
    added = rate_limit_cache.add("counter", 1, 60)

    assert added is False
    assert rate_limit_cache.get("counter") is None
    assert rate_limit_cache._periods == {}


def test_without_redis_the_rate_limit_cache_lets_requests_through(rf):
    from tests.http import free_port

    gone = RateLimitRedisCache(
        f"redis://127.0.0.1:{free_port()}/0", {"OPTIONS": {"socket_connect_timeout": 0.2}}
    )

    counts = _votes_counted(gone, rf, 5)

    assert [usage["should_limit"] for usage in counts] == [False] * 5


def test_replies_are_parsed_by_hiredis(cache):
    # redis-py parses replies in Python unless hiredis is installed; with it a vote cost 6 %
    # less CPU and a camp page 5 % (bench/README.md). A lock file that lost the extra falls
    # back silently, so this says so.
    from redis._parsers import _HiredisParser

    pool = cache._cache.get_client().connection_pool
    connection = pool.get_connection()
    try:
        assert isinstance(connection._parser, _HiredisParser)
    finally:
        pool.release(connection)


@pytest.fixture
def silent_redis():
    """A server that takes connections and never answers, as a Redis that hangs."""
    server = socket.create_server(("127.0.0.1", 0))
    held = []

    def accept():
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return  # closed
            held.append(connection)

    threading.Thread(target=accept, daemon=True).start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()
    for connection in held:
        connection.close()


def test_a_redis_that_does_not_answer_reads_as_a_miss_after_the_timeout(silent_redis):
    hanging = FailOpenRedisCache(
        silent_redis, {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}
    )

    started = time.monotonic()
    value = hanging.get("key", "default")
    hanging.set("key", "value")
    took = time.monotonic() - started

    assert value == "default"
    assert took < 2  # two timeouts of 0.2 s, not a request held up


def test_reads_and_writes_time_out_in_the_kernel_not_in_python(cache):
    # A Python timeout polls before every send and receive: two system calls per command more.
    pool = cache._cache.get_client().connection_pool
    connection = pool.get_connection()
    try:
        sock = connection._sock
        timeout = struct.unpack("ll", sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, 16))
        assert sock.gettimeout() is None
        assert timeout == (5, 0)  # redis-py's default when the settings name none
    finally:
        pool.release(connection)


def test_a_command_does_not_ask_the_kernel_for_the_process_id(cache):
    cache.get("warm")  # the first command connects

    with mock.patch("os.getpid", wraps=os.getpid) as getpid:
        cache.set("key", "value")
        cache.get("key")

    assert getpid.call_count == 0


# The child only reads through this cache, which no other thread of the test process uses.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")
def test_a_forked_child_makes_its_own_connections(cache):
    cache.set("key", "value")
    pool = cache._cache.get_client().connection_pool
    pid = os.fork()
    if pid == 0:  # the child: a shared socket would mix its replies with the parent's
        try:
            ok = cache.get("key") == "value" and pool.pid == os.getpid()
        finally:
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)

    assert os.waitstatus_to_exitcode(status) == 0
    assert cache.get("key") == "value"


@pytest.mark.parametrize(
    ("location", "connection_class"),
    [
        ("rediss://127.0.0.1:6380/0", "SSLConnection"),
        ("unix:///run/redis/redis.sock?db=0", "UnixDomainSocketConnection"),
        ("redis://127.0.0.1:6379/0", "KernelTimeoutConnection"),
    ],
)
def test_an_address_keeps_the_connection_its_scheme_needs(location, connection_class):
    cache = FailOpenRedisCache(location, {"OPTIONS": {"socket_timeout": 0.2}})

    pool = cache._cache._get_connection_pool(write=True)

    assert pool.connection_class.__name__ == connection_class

"""The load benchmark's HTTP client (bench/http11.py) reads every answer the app sends whole."""

import asyncio
import concurrent.futures
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import http11  # noqa: E402

ANSWERS = {
    b"/length": b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    b"/chunked": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nhel\r\n2;note=x\r\nlo\r\n0\r\nX-Trailer: 1\r\n\r\n"
    ),
    b"/unchanged": b"HTTP/1.1 204 No Content\r\n\r\n",
    b"/close": b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbye",
}


async def serve(answers_per_connection=None):
    """A server that answers ANSWERS by path; after `answers_per_connection` it hangs up."""
    seen = []

    async def handle(reader, writer):
        answered = 0
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            request_line, *headers = head.split(b"\r\n")
            length = next(
                (int(h.split(b":")[1]) for h in headers if h.lower().startswith(b"content-length")),
                0,
            )
            body = await reader.readexactly(length)
            path = request_line.split(b" ")[1]
            seen.append((request_line, body))
            writer.write(ANSWERS[path])
            await writer.drain()
            answered += 1
            if path == b"/close" or answered == answers_per_connection:
                break
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1], seen


def run(coroutine):
    # In a thread of its own: a browser test before this one in the same worker may have left
    # Playwright's event loop running in this thread.
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def test_answers_of_every_shape_are_read_whole_on_one_connection():
    async def scenario():
        server, port, seen = await serve()
        connection = http11.Connection("127.0.0.1", port)
        answers = [
            await connection.request("GET", "/length"),
            await connection.request("GET", "/chunked"),
            await connection.request("GET", "/unchanged"),
            await connection.request("POST", "/length", {"X-A": "1"}, b"want=1"),
        ]
        connection.close()
        server.close()
        return answers, seen

    answers, seen = run(scenario())

    assert answers == [(200, b"hello"), (200, b"hello"), (204, b""), (200, b"hello")]
    assert seen[-1] == (b"POST /length HTTP/1.1", b"want=1")


def test_a_connection_the_server_closed_is_opened_again():
    async def scenario():
        server, port, seen = await serve(answers_per_connection=1)
        connection = http11.Connection("127.0.0.1", port)
        first = await connection.request("GET", "/length")
        await asyncio.sleep(0.05)  # the server has hung up meanwhile
        second = await connection.request("GET", "/length")
        after_close = [await connection.request("GET", "/close")]
        assert connection.writer is None  # hung up as the answer said, not found out later
        after_close.append(await connection.request("GET", "/length"))
        connection.close()
        server.close()
        return first, second, after_close, len(seen)

    first, second, after_close, requests = run(scenario())

    assert first == second == (200, b"hello")
    assert after_close == [(200, b"bye"), (200, b"hello")]
    assert requests == 4  # each sent once


def test_a_fresh_connection_that_fails_is_an_error_not_a_retry():
    async def scenario():
        server, port, _seen = await serve()
        server.close()
        await server.wait_closed()
        with pytest.raises(OSError):
            await http11.Connection("127.0.0.1", port).request("GET", "/length")

    run(scenario())


def test_the_pool_shares_connections_between_clients():
    async def scenario():
        server, port, _seen = await serve()
        pool = http11.Pool("127.0.0.1", port)
        answers = await asyncio.gather(*(pool.request("GET", "/length") for _ in range(5)))
        opened = len(pool.idle)
        more = await asyncio.gather(*(pool.request("GET", "/unchanged") for _ in range(3)))
        still = len(pool.idle)
        pool.close()
        server.close()
        return answers, opened, more, still

    answers, opened, more, still = run(scenario())

    assert answers == [(200, b"hello")] * 5
    assert more == [(204, b"")] * 3
    assert opened == still == 5  # the second round reused the first's connections


def test_the_pool_keeps_no_more_idle_connections_than_a_proxy_would():
    async def scenario():
        server, port, _seen = await serve()
        pool = http11.Pool("127.0.0.1", port, keep_idle=2)
        answers = await asyncio.gather(*(pool.request("GET", "/length") for _ in range(5)))
        kept = list(pool.idle)
        again = await pool.request("GET", "/length")
        reused = pool.idle[-1] in kept
        pool.close()
        server.close()
        return answers, len(kept), again, reused

    answers, kept, again, reused = run(scenario())

    assert answers == [(200, b"hello")] * 5
    assert kept == 2  # the other three were closed when answered
    assert again == (200, b"hello")
    assert reused


def test_the_phones_poll_as_htmx_does():
    import load

    # Answered before the next tick: wait for it.
    assert load.after_poll(10.0, 8.5, 2, swapped=False) == (10.0, False)
    # Answered after one tick, or three: one poll goes at once, the timer keeps its beat.
    assert load.after_poll(10.0, 10.5, 2, swapped=False) == (12.0, True)
    assert load.after_poll(10.0, 15.0, 2, swapped=False) == (16.0, True)
    # A 200 swaps in a new element, whose timer starts when it arrives.
    assert load.after_poll(10.0, 15.0, 2, swapped=True) == (17.0, False)

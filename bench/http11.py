"""
A lean HTTP/1.1 client for the load benchmark: one keep-alive connection, as a phone keeps one.

The load generator runs on the same cores as the server it measures, so what it costs per
request is taken from the server. Against a hello-world server on this machine, aiohttp spent
0.31 ms of CPU per request (cookie jars, header multidicts, response objects, timeouts) and this
0.12 ms. It speaks what the benchmark needs and nothing more: requests with a body of known
length; answers with Content-Length, chunked or without a body; keep-alive.
"""

import asyncio

_NO_BODY = {204, 304}


class ConnectionLost(Exception):
    pass


class Connection:
    """A keep-alive connection to host:port; reconnects when the server has closed it."""

    def __init__(self, host, port, *, timeout=30.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.reader = self.writer = None

    async def request(self, method, path, headers=None, body=b""):
        """Send a request and read the whole answer: (status, body)."""
        message = self._message(method, path, headers or {}, body)
        async with asyncio.timeout(self.timeout):
            reused = self.writer is not None
            try:
                return await self._exchange(message, method)
            except (ConnectionLost, ConnectionError):
                self.close()
                if not reused:
                    raise
            # The server closed a kept-alive connection between two requests (its keep-alive
            # timeout, a worker recycled): nothing was answered, so send it once more, as a
            # browser does.
            return await self._exchange(message, method)

    def _message(self, method, path, headers, body):
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body

    async def _exchange(self, message, method):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(message)
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            raise ConnectionLost from exc
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            if name:
                headers[name.strip().lower()] = value.strip()
        if status in _NO_BODY or method == "HEAD" or 100 <= status < 200:
            body = b""
        elif "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._chunked()
        else:
            body = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    async def _chunked(self):
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self._trailer()
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)

    async def _trailer(self):
        while await self.reader.readuntil(b"\r\n") != b"\r\n":
            pass

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Pool:
    """
    Keep-alive connections shared by many clients, as a reverse proxy keeps them to the app
    (nginx's `keepalive 64` in deploy/nginx.conf): a request takes an idle connection or opens
    one, and gives it back when answered; beyond `keep_idle` idle ones it closes it, as nginx
    does. So the server holds as many connections as requests are in flight, not one per phone.
    (Keeping every connection ever opened left up to a few thousand idle ones after the arrival;
    granian counts open connections against its limit, and requests over it waited 30 s.)
    """

    def __init__(self, host, port, *, timeout=30.0, keep_idle=64):
        self.host, self.port, self.timeout = host, port, timeout
        self.keep_idle = keep_idle
        self.idle = []

    async def request(self, method, path, headers=None, body=b""):
        connection = (
            self.idle.pop() if self.idle else Connection(self.host, self.port, timeout=self.timeout)
        )
        try:
            answer = await connection.request(method, path, headers, body)
        except BaseException:
            connection.close()
            raise
        if len(self.idle) < self.keep_idle:
            self.idle.append(connection)
        else:
            connection.close()
        return answer

    def close(self):
        for connection in self.idle:
            connection.close()
        self.idle.clear()

"""The PostgreSQL connection pool's check of a connection as it leaves the pool."""

import select

import psycopg
from psycopg import pq


def check_connection(connection):
    """
    Refuse a pooled connection that the server has closed, without a round trip to it.

    When PostgreSQL restarts, fails over or terminates a backend, it sends its last words and
    closes the socket; an idle connection whose socket has anything to read is therefore dead
    (we LISTEN to nothing). psycopg_pool's own check sends a query each time a connection
    leaves the pool, which costs every request a round trip; this one costs a `select`. A
    connection that dies silently (a cut cable) is not caught here: its request fails with 503
    "nothing was saved" (barcamp.middleware.DatabaseUnavailableMiddleware) and the pool
    replaces the broken connection when it comes back.
    """
    if connection.closed or connection.broken:
        raise psycopg.OperationalError("the connection is closed")
    if connection.info.transaction_status != pq.TransactionStatus.IDLE:
        connection.close()
        raise psycopg.OperationalError("the connection is not idle")
    readable, _, _ = select.select([connection.fileno()], [], [], 0)
    if readable:
        # Closed, the pool throws it away and opens a new one when the check fails.
        connection.close()
        _sweep_idle_connections()
        raise psycopg.OperationalError("the server closed the connection")


def _sweep_idle_connections():
    """
    The server went away for every pooled connection, not just this one: replace all dead
    idle ones now. The pool retries a failed check with growing pauses (1, 2, 4 s...), so
    meeting ten dead connections one by one would outlast a request's timeout.
    """
    from django.db import DEFAULT_DB_ALIAS, connections

    pool = connections[DEFAULT_DB_ALIAS].pool
    if pool is not None:
        pool.check()


def database_answers(*, timeout):
    """
    Whether the database answers `SELECT 1`, waiting at most `timeout` seconds for a pooled
    connection: the health checks' own wait, shorter than a request's (the pool's timeout), so
    that /healthz and /readyz report a lost database within a probe's patience.
    """
    from django.db import DatabaseError, connection

    pool = connection.pool if connection.vendor == "postgresql" else None
    try:
        if pool is None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            return True
        pool.open()  # as Django opens it for a request's first query
        with pool.connection(timeout=timeout) as pooled:
            pooled.execute("SELECT 1").fetchone()
    except (DatabaseError, psycopg.Error):
        return False
    return True

"""A local process holding many connections open must not stop the helper serving the person.

The attack: about 110 half-open connections (a request that never finishes) or about 100 idle
keep-alive connections filled waitress's default limit (100), and the helper stopped answering
for minutes (idle connections were only closed after 120 s, checked every 30 s). Now the limit
is higher than any such flood needs (CONNECTION_LIMIT), idle connections are closed after
CHANNEL_TIMEOUT_S, checked every CLEANUP_INTERVAL_S. The flood here is bounded (a fixed number
of loopback connections, a fixed time) and the real session must be served throughout."""

from __future__ import annotations

import contextlib
import socket
import time

import pytest

from helper import server
from tests.web.live import LiveSession

pytestmark = pytest.mark.timeout(120)


def half_open(port: int) -> socket.socket:
    """A request that never finishes: the request line and one header, then silence."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode())
    return sock


def idle_keep_alive(port: int) -> socket.socket:
    """One whole request (refused: no cookie), then the connection is kept open and idle."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(f"GET /about HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    sock.recv(65536)
    return sock


def timed_request(live: LiveSession) -> float:
    started = time.monotonic()
    live.request("GET", "/about")
    return time.monotonic() - started


def test_the_limits_are_set_on_purpose():
    assert server.CONNECTION_LIMIT >= 250
    assert server.CHANNEL_TIMEOUT_S <= 15
    assert server.CLEANUP_INTERVAL_S <= 5


def test_a_flood_of_half_open_and_idle_connections_does_not_stop_the_session(tmp_path):
    live = LiveSession(tmp_path / "home")
    held: list[socket.socket] = []
    try:
        held += [half_open(live.port) for _ in range(120)]
        held += [idle_keep_alive(live.port) for _ in range(110)]
        for _ in range(5):
            assert timed_request(live) < 2.0
    finally:
        for sock in held:
            with contextlib.suppress(OSError):
                sock.close()
        live.stop()


def test_a_flood_beyond_the_limit_is_cleared_and_the_session_comes_back(tmp_path):
    live = LiveSession(tmp_path / "home")
    held: list[socket.socket] = []
    try:
        for _ in range(server.CONNECTION_LIMIT + 20):
            try:
                held.append(half_open(live.port))
            except OSError:
                break  # the backlog is full: the flood has done its worst
        deadline = time.monotonic() + server.CHANNEL_TIMEOUT_S + 3 * server.CLEANUP_INTERVAL_S + 5
        while True:
            try:
                timed_request(live)
                break
            except (OSError, AssertionError):
                assert time.monotonic() < deadline, "the helper never came back"
                time.sleep(0.5)
        # The idle half-open connections were closed by the helper, not by us.
        closed = 0
        for sock in held[:50]:
            sock.settimeout(0.2)
            with contextlib.suppress(OSError):
                if sock.recv(1) == b"":
                    closed += 1
        assert closed >= 40
    finally:
        for sock in held:
            with contextlib.suppress(OSError):
                sock.close()
        live.stop()

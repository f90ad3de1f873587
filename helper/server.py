"""Serving the web app: waitress on 127.0.0.1, a free port chosen at launch, a one-time token.

Only loopback is ever bound: the app holds an unlocked vault and a child's answers, so another
machine on the network must not even be able to connect. The address handed out carries the
launch token; helper/web/security.py swaps it for a session cookie on first use."""

from __future__ import annotations

import logging
import secrets
import socket
import threading
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Flask

from helper.errors import BadInput

LOOPBACK_HOST = "127.0.0.1"
THREADS = 6


def check_bind_address(host: str) -> None:
    """Refuse anything but 127.0.0.1: not 0.0.0.0, not a LAN address, not a host name that
    might resolve elsewhere."""
    if host != LOOPBACK_HOST:
        raise BadInput(
            f"Refusing to listen on {host!r}: Waymark only listens on {LOOPBACK_HOST}, "
            "so no other computer can reach it."
        )


def start_url(port: int, token: str, path: str = "/", query: dict[str, str] | None = None) -> str:
    """The address to open: the start path, its query, and the launch token last."""
    params = [(k, v) for k, v in (query or {}).items() if v is not None]
    params.append(("token", token))
    return f"http://{LOOPBACK_HOST}:{port}{path}?{urlencode(params)}"


@dataclass
class LocalServer:
    """One launch: the app, its listening socket and the address with the token."""

    app: Flask
    port: int
    token: str
    _waitress: object
    _stopped: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str = "/", query: dict[str, str] | None = None) -> str:
        return start_url(self.port, self.token, path, query)

    def run(self) -> None:
        """Serve until stop() or Ctrl-C (waitress turns KeyboardInterrupt into a clean return)."""
        self._waitress.run()

    def run_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="waymark-server", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Run the on-close hooks (lock the vault), forget all sessions, close the socket.
        Safe to call more than once."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        from helper.web import close

        close(self.app)
        server = self._waitress
        # Close every socket from inside waitress's own loop thread: its loop then finds its
        # map empty and returns. Closing from this thread races the loop.
        # Let running requests finish first, so none writes to a closed socket.
        server.task_dispatcher.shutdown(timeout=2)
        server.trigger.pull_trigger(lambda: [d.close() for d in list(server._map.values())])


def create(host: str = LOOPBACK_HOST, config: dict | None = None) -> LocalServer:
    """Bind a free port first, then build the app for that port (its Host allow-list and
    cookie name depend on it), then hand waitress the already-bound socket."""
    check_bind_address(host)
    from waitress.server import create_server

    from helper.web import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(32)
    app = create_app({**(config or {}), "PORT": port, "LAUNCH_TOKEN": token})
    # Waitress warns on a busy queue; under a flood of refused requests that is noise.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = create_server(app, sockets=[sock], threads=THREADS, ident="waymark")
    return LocalServer(app=app, port=port, token=token, _waitress=server)

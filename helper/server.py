"""Serving the web app: waitress on 127.0.0.1, a free port chosen at launch, a one-time token.

Only loopback is ever bound: the app holds an unlocked vault and a child's answers, so another
machine on the network must not even be able to connect. The address handed out carries the
launch token; helper/web/security.py swaps it for a session cookie on first use."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from flask import Flask

from helper import paths, relaunch
from helper.errors import BadInput, StorageError

if TYPE_CHECKING:
    from helper.running import Instance

LOOPBACK_HOST = "127.0.0.1"
THREADS = 6
# Big enough to read the cookie bomb of the security issue (180 cookies of 4 KB, set by a page
# on another local port), so it reaches the app, which answers with a page that clears it;
# waitress's own 256 KB cap would answer 431 to every request instead.
MAX_HEADER_BYTES = 1024 * 1024
# Connection exhaustion: any local process can open connections to us. Waitress's defaults
# (100 connections; idle ones closed after 120 s, looked for every 30 s) let ~100 idle
# connections stop the helper for minutes. The person's browser uses a handful, so the limit
# sits far above any real use; idle connections (including requests that never finish) are
# closed after 10 s, looked for every 2 s, so even a flood past the limit clears within ~15 s.
CONNECTION_LIMIT = 256
CHANNEL_TIMEOUT_S = 10
CLEANUP_INTERVAL_S = 2
# Each connection is a file descriptor; some systems start processes with as few as 256.
MIN_OPEN_FILES = 1024
RUNTIME_FOLDER = paths.RUNTIME_FOLDER
LAUNCH_PAGE_PREFIX = "open-"
# Starting afresh after a lock (helper/relaunch.py) waits for the answer that locked to be
# sent and for requests under way to finish, at most this long: a stuck or hostile connection
# cannot keep the old image, with its secrets, alive.
RELAUNCH_QUIET_S = 5.0
# A connection accepted this recently that has not spoken yet may be a request on its way (a
# browser sends it right after connecting): wait for it rather than cut it off.
RELAUNCH_FRESH_S = 0.05
RELAUNCH_POLL_S = 0.01
LOG = logging.getLogger(__name__)


def runtime_dir() -> Path:
    """The helper's private runtime folder (launch pages, the one-helper lock): inside the
    data folder, as Jupyter keeps its runtime files, and owner-only (0700) whatever the umask
    on POSIX (on Windows the user profile's access rules protect it)."""
    folder = paths.data_dir() / RUNTIME_FOLDER
    folder.mkdir(mode=0o700, exist_ok=True)
    if folder.is_symlink() or not folder.is_dir():
        raise StorageError(f"{folder} is not a folder Waymark made; remove it and try again.")
    if os.name == "posix":
        os.chmod(folder, 0o700)
    return folder


def write_private_page(folder: Path, html: str) -> Path:
    """A new file with a random name (owner-only on POSIX); never follows or reuses an existing
    path."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    page = folder / f"{LAUNCH_PAGE_PREFIX}{secrets.token_hex(8)}.html"
    fd = os.open(page, flags, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(html)
    return page


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
    _socket: socket.socket
    locks: int = 0  # how many times this helper has locked and started afresh
    # Set by the command that serves: "serve" or "browser" to start afresh after each lock
    # (helper/relaunch.py); None (the window, tests) keeps the old in-process lock only.
    relaunch_as: str | None = None
    instance: Instance | None = None  # browser mode: the one-helper lock, carried over
    _stopped: threading.Event = field(default_factory=threading.Event)
    _relaunching: threading.Lock = field(default_factory=threading.Lock)
    _pages: dict[str, Path] = field(default_factory=dict)  # token -> its launch page

    def url(self, path: str = "/", query: dict[str, str] | None = None) -> str:
        """The address with the first launch token: for the window (handed over in memory)
        and for `waymark serve`, whose whole job is to print it."""
        return start_url(self.port, self.token, path, query)

    def fresh_url(self, path: str = "/", query: dict[str, str] | None = None) -> str:
        """The address with a new single-use token, for a window of this process only."""
        token = self.app.extensions["waymark.launch_token"].issue()
        return start_url(self.port, token, path, query)

    def address(self, path: str = "/") -> str:
        """The address without any token, safe to print."""
        return f"http://{LOOPBACK_HOST}:{self.port}{path}"

    def launch_page(self, path: str = "/", query: dict[str, str] | None = None) -> Path:
        """A private page that carries a fresh single-use token to the browser, removed as soon
        as the token is spent (and at stop). The browser's command line holds only its path."""
        from helper.web.security import handoff_page  # Jupyter's redirect file, as ours

        tokens = self.app.extensions["waymark.launch_token"]
        token = tokens.issue()
        page = write_private_page(
            runtime_dir(), handoff_page(start_url(self.port, token, path, query))
        )
        self._keep_page(token, page)
        return page

    def _keep_page(self, token: str, page: Path) -> None:
        self._pages[token] = page
        self.app.extensions["waymark.launch_token"].on_spent(
            token, lambda: self._remove_page(token)
        )

    def _remove_page(self, token: str) -> None:
        page = self._pages.pop(token, None)
        if page is not None:
            with contextlib.suppress(OSError):
                page.unlink()

    @property
    def stopped(self) -> threading.Event:
        return self._stopped

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
        for token in list(self._pages):
            self._remove_page(token)
        from helper.web import close

        close(self.app)
        server = self._waitress
        # Close every socket from inside waitress's own loop thread: its loop then finds its
        # map empty and returns. Closing from this thread races the loop.
        # Let running requests finish first, so none writes to a closed socket.
        server.task_dispatcher.shutdown(timeout=2)
        server.trigger.pull_trigger(lambda: [d.close() for d in list(server._map.values())])

    # ---- starting afresh after a lock (helper/relaunch.py) ---------------------------------

    def after_lock(self) -> None:
        """The vault has just locked: end this process image, and every copy of a passphrase
        or a note in it, once the answer that locked it has been sent."""
        if self.relaunch_as is None or self._stopped.is_set() or not relaunch.available():
            return
        if not self._relaunching.acquire(blocking=False):
            return  # already on its way
        threading.Thread(target=self._relaunch, name="waymark-relaunch", daemon=True).start()

    def _relaunch(self) -> None:
        server = self._waitress
        # Stop accepting, from waitress's own loop: connections that arrive from now on wait
        # in the listening socket's queue for the next image.
        paused = threading.Event()

        def pause() -> None:
            server.accepting = False
            paused.set()

        server.trigger.pull_trigger(pause)
        deadline = time.monotonic() + RELAUNCH_QUIET_S
        while not (paused.is_set() and self._quiet()) and time.monotonic() < deadline:
            if self._stopped.wait(RELAUNCH_POLL_S):
                return
        if self._stopped.is_set():
            return
        try:
            relaunch.start_afresh(self._carried())
        except Exception:  # cannot start afresh: carry on as before, locked, keys zeroed
            LOG.warning("could not start afresh after locking")
            server.trigger.pull_trigger(lambda: setattr(server, "accepting", True))
            self._relaunching.release()

    def _quiet(self) -> bool:
        """No request being read, run or answered, and no just-opened connection that may be
        about to send one. An idle kept-alive connection does not count: the browser opens a
        new one when it finds it closed."""
        from waitress.channel import HTTPChannel

        server = self._waitress
        dispatcher = server.task_dispatcher
        with dispatcher.lock:
            if dispatcher.active_count or dispatcher.queue:
                return False
        fresh = time.time() - RELAUNCH_FRESH_S
        for channel in list(server._map.values()):
            if not isinstance(channel, HTTPChannel):
                continue
            if channel.requests or channel.request is not None or channel.total_outbufs_len:
                return False
            if channel.last_activity > fresh:
                return False
        return True

    def _carried(self) -> relaunch.Carried:
        app = self.app
        instance = self.instance
        tokens = app.extensions["waymark.launch_token"].live()
        return relaunch.Carried(
            mode=str(self.relaunch_as),
            listen_fd=self._socket.fileno(),
            port=self.port,
            secret_key=bytes(app.config["SECRET_KEY"]),
            locks=self.locks + 1,
            last_activity=app.extensions["waymark.activity"].last,
            sessions=app.extensions["waymark.sessions"].snapshot(),
            tokens=[(t, str(self._pages[t]) if t in self._pages else None) for t in tokens],
            instance=None
            if instance is None
            else {"folder": str(instance.folder), "fd": instance.fd, "key": instance.key.hex()},
        )


def enough_open_files() -> None:
    """Raise the soft limit on open files to MIN_OPEN_FILES when it is lower (never above
    the hard limit); where there is no such limit (Windows), nothing to do."""
    try:
        import resource
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < MIN_OPEN_FILES:
        wanted = MIN_OPEN_FILES if hard == resource.RLIM_INFINITY else min(MIN_OPEN_FILES, hard)
        with contextlib.suppress(OSError, ValueError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def create(host: str = LOOPBACK_HOST, config: dict | None = None) -> LocalServer:
    """Bind a free port first, then build the app for that port (its Host allow-list and
    cookie name depend on it), then hand waitress the already-bound socket."""
    check_bind_address(host)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((host, 0))
    token = secrets.token_urlsafe(32)
    return _serve_on(sock, token, config)


def resume(carried: relaunch.Carried, config: dict | None = None) -> LocalServer:
    """The helper's next image after a lock: the same listening socket, sessions, unspent
    launch tokens (with their pages) and quiet-spell clock as the image before."""
    from helper.running import Instance

    try:
        sock = socket.socket(fileno=carried.listen_fd)
        if sock.getsockname()[0] != LOOPBACK_HOST:
            raise OSError("not our listening socket")
    except OSError:
        raise StorageError(relaunch.NOTHING_TO_RESUME) from None
    throwaway = secrets.token_urlsafe(32)  # the app wants a first token; nobody ever gets it
    server = _serve_on(sock, throwaway, {**(config or {}), "SECRET_KEY": carried.secret_key})
    app = server.app
    tokens = app.extensions["waymark.launch_token"]
    tokens.revoke(throwaway)
    for token, page in carried.tokens:
        tokens.issue(token)
        if page is not None:
            server._keep_page(token, Path(page))
    app.extensions["waymark.sessions"].restore(carried.sessions)
    app.extensions["waymark.activity"].last = carried.last_activity
    server.locks = carried.locks
    server.token = ""
    if carried.instance is not None:
        folder, fd, key = (carried.instance[k] for k in ("folder", "fd", "key"))
        server.instance = Instance(Path(folder), int(fd), bytes.fromhex(key))
    return server


def _serve_on(sock: socket.socket, token: str, config: dict | None) -> LocalServer:
    enough_open_files()
    from waitress.server import create_server

    from helper.web import create_app

    port = sock.getsockname()[1]
    app = create_app({**(config or {}), "PORT": port, "LAUNCH_TOKEN": token})
    # Waitress warns on a busy queue; under a flood of refused requests that is noise.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = create_server(
        app,
        sockets=[sock],
        threads=THREADS,
        ident="waymark",
        max_request_header_size=MAX_HEADER_BYTES,
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=CHANNEL_TIMEOUT_S,
        cleanup_interval=CLEANUP_INTERVAL_S,
    )
    local = LocalServer(app=app, port=port, token=token, _waitress=server, _socket=sock)
    app.extensions["waymark.on_lock"].append(local.after_lock)
    return local

"""`waymark` / `waymark open` (the helper in a window) and `waymark serve` (headless).

Parses and calls; the work is in helper/server.py and helper/window.py."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from helper.window import Probe

NEW_NOTE_PATH = "/pro/notes/new"


def register(commands: argparse._SubParsersAction) -> None:
    """Add this area's subcommands to `waymark`."""
    opener = commands.add_parser(
        "open",
        help="open the helper in its window (the default)",
        description="Open the Waymark helper in its own window, or in your web browser when "
        "a window cannot be shown here.",
    )
    opener.add_argument(
        "--browser", action="store_true", help="use your web browser instead of a window"
    )
    opener.add_argument(
        "--new-note", action="store_true", help="start at a new concern note (professionals)"
    )
    opener.add_argument("--platform", metavar="HOST", help="the website the concern is about")
    opener.add_argument("--at", metavar="ISO", help="when it was seen (ISO 8601)")
    opener.add_argument("--concern", metavar="ID", help="the type of concern (a concern id)")
    opener.add_argument("--age", metavar="YEARS", help="the child's age, if known")
    resumable(opener)
    opener.set_defaults(func=open_helper)

    serve = commands.add_parser(
        "serve",
        help="serve the helper without a window; prints its address",
        description="Serve the helper on this computer only. The first line printed is the "
        "address with its one-time token. Stops on Ctrl-C.",
    )
    serve.add_argument("--host", default="127.0.0.1", help=argparse.SUPPRESS)
    resumable(serve)
    serve.set_defaults(func=serve_helper)


def resumable(parser: argparse.ArgumentParser) -> None:
    """Hidden options of the helper's own next image after a lock (helper/relaunch.py): the
    descriptor of what it carries, and how many locks it has been through (shown by `ps`)."""
    parser.add_argument("--resume", type=int, metavar="FD", help=argparse.SUPPRESS)
    parser.add_argument("--locks", type=int, default=0, help=argparse.SUPPRESS)


def start_point(args: argparse.Namespace) -> tuple[str, dict[str, str]]:
    if args.new_note:
        given = (
            ("platform", args.platform),
            ("at", args.at),
            ("concern", args.concern),
            ("age", args.age),
        )
        query = {k: v for k, v in given if v}
        return NEW_NOTE_PATH, query
    return "/", {}


def stop_on_sigterm() -> None:
    """SIGTERM ends the server as Ctrl-C does, so the vault is locked on the way out. SIGINT is
    set too: a helper started in the background by a shell inherits SIGINT ignored."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)


def serve_helper(args: argparse.Namespace) -> int:
    from helper import relaunch
    from helper import server as local
    from helper.hardening import forbid_core_dumps

    forbid_core_dumps()

    if args.resume is not None:  # the next image after a lock: the address is already out
        server = local.resume(relaunch.take(args.resume))
    else:
        server = local.create(args.host)
        print(server.url(), flush=True)  # the first line, alone: scripts read it
        # Said on stderr, so stdout stays that one line: the token is spent by the first visit.
        print(
            "Open this address in your browser. It works once: the first visit signs you in, "
            "then it stops working. Run `waymark serve` again for a new one.",
            file=sys.stderr,
            flush=True,
        )
    server.relaunch_as = relaunch.SERVE
    stop_on_sigterm()
    try:
        server.run()
    except KeyboardInterrupt:
        pass  # Ctrl-C or SIGTERM: the normal way to stop.
    finally:
        server.stop()
    return 0


# A helper in browser mode cannot see the tab close, so it ends itself after a quiet spell:
# 10 minutes with no request when nobody ever signed in (the launch page was never opened),
# 60 minutes with no request once someone has (the longest auto-lock setting: nobody is cut
# off sooner than the vault would lock anyway). Never while the vault is unlocked.
IDLE_EXIT_NO_SESSION_S = 10 * 60
IDLE_EXIT_SESSION_S = 60 * 60
IDLE_CHECK_S = 30.0
TEST_IDLE_EXIT_ENV = "WAYMARK_TEST_IDLE_EXIT_SECONDS"  # honoured only with WAYMARK_TESTING=1


def open_helper(args: argparse.Namespace) -> int:
    from helper import running
    from helper import server as local
    from helper.errors import StorageError
    from helper.hardening import forbid_core_dumps

    forbid_core_dumps()
    if args.resume is not None:
        return resume_in_browser(args.resume)
    path, query = start_point(args)
    try:
        instance = running.claim_or_hand_over(local.runtime_dir(), path, query)
    except TimeoutError:
        raise StorageError(
            "Waymark is already running but did not answer. Close it and try again."
        ) from None
    if instance is None:
        print("Waymark is already open: it has been asked to show this.", flush=True)
        return 0
    from helper import window

    # The window probe's child starts first and runs while the server is made (see show).
    probe = None if args.browser else window.start_probe()
    server = local.create()
    stop_on_sigterm()
    server.instance = instance
    try:
        instance.publish(server.port)
        show(server, path, query, probe, instance.key)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()  # Locks the vault and forgets every session, however we got here.
        instance.release()
    return 0


def show(server, path: str, query: dict[str, str], probe: Probe | None, key: bytes) -> None:
    """The window if we can (`probe`: the window probe started by the caller; None when the
    person asked for the browser), else the system browser, else the launch page's place;
    then serve.

    The browser is never given the address with the token (any local account can read a
    command line): it gets a private launch page that carries the token and is removed once
    the token is spent. Nothing printed here carries the token either."""
    from helper import window

    def in_browser(where: str, asked: dict[str, str]) -> bool:
        return window.open_in_browser(server.launch_page(where, asked).as_uri())

    if probe is not None:
        window.preload(probe)  # while the probe's child is still busy
        reason = window.finish_probe(probe)
        if reason is None:

            def in_window(where: str, asked: dict[str, str]) -> None:
                # A window of its own (a note half written in the first one stays put), with a
                # fresh single-use token handed over in memory.
                if not window.open_another(server.fresh_url(where, asked)):
                    in_browser(where, asked)

            server.app.extensions["waymark.hand_over"] = (key, in_window)
            server.run_in_thread()
            window.show(server.url(path, query), on_closed=server.stop)
            return
        print(f"waymark: cannot open a window ({reason}); using your web browser.", flush=True)
    page = server.launch_page(path, query)
    if window.open_in_browser(page.as_uri()):
        print(f"Waymark is open in your web browser at {server.address()}", flush=True)
    else:
        print(f"No web browser found. Open this file in a browser: {page.as_uri()}", flush=True)
    print("Press Ctrl-C here to stop Waymark.", flush=True)
    serve_in_browser(server, key)


def serve_in_browser(server, key: bytes) -> None:
    """Serve for the browser until stopped: later launches are handed over as launch pages,
    the helper ends after its quiet spell, and each lock starts it afresh."""
    from helper import relaunch, window

    def in_browser(where: str, asked: dict[str, str]) -> bool:
        return window.open_in_browser(server.launch_page(where, asked).as_uri())

    server.app.extensions["waymark.hand_over"] = (key, in_browser)
    server.relaunch_as = relaunch.BROWSER
    exit_when_idle(server)
    server.run()


def resume_in_browser(state_fd: int) -> int:
    """A browser-mode helper's next image after a lock: the same one-helper lock, port,
    sessions and launch pages; nothing is opened or printed again."""
    from helper import relaunch
    from helper import server as local
    from helper.errors import StorageError

    carried = relaunch.take(state_fd)
    server = local.resume(carried)
    instance = server.instance
    if instance is None:
        raise StorageError(relaunch.NOTHING_TO_RESUME)
    stop_on_sigterm()
    try:
        serve_in_browser(server, instance.key)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        instance.release()
    return 0


def idle_limits() -> tuple[float, float]:
    """(no session, with a session) in seconds; tests may shorten both."""
    if os.environ.get("WAYMARK_TESTING") == "1" and os.environ.get(TEST_IDLE_EXIT_ENV):
        seconds = float(os.environ[TEST_IDLE_EXIT_ENV])
        return seconds, seconds
    return IDLE_EXIT_NO_SESSION_S, IDLE_EXIT_SESSION_S


def exit_when_idle(server) -> threading.Thread:
    """Stop a browser-mode helper after the quiet spell above (checked every IDLE_CHECK_S)."""
    no_session, with_session = idle_limits()
    check = min(IDLE_CHECK_S, no_session / 4)
    app = server.app

    def quiet_too_long() -> bool:
        holder = app.extensions.get("waymark.vault")
        if holder is not None and holder.is_unlocked():
            return False
        limit = with_session if len(app.extensions["waymark.sessions"]) else no_session
        return time.monotonic() - app.extensions["waymark.activity"].last >= limit

    def watch() -> None:
        while not server.stopped.wait(check):
            if quiet_too_long():
                server.stop()
                return

    thread = threading.Thread(target=watch, name="waymark-idle-exit", daemon=True)
    thread.start()
    return thread

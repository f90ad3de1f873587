"""`waymark` / `waymark open` (the helper in a window) and `waymark serve` (headless).

Parses and calls; the work is in helper/server.py and helper/window.py."""

from __future__ import annotations

import argparse
import signal

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
    opener.set_defaults(func=open_helper)

    serve = commands.add_parser(
        "serve",
        help="serve the helper without a window; prints its address",
        description="Serve the helper on this computer only. The first line printed is the "
        "address with its one-time token. Stops on Ctrl-C.",
    )
    serve.add_argument("--host", default="127.0.0.1", help=argparse.SUPPRESS)
    serve.set_defaults(func=serve_helper)


def start_point(args: argparse.Namespace) -> tuple[str, dict[str, str]]:
    if args.new_note:
        query = {k: v for k, v in (("platform", args.platform), ("at", args.at)) if v}
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
    from helper import server as local
    from helper.hardening import forbid_core_dumps

    forbid_core_dumps()

    server = local.create(args.host)
    stop_on_sigterm()
    try:
        print(server.url(), flush=True)
        server.run()
    except KeyboardInterrupt:
        pass  # Ctrl-C or SIGTERM: the normal way to stop.
    finally:
        server.stop()
    return 0


def open_helper(args: argparse.Namespace) -> int:
    from helper import server as local
    from helper.hardening import forbid_core_dumps

    forbid_core_dumps()

    path, query = start_point(args)
    server = local.create()
    stop_on_sigterm()
    try:
        show(server, path, query, args.browser)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()  # Locks the vault and forgets every session, however we got here.
    return 0


def show(server, path: str, query: dict[str, str], browser: bool) -> None:
    """The window if we can, else the system browser, else the launch page's place; then serve.

    The browser is never given the address with the token (any local account can read a
    command line): it gets a private launch page that carries the token and is removed once
    the token is spent. Nothing printed here carries the token either."""
    from helper import window

    if not browser:
        reason = window.probe_gui()
        if reason is None:
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
    server.run()

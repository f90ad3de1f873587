"""Run by test_window.py in its own process: the real server and the real pywebview window.
Prints the page title read through the JS bridge, then closes the window."""

from __future__ import annotations

import sys
import threading

from helper import server as local
from helper import window


def bridge_eval(win, expression: str) -> object:
    """evaluate_js through the Qt bridge without pywebview's eval() wrapper: our CSP has no
    'unsafe-eval', so the page itself refuses eval() (as it should); the bridge's own
    runJavaScript is not page script and still works."""
    return win.gui.evaluate_js(f"JSON.stringify({expression})", win.uid, True)


def main() -> int:
    server = local.create()
    server.run_in_thread()
    closed = threading.Event()

    def on_closed() -> None:
        server.stop()
        closed.set()

    def on_loaded(win) -> None:
        try:
            print(f"title={bridge_eval(win, 'document.title')}", flush=True)
            heading = bridge_eval(win, "document.querySelector('h1').textContent")
            print(f"h1={heading}", flush=True)
        finally:
            win.destroy()

    window.show(server.url(), on_closed=on_closed, on_loaded=on_loaded)
    print(f"closed={closed.wait(10)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

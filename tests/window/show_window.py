"""Run by test_window.py in its own process: the real server and the real pywebview window.
Prints the page title read through the JS bridge, then closes the window."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable

from helper import server as local
from helper import window


def bridge_eval(win, expression: str) -> object:
    """evaluate_js through the Qt bridge without pywebview's eval() wrapper: our CSP has no
    'unsafe-eval', so the page itself refuses eval() (as it should); the bridge's own
    runJavaScript is not page script and still works."""
    return win.gui.evaluate_js(f"JSON.stringify({expression})", win.uid, True)


def wait_for(win, expression: str, timeout_s: float = 15) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if bridge_eval(win, expression):
            return
        time.sleep(0.1)
    raise TimeoutError(expression)


def follow_an_outside_link(win) -> None:
    """Open the platforms page and click an outside link: it must go to the system browser
    ($BROWSER, a recorder in the test) while the window stays on our page."""
    bridge_eval(win, "(function () { location.assign('/platforms'); return 1; })()")
    wait_for(win, "location.pathname === '/platforms' && document.readyState === 'complete'")
    href = bridge_eval(
        win,
        "(function () { var a = document.querySelector('a[target=_blank]');"
        " a.click(); return a.href; })()",
    )
    print(f"clicked={href}", flush=True)
    time.sleep(2)
    print(f"window_at={bridge_eval(win, 'location.pathname')}", flush=True)


def run_in_window(on_page: Callable[[object], None]) -> int:
    """The real server in the real window: `on_page(window)` runs once the first page has
    loaded, then the window is closed, which stops the server and runs its close hooks."""
    server = local.create()
    server.app.extensions["waymark.on_close"].append(lambda: print("hook=ran", flush=True))
    server.run_in_thread()
    closed = threading.Event()

    def on_closed() -> None:
        server.stop()
        closed.set()

    def on_loaded(win) -> None:
        try:
            on_page(win)
        finally:
            win.destroy()

    window.show(server.url(), on_closed=on_closed, on_loaded=on_loaded)
    print(f"closed={closed.wait(10)}", flush=True)
    return 0


def read_the_start_page(win) -> None:
    print(f"title={bridge_eval(win, 'document.title')}", flush=True)
    heading = bridge_eval(win, "document.querySelector('h1').textContent")
    print(f"h1={heading}", flush=True)
    follow_an_outside_link(win)


if __name__ == "__main__":
    sys.exit(run_in_window(read_the_start_page))

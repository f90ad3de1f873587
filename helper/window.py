"""Showing the helper: a pywebview window (Qt), or the system browser when there is no GUI.

Why a probe in a child process: with no display Qt aborts the whole process (SIGABRT) and GTK
calls exit(1), so there is nothing to catch. A throwaway child tries first; only if it survives
do we start the window in this process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import webbrowser
from collections.abc import Callable

from helper import paths

PROBE_TIMEOUT_S = 30
WINDOW_TITLE = "Waymark"
# The child initialises the same Qt and QtWebEngine that the window will use.
PROBE = (
    "import webview.platforms.qt as qt\n"
    "app = qt.QApplication(['waymark-probe'])\n"
    "print('ok', flush=True)\n"
)


def gui_environment() -> dict[str, str]:
    """QtWebEngine's Chromium refuses to start as root unless its sandbox is turned off. We do
    that for the person (by environment, never by asking them): root on a kiosk or container is
    common and the page is our own local app."""
    env = dict(os.environ)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
    return env


def start_probe() -> subprocess.Popen | None:
    """Start the probe child now, so it runs beside the helper's own start (imports, the
    server) instead of after it: `probe_gui(started)` then only waits for it. None when there
    is plainly no display (probe_gui says so without a child)."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return None
    return subprocess.Popen(
        [sys.executable, "-c", PROBE],
        env=gui_environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def probe_gui(started: subprocess.Popen | None = None) -> str | None:
    """None when a window can be shown here, else a short reason for the one-line message."""
    child = started or start_probe()
    if child is None:
        return "there is no display"
    try:
        out, err = child.communicate(timeout=PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        return "the window toolkit did not start in time"
    if child.returncode != 0 or b"ok" not in out:
        if b"No module named" in err:
            return "the window toolkit (pywebview with Qt) is not installed"
        return "the window toolkit cannot open a window here"
    return None


def stop_probe(started: subprocess.Popen | None) -> None:
    """A probe no longer needed (another helper is already open): end it."""
    if started is not None and started.poll() is None:
        started.kill()
        started.communicate()


class _Windows:
    """The helper's open windows. The server stops (on_all_closed) when the last one closes,
    not the first: a second launch opens its page in a window of its own, so a note half
    written in the first window is never navigated away from."""

    def __init__(self) -> None:
        self.open: list[object] = []
        self.on_all_closed: Callable[[], None] | None = None
        self.lock = threading.Lock()

    def add(self, url: str) -> object:
        import webview

        window = webview.create_window(
            WINDOW_TITLE, url, width=1024, height=760, min_size=(360, 480), text_select=True
        )
        with self.lock:
            self.open.append(window)

        def closed() -> None:
            with self.lock:
                if window in self.open:
                    self.open.remove(window)
                last = not self.open
            if last and self.on_all_closed is not None:
                self.on_all_closed()

        window.events.closed += closed
        return window


_WINDOWS = _Windows()


def show(
    url: str, on_closed: Callable[[], None], on_loaded: Callable[[object], None] | None = None
) -> None:
    """Show `url` in a window; returns when the person closes the last window (after
    `on_closed` ran). `on_loaded(window)` runs once, on a worker thread, when the first page
    has loaded."""
    os.environ.update(gui_environment())
    import webview

    # Links marked target=_blank (all our outside links) open in the system browser, never
    # inside this window, whose only job is to show the local app.
    webview.settings["OPEN_EXTERNAL_LINKS_IN_BROWSER"] = True
    webview.settings["ALLOW_DOWNLOADS"] = False
    webview.settings["ALLOW_FILE_URLS"] = False
    _WINDOWS.on_all_closed = on_closed
    window = _WINDOWS.add(url)
    if on_loaded is not None:
        fired: list[bool] = []

        def loaded() -> None:
            if not fired:
                fired.append(True)
                on_loaded(window)

        window.events.loaded += loaded
    storage = paths.data_dir() / "window"
    storage.mkdir(mode=0o700, exist_ok=True)
    # Not private mode, so "remember my answer" survives a restart; every page is no-store,
    # so nothing else is kept.
    webview.start(gui="qt", private_mode=False, storage_path=str(storage))


def open_another(url: str) -> bool:
    """Open `url` in a new window of the running helper (a second launch handed its request
    over). False when no window is open, so the caller can use the browser instead."""
    with _WINDOWS.lock:
        if not _WINDOWS.open:
            return False
    _WINDOWS.add(url)
    return True


def open_in_browser(url: str) -> bool:
    """The system browser ($BROWSER is honoured by webbrowser). False when there is none."""
    try:
        return bool(webbrowser.open(url, new=2))
    except webbrowser.Error:
        return False

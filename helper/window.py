"""Showing the helper: a pywebview window in the system's own web view, or the system browser
when there is none.

Each system gets pywebview's native backend (BACKENDS): Microsoft Edge WebView2 on Windows,
WebKit through Cocoa on macOS, Qt WebEngine on Linux. pywebview on Windows quietly falls back to
Internet Explorer's old engine (MSHTML) when WebView2 is missing; we never show the app in that,
and use the system browser instead.

Why a probe in a child process: with no display Qt aborts the whole process (SIGABRT) and GTK
calls exit(1), so there is nothing to catch. A throwaway child tries first; only if it survives
do we start the window in this process."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from helper import paths

PROBE_TIMEOUT_S = 30
WINDOW_TITLE = "Waymark"


@dataclass(frozen=True)
class Backend:
    """One system's window toolkit: pywebview's `gui=` name, what to call it in the one-line
    message, and the child's probe (it prints "ok" only if a window can be made)."""

    gui: str
    toolkit: str
    probe: str


# The child initialises the same Qt and QtWebEngine that the window will use.
QT = Backend(
    "qt",
    "pywebview with Qt",
    "import webview.platforms.qt as qt\n"
    "app = qt.QApplication(['waymark-probe'])\n"
    "print('ok', flush=True)\n",
)
# pywebview picks WinForms and, inside it, WebView2 when its runtime is installed, else MSHTML.
EDGE = Backend(
    "edgechromium",
    "pywebview with Microsoft Edge WebView2",
    "from webview.guilib import initialize\n"
    "lib = initialize('edgechromium')\n"
    "print('ok' if lib.renderer == 'edgechromium' else 'no-webview2', flush=True)\n",
)
COCOA = Backend(
    "cocoa",
    "pywebview with WebKit",
    "from webview.guilib import initialize\n"
    "lib = initialize('cocoa')\n"
    "print('ok' if lib.renderer == 'wkwebview' else 'no-webkit', flush=True)\n",
)
BACKENDS = {"win32": EDGE, "darwin": COCOA}


def backend_for(system: str = sys.platform) -> Backend:
    """The native backend for `system` (a sys.platform value); Qt for Linux and other Unixes."""
    return BACKENDS.get(system, QT)


def start_options(storage: Path, system: str = sys.platform) -> dict[str, object]:
    """What `webview.start` is given. Not private mode, so "remember my answer" survives a
    restart; every page is no-store, so nothing else is kept."""
    return {
        "gui": backend_for(system).gui,
        "private_mode": False,
        "storage_path": str(storage),
    }


def probe_reason(backend: Backend, returncode: int, stdout: bytes, stderr: bytes) -> str | None:
    """Read the child's answer: None when a window can be shown, else a short reason."""
    if returncode == 0 and stdout.split() == [b"ok"]:
        return None
    if b"no-webview2" in stdout:
        return "the Microsoft Edge WebView2 Runtime is not installed"
    if b"No module named" in stderr:
        return f"the window toolkit ({backend.toolkit}) is not installed"
    return "the window toolkit cannot open a window here"


def gui_environment() -> dict[str, str]:
    """QtWebEngine's Chromium refuses to start as root unless its sandbox is turned off. We do
    that for the person (by environment, never by asking them): root on a kiosk or container is
    common and the page is our own local app."""
    env = dict(os.environ)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
    return env


@dataclass
class Probe:
    """A window probe under way: its child runs while the helper gets ready (starts its server,
    loads the toolkit's libraries), so the two waits overlap instead of adding up."""

    backend: Backend
    child: subprocess.Popen[bytes] | None
    reason: str | None = None  # known without a child: no display, or the child did not start


def start_probe(system: str = sys.platform) -> Probe:
    """Start the probe child without waiting for it; `finish_probe` reads its answer."""
    backend = backend_for(system)
    if system.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return Probe(backend, None, "there is no display")
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", backend.probe],
            env=gui_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except OSError:
        return Probe(backend, None, "the window toolkit cannot open a window here")
    return Probe(backend, child)


# The toolkit's libraries, loaded while the probe runs. Never pywebview's own platform module:
# it reads the window's storage folder when imported, which `webview.start` sets later.
PRELOAD = {"qt": ("qtpy.QtWidgets", "qtpy.QtWebEngineWidgets", "qtpy.QtWebChannel")}


def preload(probe: Probe) -> None:
    """Import pywebview and the toolkit's libraries in this process while the child probes
    (about 0.15 s of a window's start). Importing opens nothing on the screen, so a toolkit
    that cannot show a window still fails only in the child; a library that will not even
    import is left for the child to report."""
    if probe.child is None:
        return
    os.environ.update(gui_environment())
    try:
        import webview  # noqa: F401

        for name in PRELOAD.get(probe.backend.gui, ()):
            importlib.import_module(name)
    except (ImportError, OSError, RuntimeError):
        pass  # the probe's answer says why, in words


def finish_probe(probe: Probe) -> str | None:
    """None when a window can be shown here, else a short reason for the one-line message."""
    if probe.child is None:
        return probe.reason
    try:
        stdout, stderr = probe.child.communicate(timeout=PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        probe.child.kill()
        probe.child.communicate()
        return "the window toolkit did not start in time"
    return probe_reason(probe.backend, probe.child.returncode, stdout, stderr)


def probe_gui(system: str = sys.platform) -> str | None:
    """None when a window can be shown here, else a short reason for the one-line message."""
    return finish_probe(start_probe(system))


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
    storage = paths.data_dir() / paths.WINDOW_FOLDER
    storage.mkdir(mode=0o700, exist_ok=True)  # owner-only on POSIX; the profile's ACLs on Windows
    webview.start(**start_options(storage))


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

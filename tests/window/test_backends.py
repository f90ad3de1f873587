"""Which window toolkit each system gets, run as data for every system here on Linux.

The Linux choice (Qt) is also run for real by test_window.py under Xvfb. The Windows and macOS
probes cannot run here: they are checked to be valid Python that asks pywebview for exactly the
engine we want, and their answers are read as those systems would print them."""

from __future__ import annotations

import pytest

from helper import window

SYSTEMS = {
    # sys.platform: (pywebview gui=, the engine the probe insists on)
    "win32": ("edgechromium", "edgechromium"),
    "darwin": ("cocoa", "wkwebview"),
    "linux": ("qt", "QApplication"),
    "freebsd14": ("qt", "QApplication"),
}


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_each_system_gets_its_native_backend(system, tmp_path):
    gui, engine = SYSTEMS[system]
    backend = window.backend_for(system)
    assert backend.gui == gui
    assert engine in backend.probe
    compile(backend.probe, f"<probe for {system}>", "exec")
    options = window.start_options(tmp_path / "window", system)
    assert options == {"gui": gui, "private_mode": False, "storage_path": str(tmp_path / "window")}


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_a_probe_that_says_ok_means_a_window(system):
    backend = window.backend_for(system)
    assert window.probe_reason(backend, 0, b"ok\n", b"") is None
    # A child that printed ok and then died (Qt aborting at exit) is not trusted.
    assert window.probe_reason(backend, -6, b"ok\n", b"") is not None


def test_windows_without_webview2_uses_the_browser_not_internet_explorer():
    """pywebview falls back to MSHTML (Internet Explorer's engine) without the WebView2
    runtime: the probe reports that, and the helper opens the system browser instead."""
    edge = window.backend_for("win32")
    reason = window.probe_reason(edge, 0, b"no-webview2\n", b"")
    assert reason == "the Microsoft Edge WebView2 Runtime is not installed"


@pytest.mark.parametrize(
    ("system", "named"),
    [
        ("win32", "pywebview with Microsoft Edge WebView2"),
        ("darwin", "pywebview with WebKit"),
        ("linux", "pywebview with Qt"),
    ],
)
def test_a_missing_toolkit_is_named_in_the_one_line_message(system, named):
    backend = window.backend_for(system)
    stderr = b"ModuleNotFoundError: No module named 'webview'\n"
    reason = window.probe_reason(backend, 1, b"", stderr)
    assert reason == f"the window toolkit ({named}) is not installed"


def test_only_linux_asks_for_a_display_first(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert window.probe_gui("linux") == "there is no display"

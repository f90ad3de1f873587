"""The real pywebview window under Xvfb, and the fallback when there is no display."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.hostproc import launch_target, recorder
from tests.support.tools import require
from tests.support.vaults import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.window


def private_env(tmp_path: Path) -> dict[str, str]:
    """QtWebEngine writes caches under HOME / XDG_CACHE_HOME: keep them in tmp."""
    env = dict(os.environ)
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        WAYMARK_HOME=str(tmp_path / "waymark"),
        PYTHONPATH=str(ROOT),
    )
    for key in ("home", "cache", "config"):
        (tmp_path / key).mkdir(exist_ok=True)
    return env


def test_real_window_shows_the_start_page_and_closes_cleanly(tmp_path):
    require_display()
    pytest.importorskip("webview")
    script, record = recorder(tmp_path)
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests/window/show_window.py")],
        env={**private_env(tmp_path), "BROWSER": str(script)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "title=Get help – Waymark" in done.stdout, done.stdout + done.stderr[-2000:]
    assert "h1=Something went wrong online?" in done.stdout
    assert "closed=True" in done.stdout
    assert done.stdout.count("hook=ran") == 1  # closing ran the on-close hooks (lock), once
    # An outside link went to the system browser; the window stayed on our own page.
    clicked = done.stdout.split("clicked=")[1].split()[0]
    assert clicked.startswith("https://")
    assert record.read_text().split() == [clicked]
    assert "window_at=/platforms" in done.stdout


def require_display() -> None:
    """The tests that show a real window need a display (tests/run.sh runs under xvfb-run)."""
    if not os.environ.get("DISPLAY"):
        require("xvfb-run", "a virtual display for the window")
        pytest.skip("no DISPLAY: run under xvfb-run (tests/run.sh does)")


def helper_process(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """`python -m helper ARGS` with `env`, its stdout and stderr read as text by the test."""
    return subprocess.Popen(
        [sys.executable, "-m", "helper", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_open_without_display(tmp_path: Path, env_extra: dict[str, str], *args: str):
    env = private_env(tmp_path)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env.update(env_extra)
    return helper_process(env, *args)


def test_no_display_says_so_once_and_opens_the_system_browser(tmp_path):
    script, record = recorder(tmp_path)
    proc = run_open_without_display(tmp_path, {"BROWSER": str(script)})
    try:
        first = proc.stdout.readline()
        second = proc.stdout.readline()
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=20)
    assert first.startswith("waymark: cannot open a window (there is no display)")
    assert second.startswith("Waymark is open in your web browser at http://127.0.0.1:")
    assert "token" not in first + second
    assert proc.returncode == 0, err
    opened = record.read_text().split()
    assert len(opened) == 1
    # The browser gets the private launch page, never the address with the token.
    assert opened[0].startswith("file://") and "token" not in opened[0]
    assert "Traceback" not in err


def test_new_note_from_the_extension_starts_at_the_notes_page(tmp_path):
    script, record = recorder(tmp_path)
    args = ("open", "--new-note", "--platform", "example.com", "--at", "2026-11-29T10:00:00Z")
    proc = run_open_without_display(tmp_path, {"BROWSER": str(script)}, *args)
    try:
        proc.stdout.readline()
        proc.stdout.readline()
        target = launch_target(record.read_text().split()[0])  # removed again when it stops
    finally:
        proc.terminate()
        proc.communicate(timeout=20)
    assert "/pro/notes/new?platform=example.com&at=2026-11-29T10%3A00%3A00Z&token=" in target


def test_no_browser_prints_the_address_and_keeps_serving(tmp_path):
    proc = run_open_without_display(
        tmp_path, {"BROWSER": str(tmp_path / "no-such-browser"), "PATH": "/nonexistent"}, "open"
    )
    try:
        proc.stdout.readline()
        line = proc.stdout.readline()
        assert line.startswith("No web browser found. Open this file in a browser: file://")
        assert "token" not in line
        assert proc.poll() is None, "it must keep serving until Ctrl-C"
    finally:
        proc.send_signal(2)
        proc.communicate(timeout=20)
    assert proc.returncode == 0


def test_browser_flag_skips_the_window_and_uses_the_system_browser(tmp_path):
    script, record = recorder(tmp_path)
    env = {**private_env(tmp_path), "BROWSER": str(script), "DISPLAY": ":99"}
    proc = helper_process(env, "--browser")
    try:
        first = proc.stdout.readline()
    finally:
        proc.send_signal(2)
        _out, err = proc.communicate(timeout=20)
    assert first.startswith("Waymark is open in your web browser at http://127.0.0.1:")
    address = first.split(" at ")[1].strip()
    assert "token" not in address
    opened = record.read_text().split()
    assert len(opened) == 1 and opened[0].startswith("file://")
    assert proc.returncode == 0, err


def test_probe_survives_a_display_that_kills_qt(tmp_path, monkeypatch):
    """A DISPLAY that points nowhere makes Qt abort its process: the probe's child dies, not us."""
    pytest.importorskip("webview")
    from helper import window

    for key, value in private_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("DISPLAY", ":4242")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert window.probe_gui() == "the window toolkit cannot open a window here"


def test_open_on_a_display_that_kills_qt_falls_back_to_the_browser(tmp_path):
    """`waymark open` loads the toolkit's libraries in its own process while the probe's child
    tries the display: on a display that makes Qt abort, only the child dies, and the helper
    says why in one line and opens the system browser."""
    pytest.importorskip("webview")
    script, record = recorder(tmp_path)
    env = {
        **private_env(tmp_path),
        "BROWSER": str(script),
        "DISPLAY": ":4242",
        "QT_QPA_PLATFORM": "xcb",
    }
    env.pop("WAYLAND_DISPLAY", None)
    proc = helper_process(env, "open")
    try:
        said = proc.stdout.readline()
        opened_line = proc.stdout.readline()
    finally:
        proc.send_signal(2)
        _out, err = proc.communicate(timeout=20)
    assert said.startswith("waymark: cannot open a window (the window toolkit cannot open"), said
    assert opened_line.startswith("Waymark is open in your web browser at http://127.0.0.1:")
    assert record.read_text().split()[0].startswith("file://")
    assert proc.returncode == 0, err


def test_probe_finds_the_virtual_display(tmp_path, monkeypatch):
    require_display()
    pytest.importorskip("webview")
    from helper import window

    for key, value in private_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    assert window.probe_gui() is None


def test_a_professional_does_the_whole_journey_in_the_real_window(tmp_path):
    """The helper's promise, in the window itself: unlock (here: create), record a note from the
    extension's link, follow the checklist, export, lock. Then the vault file is opened
    independently to prove what the window saved."""
    require_display()
    pytest.importorskip("webview")
    env = {**private_env(tmp_path), "WAYMARK_TESTING": "1", "WAYMARK_KDF_FAST": "1"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests/window/window_journey.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    out = done.stdout
    assert done.returncode == 0, done.stderr[-2000:]
    assert "failed=" not in out, out + done.stderr[-2000:]
    for line in ("prefilled=www.roblox.com", "saved=yes", "ticked=True",
                 "export_has_narrative=True", "locked=yes", "closed=True"):  # fmt: skip
        assert line in out, out
    assert int(out.split("recovery_code_length=")[1].split()[0]) >= 16

    from helper.vault import Vault

    with Vault.open(tmp_path / "waymark" / "vault.sqlite3") as vault:
        vault.unlock(PASSPHRASE)
        (summary,) = vault.list_notes()
        note = vault.note(summary.id)
        assert summary.concern == "grooming"
        assert len(note.revisions) == 2  # saved, then the tick as its own revision
        assert "tell-dsl" in note.revisions[-1].fields["checklist"]
        assert vault.verify().ok


def devtools_pages(port: int) -> list[str]:
    """The addresses of the pages in the helper's windows, from QtWebEngine's DevTools list."""
    import json
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=2) as answer:
            return [p["url"] for p in json.load(answer) if p.get("type") == "page"]
    except OSError:
        return []


def test_a_second_launch_opens_in_a_new_window_of_the_running_helper(tmp_path):
    """One helper per user, with a display: a second `open --new-note` (as the native host
    starts it) hands its page over and exits; the running helper opens it in a window of its
    own, so a note half written in the first window is left alone; no browser is started."""
    import socket
    import time

    require_display()
    pytest.importorskip("webview")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        devtools = probe.getsockname()[1]
    script, record = recorder(tmp_path)
    env = {
        **private_env(tmp_path),
        "BROWSER": str(script),
        "QTWEBENGINE_REMOTE_DEBUGGING": str(devtools),
    }
    first = helper_process(env, "open")
    try:
        deadline = time.monotonic() + 60
        while not any("127.0.0.1" in url for url in devtools_pages(devtools)):
            assert time.monotonic() < deadline, "the first window never showed the helper"
            assert first.poll() is None, first.communicate()[1][-2000:]
            time.sleep(0.3)
        second = subprocess.run(
            [sys.executable, "-m", "helper", "open", "--new-note",
             "--platform=www.roblox.com", "--at=2026-11-29T10:00:00Z"],
            env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert second.returncode == 0, second.stderr
        assert "already open" in second.stdout

        # Two windows; the new one at the notes area, its one-time token already swapped for
        # the session cookie (so it has left the address bar).
        def settled(pages: list[str]) -> bool:
            return (
                len(pages) == 2
                and any("/pro/" in url for url in pages)
                and not any("token=" in url for url in pages)
            )

        pages = devtools_pages(devtools)
        while not settled(pages):
            assert time.monotonic() < deadline + 30, pages
            time.sleep(0.3)
            pages = devtools_pages(devtools)
        assert not record.exists(), "no browser was started"
        assert first.poll() is None
        # The window got its addresses in memory: no process of the helper (Qt's web engine
        # processes included) has a token on its command line.
        from tests.support.hostproc import processes_with_home

        helpers = processes_with_home(Path(env["WAYMARK_HOME"]))
        assert first.pid in helpers
        for pid in helpers:
            with contextlib.suppress(OSError):
                assert b"token=" not in Path(f"/proc/{pid}/cmdline").read_bytes()
        # The window keeps its web storage in Waymark's own owner-only folder, not pywebview's
        # default (~/.pywebview): the toolkit is loaded early, its window module never is.
        assert any((Path(env["WAYMARK_HOME"]) / "window").iterdir())
        assert not (Path(env["HOME"]) / ".pywebview").exists()
    finally:
        first.terminate()
        try:
            first.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            first.kill()
            first.communicate()

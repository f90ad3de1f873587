"""One helper per user, and a browser-mode helper that ends itself.

The attack it answers: each `open-note` from the browser without a display used to start a full
helper that never exited (15 requests left 15 servers, each with a live launch token). Now a
second launch hands its request to the running helper over a signed hand-over and exits, and a
helper in browser mode exits after a quiet spell (10 minutes without any request if nobody
signed in; 60 minutes once someone has; never while the vault is unlocked)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from helper import running
from tests.support.hostproc import exchange, frame, kill_groups, processes_with_home
from tests.support.modes import assert_mode
from tests.web.conftest import PORT
from tests.web.test_launch_token import (
    helper_env,
    launch_page_of,
    recording_browser,
    wait_for_calls,
)

pytestmark = pytest.mark.timeout(120)


def open_note(platform: str) -> dict:
    return {
        "v": 1,
        "type": "open-note",
        "platform": platform,
        "at": "2026-11-29T02:24:04.123Z",
        "concern": "sextortion",
        "age": 14,
    }


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(what)


def test_two_open_notes_leave_one_helper_which_opens_both(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    waymark_home = home / "waymark"
    browser, log = recording_browser(tmp_path)
    try:
        for platform in ("www.roblox.com", "discord.com"):
            result = exchange(frame(open_note(platform)), home, BROWSER=str(browser))
            assert result.replies == [{"v": 1, "ok": True, "type": "open-note"}], result.stderr
            if platform == "www.roblox.com":
                wait_for_calls(log, 1)  # the first helper is up before the second asks
        calls = wait_for_calls(log, 2)
        # The second launch handed over and exited; the first helper opened both pages.
        wait_until(
            lambda: len(processes_with_home(waymark_home)) == 1, 20, "more than one helper left"
        )
        pages = [launch_page_of(call).read_text() for call in calls]
        assert "www.roblox.com" in pages[0] and "discord.com" in pages[1]
        assert all("/pro/notes/new" in page for page in pages)
        # The second launch's concern and age reach the running helper too (they were dropped).
        assert all("concern=sextortion" in page and "age=14" in page for page in pages)
        ports = {page.split("url=http://127.0.0.1:")[1].split("/")[0] for page in pages}
        assert len(ports) == 1, "both pages lead to the same helper"
    finally:
        kill_groups(processes_with_home(waymark_home))


def test_a_browser_mode_helper_with_no_session_exits_after_its_quiet_spell(tmp_path):
    browser, log = recording_browser(tmp_path)
    env = helper_env(tmp_path, browser)
    env.update(WAYMARK_TESTING="1", WAYMARK_TEST_IDLE_EXIT_SECONDS="2")
    proc = subprocess.Popen(
        [sys.executable, "-m", "helper", "open", "--browser"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        page = launch_page_of(wait_for_calls(log)[0])
        assert page.exists()
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert not page.exists(), "the unused launch page is removed on the way out"
    runtime = tmp_path / "home" / "runtime"
    assert not (runtime / running.RECORD_FILE).exists()
    # The lock is free again: a new launch becomes the helper.
    instance = running.claim(runtime)
    assert instance is not None
    instance.release()


def test_the_real_helper_refuses_a_hand_over_it_cannot_verify(tmp_path):
    browser, log = recording_browser(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "helper", "open", "--browser"],
        env=helper_env(tmp_path, browser),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_calls(log)
        runtime = tmp_path / "home" / "runtime"
        record = json.loads((runtime / running.RECORD_FILE).read_text())
        assert_mode(runtime / running.RECORD_FILE, 0o600)
        url = f"http://127.0.0.1:{record['port']}{running.HANDOFF_PATH}"
        body = json.dumps({"path": "/", "query": {}}).encode()
        nonce = os.urandom(16)
        wrong = running.sign(b"x" * 32, b"request", nonce, body)
        right = running.sign(bytes.fromhex(record["key"]), b"request", nonce, body)
        attempts = [
            {"X-Waymark-Nonce": nonce.hex(), "X-Waymark-Proof": wrong},
            {},
            # A browser page can never send this: browsers always add Sec-Fetch-Site.
            {"X-Waymark-Nonce": nonce.hex(), "X-Waymark-Proof": right, "Sec-Fetch-Site": "none"},
        ]
        for headers in attempts:
            request = urllib.request.Request(url, data=body, method="POST", headers=headers)
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            assert refused.value.code == 403
        assert len(wait_for_calls(log)) == 1, "nothing was opened for a refused hand-over"
        # The real hand-over works and the helper proves it holds the key.
        assert running.hand_over(runtime, "/", {})
        assert len(wait_for_calls(log, 2)) == 2
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 0


def test_a_hand_over_for_another_page_is_refused(app):
    key = b"k" * 32
    shown = []
    app.extensions["waymark.hand_over"] = (key, lambda path, query: shown.append(path))
    client = app.test_client()
    for path in ("/pro/notes", "//evil.test/", "/pro/settings"):
        body = json.dumps({"path": path, "query": {}}).encode()
        nonce = os.urandom(16)
        response = client.post(
            running.HANDOFF_PATH,
            data=body,
            headers={
                "X-Waymark-Nonce": nonce.hex(),
                "X-Waymark-Proof": running.sign(key, b"request", nonce, body),
            },
            base_url=f"http://127.0.0.1:{PORT}",
        )
        assert response.status_code == 400
    assert shown == []

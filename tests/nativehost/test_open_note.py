"""`open-note` end to end, for real: the host starts `python -m helper open --new-note`, which
(with no display) opens the system browser through $BROWSER. Our BROWSER is a script that
records the address it was given, which proves the whole chain without a screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.hostproc import (
    exchange,
    frame,
    kill_groups,
    processes_with_home,
    recorder,
    wait_for_address,
)

pytestmark = pytest.mark.timeout(90)


def session_of(pid: int) -> int:
    # /proc/PID/stat: "pid (comm) state ppid pgrp session ..."; comm may hold spaces.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[3])


def test_open_note_starts_the_helper_detached_at_a_new_note_for_the_platform(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    browser, urls = recorder(tmp_path)
    request = {
        "v": 1,
        "type": "open-note",
        "platform": "www.roblox.com",
        "at": "2026-11-29T02:24:04.123Z",
    }
    waymark_home = home / "waymark"
    try:
        result = exchange(frame(request), home, BROWSER=str(browser))
        assert result.replies == [{"v": 1, "ok": True, "type": "open-note"}]
        assert result.returncode == 0
        assert result.stderr == ""

        # The host has exited; the helper it started lives on in a session of its own.
        helpers = processes_with_home(waymark_home)
        assert helpers, "the helper is still running after the host exited"
        leaders = [pid for pid in helpers if session_of(pid) == pid]
        assert leaders, "the helper leads its own session"
        assert session_of(leaders[0]) != session_of(os.getpid())
        for fd in (0, 1, 2):
            assert os.readlink(f"/proc/{leaders[0]}/fd/{fd}") == "/dev/null"

        # The browser gets a private launch page (never the address with its token, which
        # any local account could read on the command line); the page leads to the new note.
        url = wait_for_address(urls, waymark_home, timeout=30)
        assert urls.read_text().startswith("file://")
        assert "/pro/notes/new" in url
        assert "www.roblox.com" in url
        assert url.startswith(("http://127.0.0.1:", "http://localhost:", "http://[::1]:"))
    finally:
        kill_groups(processes_with_home(waymark_home))

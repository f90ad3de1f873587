"""A lock starts the helper afresh in the same process (helper/relaunch.py), and the person
notices nothing but the unlock page: same address, still signed in, the same form token, no
request lost, launch pages and hand-overs still work; nothing secret on the new command line,
and nothing of the old image left open (docs/SECURITY.md, "Keys in memory after locking").
Memory itself is scanned in test_memory_after_lock.py."""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.hostproc import kill_groups, processes_with_home
from tests.web.live import PASSPHRASE, LiveSession, NoRedirect
from tests.web.test_launch_token import (
    helper_env,
    launch_page_of,
    recording_browser,
    redeem,
    wait_for_calls,
)
from tests.web.test_memory_after_lock import (
    command_line,
    is_locked,
    read_the_note,
    wait_for_a_fresh_image,
    wait_until,
)

pytestmark = [
    pytest.mark.timeout(180),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="relaunch is Linux only"),
]


def open_files(pid: int) -> list[str]:
    folder = Path(f"/proc/{pid}/fd")
    found = []
    for fd in folder.iterdir():
        try:
            found.append(os.readlink(fd))
        except OSError:
            continue
    return found


def listening_sockets(pid: int) -> int:
    """How many of the process's sockets are listening TCP sockets (state 0A in /proc/net)."""
    inodes = {f.removeprefix("socket:[").rstrip("]") for f in open_files(pid) if "socket:" in f}
    listening = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            listening += fields[3] == "0A" and fields[9] in inodes
    return listening


def session_cookie(live: LiveSession) -> str:
    return next(c.value for c in live.jar if c.name == f"waymark-{live.port}")


def test_a_lock_starts_the_helper_afresh_and_the_person_stays_signed_in(tmp_path):
    home = tmp_path / "home"
    live = LiveSession(home)
    try:
        launch_token = live.url.split("token=")[1]
        live.create_vault_and_note()
        token = live.csrf("/pro/notes")
        before = command_line(live.pid)
        assert b"--resume" not in before
        live.request("POST", "/pro/lock", {"csrf_token": token}, 303)
        wait_for_a_fresh_image(live, before)

        assert live.proc.poll() is None, "the helper must carry on, not exit"
        files = open_files(live.pid)  # before any page opens the vault again
        assert not any("vault.sqlite3" in f for f in files), files  # the old image's file
        assert not any("memfd:" in f for f in files), files  # what it carried, read and closed
        assert listening_sockets(live.pid) == 1, files  # the one it was given, and no other
        again = command_line(live.pid)
        assert b"--locks=1" in again
        environ = Path(f"/proc/{live.pid}/environ").read_bytes()
        for secret in (launch_token, session_cookie(live), token, PASSPHRASE):
            assert secret.encode() not in again, "a secret on the new command line"
            assert secret.encode() not in environ, "a secret in the new environment"
        # Still signed in, with the same form token: the session came across whole.
        assert live.csrf("/pro/unlock") == token

        live.request("POST", "/pro/unlock", {"csrf_token": token, "passphrase": PASSPHRASE}, 303)
        read_the_note(live)
        # And again: every lock starts it afresh, not only the first.
        before = command_line(live.pid)
        live.request("POST", "/pro/lock", {"csrf_token": token}, 303)
        wait_for_a_fresh_image(live, before)
        assert b"--locks=2" in command_line(live.pid)
    finally:
        _out, err = live.stop()
    assert live.proc.returncode == 0, err
    assert "Traceback" not in err, err


def test_requests_made_while_it_starts_afresh_are_all_answered(tmp_path):
    """Connections that arrive while the old image stops and the new one starts wait in the
    listening socket's queue; none is refused or cut off."""
    live = LiveSession(tmp_path / "home")
    try:
        live.create_vault_and_note()
        cookie = f"waymark-{live.port}={session_cookie(live)}"
        before = command_line(live.pid)
        answers: list[object] = []
        relaunched = threading.Event()

        def ask() -> None:
            while len(answers) < 400:  # bounded; stops sooner once the new image answers
                conn = http.client.HTTPConnection("127.0.0.1", live.port, timeout=60)
                try:
                    conn.request("GET", "/pro/", headers={"Cookie": cookie})
                    answers.append(conn.getresponse().status)
                except OSError as err:
                    answers.append(err)
                finally:
                    conn.close()
                if relaunched.is_set() and len(answers) > 20:
                    return

        askers = [threading.Thread(target=ask) for _ in range(3)]
        for thread in askers:
            thread.start()
        wait_until(lambda: len(answers) >= 6, 60, "the askers never got going")
        live.request("POST", "/pro/lock", {"csrf_token": live.csrf("/pro/notes")}, 303)
        wait_until(lambda: command_line(live.pid) != before, 60, "no relaunch")
        wait_until(lambda: is_locked(live), 60, "the new image does not answer")
        relaunched.set()
        for thread in askers:
            thread.join(timeout=120)
        failures = [a for a in answers if a != 303]
        assert not failures, failures
    finally:
        live.stop()


class BrowserHelper:
    """A real `waymark open --browser`, with a stand-in browser that records what it opens."""

    def __init__(self, tmp_path: Path) -> None:
        self.browser, self.log = recording_browser(tmp_path)
        self.env = {**helper_env(tmp_path, self.browser), "WAYMARK_KDF_FAST": "1"}
        self.env["WAYMARK_TESTING"] = "1"
        self.home = tmp_path / "home"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "helper", "open", "--browser"],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def sign_in(self, call: int) -> str:
        """Follow the `call`th launch page as the browser would; returns where it leads."""
        page = launch_page_of(wait_for_calls(self.log, call + 1)[call])
        address = re.search(r"url=(http://[^\"']+)", page.read_text()).group(1)
        address = address.replace("&amp;", "&")
        self.port = urlsplit(address).port
        where = ""
        try:  # as typed into the address bar: straight to the page, no hop
            self.opener.open(redeem(address, site="none"), timeout=30)
        except urllib.error.HTTPError as err:
            assert err.code == 303, err.code
            where = err.headers["Location"]
        wait_until(lambda: not page.exists(), 30, "the spent launch page was not removed")
        return where

    def live(self) -> LiveSession:
        """This helper driven like the serve one (same requests and forms)."""
        live = LiveSession.__new__(LiveSession)
        live.proc, live.port = self.proc, self.port
        live.base = f"http://127.0.0.1:{self.port}"
        live.jar, live.opener, live.last_location = self.jar, self.opener, ""
        return live

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        _out, err = self.proc.communicate(timeout=30)
        kill_groups(processes_with_home(self.home))
        return err


def test_a_browser_mode_helper_started_afresh_keeps_its_launch_pages_and_hand_overs(tmp_path):
    helper = BrowserHelper(tmp_path)
    try:
        helper.sign_in(0)
        live = helper.live()
        live.create_vault_and_note()
        # A second launch while unlocked: its launch page is made but not yet followed.
        second = subprocess.run(
            [sys.executable, "-m", "helper", "open", "--new-note", "--platform", "discord.com"],
            env=helper.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 0 and "already open" in second.stdout, second.stderr
        waiting_page = launch_page_of(wait_for_calls(helper.log, 2)[1])
        assert waiting_page.exists()

        before = command_line(helper.proc.pid)
        live.request("POST", "/pro/lock", {"csrf_token": live.csrf("/pro/notes")}, 303)
        wait_for_a_fresh_image(live, before)

        # The launch page made before the lock still signs in, and is removed once followed.
        assert helper.sign_in(1).startswith("/pro/notes/new")
        # The one-helper lock and hand-over key came across: a third launch hands over too.
        third = subprocess.run(
            [sys.executable, "-m", "helper", "open", "--new-note", "--platform", "roblox.com"],
            env=helper.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert third.returncode == 0 and "already open" in third.stdout, third.stderr
        assert helper.sign_in(2).startswith("/pro/notes/new")
        assert len(processes_with_home(helper.home)) == 1, "more than one helper"
        assert is_locked(live)
    finally:
        err = helper.stop()
    assert helper.proc.returncode == 0, err
    assert "Traceback" not in err, err


@pytest.mark.parametrize("command", ["serve", "open"])
@pytest.mark.parametrize("fd", ["0", "2", "99"])
def test_resume_given_by_hand_is_one_sentence(tmp_path, command, fd):
    """The hidden option is for the helper's own next image; anything else (a terminal, a
    closed or foreign descriptor) is refused at once in one line, never waited on."""
    from tests.support.cli import waymark

    env = {**os.environ, "WAYMARK_HOME": str(tmp_path / "home")}
    result = waymark(command, f"--resume={fd}", env=env, stdin="", timeout=30)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.strip().splitlines() == [
        "waymark: There is nothing to resume: --resume is only for Waymark's own use."
    ]

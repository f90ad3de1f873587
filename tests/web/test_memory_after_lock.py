"""After Lock and after auto-lock, the real helper's memory holds no passphrase, no vault key (or
key derived from it) and no note text (docs/SECURITY.md, "Keys in memory after locking").

The attack: read the helper's memory (a core file, a debugger, /proc/PID/mem) after the person
has locked the vault or walked away. Zeroing keys is not enough: the passphrase and the note
text pass through Python strings, which cannot be wiped, and an outside review found them in
every run after Lock (7 to 13 copies). So locking ends the process image that held them: the
helper starts itself afresh in the same process, keeping only its listening socket and the
signed-in session. Shown on the real `waymark serve` process, ten runs, each locked once by
hand and once by the idle timer: its writable memory is read from /proc/PID/mem (we run as its
owner, or root) and searched for the secrets, which the test works out itself from the vault
file and the passphrase."""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest

from helper.vault import header as hdr
from helper.vault import keys
from tests.web.live import NARRATIVE, PASSPHRASE, LiveSession

pytestmark = [
    pytest.mark.timeout(900),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/PID/mem"),
]
RUNS = 10
IDLE_SECONDS = 5  # auto-lock; long enough that the hand-locked half never meets it
RELAUNCH_WAIT_S = 60.0  # bounds, not pauses: each wait ends as soon as its condition holds
POLL_S = 0.05


def writable_memory(pid: int) -> bytes:
    """Every readable and writable mapping of the process (heap, stacks, anonymous memory)."""
    chunks = []
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if not fields[1].startswith("rw") or (len(fields) > 5 and fields[5] == "[vvar]"):
                continue
            try:
                mem.seek(start)
                chunks.append(mem.read(end - start))
            except (OSError, ValueError, OverflowError):
                continue
    return b"".join(chunks)


def key_material(vault_file: Path) -> dict[str, bytes]:
    """The vault key and its subkeys, worked out here from the file and the passphrase."""
    conn = sqlite3.connect(f"file:{vault_file}?mode=ro", uri=True)
    raw = conn.execute("SELECT header FROM vault_header").fetchone()[0]
    conn.close()
    header = json.loads(raw)
    params = keys.KdfParams.from_json(header["kdf"])
    wrapping = keys.derive_passphrase_key(PASSPHRASE, params)
    label = hdr.label("passphrase", header["vault_id"])
    vault_key = bytes(keys.unwrap(wrapping, header["passphrase"], label))
    found = {"vault key": vault_key}
    for purpose in ("notes", "audit", "header"):
        found[f"{purpose} subkey"] = bytes(keys.subkey(vault_key, f"waymark/v1 {purpose}"))
    return found


def secrets_of(vault_file: Path) -> dict[str, bytes]:
    """Everything that must be gone: the keys, the passphrase as typed and as the form sent
    it, and the note's words (a part of them, so a cut copy is found too)."""
    return {
        **key_material(vault_file),
        "passphrase": PASSPHRASE.encode(),
        "passphrase (form)": urllib.parse.quote_plus(PASSPHRASE).encode(),
        "note text": NARRATIVE.split()[0].encode(),
    }


def found_in(pid: int, secrets: dict[str, bytes]) -> list[str]:
    memory = writable_memory(pid)
    return [name for name, value in secrets.items() if value in memory]


def command_line(pid: int) -> bytes:
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return f.read()


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(what)
        time.sleep(POLL_S)


def is_locked(live: LiveSession) -> bool:
    """/pro/ only looks (it does not count as activity): unlocked → the list, else unlock."""
    live.request("GET", "/pro/", expect=303)
    return live.last_location.startswith("/pro/unlock")


def wait_for_a_fresh_image(live: LiveSession, before: bytes) -> None:
    """The helper has started afresh since `before` (its command line names each relaunch)
    and the new image answers, still signed in and locked."""
    wait_until(
        lambda: command_line(live.pid) != before,
        RELAUNCH_WAIT_S,
        "the helper did not start afresh after locking; the old image kept the secrets",
    )
    assert is_locked(live)


def read_the_note(live: LiveSession) -> None:
    """Open the note's own page, so its words are on a page this process rendered."""
    note_id = re.search(r'href="/pro/notes/([0-9a-f]{16})"', live.request("GET", "/pro/notes"))
    assert note_id, "the note is not listed"
    assert NARRATIVE in live.request("GET", f"/pro/notes/{note_id.group(1)}")


def test_no_secret_is_left_in_the_helpers_memory_after_lock_or_auto_lock(tmp_path):
    after_lock: list[list[str]] = []
    after_auto_lock: list[list[str]] = []
    for run in range(RUNS):
        home = tmp_path / f"home-{run}"
        live = LiveSession(home, WAYMARK_TEST_IDLE_SECONDS=str(IDLE_SECONDS))
        try:
            live.create_vault_and_note()
            read_the_note(live)
            secrets = secrets_of(home / "vault.sqlite3")
            # Control: while unlocked the scan does find them, so a miss later means something.
            seen = found_in(live.pid, secrets)
            assert "vault key" in seen and "note text" in seen, f"the scan is blind: {seen}"

            before = command_line(live.pid)
            live.request("POST", "/pro/lock", {"csrf_token": live.csrf("/pro/notes")}, 303)
            wait_for_a_fresh_image(live, before)
            after_lock.append(found_in(live.pid, secrets))

            form = {"csrf_token": live.csrf("/pro/unlock"), "passphrase": PASSPHRASE}
            live.request("POST", "/pro/unlock", form, 303)
            read_the_note(live)
            before = command_line(live.pid)
            wait_for_a_fresh_image(live, before)  # nothing asked: the idle timer locks it
            after_auto_lock.append(found_in(live.pid, secrets))
        finally:
            live.stop()
    summary = (
        f"after Lock: found in {sum(map(bool, after_lock))} of {RUNS} runs {after_lock}; "
        f"after auto-lock: found in {sum(map(bool, after_auto_lock))} of {RUNS} runs "
        f"{after_auto_lock}"
    )
    print(summary)
    assert not any(after_lock) and not any(after_auto_lock), summary

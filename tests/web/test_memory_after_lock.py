"""After auto-lock the real helper's memory holds no vault key and no key derived from it.

The attack: read the helper's memory (a core file, a debugger, /proc/PID/mem) after the person
has walked away and the vault has locked itself. Auto-lock must take exactly the path of
"Lock now", and that path zeroes the key material instead of only dropping references (freed
memory keeps its bytes until reused). Shown on the real `waymark serve` process: its writable
memory is read from /proc/PID/mem (we run as its owner) and searched for the keys, which the
test works out itself from the vault file and the passphrase."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path

import pytest

from helper.vault import header as hdr
from helper.vault import keys
from tests.web.live import PASSPHRASE, LiveSession

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/PID/mem"),
]
IDLE_SECONDS = 2


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


def wait_for_auto_lock(live: LiveSession, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    time.sleep(IDLE_SECONDS + 1)
    while time.monotonic() < deadline:
        # /pro/ only looks (it does not count as activity): unlocked → the list, else unlock.
        live.request("GET", "/pro/", expect=303)
        if live.last_location.startswith("/pro/unlock"):
            return
        time.sleep(0.5)
    raise AssertionError("the vault did not lock itself")


def test_no_vault_key_in_the_helpers_memory_after_auto_lock(tmp_path):
    home = tmp_path / "home"
    live = LiveSession(home, WAYMARK_TEST_IDLE_SECONDS=str(IDLE_SECONDS))
    try:
        live.create_vault_and_note()
        listing = live.request("GET", "/pro/notes")
        assert "sextortion" in listing.lower() or "Sextortion" in listing
        material = key_material(home / "vault.sqlite3")
        # Control: while unlocked, the scan does find the key (so a miss later means something).
        before = writable_memory(live.pid)
        assert any(key in before for key in material.values()), "the scan cannot see keys"

        wait_for_auto_lock(live)
        after = writable_memory(live.pid)
        left = [name for name, key in material.items() if key in after]
        assert not left, f"still in memory after auto-lock: {left}"
    finally:
        live.stop()

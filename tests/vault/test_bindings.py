"""What each seal and MAC is bound to, tested so that loosening the binding fails a test:
a revision's ciphertext is bound to its note (moved to another note whose number, time and
summary all match, it is still refused), and each audit entry's MAC covers the entry before it
(a known answer, and entries spliced in from a forked copy of the same vault are named)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import shutil
import sqlite3

import pytest

from helper.errors import IntegrityError
from helper.vault import audit, handover
from tests.support.bundles import resigned
from tests.support.vaults import unlocked
from tests.vault.test_handover import pristine as pristine
from tests.vault.test_handover import world as world

TWIN_WORDS = "Only the twin note says this"


def _twin(body: dict) -> None:
    """A second note in the bundle whose revisions have the first one's numbers, times and
    summary (concern and status) but other words: only the note id tells their slots apart."""
    first = body["notes"][0]
    twin = {**first, "id": secrets.token_hex(8), "casework": [], "audit": first["audit"][:2]}
    twin["revisions"] = [
        {**r, "fields": {**r["fields"], "narrative": TWIN_WORDS}} for r in first["revisions"]
    ]
    body["notes"].append(twin)


def test_a_revision_moved_to_another_note_is_refused_with_its_summary_left_alone(world):
    data = resigned(world.bundle_path.read_bytes(), world.staff, world.dsl, _twin)
    original, twin = handover.import_bundle(world.dsl, data).note_ids
    assert world.dsl.verify().ok
    path = world.dsl.path
    world.dsl.close()
    with sqlite3.connect(path) as conn:
        rows = {
            note: conn.execute(
                "SELECT saved_at, snonce, sct, nonce, ct FROM revisions WHERE note_id = ? "
                "AND number = 1",
                (note,),
            ).fetchone()
            for note in (original, twin)
        }
        assert rows[original][0] == rows[twin][0]  # same slot: number 1, same saved time
        # The twin's revision 1 now holds the original's ciphertext; its summary is untouched.
        conn.execute(
            "UPDATE revisions SET nonce = ?, ct = ? WHERE note_id = ? AND number = 1",
            (rows[original][3], rows[original][4], twin),
        )
    conn.close()
    world.dsl = unlocked(path)
    problems = world.dsl.verify().problems
    assert f"Note {twin}: revision 1 has been altered or damaged." in problems
    assert not any(original in p for p in problems)
    with pytest.raises(IntegrityError, match="revision 1 has been altered"):
        world.dsl.note(twin)  # never the original's words shown as the twin's
    assert world.dsl.note(original).revisions[0].fields["narrative"] != TWIN_WORDS


# ---- the audit chain --------------------------------------------------------------------------
KEY = bytes(range(32))


def test_an_entry_mac_is_hmac_over_the_previous_mac_and_the_entry_known_answer():
    """HMAC-SHA256(audit key, previous MAC || canonical JSON [seq, at, action, note, rev])."""
    previous = bytes([0xAA]) * 32
    at = "2026-11-30T10:00:00.000000+00:00"
    mac = audit.entry_mac(KEY, previous, 7, at, "revise", "0123456789abcdef", 2)
    assert mac.hex() == "b120a596762e7eb3d9e47b5e8a943e2b6c77e1486db9cd4f46d359bfd282cb29"
    body = b'[7,"2026-11-30T10:00:00.000000+00:00","revise","0123456789abcdef",2]'
    assert mac == hmac.new(KEY, previous + body, hashlib.sha256).digest()
    first = audit.entry_mac(
        KEY, audit.GENESIS, 1, "2026-11-30T09:00:00.000000+00:00", "create-vault", None, None
    )
    assert first.hex() == "dddb69575dad28873039ecb0f057fe758dacd549b9f511c3916b39bae2c93de4"
    assert audit.entry_mac(KEY, bytes(32), 7, at, "revise", "0123456789abcdef", 2) != mac


def test_entries_spliced_in_from_a_forked_copy_are_named(two_note_vault, tmp_path):
    """Copy a vault (a fork), let both copies go on with the same entry numbers, then put the
    fork's middle entries into the original: every entry there is a valid MAC under the same
    key on its own, so only the chain (each MAC covering the one before) can tell."""
    path, note_a, _b = two_note_vault
    fork = tmp_path / "fork.sqlite3"
    shutil.copyfile(path, fork)
    for each in (path, fork):
        vault = unlocked(each)  # each logs an unlock, then two exports, with its own times
        vault.export([note_a])
        vault.export([note_a])
        vault.close()
    entries = "SELECT seq, at, action, note_id, revision, mac FROM audit WHERE seq BETWEEN ? AND ?"
    with sqlite3.connect(path) as mine, sqlite3.connect(fork) as theirs:
        last = mine.execute("SELECT MAX(seq) FROM audit").fetchone()[0]
        middle = (last - 2, last - 1)  # the unlock and the first export of each copy
        spliced = theirs.execute(entries, middle).fetchall()
        assert spliced != mine.execute(entries, middle).fetchall()
        mine.execute("DELETE FROM audit WHERE seq BETWEEN ? AND ?", middle)
        mine.executemany("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?)", spliced)
    mine.close()
    theirs.close()
    vault = unlocked(path)
    try:
        problems = vault.verify().problems
    finally:
        vault.close()
    # The fork's entries follow the common history, so they chain on from it; the first of the
    # original's own entries after them covers a MAC that is no longer there.
    assert problems == [f"Audit log: entry {last} has been altered or moved."]

"""SIGKILL a writer at random moments, hundreds of times (docs/SECURITY.md, "Crashes and power
cuts"): every note whose commit was reported is intact, the file is never corrupt, verify stays
clean. The writer is a fork of this process (already imported), so each round costs milliseconds,
not a Python start."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import time

import pytest

from helper.vault import Vault
from tests.support.vaults import PASSPHRASE, unlocked

KILLS = 300


def writer(path, out_fd: int, start: int) -> None:
    """Child: save, revise and delete notes forever, reporting each commit on the pipe. The
    child keeps away from the OS keyring: what is tested is the file, and a D-Bus connection
    or lock copied mid-use from the parent (threads of earlier tests) must not stall it."""
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    vault = Vault.open(path)
    vault.unlock(PASSPHRASE)
    i = start
    while True:
        note_id = vault.new_note({"concern": "grooming", "narrative": f"note {i}"}, "W")
        os.write(out_fd, f"new {note_id} {i}\n".encode())
        number = vault.revise(note_id, {"concern": "grooming", "narrative": f"note {i}b"}, "W")
        os.write(out_fd, f"rev {note_id} {number}\n".encode())
        if i % 3 == 0:
            vault.delete_note(note_id, "test", "W")
            os.write(out_fd, f"del {note_id}\n".encode())
        i += 1


def read_all(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks).decode()


@pytest.mark.slow
def test_sigkill_during_saves_never_loses_a_committed_note(vault_path):
    Vault.create(PASSPHRASE, vault_path)[0].close()
    rng = random.Random(1234)
    committed: dict[str, dict] = {}
    for round_no in range(KILLS):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child never returns into pytest
            try:
                os.close(read_fd)
                writer(vault_path, write_fd, round_no * 1000)
            finally:
                os._exit(1)
        os.close(write_fd)
        time.sleep(rng.uniform(0.002, 0.06))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        for line in read_all(read_fd).splitlines():
            kind, note_id, *rest = line.split()
            entry = committed.setdefault(note_id, {"revisions": 0, "deleted": False})
            if kind == "new":
                entry.update(revisions=1, text=f"note {rest[0]}")
            elif kind == "rev":
                entry["revisions"] = int(rest[0])
            else:
                entry["deleted"] = True
        os.close(read_fd)
    assert len(committed) >= 20, "the writer never got going; the test proves nothing"
    with sqlite3.connect(vault_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with unlocked(vault_path) as vault:
        for note_id, expected in committed.items():
            note = vault.note(note_id)
            if expected["deleted"]:
                assert note.deleted is not None
            if note.deleted is not None:  # a deletion may commit just before the kill
                continue
            assert note.revisions[0].fields["narrative"] == expected["text"]
            assert len(note.revisions) >= expected["revisions"]
        report = vault.verify()
    assert report.ok, report.problems

"""SIGKILL a writer at random moments, hundreds of times (docs/SECURITY.md, "Crashes and power
cuts"): every note whose commit was reported is intact, the file is never corrupt, verify stays
clean. Each writer is forked by multiprocessing's fork server, a clean process with the vault
already imported: each round costs milliseconds, not a Python start, and no thread or lock left
in the test process by earlier tests (keyring writers, servers) is copied into it (forking
pytest itself stalled every writer in a full run)."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import time
from pathlib import Path

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


def writer_process(path: str, log: str, start: int) -> None:
    """A fork-server child: report each commit by appending a line to `log`."""
    out_fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    writer(Path(path), out_fd, start)


@pytest.mark.slow
def test_sigkill_during_saves_never_loses_a_committed_note(vault_path):
    Vault.create(PASSPHRASE, vault_path)[0].close()
    rng = random.Random(1234)
    committed: dict[str, dict] = {}
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["helper.vault", "keyring", "tests.vault.test_kill_loop"])
    for round_no in range(KILLS):
        log = vault_path.parent / f"commits-{round_no}.log"
        child = context.Process(
            target=writer_process, args=(str(vault_path), str(log), round_no * 1000)
        )
        child.start()
        time.sleep(rng.uniform(0.002, 0.06))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        lines = log.read_text().splitlines() if log.exists() else []
        for line in lines:
            kind, note_id, *rest = line.split()
            entry = committed.setdefault(note_id, {"revisions": 0, "deleted": False})
            if kind == "new":
                entry.update(revisions=1, text=f"note {rest[0]}")
            elif kind == "rev":
                entry["revisions"] = int(rest[0])
            else:
                entry["deleted"] = True
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

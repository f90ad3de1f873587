"""SIGKILL a writer at random points of its work, hundreds of times (docs/SECURITY.md, "Crashes
and power cuts"): every note whose commit was reported is intact, the file is never corrupt,
verify stays clean.

Nothing here depends on how fast the machine is. Each writer says on a pipe when it has
unlocked the vault and after each commit; a round starts its kill only from there, at a point
drawn from a seeded generator (bounded count, so a failure can be replayed):
- from outside: after the writer has reported a drawn number of commits, the parent sends
  SIGKILL at once, so it lands wherever the writer has got to in its next change (often inside
  SQLite's journal writes and syncs, which are most of a commit's time);
- from inside: the writer's SQLite connection counts virtual-machine steps and the writer
  SIGKILLs itself at a drawn step, between any two steps of a transaction or of its commit.
Each writer is forked by multiprocessing's fork server, a clean process with the vault already
imported: each round costs milliseconds, not a Python start, and no thread or lock left in the
test process by earlier tests (keyring writers, servers) is copied into it (forking pytest
itself stalled every writer in a full run)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import signal
import sqlite3
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from helper.vault import Vault
from tests.support.vaults import PASSPHRASE, unlocked

KILLS = 200
SEED = 1234
MAX_COMMITS_BEFORE_KILL = 4  # outside kills: after 0..4 reported commits
MAX_STEPS_BEFORE_KILL = 1000  # inside kills: at SQLite step 1..1000 (about four changes)
READY_WAIT_S = 120.0  # a bound, not a pause: the wait ends as soon as the writer speaks
MIN_NOTES = 20


def writer(path: Path, out: Connection, start: int, kill_at_step: int | None) -> None:
    """Child: save, revise and delete notes forever, saying "ready" once unlocked and then one
    line per commit. The child keeps away from the OS keyring: what is tested is the file, and
    a D-Bus connection or lock copied mid-use from the parent must not stall it."""
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    vault = Vault.open(path)
    vault.unlock(PASSPHRASE)
    if kill_at_step is not None:
        steps = [0]

        def count_step() -> int:
            steps[0] += 1
            if steps[0] >= kill_at_step:
                os.kill(os.getpid(), signal.SIGKILL)
            return 0

        vault._conn.set_progress_handler(count_step, 1)  # the real connection, every VM step
    out.send_bytes(b"ready")
    i = start
    while True:
        note_id = vault.new_note({"concern": "grooming", "narrative": f"note {i}"}, "W")
        out.send_bytes(f"new {note_id} {i}".encode())
        number = vault.revise(note_id, {"concern": "grooming", "narrative": f"note {i}b"}, "W")
        out.send_bytes(f"rev {note_id} {number}".encode())
        if i % 3 == 0:
            vault.delete_note(note_id, "test", "W")
            out.send_bytes(f"del {note_id}".encode())
        i += 1


def next_line(reader: Connection, child) -> str | None:
    """The writer's next line, or None once it is dead and has nothing more to say."""
    if not reader.poll(READY_WAIT_S):
        raise AssertionError(f"writer {child.pid} said nothing for {READY_WAIT_S} s")
    try:
        return reader.recv_bytes().decode()
    except EOFError:
        return None


def kill(child) -> None:
    """SIGKILL, unless it has already gone (the fork server reaps its children itself; a writer
    that ended any other way is caught by its exit code)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(child.pid, signal.SIGKILL)


def one_round(
    context, vault_path: Path, round_no: int, rng: random.Random
) -> tuple[list[str], bool]:
    """Start a writer, wait for it to be ready, kill it at the drawn point. Returns every line
    it got out (commits only: "ready" is dropped) and whether the kill landed inside a change
    (SQLite's rollback journal was left behind, for the next writer to roll back)."""
    inside = rng.random() < 0.5
    kill_at_step = rng.randint(1, MAX_STEPS_BEFORE_KILL) if inside else None
    commits_first = rng.randint(0, MAX_COMMITS_BEFORE_KILL)
    reader, out = context.Pipe(duplex=False)
    child = context.Process(
        target=writer, args=(vault_path, out, round_no * 1000, kill_at_step), daemon=True
    )
    child.start()
    out.close()  # the writer holds the only writing end: its death is our end of file
    lines: list[str] = []
    try:
        assert next_line(reader, child) == "ready", "the writer died before it unlocked"
        if not inside:
            while len(lines) < commits_first:
                line = next_line(reader, child)
                assert line is not None, "the writer died without being killed"
                lines.append(line)
            kill(child)
        while (line := next_line(reader, child)) is not None:
            lines.append(line)  # whatever it reported before the kill landed
    finally:
        kill(child)  # whatever happened above, no writer outlives its round
        child.join()
        reader.close()
    assert child.exitcode == -signal.SIGKILL, f"the writer ended with {child.exitcode}"
    journal = vault_path.with_name(vault_path.name + "-journal")
    return lines, journal.exists() and journal.stat().st_size > 0


@pytest.mark.slow
@pytest.mark.timeout(900)  # about a minute here; several on a machine with every core busy
def test_sigkill_during_saves_never_loses_a_committed_note(vault_path):
    Vault.create(PASSPHRASE, vault_path)[0].close()
    rng = random.Random(SEED)
    committed: dict[str, dict] = {}
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["helper.vault", "keyring", "tests.vault.test_kill_loop"])
    torn = 0
    for round_no in range(KILLS):
        lines, inside_a_change = one_round(context, vault_path, round_no, rng)
        torn += inside_a_change
        for line in lines:
            kind, note_id, *rest = line.split()
            entry = committed.setdefault(note_id, {"revisions": 0, "deleted": False})
            if kind == "new":
                entry.update(revisions=1, text=f"note {rest[0]}")
            elif kind == "rev":
                entry["revisions"] = int(rest[0])
            else:
                entry["deleted"] = True
    assert len(committed) >= MIN_NOTES, f"only {len(committed)} notes were committed"
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
    assert torn >= KILLS // 10, f"only {torn} kills landed inside a change; the test is too kind"

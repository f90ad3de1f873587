"""The fast loops behind `notes list`, `notes due` and the chronology (written for the 10,000-note
bench figures) give exactly the answers of the plain, slower code they replace: the list the
per-row summary reader gives, the due list casework.due_list gives from every FollowUp, and the
revision counts the whole audit log gives. Damaged rows are treated the same way."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import UTC, datetime

from helper import casework
from helper.vault import Vault, followups, store
from helper.vault.chronology import _revision_counts, chronology
from helper.vault.notes import NoteSummary
from helper.vault.reading import DAMAGED, LATEST, _summary, list_summaries

PASSPHRASE = "casework passphrase"
NOW = datetime(2027, 1, 7, 12, 0, tzinfo=UTC)


def busy_vault(tmp_path):
    """Notes with revisions, a deletion, follow-ups (some done, some overdue, a timed one)."""
    vault, _ = Vault.create(PASSPHRASE, tmp_path / "v.sqlite3")
    ids = []
    for i in range(6):
        note = vault.new_note({"concern": "grooming", "child_ref": f"JB-{i % 2}"}, "Sam")
        ids.append(note)
        followups.add(vault, note, f"Ring the MASH {i}", f"2027-01-{4 + i:02d}", "Sam")
        followups.add(vault, note, f"Chase feedback {i}", "2027-01-09T09:30", "Sam")
    vault.revise(ids[1], {"concern": "sextortion", "child_ref": "JB-1", "status": "closed"}, "Al")
    for item in followups.followups(vault, ids[2])[:1]:
        followups.complete(vault, ids[2], item.id, "Sam", "Done by phone")
    vault.delete_note(ids[3], "Recorded twice", "Sam")
    return vault, ids


def slow_due(vault):
    return casework.due_list(followups.followups(vault), NOW)


def test_notes_due_is_the_due_list_of_every_follow_up(tmp_path):
    vault, _ids = busy_vault(tmp_path)
    fast = followups.due(vault, NOW)
    assert fast == slow_due(vault)
    assert (
        len(fast) == 9 and any(d["overdue"] for d in fast) and not all(d["overdue"] for d in fast)
    )
    assert [d["due"] for d in fast] == sorted(
        (d["due"] for d in fast), key=lambda due: casework.due_moment(due)
    )


def test_a_damaged_or_misshapen_event_is_left_out_of_due_as_before(tmp_path):
    vault, ids = busy_vault(tmp_path)
    with sqlite3.connect(vault.path) as raw:  # flip a bit in one event
        ct = raw.execute("SELECT ct FROM casework WHERE note_id = ?", (ids[5],)).fetchone()[0]
        raw.execute(
            "UPDATE casework SET ct = ? WHERE note_id = ? AND number = 1",
            (bytes([ct[0] ^ 1]) + ct[1:], ids[5]),
        )
    # Well-sealed events with a field too few or too many are not follow-ups either.
    from helper.vault.sealed import seal
    from helper.vault.vault import now_utc

    with store.transaction(vault._conn) as conn:
        for plain in (b"follow-up\nabc\n2027-01-01", b"follow-up\nabd\n2027-01-01\n\nS\nw\nx"):
            number, at = followups._next_number(conn, ids[0]), now_utc()
            ad = followups.casework_ad(vault.vault_id, ids[0], number, at)
            conn.execute(
                "INSERT INTO casework VALUES (?, ?, ?, ?, ?)",
                (ids[0], number, at, *seal(vault._aead, plain, ad)),
            )
            vault._append_in(conn, "casework", ids[0], number, at)
    assert followups.due(vault, NOW) == slow_due(vault)
    assert len(followups.due(vault, NOW)) == 8


def test_the_list_is_what_the_row_by_row_reader_gives(tmp_path):
    vault, ids = busy_vault(tmp_path)
    with sqlite3.connect(vault.path) as raw:  # one damaged summary, one damaged clear time
        raw.execute("UPDATE revisions SET sct = X'00' WHERE note_id = ?", (ids[0],))
        raw.execute("UPDATE revisions SET saved_at = 'not a time' WHERE note_id = ?", (ids[4],))
    listed = list_summaries(vault._conn, vault._aead, vault.vault_id)
    by_id = {s.id: s for s in listed}
    for row in store.query(vault._conn, LATEST.format(columns="snonce, sct")):
        if row[0] == ids[4]:
            continue
        assert by_id[row[0]] == _summary(row, vault._aead, vault.vault_id)
    assert by_id[ids[0]].status == DAMAGED and by_id[ids[0]].concern == ""
    assert by_id[ids[4]].status == DAMAGED and by_id[ids[4]].revisions == 0
    assert by_id[ids[3]].deleted and by_id[ids[1]].revisions == 2
    assert all(isinstance(s, NoteSummary) for s in listed)
    times = [s.updated_at for s in listed]
    assert times == sorted(times, reverse=True)


def test_revision_counts_match_the_whole_log_in_batches(tmp_path):
    vault, ids = busy_vault(tmp_path)
    whole = dict(
        store.query(
            vault._conn,
            "SELECT note_id, COUNT(*) FROM audit WHERE action IN ('create', 'revise') "
            "GROUP BY note_id",
        )
    )
    many = ids + [f"{i:016x}" for i in range(1200)]  # more than one batch of 500
    assert _revision_counts(vault._conn, many) == {n: whole[n] for n in ids}
    events = chronology(vault, "JB-1")
    assert {e["kind"] for e in events} >= {"note", "revision", "follow-up"}
    assert any(e["kind"] == "deletion" for e in events)


def utf16_copy(original, path) -> Vault:
    """The same vault in a UTF-16 SQLite file (SQLite allows it; Waymark never makes one): every
    table recreated from the file's own schema and filled, row by row, from the original."""
    copy = sqlite3.connect(path, isolation_level=None)
    copy.execute("PRAGMA encoding = 'UTF-16le'")
    copy.execute("BEGIN")
    with contextlib.closing(sqlite3.connect(original)) as raw:
        for pragma in ("application_id", "user_version"):
            copy.execute(f"PRAGMA {pragma} = {int(raw.execute(f'PRAGMA {pragma}').fetchone()[0])}")
        schema = raw.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "ORDER BY type = 'table' DESC"
        ).fetchall()
        for kind, name, sql in schema:
            copy.execute(sql)
            if kind == "table":
                rows = raw.execute(f'SELECT * FROM "{name}"').fetchall()
                if rows:
                    marks = ", ".join("?" * len(rows[0]))
                    copy.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
    copy.execute("COMMIT")
    assert copy.execute("PRAGMA encoding").fetchone()[0] == "UTF-16le"
    copy.close()
    other = Vault.open(path)
    other.unlock(PASSPHRASE)
    return other


def test_due_in_a_file_not_in_utf8_is_the_same_list(tmp_path):
    """`notes due` reads the clear columns as raw bytes for speed, which holds only for UTF-8
    files; any other file takes the plain path and gives the same answer."""
    vault, _ids = busy_vault(tmp_path)
    expected = followups.due(vault, NOW)
    vault.close()
    other = utf16_copy(vault.path, tmp_path / "utf16.sqlite3")
    assert not followups._utf8(other._conn)
    assert followups.due(other, NOW) == expected == slow_due(other)
    other.close()

"""A child's chronology: every event about one child reference, in time order, computed from the
decrypted records each time it is asked for. Nothing about a child is kept in clear (no index of
references): finding a child's notes opens the latest revision of every note, with a cheap byte
test before any JSON is parsed, the same way search works.

Events are `{"at", "kind", "note", "text"}` with `at` in UTC ISO 8601 and `kind` one of:
concern (when it happened or came to light), note (recorded), revision, checklist (a step
ticked), follow-up, follow-up-done, deletion."""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from helper import casework
from helper.errors import BadInput, IntegrityError
from helper.vault import followups, store
from helper.vault.notes import FIELD_BY_NAME, MAX_CHILD_REF, DeletionRecord, Note
from helper.vault.reading import LATEST, read_revisions, stored_time
from helper.vault.sealed import deletion_ad, open_sealed

if TYPE_CHECKING:
    from helper.vault.vault import Vault

KINDS = ("concern", "note", "revision", "checklist", "follow-up", "follow-up-done", "deletion")


def clean_ref(ref: str) -> str:
    """A reference to look up: the same rules as the note field."""
    from helper.vault.notes import clean_text

    text = clean_text("Child reference", ref, MAX_CHILD_REF, one_line=True)
    if not text:
        raise BadInput("Child reference: give the reference used on the child's notes.")
    return text


REF_KEY = b'"child_ref":"'  # canonical JSON: inside a text value every quote is escaped


def notes_for_ref(conn: sqlite3.Connection, aead: AESGCM, vault_id: str, ref: str) -> list[str]:
    """Ids of live notes whose latest revision carries `ref` (ignoring case). Each latest
    revision is opened; only the bytes of its child_ref value are looked at, unless that value
    holds an escape, when the whole record is parsed."""
    found = []
    prefix = f"waymark/v1 revision\x00{vault_id}\x00"  # revision_ad's, inlined: 10,000 calls
    decrypt = aead.decrypt
    for note_id, number, saved_at, nonce, ct, _created in store.query(
        conn, LATEST.format(columns="nonce, ct")
    ):
        try:
            plain = decrypt(nonce, ct, f"{prefix}{note_id}\x00{number}\x00{saved_at}".encode())
        except (InvalidTag, ValueError, TypeError):
            continue  # damaged: verify names it; it never matches
        start = plain.find(REF_KEY)
        if start < 0:
            continue
        start += len(REF_KEY)
        value = plain[start : plain.find(b'"', start)]
        if b"\\" in value:
            try:
                value = json.loads(plain).get("fields", {}).get("child_ref", "").encode()
            except ValueError:
                continue
        if casework.same_ref(value.decode("utf-8", "replace"), ref):
            found.append(str(note_id))
    return found


@functools.cache
def step_titles() -> dict[str, str]:
    """Procedure step titles by id, from the knowledge base (an unknown id shows as itself)."""
    from helper import resources

    try:
        steps = resources.default().procedure  # loaded once per process, and checked
    except IntegrityError:
        return {}
    return {s["id"]: s["title"] for s in steps}


def _utc(value: Any) -> str:
    """An event's time in UTC to the second. One that cannot be read (damaged, or outside the
    range: helper/vault/times.py) keeps its stored text, so it still sorts and is still
    listed, and every reader shows it as "unreadable time"."""
    from helper.vault import times

    when = times.readable(value)
    if when is None:
        return value.isoformat() if isinstance(value, datetime) else str(value)
    return when.astimezone(UTC).isoformat(timespec="seconds")


def _event(at: Any, kind: str, note: str, text: str) -> dict[str, str]:
    return {"at": _utc(at), "kind": kind, "note": note, "text": text}


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    names = [n for n in FIELD_BY_NAME if n != "checklist" and before.get(n) != after.get(n)]
    return [FIELD_BY_NAME[n].label.lower() for n in names]


def note_events(note: Any, created_at: str | None) -> list[dict[str, str]]:
    """The events one note contributes (without its follow-ups)."""
    from helper.vault.export import concern_labels

    out: list[dict[str, str]] = []
    titles = step_titles()
    if note.revisions:
        first, latest = note.revisions[0], note.revisions[-1]
        concern = latest.fields.get("concern", "")
        label = concern_labels().get(concern, concern)
        if latest.fields.get("concern_at"):
            out.append(
                _event(latest.fields["concern_at"], "concern", note.id,
                       f"The concern happened or came to light: {label}.")
            )  # fmt: skip
        out.append(_event(first.saved_at, "note", note.id, f"Note recorded by {first.signed_by}: "
                          f"{label}."))  # fmt: skip
        previous: Mapping[str, Any] = {}
        for rev in note.revisions:
            if rev.number > 1:
                changed = _changed(previous, rev.fields)
                if changed:
                    out.append(
                        _event(rev.saved_at, "revision", note.id,
                               f"Revision {rev.number} saved by {rev.signed_by}; changed: "
                               f"{', '.join(changed)}.")
                    )  # fmt: skip
            before = previous.get("checklist") or {}
            for step, at in (rev.fields.get("checklist") or {}).items():
                if step not in before:
                    title = titles.get(step, step)
                    out.append(
                        _event(at, "checklist", note.id, f"Step done: {title} (ticked by "
                               f"{rev.signed_by}).")
                    )  # fmt: skip
            previous = rev.fields
    elif created_at:
        out.append(_event(created_at, "note", note.id, "Note recorded (its content was deleted)."))
    if note.deleted is not None:
        out.append(
            _event(note.deleted.deleted_at, "deletion", note.id,
                   f"Note deleted by {note.deleted.signed_by}. Reason: {note.deleted.reason}")
        )  # fmt: skip
    return out


def followup_events(items: list[casework.FollowUp]) -> list[dict[str, str]]:
    out = []
    for f in items:
        out.append(
            _event(f.set_at, "follow-up", f.note,
                   f"Follow-up set by {f.set_by}: {f.what} (due {f.due}).")
        )  # fmt: skip
        if f.done:
            text = f"Follow-up done by {f.done_by}: {f.what}."
            if f.outcome:
                text += f" Outcome: {f.outcome}"
            out.append(_event(f.done_at, "follow-up-done", f.note, text))
    return out


def _read(
    conn: sqlite3.Connection,
    aead: AESGCM,
    vault_id: str,
    note_id: str,
    logged: int,
    gone: bool,
) -> Note:
    """reading.read_note's checks for one note, with the audit count taken once for all notes
    (read_note counts by scanning the audit log, which for 200 notes is most of the time) and
    the deletion record looked up only for a note in the deletions table (`gone`)."""
    deleted = None
    for deleted_at, nonce, ct in (
        store.query(
            conn, "SELECT deleted_at, nonce, ct FROM deletions WHERE note_id = ?", (note_id,)
        )
        if gone
        else ()
    ):
        data = open_sealed(aead, nonce, ct, deletion_ad(vault_id, note_id, deleted_at))
        deleted = DeletionRecord(
            stored_time(deleted_at), str(data.get("reason", "")), str(data.get("signed_by", ""))
        )
    revisions = read_revisions(conn, aead, vault_id, note_id)
    if deleted is None and (not revisions or logged != len(revisions)):
        raise IntegrityError(f"Note {note_id}: some of its revisions are missing.")
    return Note(note_id, tuple(revisions), deleted)


def _created_at(conn: sqlite3.Connection, note_id: str) -> str | None:
    rows = store.query(conn, "SELECT created_at FROM notes WHERE id = ?", (note_id,))
    return str(rows[0][0]) if rows else None


def chronology(vault: Vault, ref: str) -> list[dict[str, str]]:
    """Every event for the child reference `ref`, oldest first."""
    with followups.without_gc():
        return _chronology(vault, clean_ref(ref))


def _chronology(vault: Vault, wanted: str) -> list[dict[str, str]]:
    aead = vault._require_aead()
    conn = vault._conn
    ids = notes_for_ref(conn, aead, vault.vault_id, wanted)
    # Only a deleted note can have a note-deleted marker: open those and this child's events.
    deleted = [str(r[0]) for r in store.query(conn, "SELECT note_id FROM deletions")]
    rows = followups.events(conn, aead, vault.vault_id, [*ids, *deleted])
    ids += [
        note
        for note, _at, data in rows
        if data.get("kind") == "note-deleted" and casework.same_ref(data.get("child_ref"), wanted)
    ]
    ids = list(dict.fromkeys(ids))
    counts = _revision_counts(conn, ids)
    gone = set(deleted)
    out: list[dict[str, str]] = []
    for note_id in ids:
        try:
            note = _read(conn, aead, vault.vault_id, note_id, counts.get(note_id, 0),
                         note_id in gone)  # fmt: skip
        except IntegrityError as err:
            at = _created_at(conn, note_id) or datetime.now(UTC)
            out.append(_event(at, "note", note_id, str(err)))
            continue
        out += note_events(note, _created_at(conn, note_id) if note.deleted else None)
    mine = set(ids)
    out += followup_events(list(casework.fold(r for r in rows if r[0] in mine).values()))
    out.sort(key=lambda e: (e["at"], KINDS.index(e["kind"])))
    return out


COUNT_SQL = (  # `marks` is only "?, ?, ...": the ids are bound, never written into the SQL
    "SELECT note_id, COUNT(*) FROM audit WHERE action IN ('create', 'revise') "
    "AND note_id IN ({marks}) GROUP BY note_id"
)


def _revision_counts(conn: sqlite3.Connection, ids: list[str]) -> dict[str, int]:
    """How many create/revise entries the audit log has for each of `ids` (one pass over the
    log, counting only these notes' entries, in batches under SQLite's variable limit)."""
    counts: dict[str, int] = {}
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        marks = ", ".join("?" * len(batch))
        counts.update(
            store.query(
                conn,
                COUNT_SQL.format(marks=marks),
                tuple(batch),
            )
        )
    return counts


def summary_for(vault: Vault, note_id: str) -> tuple[list[casework.Section], dict | None]:
    """A live note's referral summary and its borough's directory entry (None if unknown)."""
    from helper.vault.export import TOLD_LABELS

    record = vault.note(note_id)
    if record.deleted is not None or not record.revisions:
        raise BadInput("This note was deleted, so it can no longer be exported.")
    latest = record.latest
    items = followups.followups(vault, note_id)
    sections = casework.referral_summary(
        latest.fields, latest.signed_by, items, TOLD_LABELS, step_titles()
    )
    return sections, casework.borough_entry(latest.fields.get("borough"))


def page_summaries(
    conn: sqlite3.Connection, aead: AESGCM, vault_id: str, offset: int, limit: int
) -> tuple[int, list]:
    """(number of notes, one page of summaries, newest recorded first), opening only that
    page's sealed summaries: the order comes from the clear `created_at`, so listing page 1 of
    10,000 notes opens 50 records, not 10,000."""
    from helper.vault.notes import NoteSummary
    from helper.vault.reading import _summary

    total = store.query(conn, "SELECT COUNT(*) FROM notes")[0][0]
    rows = store.query(
        conn,
        "SELECT id, created_at FROM notes ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
        (limit, offset),
    )
    page = []
    for note_id, created in rows:
        latest = store.query(
            conn,
            "SELECT note_id, number, saved_at, snonce, sct, ? FROM revisions WHERE note_id = ? "
            "ORDER BY number DESC LIMIT 1",
            (created, note_id),
        )
        if latest:
            try:
                page.append(_summary(latest[0], aead, vault_id))
                continue
            except IntegrityError:
                pass
        gone = store.query(conn, "SELECT deleted_at FROM deletions WHERE note_id = ?", (note_id,))
        when = stored_time(gone[0][0] if gone else created)
        status = "deleted" if gone else "damaged"
        page.append(
            NoteSummary(str(note_id), stored_time(created), when, 0, "", status, deleted=bool(gone))
        )
    return total, page

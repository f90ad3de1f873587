"""Follow-ups: sealed, append-only casework events beside the notes (FORMAT.md, "Casework
events"). A follow-up is set by one event and marked done by another; nothing is ever edited.
Each event is its own row in `casework`, sealed under the note key with associated data that
binds the vault, the note, the event's number and its time, and each has a `casework` entry in
the audit chain written in the same transaction. `notes due` therefore reads and opens only
these small rows, never the notes themselves.

Deleting a note deletes its casework rows too (their text is about the child) and leaves one
sealed `note-deleted` event holding only the note's child reference, so the child's chronology
can still say that a note existed, when it went and why."""

from __future__ import annotations

import contextlib
import gc
import secrets
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from helper import casework
from helper.errors import BadInput, IntegrityError, NotFound
from helper.vault import store
from helper.vault.notes import clean_signature, clean_text
from helper.vault.sealed import open_sealed, revision_ad, seal

if TYPE_CHECKING:
    from helper.vault.audit import AuditEntry
    from helper.vault.vault import Vault

TABLE = "casework"  # in store.SCHEMA; a writable vault made before it gains it on open (upgrade)
ACTION = "casework"  # the audit action of every casework event
KINDS = ("follow-up", "done", "note-deleted")
EVENTS_SQL = "SELECT note_id, number, at, nonce, ct FROM casework ORDER BY at, note_id, number"


def casework_ad(vault_id: str, note_id: str, number: int, at: str) -> bytes:
    parts = ("waymark/v1 casework", vault_id, note_id, number, at)
    return "\x00".join(map(str, parts)).encode()


def has_table(conn: sqlite3.Connection) -> bool:
    return store.has_table(conn, TABLE)


# ---- writing -----------------------------------------------------------------------------------


def _next_number(conn: sqlite3.Connection, note_id: str) -> int:
    """One more than any event this note ever had: rows, or audit entries of deleted rows."""
    rows = conn.execute("SELECT MAX(number) FROM casework WHERE note_id = ?", (note_id,)).fetchone()
    logged = conn.execute(
        "SELECT MAX(revision) FROM audit WHERE action = ? AND note_id = ?", (ACTION, note_id)
    ).fetchone()
    return max(int(rows[0] or 0), int(logged[0] or 0)) + 1


def _write(vault: Vault, conn: sqlite3.Connection, note_id: str, payload: dict[str, Any]) -> None:
    """Seal and append one event, with its audit entry, inside the caller's transaction."""
    from helper.vault.times import now_utc

    number = _next_number(conn, note_id)
    at = now_utc()
    aead = vault._require_aead()
    nonce, ct = seal(aead, encode_event(payload), casework_ad(vault.vault_id, note_id, number, at))
    conn.execute("INSERT INTO casework VALUES (?, ?, ?, ?, ?)", (note_id, number, at, nonce, ct))
    vault._append_in(conn, ACTION, note_id, number, at)


def add(vault: Vault, note_id: str, what: str, due: str, signed_by: str, step: str = "") -> str:
    """Set a follow-up on a live note; returns its id. `due` is as typed (YYYY-MM-DD or
    YYYY-MM-DDTHH:MM, local) or already a UTC ISO time (a proposal). Nothing is saved unless
    every part is valid."""
    text = clean_text("What", what, casework.MAX_WHAT, one_line=True)
    if not text:
        raise BadInput("What: say what needs to be done.")
    signer = clean_signature(signed_by)
    stored_due = _due(due)
    record = vault.note(note_id)
    if record.deleted is not None or not record.revisions:
        raise NotFound(f"Note {note_id} has been deleted.")
    casework.check_due_after(stored_due, record.latest.fields.get("concern_at"))
    followup_id = secrets.token_hex(4)
    payload = {"kind": "follow-up", "id": followup_id, "what": text, "due": stored_due,
               "signed_by": signer}  # fmt: skip
    if step:
        payload["step"] = clean_text("Step", step, 64, one_line=True)
    with vault._writing() as conn:
        vault._live_revision_count(conn, note_id)
        _write(vault, conn, note_id, payload)
    vault._publish_head()
    return followup_id


def _due(due: str) -> str:
    """A due value as typed (casework.parse_due) or a proposal's UTC time, checked against the
    one range (helper/vault/times.py) and in its stored form."""
    from helper.vault import times

    text = str(due or "").strip()
    if len(text) > 10 and ("+" in text[10:] or text.endswith("Z")):
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise BadInput(f"Due: {text[:40]!r} is not a real date or time.") from None
        if times.readable(moment) is None:
            raise BadInput(times.out_of_range("Due", text))
        return moment.astimezone(UTC).isoformat(timespec="seconds")
    return casework.parse_due(text)


def complete(
    vault: Vault, note_id: str, followup_id: str, signed_by: str, outcome: str = ""
) -> None:
    """Mark a follow-up done (who, and when: now). Done twice is refused."""
    signer = clean_signature(signed_by)
    result = clean_text("Outcome", outcome, casework.MAX_WHAT, one_line=True) if outcome else ""
    item = {f.id: f for f in followups(vault, note_id)}.get(str(followup_id))
    if item is None:
        raise NotFound(f"Note {note_id} has no follow-up {str(followup_id)[:20]!r}.")
    if item.done:
        raise BadInput(f"That follow-up was already marked done by {item.done_by}.")
    payload = {"kind": "done", "followup": item.id, "signed_by": signer}
    if result:
        payload["outcome"] = result
    with vault._writing() as conn:
        vault._live_revision_count(conn, note_id)
        _write(vault, conn, note_id, payload)
    vault._publish_head()


def on_delete(vault: Vault, conn: sqlite3.Connection, note_id: str) -> None:
    """Called by Vault.delete_note inside its transaction, before the revisions go: removes the
    note's casework rows and keeps a sealed note-deleted event with its child reference."""
    conn.execute("DELETE FROM casework WHERE note_id = ?", (note_id,))
    ref = _latest_ref(vault, conn, note_id)
    if ref:
        _write(vault, conn, note_id, {"kind": "note-deleted", "child_ref": ref})


def _latest_ref(vault: Vault, conn: sqlite3.Connection, note_id: str) -> str:
    row = conn.execute(
        "SELECT number, saved_at, nonce, ct FROM revisions WHERE note_id = ? "
        "ORDER BY number DESC LIMIT 1",
        (note_id,),
    ).fetchone()
    if row is None:
        return ""
    number, saved_at, nonce, ct = row
    try:
        payload = open_sealed(
            vault._require_aead(), nonce, ct, revision_ad(vault.vault_id, note_id, number, saved_at)
        )
    except IntegrityError:
        return ""
    return str(payload.get("fields", {}).get("child_ref", ""))


# ---- reading -----------------------------------------------------------------------------------


# The plaintext of an event: its kind, then that kind's fields, one per line. Every field is one
# line of text (clean_text refuses newlines in each), so splitting is exact; it is also what
# keeps `notes due` near its floor (json.loads would cost more than the decryption itself).
LAYOUT = {
    "follow-up": ("id", "due", "step", "signed_by", "what"),
    "done": ("followup", "signed_by", "outcome"),
    "note-deleted": ("child_ref",),
}


def encode_event(payload: dict[str, Any]) -> bytes:
    kind = payload["kind"]
    values = [str(payload.get(name, "")) for name in LAYOUT[kind]]
    if any("\n" in v or "\r" in v for v in values):
        raise BadInput("A follow-up's text must be one line.")
    return "\n".join([kind, *values]).encode()


def decode_event(plain: bytes) -> dict[str, Any]:
    """IntegrityError unless it is exactly one of the layouts above."""
    try:
        kind, *values = plain.decode().split("\n")
        names = LAYOUT[kind]
    except (UnicodeDecodeError, ValueError, KeyError):
        raise IntegrityError("A stored record failed its integrity check.") from None
    if len(values) != len(names):
        raise IntegrityError("A stored record failed its integrity check.")
    data = dict(zip(names, values, strict=True))
    data["kind"] = kind
    return data


def events(
    conn: sqlite3.Connection, aead: AESGCM, vault_id: str, note_ids: Iterable[str] | None = None
) -> list[tuple[str, str, dict[str, Any]]]:
    """(note, at, payload) of every event that opens, oldest first. A damaged event is left out
    (verify names it); it never shows as something it is not. This is the whole cost of
    `notes due`, so the loop is kept bare: the associated data is casework_ad's, inlined."""
    if not has_table(conn):
        return []
    wanted = None if note_ids is None else set(note_ids)
    prefix = f"waymark/v1 casework\x00{vault_id}\x00"
    decrypt = aead.decrypt
    out = []
    for note_id, number, at, nonce, ct in store.query(conn, EVENTS_SQL):
        if wanted is not None and note_id not in wanted:
            continue
        try:
            kind, *values = (
                decrypt(nonce, ct, f"{prefix}{note_id}\x00{number}\x00{at}".encode())
                .decode()
                .split("\n")
            )
            names = LAYOUT[kind]
        except (InvalidTag, ValueError, TypeError, KeyError):
            continue
        if len(values) == len(names):
            data = dict(zip(names, values, strict=True))
            data["kind"] = kind
            out.append((note_id, at, data))
    return out


def followups(vault: Vault, note_id: str | None = None) -> list[casework.FollowUp]:
    """The follow-ups of one note (or of the whole vault), in the order they were set."""
    aead = vault._require_aead()
    ids = None if note_id is None else [note_id]
    return list(casework.fold(events(vault._conn, aead, vault.vault_id, ids)).values())


def due(vault: Vault, now: datetime | None = None) -> list[dict[str, Any]]:
    """`waymark notes due --json`: open follow-ups across the vault, most urgent first. The
    same answer as casework.due_list(followups(vault)), without building a FollowUp (or even a
    dict) for each event: the loop reads the few fields it needs straight from the opened
    layout, and each distinct due value is turned into a time once."""
    moment = now or datetime.now(UTC)
    with without_gc():
        return _open_due(vault, moment)


@contextlib.contextmanager
def without_gc() -> Iterator[None]:
    """Building tens of thousands of small dicts makes the cycle collector run again and again
    over everything alive (it was 60% of `notes due` at 10,000 follow-ups). Nothing built here
    can form a cycle, so it is paused while they are built."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# `due` splits an opened event only as far as the follow-up's id (kind, id, then the rest in
# one string), which halves the strings it makes for 10,000 events; the rest is taken apart
# only for the follow-ups still open. The field counts are still checked exactly.
assert LAYOUT["follow-up"][:2] == ("id", "due") and LAYOUT["follow-up"][-1] == "what"
assert LAYOUT["done"][0] == "followup"
_FOLLOWUP_REST = len(LAYOUT["follow-up"]) - 2  # newlines left after kind and id
_DONE_REST = len(LAYOUT["done"]) - 2

# What `due` reads. The clear columns come as bytes: the time is only ever part of the
# associated data, and the note id is needed as text only for a follow-up still open, so
# SQLite hands both over without a Python text conversion each (the connection's lenient
# text factory, 20,000 calls at 10,000 events, was a third of the reading). Read in the table's
# own order (its primary key: no sort in SQLite): a note's events are numbered in the order they
# were written, so a "done" still comes after its follow-up, and the answer is sorted anyway.
# The bytes are the UTF-8 the text was stored as, so the associated data is casework_ad's.
DUE_SQL = (
    "SELECT CAST(note_id AS BLOB), number, CAST(at AS BLOB), nonce, ct FROM casework "
    "ORDER BY note_id, number"
)


def _utf8(conn: sqlite3.Connection) -> bool:
    """Waymark's files are UTF-8; a file in another encoding gets the plain path instead."""
    row = conn.execute("PRAGMA encoding").fetchone()
    return bool(row) and row[0] == "UTF-8"


def _open_due(vault: Vault, moment: datetime) -> list[dict[str, Any]]:
    conn = vault._conn
    aead = vault._require_aead()
    if not has_table(conn):
        return []
    if not _utf8(conn):
        return casework.due_list(followups(vault), moment)
    prefix = f"waymark/v1 casework\x00{vault.vault_id}\x00".encode()
    decrypt = aead.decrypt
    open_items: dict[tuple[bytes, str], str] = {}
    try:
        for note_id, number, at, nonce, ct in conn.execute(DUE_SQL):
            try:  # the same check as events(): a damaged event is left out
                kind, first, rest = (
                    decrypt(nonce, ct, b"%s%s\x00%d\x00%s" % (prefix, note_id, number, at))
                    .decode()
                    .split("\n", 2)
                )
            except (InvalidTag, ValueError, TypeError):
                continue
            if kind == "follow-up":
                if rest.count("\n") == _FOLLOWUP_REST:
                    open_items[(note_id, first)] = rest
            elif kind == "done" and rest.count("\n") == _DONE_REST:
                open_items.pop((note_id, first), None)
    except store.STORE_ERRORS as err:
        raise store.storage_error(err) from None
    # Most follow-ups share a due value with others (a day, or a proposal's time): each value
    # becomes a time once, and only the groups, then each group, are sorted. Grouped by the
    # time, not the text, so two spellings of one moment still sort together by note.
    moments: dict[str, datetime] = {}
    groups: dict[datetime, list[tuple[bytes, str, str, str]]] = {}
    for (note, fid), rest in open_items.items():
        when = rest[: rest.index("\n")]
        at = moments.get(when)
        if at is None:
            at = moments[when] = casework.due_moment(when)
        group = groups.get(at)
        if group is None:
            group = groups[at] = []
        group.append((note, fid, rest, when))
    out = []
    for at in sorted(groups):
        late = at < moment
        group = groups[at]
        group.sort()  # UTF-8 bytes sort as their text does: (note, follow-up) as before
        out += [
            {"note": note.decode(), "followup": fid, "what": rest[rest.rindex("\n") + 1 :],
             "due": when, "overdue": late}
            for note, fid, rest, when in group
        ]  # fmt: skip
    return out


# ---- verify ------------------------------------------------------------------------------------


def problems(
    conn: sqlite3.Connection, aead: AESGCM, vault_id: str, entries: list[AuditEntry]
) -> list[str]:
    """Every casework row opens and has its audit entry at the same time; every logged event is
    present unless its note was deleted (its rows go with it)."""
    if not has_table(conn):
        return []
    out: list[str] = []
    logged = {(e.note_id, e.revision): e.at for e in entries if e.action == ACTION}
    notes = {r[0] for r in store.query(conn, "SELECT id FROM notes")}
    deleted = {r[0] for r in store.query(conn, "SELECT note_id FROM deletions")}
    present = set()
    for note_id, number, at, nonce, ct in store.query(conn, EVENTS_SQL):
        present.add((note_id, number))
        try:
            decode_event(aead.decrypt(nonce, ct, casework_ad(vault_id, note_id, number, at)))
        except (IntegrityError, InvalidTag, ValueError, TypeError):
            out.append(f"Note {note_id}: casework event {number} has been altered or damaged.")
        if (note_id, number) not in logged:
            out.append(
                f"Note {note_id}: casework event {number} is not in the audit log (added from "
                "outside)."
            )
        elif logged[(note_id, number)] != at:
            out.append(f"Note {note_id}: casework event {number} has the wrong time.")
        if note_id not in notes:
            out.append(f"Note {note_id}: casework event {number} belongs to no known note.")
    for note_id, number in sorted(set(logged) - present, key=str):
        if note_id not in deleted:
            out.append(f"Note {note_id}: casework event {number} is missing.")
    return out

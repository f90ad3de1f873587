"""The audit log: a keyed hash chain. Each entry's MAC covers the previous entry's MAC and its
own fields, under a key derived from the vault key, so nobody without the key can add, remove,
reorder or edit an entry without `verify` noticing. Pure functions, plus `append`, which writes
one entry inside the caller's transaction."""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from dataclasses import dataclass

from helper.errors import IntegrityError

ACTIONS = (
    "create-vault",
    "create",
    "revise",
    "delete",
    "unlock",
    "export",
    "passphrase",
    "recover",
    "device",
    # hand-over (HANDOVER.md)
    "identity",
    "contact-add",
    "contact-remove",
    "handover",
    "import",
    "casework",  # a follow-up set or done, or a note-deleted marker (helper/vault/followups.py)
)
GENESIS = bytes(32)  # the "previous MAC" of entry 1


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    action: str
    note_id: str | None
    revision: int | None
    mac: bytes


def entry_mac(
    key: bytes,
    previous: bytes,
    seq: int,
    at: str,
    action: str,
    note_id: str | None,
    revision: int | None,
) -> bytes:
    """HMAC-SHA256(key, previous MAC || canonical JSON of the entry)."""
    body = json.dumps([seq, at, action, note_id, revision], separators=(",", ":"))
    return hmac.new(key, previous + body.encode("utf-8"), hashlib.sha256).digest()


def append(
    conn: sqlite3.Connection,
    key: bytes,
    action: str,
    note_id: str | None,
    revision: int | None,
    at: str,
) -> tuple[int, bytes]:
    """Add the next entry and move audit_head to it; returns the new head (seq, mac)."""
    row = conn.execute("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    if row is None:
        seq, previous = 1, GENESIS
    elif isinstance(row[0], int) and isinstance(row[1], bytes):
        seq, previous = row[0] + 1, row[1]
    else:
        raise IntegrityError("The vault's audit log is damaged. Run `waymark verify`.")
    mac = entry_mac(key, previous, seq, at, action, note_id, revision)
    conn.execute(
        "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?)", (seq, at, action, note_id, revision, mac)
    )
    conn.execute("INSERT OR REPLACE INTO audit_head VALUES (1, ?, ?)", (seq, mac))
    return seq, mac


def chain_problems(key: bytes, entries: list[AuditEntry]) -> list[str]:
    """Name every break in the chain: a gap, an entry out of order, an altered entry."""
    problems: list[str] = []
    previous = GENESIS
    expected_seq = 1
    for entry in entries:
        if entry.seq != expected_seq:
            problems.append(
                f"Audit log: entry {expected_seq} is missing or out of order "
                f"(found entry {entry.seq} next)."
            )
        if not well_formed(entry):
            problems.append(f"Audit log: entry {entry.seq} is damaged.")
            previous = entry.mac if isinstance(entry.mac, bytes) else GENESIS
            expected_seq = entry.seq + 1 if isinstance(entry.seq, int) else expected_seq + 1
            continue
        mac = entry_mac(
            key, previous, entry.seq, entry.at, entry.action, entry.note_id, entry.revision
        )
        if not hmac.compare_digest(mac, entry.mac):
            problems.append(f"Audit log: entry {entry.seq} has been altered or moved.")
        previous = entry.mac
        expected_seq = entry.seq + 1
    return problems


def well_formed(entry: AuditEntry) -> bool:
    """Each column holds the type it should; a damaged file may say otherwise."""
    return (
        isinstance(entry.seq, int)
        and isinstance(entry.at, str)
        and isinstance(entry.action, str)
        and isinstance(entry.note_id, str | None)
        and isinstance(entry.revision, int | None)
        and isinstance(entry.mac, bytes)
    )


def head_text(seq: int, mac: bytes) -> str:
    """How the chain head is kept in the OS keyring: 'seq:hexmac'."""
    return f"{seq}:{mac.hex()}"


def parse_head(text: str | None) -> tuple[int, bytes] | None:
    if not text or ":" not in text:
        return None
    seq, _, mac = text.partition(":")
    try:
        return int(seq), bytes.fromhex(mac)
    except ValueError:
        return None

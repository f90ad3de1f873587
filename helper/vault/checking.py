"""`verify`: check everything that can be checked and name each problem in a sentence a person
can act on. It compares three witnesses that an attacker would have to forge together: the
ciphertexts (AEAD), the keyed audit chain, and the chain head kept in the OS keyring."""

from __future__ import annotations

import hmac
import sqlite3
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from helper.errors import IntegrityError
from helper.vault import audit, followups, keys, store
from helper.vault import header as hdr
from helper.vault.notes import VerifyReport
from helper.vault.sealed import (
    deletion_ad,
    open_sealed,
    open_summary,
    revision_ad,
    summary_ad,
    summary_of,
)
from helper.vault.unlocking import NO_KEYRING

ROLLED_BACK = (
    "This vault file is older than the one this device last saved: it has been rolled back to "
    "an earlier copy, so recent changes may be missing."
)


def _entries(conn: sqlite3.Connection) -> list[audit.AuditEntry]:
    rows = store.query(
        conn, "SELECT seq, at, action, note_id, revision, mac FROM audit ORDER BY seq"
    )
    return [audit.AuditEntry(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]


def _head_problems(
    conn: sqlite3.Connection,
    entries: list[audit.AuditEntry],
    keyring_head: tuple[int, bytes] | None,
) -> list[str]:
    problems = []
    last = entries[-1] if entries else None
    head = store.query(conn, "SELECT seq, mac FROM audit_head WHERE id = 1")
    if head and (last is None or head[0][0] != last.seq or head[0][1] != last.mac):
        problems.append("Audit log: the latest entries have been removed (the log was cut short).")
    if keyring_head is not None:
        seq, mac = keyring_head
        by_seq = {e.seq: e for e in entries}
        if seq not in by_seq:
            problems.append(ROLLED_BACK)
        elif not isinstance(by_seq[seq].mac, bytes) or not hmac.compare_digest(
            by_seq[seq].mac, mac
        ):
            problems.append(
                "This vault file is not the one this device last saved: it has been replaced "
                "by a different copy."
            )
    return problems


def _note_problems(
    conn: sqlite3.Connection, aead: AESGCM, vault_id: str, entries: list[audit.AuditEntry]
) -> tuple[list[str], int, int]:
    problems: list[str] = []
    notes = dict(store.query(conn, "SELECT id, created_at FROM notes"))
    deleted = {
        r[0]: r for r in store.query(conn, "SELECT note_id, deleted_at, nonce, ct FROM deletions")
    }
    logged = {(e.note_id, e.revision): e.at for e in entries if e.action in ("create", "revise")}
    logged_deleted = {e.note_id: e.at for e in entries if e.action == "delete"}
    logged_notes = {e.note_id: e.at for e in entries if e.action == "create"}
    found: dict[str, list[int]] = {}
    checked = 0
    for note_id, number, saved_at, snonce, sct, nonce, ct in store.query(
        conn,
        "SELECT note_id, number, saved_at, snonce, sct, nonce, ct FROM revisions "
        "ORDER BY note_id, number",
    ):
        checked += 1
        found.setdefault(note_id, []).append(number)
        try:
            payload = open_sealed(aead, nonce, ct, revision_ad(vault_id, note_id, number, saved_at))
            ad = summary_ad(vault_id, note_id, number, saved_at)
            summary = "\n".join(open_summary(aead, snonce, sct, ad)).encode()
            if summary_of(payload.get("fields", {})) != summary:
                raise IntegrityError("summary differs")
        except IntegrityError:
            problems.append(f"Note {note_id}: revision {number} has been altered or damaged.")
        if (note_id, number) not in logged:
            problems.append(
                f"Note {note_id}: revision {number} is not in the audit log (added from outside)."
            )
        elif logged[(note_id, number)] != saved_at:
            problems.append(f"Note {note_id}: revision {number} has the wrong saved time.")
        if note_id not in notes:
            problems.append(f"Note {note_id}: revision {number} belongs to no known note.")
    present = {(n, r) for n, rs in found.items() for r in rs}
    for note_id, number in sorted(set(logged) - present, key=str):
        if note_id not in deleted:
            problems.append(f"Note {note_id}: revision {number} is missing.")
    for note_id in sorted(set(logged_notes) - set(notes), key=str):
        problems.append(f"Note {note_id} is missing from the vault.")
    for note_id, created_at in sorted(notes.items(), key=str):
        if note_id not in logged_notes:
            problems.append(f"Note {note_id} is not in the audit log (added from outside).")
        elif logged_notes[note_id] != created_at:
            problems.append(f"Note {note_id}: its creation time has been altered.")
    for note_id, row in sorted(deleted.items(), key=str):
        try:
            open_sealed(aead, row[2], row[3], deletion_ad(vault_id, note_id, row[1]))
        except IntegrityError:
            problems.append(f"Note {note_id}: its deletion record has been altered or damaged.")
        if logged_deleted.get(note_id) != row[1]:
            problems.append(f"Note {note_id}: deleted without a matching audit log entry.")
    for note_id in sorted(set(logged_deleted) - set(deleted), key=str):
        problems.append(f"Note {note_id}: its deletion record is missing.")
    return problems, len(notes), checked


def verify(
    conn: sqlite3.Connection,
    aead: AESGCM,
    audit_key: bytes,
    vault_id: str,
    header_ok: bool,
    keyring_head: tuple[int, bytes] | None,
) -> VerifyReport:
    problems = [] if header_ok else ["The vault header has been altered."]
    try:
        integrity = store.query(conn, "PRAGMA integrity_check")
    except Exception as err:  # a damaged page: report it, keep checking what we can
        integrity = [(str(err),)]
    if integrity != [("ok",)]:
        problems.append("The database file is damaged (SQLite's own integrity check failed).")
    if not store.schema_matches(conn):
        problems.append("The vault's table layout has been altered or damaged.")
        return VerifyReport(problems)  # the other checks would read the wrong columns
    entries = _entries(conn)
    problems += audit.chain_problems(audit_key, entries)
    problems += _head_problems(conn, entries, keyring_head)
    note_problems, notes_checked, revisions_checked = _note_problems(conn, aead, vault_id, entries)
    problems += note_problems
    problems += followups.problems(conn, aead, vault_id, entries)  # casework events
    return VerifyReport(problems, notes_checked, revisions_checked)


class Checking:
    """The checking half of `Vault`: `verify` and the chain head to keep on paper."""

    _conn: sqlite3.Connection
    _header_raw: bytes
    _header_mac: bytes
    _key: bytearray | None
    _audit_key: bytearray
    keyring_head_found: bool

    if TYPE_CHECKING:  # provided by Vault

        @property
        def vault_id(self) -> str: ...
        def device_unlock_available(self) -> bool: ...
        def _notice(self, message: str) -> None: ...
        def _require_key(self) -> bytes: ...
        def _require_aead(self) -> AESGCM: ...
        def flush_head(self) -> None: ...

    def verify(self, paper_head: tuple[int, str] | None = None) -> VerifyReport:
        """Check the header, the audit chain, every ciphertext and the chain head kept in the
        keyring; and, if the person wrote one down (`paper_head`: entry number and the first
        hex digits of its MAC), that too. Sets `keyring_head_found`."""
        self._require_key()
        head = None
        self.flush_head()  # the keyring's head is written off the save path: catch it up first
        if self.device_unlock_available():
            head = audit.parse_head(keys.keyring_get(keys.CHAIN_SERVICE, self.vault_id))
        else:
            self._notice(NO_KEYRING)
        self.keyring_head_found = head is not None
        report = verify(
            self._conn,
            self._require_aead(),
            self._audit_key,
            self.vault_id,
            header_ok=keys.macs_equal(
                hdr.header_mac(self._key, self._header_raw), self._header_mac
            ),
            keyring_head=head,
        )
        from helper.vault.handover import provenance_problems  # hand-over loads on first use

        report.problems.extend(provenance_problems(self))
        if paper_head is not None:
            report.problems.extend(self._paper_head_problems(*paper_head))
        return report

    def chain_head(self) -> str:
        """The audit chain head as a short code to keep on paper: 'SEQ:xxxx-xxxx-xxxx-xxxx'
        (the entry number and the first 64 bits of its keyed MAC, which nobody without the
        vault key can make up)."""
        self._require_key()
        rows = store.query(self._conn, "SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1")
        if not rows or not isinstance(rows[0][1], bytes):
            raise IntegrityError("The vault's audit log is damaged. Run `waymark verify`.")
        seq, mac = rows[0]
        short = mac[:8].hex()
        return f"{seq}:" + "-".join(short[i : i + 4] for i in range(0, 16, 4))

    def _paper_head_problems(self, seq: int, prefix: str) -> list[str]:
        rows = store.query(self._conn, "SELECT mac FROM audit WHERE seq = ?", (seq,))
        if not rows:
            return [
                "This vault file is older than the chain head you wrote down: it has been "
                "rolled back to an earlier copy, so recent changes may be missing."
            ]
        mac = rows[0][0]
        if not isinstance(mac, bytes) or not mac.hex().startswith(prefix):
            return [
                "This vault file is not the copy whose chain head you wrote down: it has been "
                "replaced by a different copy."
            ]
        return []

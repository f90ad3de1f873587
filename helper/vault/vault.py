"""The `Vault` facade: the one object the CLI and the web app use to reach the encrypted notes.

Read FORMAT.md beside this file for the on-disk format. In short: one random vault key encrypts
every revision (AES-256-GCM); the key is wrapped by the passphrase (Argon2id), by a one-time
recovery code and, if the person opts in, by a key in the OS keyring. Nothing about a note, the
child or the concern is ever stored in clear, logged or written to a temp file."""

from __future__ import annotations

import os
import secrets
import sqlite3
import time
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from helper import paths
from helper.errors import (
    BadInput,
    IntegrityError,
    NotFound,
    StorageError,
    VaultLocked,
    WrongPassphrase,
)
from helper.vault import audit, followups, keys, store
from helper.vault import header as hdr
from helper.vault.notes import (
    Note,
    NoteSummary,
    VerifyReport,
    clean_reason,
    clean_signature,
    searchable_text,
    validate_fields,
)
from helper.vault.publish import HeadPublisher
from helper.vault.sealed import deletion_ad, encode_plaintext, seal, seal_revision

ROLLED_BACK_NOTICE = (
    "Warning: this vault file is older than the one this device last saved, or a different "
    "copy. Recent changes may be missing. Run `waymark verify` for details."
)
NO_KEYRING = (
    "No keyring is available on this device, so Waymark cannot remember the vault here or "
    "guard it against being swapped for an older copy. Your passphrase still works as normal."
)


def now_utc() -> str:
    """Times are stored as UTC ISO 8601; the front ends show them in local time."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text)


def unlock_delay(failures: int) -> float:
    """Seconds to wait before another try after `failures` wrong passphrases in a row: free
    for the first two typos, then doubling to a 30 s cap, on top of the KDF's own cost."""
    return 0.0 if failures < 3 else float(min(2 ** (failures - 3), 30))


class Vault:
    """One vault file. Opened locked; `unlock` (or `unlock_on_device`) before reading notes."""

    def __init__(self, path: Path, conn: sqlite3.Connection, read_only: bool) -> None:
        self.path = path
        self._conn = conn
        self.read_only = read_only
        self.notices: list[str] = []  # things to tell the person once (no keyring, read-only)
        self._key: bytearray | None = None
        self._aead: AESGCM | None = None
        self._audit_key = bytearray()
        self._keyring: bool | None = None
        self._publisher: HeadPublisher | None = None
        self._head: tuple[int, bytes] = (0, audit.GENESIS)
        self._keyring_head_mismatch = False  # the file is older than (or not) the one we saw
        self.keyring_head_found = False  # set by verify: did a keyring hold the chain head?
        raw, self._header_mac = store.read_header(conn)
        self._header_raw = raw
        self._header = hdr.parse_header(raw)
        if read_only:
            self.notices.append("The vault file is read-only: you can read notes but not save.")

    # ---- finding and creating -----------------------------------------------------------------
    @staticmethod
    def default_path() -> Path:
        return paths.data_dir() / "vault.sqlite3"

    @staticmethod
    def exists(path: Path | None = None) -> bool:
        return (path or Vault.default_path()).exists()

    @classmethod
    def create(cls, passphrase: str, path: Path | None = None) -> tuple[Vault, str]:
        """Make a new vault; returns it unlocked with the recovery code to show once."""
        path = Path(path or cls.default_path())
        hdr.check_new_passphrase(passphrase)
        if path.exists():
            raise StorageError(f"A vault already exists at {path}; it was not touched.")
        vault_key = secrets.token_bytes(keys.KEY_LEN)
        vault_id = secrets.token_hex(16)
        code, raw_code = keys.new_recovery_code()
        raw = hdr.encode_header(
            hdr.new_header(vault_key, vault_id, passphrase, raw_code, now_utc())
        )
        store.create_file(path, raw, hdr.header_mac(vault_key, raw))
        vault = cls.open(path)
        vault._set_key(vault_key)
        keys.wipe(vault_key)
        keys.wipe(raw_code)
        vault._append("create-vault")
        if not vault.device_unlock_available():
            vault._notice(NO_KEYRING)
        return vault, code

    @classmethod
    def open(cls, path: Path | None = None) -> Vault:
        """Open locked. Checks it is a vault of a version we understand, and the KDF caps."""
        path = Path(path or cls.default_path())
        if not path.exists():
            raise NotFound("There is no vault yet. Create one with `waymark notes init`.")
        read_only = not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)
        conn = store.connect_read_only(path) if read_only else store.connect(path)
        try:
            store.check_is_vault(conn)
            if not read_only:  # a vault from before casework and hand-over gains their tables
                store.upgrade(conn)
            return cls(path, conn, read_only)
        except BaseException:
            conn.close()
            raise

    # ---- unlocking ----------------------------------------------------------------------------
    @property
    def vault_id(self) -> str:
        return self._header["vault_id"]

    @property
    def is_unlocked(self) -> bool:
        return self._key is not None

    def unlock(self, passphrase: str) -> None:
        """Unlock with the passphrase. A wrong one is one generic error, slower each time."""
        failures = self._failures()
        time.sleep(unlock_delay(failures))
        try:
            vault_key = self._unwrap_with_passphrase(passphrase)
        except WrongPassphrase:
            self._count_failure(failures + 1)
            raise
        if failures:
            self._count_failure(0)
        try:
            self._accept_key(vault_key)
        finally:
            keys.wipe(vault_key)
        self._record_unlock()

    def _record_unlock(self) -> None:
        """Log the unlock. If the log cannot be written (a damaged chain, a busy or full disk),
        say so and still let the person read their notes and run verify."""
        try:
            self._append("unlock")
        except (IntegrityError, StorageError) as err:
            self._notice(f"This unlock could not be added to the audit log: {err}")

    def device_unlock_available(self) -> bool:
        if self._keyring is None:
            self._keyring = keys.keyring_available()
        return self._keyring

    def device_unlock_enabled(self) -> bool:
        return "device" in self._header

    def unlock_on_device(self) -> bool:
        """Unlock with the key kept in the OS keyring; False (with a notice) if that cannot work."""
        if not self.device_unlock_enabled():
            return False
        if not self.device_unlock_available():
            self._notice(NO_KEYRING)
            return False
        stored = keys.keyring_get(keys.DEVICE_SERVICE, self.vault_id)
        device_key = b""
        try:
            device_key = bytes.fromhex(stored or "")
            label = hdr.label("device", self.vault_id)
            vault_key = keys.unwrap(device_key, self._header["device"], label)
        except (ValueError, WrongPassphrase, IntegrityError):
            self._notice("This device's key for the vault is missing; use your passphrase.")
            return False
        finally:
            keys.wipe(device_key)
        try:
            self._accept_key(vault_key)
        finally:
            keys.wipe(vault_key)
        self._record_unlock()
        return True

    def set_device_unlock(self, enabled: bool) -> None:
        """Opt in or out of "unlock on this device". Needs the vault unlocked."""
        key = self._require_key()
        header = dict(self._header)
        if enabled:
            if not self.device_unlock_available():
                raise StorageError(NO_KEYRING)
            device_key = secrets.token_bytes(keys.KEY_LEN)
            if not keys.keyring_set(keys.DEVICE_SERVICE, self.vault_id, device_key.hex()):
                raise StorageError("The keyring refused to store the key; use your passphrase.")
            header["device"] = keys.wrap(device_key, key, hdr.label("device", self.vault_id))
            keys.wipe(device_key)
        else:
            header.pop("device", None)
            keys.keyring_delete(keys.DEVICE_SERVICE, self.vault_id)
        self._write_header(header, "device")

    def change_passphrase(self, old: str, new: str) -> None:
        """Re-wrap the vault key under a new passphrase. Notes are not touched."""
        hdr.check_new_passphrase(new)
        vault_key = self._unwrap_with_passphrase(old)
        try:
            self._accept_key(vault_key)
            header = dict(self._header)
            header.update(hdr.wrap_passphrase(vault_key, self.vault_id, new))
        finally:
            keys.wipe(vault_key)
        self._write_header(header, "passphrase")

    def recover(self, recovery_code: str, new_passphrase: str) -> str:
        """Unlock with the recovery code, set a new passphrase, and issue a new code (the old
        one is used up). Returns the new recovery code, to show once."""
        hdr.check_new_passphrase(new_passphrase)
        raw = keys.parse_recovery_code(recovery_code)
        wrapped = self._header.get("recovery")
        if not isinstance(wrapped, dict):
            raise StorageError("That file is not a Waymark vault, or it is damaged.")
        wrapping = keys.recovery_key(raw, keys.unb64(wrapped.get("salt")))
        try:
            vault_key = keys.unwrap(wrapping, wrapped, hdr.label("recovery", self.vault_id))
        except WrongPassphrase:
            raise WrongPassphrase("That recovery code does not open this vault.") from None
        finally:
            keys.wipe(wrapping)
            keys.wipe(raw)
        try:
            self._accept_key(vault_key)
            code, new_raw = keys.new_recovery_code()
            header = dict(self._header)
            header.update(hdr.wrap_passphrase(vault_key, self.vault_id, new_passphrase))
            header["recovery"] = hdr.wrap_recovery(vault_key, self.vault_id, new_raw)
            keys.wipe(new_raw)
        finally:
            keys.wipe(vault_key)
        self._write_header(header, "recover")
        return code

    def lock(self) -> None:
        """Forget the key: the vault key and the audit key are zeroed in place (they are held
        in bytearrays for this), and the note cipher is dropped (OpenSSL clears its copy when
        it is freed). Every lock, manual or automatic, comes through here, and each first puts
        the newest chain head in the keyring."""
        self.flush_head()
        keys.wipe(self._key)
        keys.wipe(self._audit_key)
        self._key = None
        self._aead = None
        self._audit_key = bytearray()

    def close(self) -> None:
        self.lock()
        self._conn.close()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- notes --------------------------------------------------------------------------------
    def new_note(self, fields: Mapping[str, Any], signed_by: str) -> str:
        """Save a new note as revision 1; returns its id."""
        aead = self._require_aead()
        clean = validate_fields(fields)
        signer = clean_signature(signed_by)
        note_id = secrets.token_hex(8)
        saved_at = now_utc()
        sealed = seal_revision(aead, self.vault_id, note_id, 1, saved_at, clean, signer)
        with self._writing() as conn:
            conn.execute("INSERT INTO notes VALUES (?, ?)", (note_id, saved_at))
            conn.execute(store.INSERT_REVISION, (note_id, 1, saved_at, *sealed))
            self._append_in(conn, "create", note_id, 1, saved_at)
        self._publish_head()
        return note_id

    def revise(self, note_id: str, fields: Mapping[str, Any], signed_by: str) -> int:
        """Save an edit as a new revision; earlier revisions stay as they were."""
        aead = self._require_aead()
        clean = validate_fields(fields)
        signer = clean_signature(signed_by)
        encode_plaintext({"fields": clean, "signed_by": signer})  # size check before the lock
        with self._writing() as conn:
            number = self._live_revision_count(conn, note_id) + 1
            saved_at = now_utc()
            sealed = seal_revision(aead, self.vault_id, note_id, number, saved_at, clean, signer)
            conn.execute(store.INSERT_REVISION, (note_id, number, saved_at, *sealed))
            self._append_in(conn, "revise", note_id, number, saved_at)
        self._publish_head()
        return number

    def delete_note(self, note_id: str, reason: str, signed_by: str) -> None:
        """Remove every revision's ciphertext (overwritten on disk by secure_delete) and keep
        an encrypted record that the note existed, when it went, why and who deleted it."""
        aead = self._require_aead()
        why = clean_reason(reason)
        signer = clean_signature(signed_by)
        plaintext = encode_plaintext({"reason": why, "signed_by": signer})
        with self._writing() as conn:
            self._live_revision_count(conn, note_id)
            deleted_at = now_utc()
            nonce, ct = seal(aead, plaintext, deletion_ad(self.vault_id, note_id, deleted_at))
            followups.on_delete(self, conn, note_id)  # casework: its follow-ups go too
            conn.execute("DELETE FROM revisions WHERE note_id = ?", (note_id,))
            conn.execute(
                "INSERT INTO deletions VALUES (?, ?, ?, ?)", (note_id, deleted_at, nonce, ct)
            )
            self._append_in(conn, "delete", note_id, None, deleted_at)
        self._publish_head()

    def list_notes(self) -> list[NoteSummary]:
        """Every note, newest change first, with just enough to pick one."""
        from helper.vault.reading import list_summaries

        return list_summaries(self._conn, self._require_aead(), self.vault_id)

    def note(self, note_id: str) -> Note:
        """A note with all its revisions; IntegrityError if any revision has been tampered with."""
        from helper.vault.reading import read_note

        return read_note(self._conn, self._require_aead(), self.vault_id, note_id)

    def search(self, text: str) -> list[str]:
        """Ids of notes whose latest revision contains `text` (ignoring case), newest first."""
        from helper.vault.reading import latest_fields

        needle = text.casefold()
        if not needle:
            return []
        found = latest_fields(self._conn, self._require_aead(), self.vault_id, needle)
        return [nid for nid, fields in found if needle in searchable_text(fields)]

    def export(self, note_ids: Sequence[str], fmt: str = "text") -> str:
        """A printable record of the notes asked for ("text" or self-contained "html")."""
        from helper.vault.export import render

        if fmt not in ("text", "html"):
            raise BadInput("Export format must be text or html.")
        notes = [self.note(nid) for nid in note_ids]
        output = render(notes, fmt)
        self._append("export", None, len(notes))
        return output

    def verify(self, paper_head: tuple[int, str] | None = None) -> VerifyReport:
        """Check the header, the audit chain, every ciphertext and the chain head kept in the
        keyring; and, if the person wrote one down (`paper_head`: entry number and the first
        hex digits of its MAC), that too. Sets `keyring_head_found`."""
        from helper.vault.checking import verify

        self._require_key()
        head = None
        self.flush_head()
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

    # ---- internals ----------------------------------------------------------------------------
    def _require_key(self) -> bytes:
        if self._key is None:
            raise VaultLocked("The vault is locked. Unlock it first.")
        return self._key

    def _require_aead(self) -> AESGCM:
        self._require_key()
        assert self._aead is not None
        return self._aead

    def _set_key(self, vault_key: bytes | bytearray) -> None:
        """Keep private copies (bytearrays, zeroed by lock) and zero the derived temporaries;
        the caller zeroes the key it passed in."""
        self.lock()
        self._key = bytearray(vault_key)
        notes_key = keys.subkey(self._key, "waymark/v1 notes")
        audit_key = keys.subkey(self._key, "waymark/v1 audit")
        self._aead = AESGCM(notes_key)  # copies the key into OpenSSL's own context
        self._audit_key = bytearray(audit_key)
        keys.wipe(notes_key)
        keys.wipe(audit_key)

    def _accept_key(self, vault_key: bytes) -> None:
        """Take an unwrapped key only if the header MAC proves the header is ours, untouched."""
        if not keys.macs_equal(hdr.header_mac(vault_key, self._header_raw), self._header_mac):
            raise IntegrityError("The vault header has been altered; refusing to use it.")
        self._set_key(vault_key)
        self._check_keyring_head()

    def _check_keyring_head(self) -> None:
        """Compare the file with the chain head this device last saw. If the file is behind,
        say so now and stop updating the keyring head, so `verify` keeps naming the rollback."""
        if not self.device_unlock_available():
            return
        head = audit.parse_head(keys.keyring_get(keys.CHAIN_SERVICE, self.vault_id))
        if head is None:
            return
        seq, mac = head
        rows = store.query(self._conn, "SELECT mac FROM audit WHERE seq = ?", (seq,))
        if not rows or not isinstance(rows[0][0], bytes) or not keys.macs_equal(rows[0][0], mac):
            self._keyring_head_mismatch = True
            self._notice(ROLLED_BACK_NOTICE)

    def _unwrap_with_passphrase(self, passphrase: str) -> bytes:
        params = keys.KdfParams.from_json(self._header.get("kdf"))
        wrapping = keys.derive_passphrase_key(passphrase, params)
        label = hdr.label("passphrase", self.vault_id)
        try:
            return keys.unwrap(wrapping, self._header.get("passphrase"), label)
        finally:
            keys.wipe(wrapping)

    def _failures(self) -> int:
        rows = store.query(self._conn, "SELECT count FROM unlock_failures WHERE id = 1")
        count = rows[0][0] if rows else 0
        return count if isinstance(count, int) and 0 <= count < 1_000_000 else 0

    def _count_failure(self, count: int) -> None:
        if self.read_only:
            return
        try:
            with store.transaction(self._conn) as conn:
                conn.execute("UPDATE unlock_failures SET count = ? WHERE id = 1", (count,))
        except StorageError:
            return  # the slow-down is a courtesy; never let it block an unlock

    def _notice(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)

    def _writing(self) -> AbstractContextManager[sqlite3.Connection]:
        self._require_key()
        if self.read_only:
            raise StorageError("The vault file is read-only, so nothing can be saved.")
        return store.transaction(self._conn)

    def _live_revision_count(self, conn: sqlite3.Connection, note_id: str) -> int:
        if not conn.execute("SELECT 1 FROM notes WHERE id = ?", (note_id,)).fetchone():
            raise NotFound(f"There is no note {note_id!r}.")
        if conn.execute("SELECT 1 FROM deletions WHERE note_id = ?", (note_id,)).fetchone():
            raise NotFound(f"Note {note_id} has been deleted.")
        row = conn.execute(
            "SELECT MAX(number) FROM revisions WHERE note_id = ?", (note_id,)
        ).fetchone()
        return int(row[0] or 0)

    def _append(self, action: str, note_id: str | None = None, revision: int | None = None) -> None:
        """An audit entry in its own transaction (unlock, export, key changes)."""
        if self.read_only:
            return
        with self._writing() as conn:
            self._append_in(conn, action, note_id, revision)
        self._publish_head()

    def _append_in(
        self,
        conn: sqlite3.Connection,
        action: str,
        note_id: str | None,
        revision: int | None,
        at: str | None = None,
    ) -> None:
        """Append within the caller's transaction. A note change logs the very time stored
        with it, so verify can tie each clear timestamp to the keyed chain."""
        self._head = audit.append(conn, self._audit_key, action, note_id, revision, at or now_utc())

    def _publish_head(self) -> None:
        """Keep the chain head in the OS keyring too, so a rolled-back file is noticed. Written
        off the save path (helper/vault/publish.py: coalesced, in order) and flushed at lock,
        close and verify; a keyring behind the file is never mistaken for a rollback."""
        if not self.device_unlock_available() or self._keyring_head_mismatch:
            return  # no keyring: said once, at creation and by verify; never stops a save
        if self._publisher is None:
            self._publisher = HeadPublisher(keys.CHAIN_SERVICE, self.vault_id)
        seq, mac = self._head
        self._publisher.submit(audit.head_text(seq, mac))

    def flush_head(self) -> None:
        """Wait until the keyring holds the newest chain head (lock, close and verify do)."""
        if self._publisher is not None:
            self._publisher.flush()

    def _write_header(self, header: dict[str, Any], action: str) -> None:
        key = self._require_key()
        raw = hdr.encode_header(header)
        mac = hdr.header_mac(key, raw)
        with self._writing() as conn:
            conn.execute("UPDATE vault_header SET header = ?, mac = ? WHERE id = 1", (raw, mac))
            self._append_in(conn, action, None, None)
        self._header, self._header_raw, self._header_mac = header, raw, mac
        self._publish_head()

"""The `Vault` facade: the one object the CLI and the web app use to reach the encrypted notes.

Read FORMAT.md beside this file for the on-disk format. In short: one random vault key encrypts
every revision (AES-256-GCM); the key is wrapped by the passphrase (Argon2id), by a one-time
recovery code and, if the person opts in, by a key in the OS keyring. Nothing about a note, the
child or the concern is ever stored in clear, logged or written to a temp file.

The facade is put together from one module per job:
- here: finding, creating and opening the file, saving notes, the audit chain and its head in
  the OS keyring (rollback detection), locking;
- unlocking.py: getting and holding the key (passphrase, device key, recovery code);
- reading.py: the list, a note, search and export;
- checking.py: `verify` and the chain head kept on paper;
- times.py: the UTC times the vault stores."""

from __future__ import annotations

import gc
import os
import secrets
import sqlite3
from collections.abc import Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from helper import hardening, paths
from helper.errors import NotFound, StorageError
from helper.vault import audit, followups, keys, store
from helper.vault import header as hdr
from helper.vault.checking import Checking
from helper.vault.notes import clean_reason, clean_signature, validate_fields
from helper.vault.publish import HeadPublisher
from helper.vault.reading import Reading
from helper.vault.sealed import deletion_ad, encode_plaintext, seal, seal_revision
from helper.vault.times import now_utc, parse_utc
from helper.vault.unlocking import NO_KEYRING, Unlocking, unlock_delay

__all__ = ["NO_KEYRING", "ROLLED_BACK_NOTICE", "Vault", "now_utc", "parse_utc", "unlock_delay"]

ROLLED_BACK_NOTICE = (
    "Warning: this vault file is older than the one this device last saved, or a different "
    "copy. Recent changes may be missing. Run `waymark verify` for details."
)


class Vault(Unlocking, Reading, Checking):
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

    # ---- state (unlocking.py gets and holds the key) -----------------------------------------
    @property
    def vault_id(self) -> str:
        return self._header["vault_id"]

    @property
    def is_unlocked(self) -> bool:
        return self._key is not None

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
        # A reference cycle that still holds the note cipher (a frame kept by a traceback, say)
        # would keep OpenSSL's copy of the key alive until the collector next runs: run it now,
        # then give freed pages back to the system (OpenSSL may free the key without clearing).
        gc.collect()
        hardening.release_freed_memory()

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

    # ---- internals ----------------------------------------------------------------------------
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

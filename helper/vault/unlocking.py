"""Getting the vault key and keeping it: the passphrase (slower after each wrong one), the key
kept in the OS keyring for "unlock on this device", the recovery code, and changing the
passphrase. A mixin of `Vault` (vault.py), which holds the file and writes the audit chain.

Keys are kept in bytearrays so `Vault.lock` can zero them (docs/SECURITY.md, "Keys in memory
after locking"); every temporary key made here is zeroed as soon as it has been used."""

from __future__ import annotations

import secrets
import sqlite3
import time
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from helper.errors import IntegrityError, StorageError, VaultLocked, WrongPassphrase
from helper.vault import header as hdr
from helper.vault import keys, store

NO_KEYRING = (
    "No keyring is available on this device, so Waymark cannot remember the vault here or "
    "guard it against being swapped for an older copy. Your passphrase still works as normal."
)


def unlock_delay(failures: int) -> float:
    """Seconds to wait before another try after `failures` wrong passphrases in a row: free
    for the first two typos, then doubling to a 30 s cap, on top of the KDF's own cost."""
    return 0.0 if failures < 3 else float(min(2 ** (failures - 3), 30))


class Unlocking:
    """The key-holding half of `Vault`. The attributes are set by `Vault.__init__`."""

    _conn: sqlite3.Connection
    _header: dict[str, Any]
    _header_raw: bytes
    _header_mac: bytes
    _key: bytearray | None
    _aead: AESGCM | None
    _audit_key: bytearray
    _keyring: bool | None
    read_only: bool

    if TYPE_CHECKING:  # provided by Vault

        @property
        def vault_id(self) -> str: ...
        def lock(self) -> None: ...
        def _notice(self, message: str) -> None: ...
        def _append(
            self, action: str, note_id: str | None = None, revision: int | None = None
        ) -> None: ...
        def _check_keyring_head(self) -> None: ...
        def _write_header(self, header: dict[str, Any], action: str) -> None: ...

    def unlock(self, passphrase: str, log: bool = True) -> None:
        """Unlock with the passphrase. A wrong one is one generic error, slower each time.
        `log=False` leaves the `unlock` audit entry to the caller's own change (an import
        logs it in its transaction), so a command that ends up changing nothing writes
        nothing."""
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
        if log:
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

    def unlock_on_device(self, log: bool = True) -> bool:
        """Unlock with the key kept in the OS keyring; False (with a notice) if that cannot work.
        `log` as for `unlock`."""
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
        if log:
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

    # ---- holding the key ------------------------------------------------------------------
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

"""The vault header: its canonical encoding, what can be checked before unlocking (format,
version, KDF caps), its MAC, and the three wraps of the vault key it carries. See FORMAT.md."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from typing import Any

from helper.errors import BadInput, StorageError
from helper.vault import keys, store

MIN_PASSPHRASE = 8


def check_new_passphrase(passphrase: str) -> str:
    if not isinstance(passphrase, str) or len(passphrase) < MIN_PASSPHRASE:
        raise BadInput(f"Choose a passphrase of at least {MIN_PASSPHRASE} characters.")
    if "\x00" in passphrase or len(passphrase) > 1024:
        raise BadInput("That passphrase cannot be used (too long, or contains a NUL byte).")
    return passphrase


def new_header(
    vault_key: bytes, vault_id: str, passphrase: str, raw_code: bytes, created_at: str
) -> dict[str, Any]:
    """The header of a new vault: identity, and the key wrapped by passphrase and recovery code."""
    header: dict[str, Any] = {
        "format": "waymark-vault",
        "version": store.FORMAT_VERSION,
        "vault_id": vault_id,
        "created_at": created_at,
    }
    header.update(wrap_passphrase(vault_key, vault_id, passphrase))
    header["recovery"] = wrap_recovery(vault_key, vault_id, raw_code)
    return header


def encode_header(header: Mapping[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")


def parse_header(raw: bytes) -> dict[str, Any]:
    """Check what can be checked before unlocking: format, version, KDF caps."""
    try:
        header = json.loads(raw)
    except ValueError:
        raise StorageError("That file is not a Waymark vault, or it is damaged.") from None
    if not isinstance(header, dict) or header.get("format") != "waymark-vault":
        raise StorageError("That file is not a Waymark vault.")
    version = header.get("version")
    if not isinstance(version, int) or version > store.FORMAT_VERSION:
        raise StorageError(
            "This vault was made by a newer version of Waymark. Update Waymark to open it; "
            "nothing has been changed."
        )
    keys.KdfParams.from_json(header.get("kdf"))
    if not isinstance(header.get("vault_id"), str):
        raise StorageError("That file is not a Waymark vault, or it is damaged.")
    return header


def label(method: str, vault_id: str) -> bytes:
    return f"waymark/v1 wrap {method}\x00{vault_id}".encode()


def header_mac(vault_key: bytes | bytearray, raw: bytes) -> bytes:
    key = keys.subkey(vault_key, "waymark/v1 header")
    try:
        return hmac.new(key, b"waymark/v1 header\n" + raw, hashlib.sha256).digest()
    finally:
        keys.wipe(key)


def wrap_passphrase(vault_key: bytes, vault_id: str, passphrase: str) -> dict[str, Any]:
    params = keys.calibrate()
    wrapping = keys.derive_passphrase_key(passphrase, params)
    try:
        wrapped = keys.wrap(wrapping, vault_key, label("passphrase", vault_id))
    finally:
        keys.wipe(wrapping)
    return {"kdf": params.as_json(), "passphrase": wrapped}


def wrap_recovery(vault_key: bytes, vault_id: str, raw_code: bytes) -> dict[str, str]:
    salt = secrets.token_bytes(keys.SALT_LEN)
    wrapping = keys.recovery_key(raw_code, salt)
    try:
        wrapped = keys.wrap(wrapping, vault_key, label("recovery", vault_id))
    finally:
        keys.wipe(wrapping)
    return {"salt": keys.b64(salt), **wrapped}

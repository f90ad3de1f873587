"""Sealing a revision or a deletion record: AES-256-GCM under the note key, with associated
data binding the vault id, the note id, the revision number and the saved time. A ciphertext
moved to another note, another revision slot or another vault therefore fails to open, and the
one failure callers see is IntegrityError (the Fernet lesson: no distinctions to mishandle)."""

from __future__ import annotations

import json
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from helper.errors import BadInput, IntegrityError
from helper.vault.keys import NONCE_LEN
from helper.vault.notes import MAX_NOTE_BYTES


def revision_ad(vault_id: str, note_id: str, number: int, saved_at: str) -> bytes:
    # str() on every part: a damaged column of the wrong type then simply fails the tag check.
    parts = ("waymark/v1 revision", vault_id, note_id, number, saved_at)
    return "\x00".join(map(str, parts)).encode()


def summary_ad(vault_id: str, note_id: str, number: int, saved_at: str) -> bytes:
    parts = ("waymark/v1 summary", vault_id, note_id, number, saved_at)
    return "\x00".join(map(str, parts)).encode()


def summary_of(fields: dict[str, Any]) -> bytes:
    """The little the notes list shows (concern and status), sealed on its own so listing
    10,000 notes decrypts 10,000 tiny records, not 10,000 whole notes. Two lines, no JSON:
    both values are ids without newlines."""
    return f"{fields.get('concern', '')}\n{fields.get('status', 'open')}".encode()


def open_summary(aead: AESGCM, nonce: bytes, ct: bytes, ad: bytes) -> tuple[str, str]:
    """(concern, status) of a sealed summary; IntegrityError if it was tampered with."""
    try:
        concern, status = aead.decrypt(nonce, ct, ad).decode("utf-8").split("\n")
    except (InvalidTag, ValueError, TypeError):
        raise IntegrityError("A stored record failed its integrity check.") from None
    return concern, status


def seal_revision(
    aead: AESGCM,
    vault_id: str,
    note_id: str,
    number: int,
    saved_at: str,
    fields: dict[str, Any],
    signed_by: str,
) -> tuple[bytes, bytes, bytes, bytes]:
    """(summary nonce, summary ciphertext, nonce, ciphertext) for one revision row."""
    plaintext = encode_plaintext({"fields": fields, "signed_by": signed_by})
    snonce, sct = seal(aead, summary_of(fields), summary_ad(vault_id, note_id, number, saved_at))
    nonce, ct = seal(aead, plaintext, revision_ad(vault_id, note_id, number, saved_at))
    return snonce, sct, nonce, ct


def deletion_ad(vault_id: str, note_id: str, deleted_at: str) -> bytes:
    return "\x00".join(map(str, ("waymark/v1 deletion", vault_id, note_id, deleted_at))).encode()


def encode_plaintext(payload: dict[str, Any]) -> bytes:
    """Canonical UTF-8 JSON; refuses a revision over the per-note size limit."""
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    if len(data) > MAX_NOTE_BYTES:
        raise BadInput(
            f"This note is too large ({len(data):,} bytes; the limit is {MAX_NOTE_BYTES:,})."
        )
    return data


def seal(aead: AESGCM, plaintext: bytes, ad: bytes) -> tuple[bytes, bytes]:
    """A fresh random 96-bit nonce from `secrets` for every encryption, never reused."""
    nonce = secrets.token_bytes(NONCE_LEN)
    return nonce, aead.encrypt(nonce, plaintext, ad)


def open_sealed(aead: AESGCM, nonce: bytes, ct: bytes, ad: bytes) -> dict[str, Any]:
    """Decrypt and parse; any tampering at all is the one IntegrityError."""
    try:
        if len(nonce) != NONCE_LEN:
            raise InvalidTag
        data = json.loads(aead.decrypt(nonce, ct, ad))
    except (InvalidTag, ValueError, TypeError):
        raise IntegrityError("A stored record failed its integrity check.") from None
    if not isinstance(data, dict):
        raise IntegrityError("A stored record failed its integrity check.")
    return data

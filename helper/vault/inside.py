"""The few internals of the `Vault` facade that the hand-over modules (identity, contacts,
handover) use, gathered in one place: if the facade changes, this is the one file to follow it.

They write inside the vault's own transactions and append to its own audit chain, so a
hand-over, an import or a new contact is as atomic and as accountable as a note edit."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from helper.vault import keys

if TYPE_CHECKING:
    from helper.vault.vault import Vault


def subkey(vault: Vault, purpose: str) -> bytes:
    """A purpose key derived from the vault key (raises VaultLocked when locked); the caller
    wipes it (keys.wipe) once used. Derived from the held bytearray itself: a bytes copy of
    the vault key would outlive lock in freed memory."""
    return keys.subkey(vault._require_key(), purpose)


def sealer(vault: Vault, purpose: str) -> AESGCM:
    key = subkey(vault, purpose)
    try:
        return AESGCM(key)  # copies the key into OpenSSL's own context, as Vault's note cipher
    finally:
        keys.wipe(key)


def note_aead(vault: Vault) -> AESGCM:
    return vault._require_aead()


def connection(vault: Vault) -> sqlite3.Connection:
    return vault._conn


def writing(vault: Vault) -> AbstractContextManager[sqlite3.Connection]:
    """One IMMEDIATE transaction (refused when locked or read-only)."""
    return vault._writing()


def log(
    vault: Vault,
    conn: sqlite3.Connection,
    action: str,
    note_id: str | None = None,
    revision: int | None = None,
    at: str | None = None,
) -> None:
    """Append an audit entry inside the caller's transaction."""
    vault._append_in(conn, action, note_id, revision, at)


def published(vault: Vault) -> None:
    """After the commit: keep the chain head in the keyring, as every vault change does."""
    vault._publish_head()


def live_revisions(vault: Vault, conn: sqlite3.Connection, note_id: str) -> int:
    """How many revisions a note has; NotFound if it is missing or deleted."""
    return vault._live_revision_count(conn, note_id)

"""The encrypted concern-note vault. `helper.vault.vault.Vault` is the facade; FORMAT.md beside
this file is the on-disk format.

Names are exported lazily (PEP 562): the CLI builds its note options from
`helper.vault.notes.FIELDS` for every command, and importing the facade would pull in
`cryptography`, SQLite and the keyring on every start of `waymark` (about 40 ms of the helper's
cold start) even when no vault is touched."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from helper.vault.header import MIN_PASSPHRASE
    from helper.vault.notes import DeletionRecord, Note, NoteSummary, Revision, VerifyReport
    from helper.vault.times import now_utc, parse_utc
    from helper.vault.unlocking import NO_KEYRING, unlock_delay
    from helper.vault.vault import ROLLED_BACK_NOTICE, Vault

_EXPORTS = {
    "MIN_PASSPHRASE": "helper.vault.header",
    "DeletionRecord": "helper.vault.notes",
    "Note": "helper.vault.notes",
    "NoteSummary": "helper.vault.notes",
    "Revision": "helper.vault.notes",
    "VerifyReport": "helper.vault.notes",
    "Vault": "helper.vault.vault",
    "NO_KEYRING": "helper.vault.unlocking",
    "ROLLED_BACK_NOTICE": "helper.vault.vault",
    "now_utc": "helper.vault.times",
    "parse_utc": "helper.vault.times",
    "unlock_delay": "helper.vault.unlocking",
}

__all__ = [
    "MIN_PASSPHRASE",
    "NO_KEYRING",
    "ROLLED_BACK_NOTICE",
    "DeletionRecord",
    "Note",
    "NoteSummary",
    "Revision",
    "Vault",
    "VerifyReport",
    "now_utc",
    "parse_utc",
    "unlock_delay",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'helper.vault' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

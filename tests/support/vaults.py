"""Test data for vaults, shared by every area that makes one: the passphrase, a keyring that
lives in memory, a sample note, and small helpers on real vault files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from keyring.backend import KeyringBackend
from keyring.compat import properties

if TYPE_CHECKING:
    from helper.vault import Vault

PASSPHRASE = "correct horse battery staple"
NARRATIVE = "Zebra-quartz said the man in the game asked for photos"
CHILD = "QZ"


class MemoryKeyring(KeyringBackend):
    """A real keyring backend (the keyring library's own interface) that keeps entries in a
    dict: the OS keyring without the OS. Tests install it with `keyring.set_keyring`."""

    @properties.classproperty
    def priority(cls) -> float:
        # Never picked by keyring's own discovery (that would leak into other tests): only
        # used where a test sets it explicitly.
        raise RuntimeError("test-only keyring backend")

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


def sample_fields(**extra: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "concern": "grooming",
        "child": CHILD,
        "child_age": 13,
        "narrative": NARRATIVE,
        "child_words": "he said dont tell mum",
        "platform": "Roblox",
        "actions": "Told the DSL at 10:05",
        "told": [{"who": "dsl", "at": "2025-03-01T10:05+00:00", "name": "R Patel"}],
    }
    fields.update(extra)
    return fields


def copy_vault(src: Path, dst_dir: Path) -> Path:
    dst_dir.mkdir(parents=True, exist_ok=True)
    dst = dst_dir / src.name
    shutil.copyfile(src, dst)
    return dst


def unlocked(path: Path) -> Vault:
    from helper.vault import Vault

    vault = Vault.open(path)
    vault.unlock(PASSPHRASE)
    return vault

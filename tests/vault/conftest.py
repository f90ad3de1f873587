"""Vault fixtures: a fast KDF (WAYMARK_KDF_FAST, still inside the caps), a keyring chosen per
test (none, or a small in-memory one), and small vaults to damage."""

from __future__ import annotations

import shutil
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.compat import properties

from helper.vault import Vault

PASSPHRASE = "correct horse battery"
NARRATIVE = "Zebra-quartz said the man in the game asked for photos"
CHILD = "QZ"


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps entries in a dict: the OS keyring without the OS."""

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


@pytest.fixture(autouse=True)
def fast_kdf_and_no_keyring(request, monkeypatch):
    """Every vault test gets the fast KDF and, unless it talks to the real keyring, no keyring."""
    monkeypatch.setenv("WAYMARK_KDF_FAST", "1")
    monkeypatch.setenv("WAYMARK_TESTING", "1")
    if request.node.get_closest_marker("keyring"):
        yield
        return
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


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


@pytest.fixture
def vault_path(tmp_path) -> Path:
    return tmp_path / "vault.sqlite3"


@pytest.fixture
def two_note_vault(vault_path) -> tuple[Path, str, str]:
    """A closed vault with note A (2 revisions) and note B (1 revision)."""
    vault, _code = Vault.create(PASSPHRASE, vault_path)
    a = vault.new_note(sample_fields(), "J Smith")
    vault.revise(a, sample_fields(status="referred"), "J Smith")
    b = vault.new_note(sample_fields(concern="sextortion", narrative="other note"), "K Jones")
    vault.close()
    return vault_path, a, b


def copy_vault(src: Path, dst_dir: Path) -> Path:
    dst_dir.mkdir(parents=True, exist_ok=True)
    dst = dst_dir / src.name
    shutil.copyfile(src, dst)
    return dst


def unlocked(path: Path) -> Vault:
    vault = Vault.open(path)
    vault.unlock(PASSPHRASE)
    return vault

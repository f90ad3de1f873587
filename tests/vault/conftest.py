"""Vault fixtures: a fast KDF (WAYMARK_KDF_FAST, still inside the caps), a keyring chosen per
test (none, or a small in-memory one), and small vaults to damage. The test data and helpers
they use live in tests/support/vaults.py."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from helper.vault import Vault
from tests.support.vaults import PASSPHRASE, MemoryKeyring, sample_fields


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

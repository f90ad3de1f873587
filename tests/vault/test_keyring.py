"""'Unlock on this device' and rollback detection through the OS keyring (docs/SECURITY.md,
"Rollback of the whole vault file" and "The OS keyring never holds a key in clear").
Each test runs twice: against a small in-memory keyring backend, and (marked `keyring`)
against the real gnome-keyring Secret Service that tests/run.sh starts."""

from __future__ import annotations

import shutil
import uuid

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import KeyringLocked

from helper.errors import StorageError
from helper.vault import ROLLED_BACK_NOTICE, Vault, keys
from helper.vault.checking import ROLLED_BACK
from tests.support.tools import IN_CI
from tests.support.vaults import NARRATIVE, PASSPHRASE, MemoryKeyring, sample_fields


@pytest.fixture(params=["memory", pytest.param("real", marks=pytest.mark.keyring)])
def any_keyring(request):
    if request.param == "memory":
        previous = keyring.get_keyring()
        keyring.set_keyring(MemoryKeyring())
        yield "memory"
        keyring.set_keyring(previous)
        return
    if not keys.keyring_available():
        message = "no Secret Service running (tests/run.sh starts gnome-keyring)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    yield "real"


@pytest.fixture
def made(any_keyring, tmp_path):
    """A vault with one note, 'unlock on this device' on; keyring entries removed afterwards."""
    path = tmp_path / f"vault-{uuid.uuid4().hex[:6]}.sqlite3"
    vault, _code = Vault.create(PASSPHRASE, path)
    note_id = vault.new_note(sample_fields(), "J")
    vault.set_device_unlock(True)
    vault_id = vault.vault_id
    vault.close()
    yield path, note_id, vault_id
    keys.keyring_delete(keys.DEVICE_SERVICE, vault_id)
    keys.keyring_delete(keys.CHAIN_SERVICE, vault_id)


def test_unlock_on_this_device_needs_no_passphrase(made):
    path, note_id, vault_id = made
    device_key = keys.keyring_get(keys.DEVICE_SERVICE, vault_id)
    assert device_key and device_key.encode() not in path.read_bytes()
    with Vault.open(path) as vault:
        assert vault.device_unlock_enabled()
        assert vault.unlock_on_device()
        assert vault.note(note_id).latest.fields["narrative"] == NARRATIVE
        assert vault.verify().ok


def test_the_chain_head_follows_every_save(made):
    path, _note_id, vault_id = made
    with Vault.open(path) as vault:
        vault.unlock(PASSPHRASE)
        vault.new_note(sample_fields(), "J")
        seq, mac = vault._conn.execute("SELECT seq, mac FROM audit_head").fetchone()
    assert keys.keyring_get(keys.CHAIN_SERVICE, vault_id) == f"{seq}:{mac.hex()}"


def test_rolling_the_whole_file_back_is_named(made, tmp_path):
    path, _note_id, _vault_id = made
    old = tmp_path / "old-copy.sqlite3"
    shutil.copyfile(path, old)
    with Vault.open(path) as vault:
        vault.unlock(PASSPHRASE)
        vault.new_note(sample_fields(narrative="added after the copy"), "J")
    shutil.copyfile(old, path)  # someone puts the older file back
    with Vault.open(path) as vault:
        vault.unlock(PASSPHRASE)
        assert ROLLED_BACK_NOTICE in vault.notices
        vault.new_note(sample_fields(), "J")  # a save must not hide it
        report = vault.verify()
    assert not report.ok
    assert any(p == ROLLED_BACK or "replaced by a different copy" in p for p in report.problems)


def test_a_vanished_keyring_entry_falls_back_to_the_passphrase(made):
    path, note_id, vault_id = made
    keys.keyring_delete(keys.DEVICE_SERVICE, vault_id)
    before = path.read_bytes()
    with Vault.open(path) as vault:
        assert vault.unlock_on_device() is False
        assert any("use your passphrase" in n for n in vault.notices)
        assert not vault.is_unlocked
    assert path.read_bytes() == before  # no new vault key was made
    with Vault.open(path) as vault:
        vault.unlock(PASSPHRASE)
        assert vault.note(note_id).latest.fields["narrative"] == NARRATIVE


def test_turning_device_unlock_off_removes_the_key(made):
    path, _note_id, vault_id = made
    with Vault.open(path) as vault:
        vault.unlock(PASSPHRASE)
        vault.set_device_unlock(False)
    assert keys.keyring_get(keys.DEVICE_SERVICE, vault_id) is None
    with Vault.open(path) as vault:
        assert not vault.device_unlock_enabled() and vault.unlock_on_device() is False


class LockedKeyring(KeyringBackend):
    @properties.classproperty
    def priority(cls) -> float:
        # Never picked by keyring's own discovery (that would leak into other tests): only
        # used where a test sets it explicitly.
        raise RuntimeError("test-only keyring backend")

    def get_password(self, service, username):
        raise KeyringLocked("locked")

    def set_password(self, service, username, password):
        raise KeyringLocked("locked")

    def delete_password(self, service, username):
        raise KeyringLocked("locked")


def test_a_locked_keyring_means_the_passphrase(vault_path, memory_keyring):
    vault, _ = Vault.create(PASSPHRASE, vault_path)
    vault.set_device_unlock(True)
    vault.close()
    keyring.set_keyring(LockedKeyring())
    with Vault.open(vault_path) as again:
        assert again.unlock_on_device() is False
        again.unlock(PASSPHRASE)
        again.new_note(sample_fields(), "J")  # saving carries on without the keyring


def test_no_keyring_says_so_once_and_never_stores_a_key(vault_path):
    vault, _ = Vault.create(PASSPHRASE, vault_path)
    assert len([n for n in vault.notices if "No keyring" in n]) == 1
    with pytest.raises(StorageError, match="No keyring"):
        vault.set_device_unlock(True)
    assert not vault.device_unlock_enabled()
    vault.new_note(sample_fields(), "J")
    assert len([n for n in vault.notices if "No keyring" in n]) == 1


# ---- the chain head is written off the save path (helper/vault/publish.py) --------------------


def file_head(vault) -> str:
    seq, mac = vault._conn.execute("SELECT seq, mac FROM audit_head").fetchone()
    return f"{seq}:{mac.hex()}"


class SlowKeyring(MemoryKeyring):
    """A keyring whose chain-head writes wait until the test lets them through."""

    def __init__(self) -> None:
        super().__init__()
        import threading

        self.gate = threading.Event()

    def set_password(self, service, username, password):
        if service == keys.CHAIN_SERVICE:
            self.gate.wait(timeout=30)
        super().set_password(service, username, password)


def test_a_save_does_not_wait_for_the_keyring_and_lock_does(vault_path):
    backend = SlowKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        vault, _ = Vault.create(PASSPHRASE, vault_path)  # the create's own head is queued
        for _ in range(3):
            vault.new_note(sample_fields(), "J")  # would block for 30 s if it waited
        assert backend.get_password(keys.CHAIN_SERVICE, vault.vault_id) != file_head(vault)
        head = file_head(vault)
        backend.gate.set()
        vault.lock()
        assert backend.get_password(keys.CHAIN_SERVICE, vault.vault_id) == head
        # Coalesced: fewer writes than saves (the create's, then at most the newest waiting).
        assert vault._publisher.writes <= 3
        vault.close()
    finally:
        keyring.set_keyring(previous)


def test_a_rolled_back_file_is_still_named_after_saves_and_lock(made, tmp_path):
    path, _note_id, vault_id = made
    old = tmp_path / "before-the-saves.sqlite3"
    shutil.copyfile(path, old)
    vault = Vault.open(path)
    vault.unlock(PASSPHRASE)
    for i in range(5):
        vault.new_note(sample_fields(narrative=f"saved quickly {i}"), "J")
    head = file_head(vault)
    vault.lock()  # locking (not closing) puts the newest head in the keyring
    assert keys.keyring_get(keys.CHAIN_SERVICE, vault_id) == head
    vault.close()
    shutil.copyfile(old, path)
    with Vault.open(path) as vault:
        vault.unlock(PASSPHRASE)
        assert ROLLED_BACK_NOTICE in vault.notices
        report = vault.verify()
    assert not report.ok and ROLLED_BACK in report.problems


CRASH_AFTER_SAVE = """
import os, sys, threading
os.environ["WAYMARK_KDF_FAST"] = "1"
os.environ["WAYMARK_TESTING"] = "1"
from helper.vault import Vault, publish
from tests.vault.conftest import PASSPHRASE, sample_fields

publish.HeadPublisher._write = lambda self, job: threading.Event().wait()  # never written
vault = Vault.open(sys.argv[1])
vault.unlock(PASSPHRASE)
vault.new_note(sample_fields(narrative="saved just before the crash"), "J")
print("saved", flush=True)
threading.Event().wait()
"""


@pytest.mark.keyring
@pytest.mark.parametrize("any_keyring", ["real"], indirect=True)  # another process: the daemon
def test_a_crash_right_after_a_save_is_not_a_rollback(made):
    """SIGKILL after the save commits and before its head reaches the keyring: the keyring is
    behind the file, which is not a rollback; a real rollback afterwards is still named."""
    import os
    import signal
    import subprocess
    import sys

    if not keys.keyring_available():
        pytest.fail("no Secret Service running (tests/run.sh starts gnome-keyring)")
    path, _note_id, vault_id = made
    before = keys.keyring_get(keys.CHAIN_SERVICE, vault_id)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    child = subprocess.Popen(
        [sys.executable, "-c", CRASH_AFTER_SAVE, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": root},
    )
    try:
        assert child.stdout.readline().strip() == "saved"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert keys.keyring_get(keys.CHAIN_SERVICE, vault_id) == before  # the head lags the file
    with Vault.open(path) as vault:
        vault.unlock(PASSPHRASE)
        assert file_head(vault) != before
        assert ROLLED_BACK_NOTICE not in vault.notices
        assert vault.verify().ok

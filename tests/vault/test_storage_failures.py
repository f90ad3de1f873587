"""The disk and the database saying no (docs/SECURITY.md, "Crashes and power
cuts" and "Key derivation caps"): read-only, locked by
another process, disk full, not a vault, KDF work over the cap. Each is a clear sentence and
loses nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from helper.errors import StorageError, WaymarkError
from helper.vault import Vault, keys
from tests.support.vaults import NARRATIVE, PASSPHRASE, sample_fields, unlocked

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "WAYMARK_KDF_FAST": "1", "PYTHON_KEYRING_BACKEND": "", **(env or {})}
    full_env.pop("PYTHON_KEYRING_BACKEND")
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        **kw,
    )


def test_a_read_only_vault_can_be_read_but_says_why_it_cannot_save():
    folder = Path(tempfile.mkdtemp(prefix="waymark-ro-"))
    path = folder / "vault.sqlite3"
    vault, _ = Vault.create(PASSPHRASE, path)
    note_id = vault.new_note(sample_fields(), "J")
    vault.close()
    os.chmod(path, 0o444)
    os.chmod(folder, 0o555)
    before = path.read_bytes()
    drop = "os.setgid(65534); os.setuid(65534)" if os.geteuid() == 0 else "pass"
    result = run_python(
        f"""
        import os
        from helper.errors import StorageError
        from helper.vault import Vault, reading, checking, export  # before dropping privileges
        {drop}
        v = Vault.open({str(path)!r})
        print(v.notices[0])
        v.unlock({PASSPHRASE!r})
        print(v.note({note_id!r}).latest.fields["narrative"])
        try:
            v.new_note({{"concern": "grooming"}}, "J")
        except StorageError as err:
            print(err)
        """
    )
    os.chmod(folder, 0o755)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines == [
        "The vault file is read-only: you can read notes but not save.",
        NARRATIVE,
        "The vault file is read-only, so nothing can be saved.",
    ]
    assert path.read_bytes() == before


def test_a_vault_locked_by_another_process_is_a_clear_refusal_then_works(vault_path):
    vault, _ = Vault.create(PASSPHRASE, vault_path)
    keep = vault.new_note(sample_fields(), "J")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); "
            "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(60)",
            str(vault_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StorageError, match="in use by another program"):
            vault.new_note(sample_fields(), "J")
    finally:
        holder.kill()
        holder.wait()
    second = vault.new_note(sample_fields(), "J")
    assert {s.id for s in vault.list_notes()} == {keep, second}
    assert vault.verify().ok


def test_disk_full_is_a_clear_message_and_the_vault_is_intact(vault_path):
    vault, _ = Vault.create(PASSPHRASE, vault_path)
    keep = vault.new_note(sample_fields(), "J")
    vault.close()
    limit = vault_path.stat().st_size + 8192
    result = run_python(
        f"""
        import resource, signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
        from helper.errors import WaymarkError
        from helper.vault import Vault
        v = Vault.open({str(vault_path)!r}); v.unlock({PASSPHRASE!r})
        try:
            for i in range(50):
                v.new_note({{"concern": "grooming", "narrative": "x" * 19000,
                             "facts": "y" * 19000}}, "J")
        except WaymarkError as err:
            print(type(err).__name__, err)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("StorageError The"), result.stdout
    assert "disk is full" in result.stdout or "disk may be full" in result.stdout
    with unlocked(vault_path) as again:
        assert again.note(keep).latest.fields["narrative"] == NARRATIVE
        assert again.verify().ok
    with sqlite3.connect(vault_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "not a Waymark vault"),
        (b"Dear diary, this is a text file." * 100, "not a Waymark vault"),
        (bytes(range(256)) * 64, "not a Waymark vault"),
    ],
)
def test_a_file_that_is_not_a_vault_is_refused(vault_path, content, message):
    vault_path.write_bytes(content)
    with pytest.raises(StorageError, match=message):
        Vault.open(vault_path)
    assert vault_path.read_bytes() == content


def test_another_sqlite_database_is_not_a_vault(vault_path):
    with sqlite3.connect(vault_path) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    with pytest.raises(StorageError, match="not a Waymark vault"):
        Vault.open(vault_path)


def test_no_vault_yet_says_how_to_make_one(vault_path):
    with pytest.raises(WaymarkError, match="waymark notes init"):
        Vault.open(vault_path)


def test_kdf_work_over_the_cap_is_refused_before_any_derivation(vault_path, monkeypatch):
    Vault.create(PASSPHRASE, vault_path)[0].close()
    with sqlite3.connect(vault_path) as conn:
        raw = conn.execute("SELECT header FROM vault_header").fetchone()[0]
        conn.execute(
            "UPDATE vault_header SET header = ?",
            (raw.replace(b'"m":1024,', b'"m":2147483648,'),),
        )

    def must_not_run(*_a, **_k):
        raise AssertionError("Argon2id ran with parameters over the cap")

    monkeypatch.setattr(keys, "Argon2id", must_not_run)
    with pytest.raises(WaymarkError, match="outside the safe limits"):
        Vault.open(vault_path)


@pytest.mark.parametrize(
    "kdf",
    [
        {"alg": "argon2id", "m": 1024, "t": 65, "p": 1},
        {"alg": "argon2id", "m": 1024, "t": 1, "p": 9},
        {"alg": "argon2id", "m": 512, "t": 1, "p": 1},
        {"alg": "argon2id", "m": 2**31, "t": 1, "p": 1},
        {"alg": "argon2id", "m": "1024", "t": 1, "p": 1},
        {"alg": "scrypt", "m": 1024, "t": 1, "p": 1},
    ],
)
def test_kdf_caps(kdf):
    kdf = {**kdf, "salt": keys.b64(bytes(16))}
    with pytest.raises(WaymarkError):
        keys.KdfParams.from_json(kdf)


def test_calibration_stays_inside_the_caps():
    params = keys.calibrate(fast=False)
    assert keys.KdfParams.from_json(params.as_json()) == params
    assert params.memory_kib == keys.KDF_MEMORY_KIB and params.iterations >= 2

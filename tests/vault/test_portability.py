"""The vault where teachers keep it: folders with any name, and drives without hard links
(FAT and exFAT memory sticks, some network shares). Real files and real SQLite throughout;
only the hard link is made to fail, as such a drive makes it fail."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest

from helper import files
from helper.errors import StorageError
from helper.vault import Vault, store
from tests.support.vaults import NARRATIVE, PASSPHRASE, sample_fields, unlocked
from tests.vault.test_storage_failures import run_python

AWKWARD_NAMES = ("what? now", "notes #2", "100% done", "a?b#c%41d")


@pytest.mark.parametrize("name", AWKWARD_NAMES)
def test_a_vault_in_a_folder_named_with_uri_characters_saves_and_reopens(tmp_path, name):
    folder = tmp_path / name
    path = folder / "vault.sqlite3"
    vault, _code = Vault.create(PASSPHRASE, path)
    note_id = vault.new_note(sample_fields(), "J Smith")
    vault.close()
    # The file is where it was asked to be, and nowhere else: no stray file at a cut-off name.
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    assert sorted(p.name for p in folder.iterdir()) == ["vault.sqlite3"]
    with unlocked(path) as again:
        assert again.note(note_id).latest.fields["narrative"] == NARRATIVE
    conn = store.connect_read_only(path)
    try:
        assert store.query(conn, "SELECT COUNT(*) FROM notes") == [(1,)]
    finally:
        conn.close()


@pytest.mark.skipif(os.name != "posix", reason="drops privileges with setuid (POSIX)")
def test_a_read_only_vault_in_an_awkwardly_named_folder_opens_read_only():
    """Reopened by an account that may not write there, so Waymark takes the read-only path
    (mode=ro in the URI) through the escaped name."""
    top = Path(tempfile.mkdtemp(prefix="waymark-uri-"))
    folder = top / "a?b#c%41d"
    path = folder / "vault.sqlite3"
    try:
        vault, _ = Vault.create(PASSPHRASE, path)
        note_id = vault.new_note(sample_fields(), "J")
        vault.close()
        os.chmod(path, 0o444)
        os.chmod(folder, 0o555)
        os.chmod(top, 0o755)
        drop = "os.setgid(65534); os.setuid(65534)" if os.geteuid() == 0 else "pass"
        code = f"""
            import os
            from helper.vault import Vault, reading
            {drop}
            v = Vault.open({str(path)!r})
            print(v.read_only)
            v.unlock({PASSPHRASE!r})
            print(v.note({note_id!r}).latest.fields["narrative"])
            """
        done = run_python(code)
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == ["True", NARRATIVE]
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(top)


def test_the_uri_is_percent_encoded_and_sqlite_reads_it_back(tmp_path):
    path = tmp_path / "a?b#c%41d" / "v.sqlite3"
    uri = store.file_uri(path)
    assert "?" not in uri and "#" not in uri and "%41" not in uri
    path.parent.mkdir()
    sqlite3.connect(f"{uri}?mode=rwc", uri=True).close()
    assert path.exists()


def no_hard_links(monkeypatch, code: int) -> list[tuple[str, str]]:
    """os.link fails as it does on FAT/exFAT (EPERM on Linux) or a share (ENOTSUP)."""
    tried: list[tuple[str, str]] = []

    def refuse(src, dst, *args, **kwargs):
        tried.append((str(src), str(dst)))
        raise OSError(code, os.strerror(code), str(src), None, str(dst))

    monkeypatch.setattr(os, "link", refuse)
    return tried


@pytest.mark.parametrize("code", [errno.EPERM, errno.ENOTSUP])
def test_without_hard_links_a_new_vault_is_still_created_whole(vault_path, monkeypatch, code):
    tried = no_hard_links(monkeypatch, code)
    vault, _ = Vault.create(PASSPHRASE, vault_path)
    note_id = vault.new_note(sample_fields(), "J")
    vault.close()
    assert tried, "the hard link was tried first"
    with unlocked(vault_path) as again:
        assert again.note(note_id).latest.fields["narrative"] == NARRATIVE
        assert again.verify().ok
    assert sorted(p.name for p in vault_path.parent.iterdir()) == [vault_path.name]


def test_without_hard_links_an_existing_vault_is_never_overwritten(vault_path, monkeypatch):
    Vault.create(PASSPHRASE, vault_path)[0].close()
    before = vault_path.read_bytes()
    no_hard_links(monkeypatch, errno.EPERM)
    # Straight to the store, past Vault.create's own "already there?" check: the placing
    # itself must refuse.
    with pytest.raises(StorageError, match="already exists"):
        store.create_file(vault_path, b"header", b"mac")
    assert vault_path.read_bytes() == before
    assert sorted(p.name for p in vault_path.parent.iterdir()) == [vault_path.name]


def test_without_hard_links_a_name_taken_by_a_link_is_refused(tmp_path, monkeypatch):
    no_hard_links(monkeypatch, errno.ENOTSUP)
    temp = tmp_path / "finished"
    temp.write_text("new")
    target = tmp_path / "target"
    target.symlink_to(tmp_path / "elsewhere")  # dangling: still a name in use
    with pytest.raises(FileExistsError):
        files.place_without_replacing(temp, target)
    assert not (tmp_path / "elsewhere").exists() and target.is_symlink()


def test_without_hard_links_an_export_is_placed_and_not_repeated(tmp_path, monkeypatch):
    from helper.cli import notes as cli_notes
    from helper.errors import BadInput

    no_hard_links(monkeypatch, errno.EPERM)
    out = tmp_path / "export.txt"
    cli_notes.write_private(out, "first", force=False)
    assert out.read_text() == "first"
    with pytest.raises(BadInput, match="already exists"):
        cli_notes.write_private(out, "second", force=False)
    assert out.read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.txt"]

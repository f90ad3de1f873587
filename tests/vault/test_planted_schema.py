"""A vault file with planted SQLite triggers, views or extra tables is refused on open, before
any statement that could fire a trigger runs.

The attack: a trigger that copies every deleted revision into a hidden table defeats secure
delete, and an endless trigger hangs unlock. SQLite runs a file's triggers with our statements,
so the only safe answer is to compare the file's schema (sqlite_master) exactly with the one
this version creates, and refuse anything else with a clear sentence."""

from __future__ import annotations

import sqlite3
import time

import pytest

from helper.errors import StorageError
from helper.vault import Vault, store
from tests.support.vaults import PASSPHRASE, sample_fields

REFUSAL = "layout is not the one Waymark makes"

ENDLESS = (
    "SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
    "SELECT x FROM c)"
)

PLANTS = {
    "keeps-deleted-ciphertexts": [
        "CREATE TABLE kept (note_id, number, ct)",
        "CREATE TRIGGER keep BEFORE DELETE ON revisions BEGIN "
        "INSERT INTO kept VALUES (old.note_id, old.number, old.ct); END",
    ],
    "endless-on-unlock": [
        f"CREATE TRIGGER spin BEFORE INSERT ON audit BEGIN {ENDLESS}; END",
    ],
    "endless-on-wrong-passphrase": [
        f"CREATE TRIGGER spin BEFORE UPDATE ON unlock_failures BEGIN {ENDLESS}; END",
    ],
    "view": ["CREATE VIEW everything AS SELECT * FROM revisions"],
    "extra-index": ["CREATE INDEX sneaky ON revisions (ct)"],
    "extra-table": ["CREATE TABLE notes_copy (id TEXT)"],
}


def plant(path, statements) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.fixture
def vault_with_a_deleted_note(vault_path):
    vault, _code = Vault.create(PASSPHRASE, vault_path)
    keep = vault.new_note(sample_fields(), "J Smith")
    gone = vault.new_note(sample_fields(narrative="to be deleted"), "J Smith")
    vault.close()
    return vault_path, keep, gone


@pytest.mark.parametrize("statements", PLANTS.values(), ids=PLANTS.keys())
def test_a_planted_schema_is_refused_on_open_within_a_second(vault_with_a_deleted_note, statements):
    path, _keep, _gone = vault_with_a_deleted_note
    plant(path, statements)
    before = path.read_bytes()
    started = time.monotonic()
    with pytest.raises(StorageError, match=REFUSAL):
        vault = Vault.open(path)
        # Reaching here is already the failure; show what the trigger would have done.
        vault.unlock(PASSPHRASE)
    assert time.monotonic() - started < 1.0
    assert path.read_bytes() == before, "nothing may be written to a refused file"


def test_a_planted_trigger_never_keeps_a_deleted_note(vault_with_a_deleted_note):
    path, _keep, gone = vault_with_a_deleted_note
    plant(path, PLANTS["keeps-deleted-ciphertexts"])
    with pytest.raises(StorageError, match=REFUSAL):
        Vault.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM kept").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM revisions WHERE note_id = ?", (gone,)).fetchone()[0]
    conn.close()


def test_the_untouched_file_still_opens(vault_with_a_deleted_note):
    path, keep, _gone = vault_with_a_deleted_note
    with Vault.open(path) as vault:
        vault.unlock(PASSPHRASE)
        assert vault.note(keep).latest.fields["narrative"]


LATER = {
    "casework": ["casework"],
    "hand-over": ["identity", "contacts", "received_bundles", "provenance"],
}


def _drop(path, tables) -> None:
    conn = sqlite3.connect(path)
    for table in tables:
        conn.execute(f"DROP TABLE {table}")
    conn.commit()
    conn.close()


def test_a_vault_from_before_the_later_tables_opens_and_gains_them(tmp_path):
    path = tmp_path / "old.sqlite3"
    Vault.create(PASSPHRASE, path)[0].close()
    _drop(path, [t for tables in LATER.values() for t in tables])
    conn = store.connect_read_only(path)  # read as it is (verify's layout check): accepted
    try:
        store.check_is_vault(conn)
        assert store.schema_matches(conn)
    finally:
        conn.close()
    with Vault.open(path) as vault:  # writable: upgraded in place, then exactly today's layout
        vault.unlock(PASSPHRASE)
        vault.new_note(sample_fields(), "J Smith")
        assert vault.verify().ok
    conn = sqlite3.connect(path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert {t for tables in LATER.values() for t in tables} <= names


def test_half_of_a_later_group_of_tables_is_refused(tmp_path):
    path = tmp_path / "half.sqlite3"
    Vault.create(PASSPHRASE, path)[0].close()
    _drop(path, ["contacts"])  # the rest of the hand-over group is still there
    before = path.read_bytes()
    with pytest.raises(StorageError, match=REFUSAL):
        Vault.open(path)
    assert path.read_bytes() == before

"""The SQLite file: the thin I/O edge of the vault. It stores ciphertexts and the little
metadata that must stay in clear (ids, times, revision numbers); it never sees a key or a word
of a note. Every change is one IMMEDIATE transaction with synchronous=FULL and a rollback
journal, so a process killed at any moment leaves the old state or the new, never a mix."""

from __future__ import annotations

import functools
import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from helper.errors import StorageError
from helper.files import place_without_replacing
from helper.vault.keys import storage_error

APPLICATION_ID = 0x57594D4B  # "WYMK": marks the file as a Waymark vault for `file` and for us
FORMAT_VERSION = 1

CORE_SCHEMA = """
CREATE TABLE vault_header (id INTEGER PRIMARY KEY CHECK (id = 1), header BLOB NOT NULL,
                           mac BLOB NOT NULL);
CREATE TABLE notes (id TEXT PRIMARY KEY, created_at TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE revisions (note_id TEXT NOT NULL, number INTEGER NOT NULL, saved_at TEXT NOT NULL,
                        snonce BLOB NOT NULL, sct BLOB NOT NULL, nonce BLOB NOT NULL,
                        ct BLOB NOT NULL, PRIMARY KEY (note_id, number));
-- Lets the notes list read the small sealed summaries without touching the large ciphertexts.
CREATE INDEX revision_summaries ON revisions (note_id, number, saved_at, snonce, sct);
CREATE TABLE deletions (note_id TEXT PRIMARY KEY, deleted_at TEXT NOT NULL, nonce BLOB NOT NULL,
                        ct BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, action TEXT NOT NULL,
                    note_id TEXT, revision INTEGER, mac BLOB NOT NULL);
CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL,
                         mac BLOB NOT NULL);
CREATE TABLE unlock_failures (id INTEGER PRIMARY KEY CHECK (id = 1), count INTEGER NOT NULL);
"""
# casework: sealed follow-up events (helper/vault/followups.py); a vault made before
# it existed gains the table on a writable open (upgrade, below).
CASEWORK_DDL = (
    "CREATE TABLE casework (note_id TEXT NOT NULL, number INTEGER NOT NULL, at TEXT NOT NULL, "
    "nonce BLOB NOT NULL, ct BLOB NOT NULL, PRIMARY KEY (note_id, number)) WITHOUT ROWID"
)

# ---- hand-over tables (HANDOVER.md) -----------------------------------------------------------
# Kept apart so a vault made before hand-over existed can gain them (upgrade, below).
# Everything in them is sealed except ids, times and a keyed tag of each imported bundle's id.
HANDOVER_SCHEMA = """
CREATE TABLE identity (id INTEGER PRIMARY KEY CHECK (id = 1), created_at TEXT NOT NULL,
                       nonce BLOB NOT NULL, ct BLOB NOT NULL);
CREATE TABLE contacts (id TEXT PRIMARY KEY, added_at TEXT NOT NULL, nonce BLOB NOT NULL,
                       ct BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE received_bundles (tag BLOB PRIMARY KEY, received_at TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE provenance (note_id TEXT PRIMARY KEY, received_at TEXT NOT NULL,
                         nonce BLOB NOT NULL, ct BLOB NOT NULL) WITHOUT ROWID;
"""
# Tables added after the first vaults were made, each group created whole when a writable vault
# without it is opened (upgrade). A file holds exactly the core, plus each group whole or not at
# all: nothing else is ever accepted (see check_schema).
LATER_TABLES: tuple[str, ...] = (CASEWORK_DDL + ";\n", HANDOVER_SCHEMA)
SCHEMA = CORE_SCHEMA + "".join(LATER_TABLES)


def upgrade(conn: sqlite3.Connection) -> None:
    """Give a vault made before a later group of tables existed those (empty) tables. They hold
    no secret, so this runs before unlocking, and only after check_schema has accepted the file's
    layout as one Waymark made."""
    have = set(query(conn, SCHEMA_SQL))
    missing = [group for group in LATER_TABLES if not _rows(group) <= have]
    if not missing:
        return
    with transaction(conn):
        for group in missing:
            for statement in group.split(";"):
                if statement.strip():
                    conn.execute(statement)


INSERT_REVISION = "INSERT INTO revisions VALUES (?, ?, ?, ?, ?, ?, ?)"
BUSY_TIMEOUT_S = 2.0
# A damaged file can make SQLite hand back undecodable text (even inside its error messages).
STORE_ERRORS = (sqlite3.Error, UnicodeDecodeError)


def lenient_text(raw: bytes) -> str:
    """Damaged text still comes back as a string (with U+FFFD), so the AEAD check that follows
    names the damaged record instead of the whole query failing."""
    return raw.decode("utf-8", "replace")


def file_uri(path: Path) -> str:
    """The SQLite URI of `path`, percent-encoded: a folder named with `?`, `#` or `%` (allowed
    on every system) would otherwise end the path early or be decoded into another name."""
    return Path(path).absolute().as_uri()


def connect(path: Path, create: bool = False) -> sqlite3.Connection:
    """Open the file with the durability and privacy settings every connection needs."""
    mode = "rwc" if create else "rw"
    try:
        conn = sqlite3.connect(
            f"{file_uri(path)}?mode={mode}", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None
        )
        conn.text_factory = lenient_text
        # Defence in depth: functions with side effects may not run from a file's own schema.
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except STORE_ERRORS as err:
        raise storage_error(err) from None
    return conn


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only file can still be unlocked and read; saving then says why it cannot."""
    try:
        conn = sqlite3.connect(
            f"{file_uri(path)}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None
        )
        conn.text_factory = lenient_text
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA query_only = ON")
    except STORE_ERRORS as err:
        raise storage_error(err) from None
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One atomic, durable change; any database error becomes a clear StorageError."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except STORE_ERRORS as err:
        raise storage_error(err) from None
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as err:
        with suppress(*STORE_ERRORS):
            conn.execute("ROLLBACK")
        if isinstance(err, STORE_ERRORS):
            raise storage_error(err) from None
        raise


def initialise(conn: sqlite3.Connection, header: bytes, mac: bytes) -> None:
    """Write the schema and the first header in one transaction."""
    with transaction(conn):
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("INSERT INTO vault_header VALUES (1, ?, ?)", (header, mac))
        conn.execute("INSERT INTO unlock_failures VALUES (1, 0)")


def create_file(path: Path, header: bytes, mac: bytes) -> None:
    """Write a complete new vault beside `path`, then put it in place whole, never overwriting
    anything already there (helper/files.py: a hard link, or on drives without hard links an
    exclusive create and a rename). On POSIX the file is owner-only (0600); on Windows the mode
    does nothing and the user profile's permissions protect it (docs/SECURITY.md)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.new")
    try:
        conn = connect(temp, create=True)
        os.chmod(temp, 0o600)
        initialise(conn, header, mac)
        conn.close()
        place_without_replacing(temp, path)
    except FileExistsError:
        raise StorageError(f"A vault already exists at {path}; it was not touched.") from None
    except OSError as err:
        raise storage_error(err) from None
    finally:
        temp.unlink(missing_ok=True)


@functools.cache
def _rows(schema: str) -> frozenset[tuple[str, str, str, str | None]]:
    """Every sqlite_master row `schema` creates (tables, indexes and SQLite's own automatic
    indexes), from a scratch in-memory database."""
    scratch = sqlite3.connect(":memory:")
    try:
        for statement in schema.split(";"):
            if statement.strip():
                scratch.execute(statement)
        return frozenset(scratch.execute(SCHEMA_SQL).fetchall())
    finally:
        scratch.close()


def expected_schema() -> list[tuple[str, str, str, str | None]]:
    """Every sqlite_master row this version creates, in a stable order."""
    return sorted(_rows(SCHEMA), key=repr)


def schema_matches(conn: sqlite3.Connection) -> bool:
    """Whether the file's schema is one this version or an earlier one created: exactly the
    core tables and indexes with the same SQL, plus each later group whole or not at all, and
    nothing more (no trigger, no view, no extra table). Reading sqlite_master runs nothing the
    file brings with it."""
    found = {tuple(row) for row in query(conn, SCHEMA_SQL)}
    core = _rows(CORE_SCHEMA)
    if not core <= found:
        return False
    rest = found - core
    for group in LATER_TABLES:
        rows = _rows(group) - core
        if rows <= rest:
            rest -= rows
    return not rest


SCHEMA_SQL = "SELECT type, name, tbl_name, sql FROM sqlite_master"
PLANTED_SCHEMA = (
    "The vault file's layout is not the one Waymark makes: something has added or changed its "
    "tables, triggers or views. Waymark will not use it, so nothing in it can run. Nothing has "
    "been changed. Restore a backup copy, or ask someone who looks after your computer."
)


def check_schema(conn: sqlite3.Connection) -> None:
    """Refuse a file whose schema differs in any way, before any statement that could fire a
    trigger: a planted trigger could keep deleted notes or hang every save."""
    if not schema_matches(conn):
        raise StorageError(PLANTED_SCHEMA)


def check_is_vault(conn: sqlite3.Connection) -> None:
    """Refuse a file that is not a vault, or one from a newer Waymark, with a clear sentence."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except STORE_ERRORS as err:
        raise storage_error(err) from None
    if app_id != APPLICATION_ID:
        raise StorageError("That file is not a Waymark vault.")
    if version > FORMAT_VERSION:
        raise StorageError(
            "This vault was made by a newer version of Waymark. Update Waymark to open it; "
            "nothing has been changed."
        )
    if version < 1:
        raise StorageError("That file is not a Waymark vault.")
    check_schema(conn)


def read_header(conn: sqlite3.Connection) -> tuple[bytes, bytes]:
    try:
        row = conn.execute("SELECT header, mac FROM vault_header WHERE id = 1").fetchone()
    except STORE_ERRORS as err:
        raise storage_error(err) from None
    if row is None:
        raise StorageError("That file is not a Waymark vault, or it is damaged.")
    return bytes(row[0]), bytes(row[1])


def query(conn: sqlite3.Connection, sql: str, params: tuple = ()) -> list[tuple]:
    """Run a read; a database error becomes a clear StorageError."""
    try:
        return conn.execute(sql, params).fetchall()
    except STORE_ERRORS as err:
        raise storage_error(err) from None


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """Whether the file has this table: a vault from before a later group of tables, opened
    read-only (so not upgraded), has none of that group."""
    return bool(
        query(conn, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
    )

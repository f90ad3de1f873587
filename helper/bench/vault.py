"""Vault figures for `waymark bench`: unlock (the KDF, slow by design), a durable save against a
bare SQLite insert-and-commit of the same bytes at the same durability, list / open / search in
vaults of 100, 1,000 and 10,000 notes, and peak memory of a fresh process that unlocks, lists
and searches the largest vault.

Large vaults are filled through a bulk path that writes exactly what `new_note` writes
(sealed revisions, a valid audit chain) in one transaction: 10,000 separate durable saves would
measure the disk, not the vault. Runs with no keyring, except "save with the real keyring",
which saves against the OS keyring's daemon (gnome-keyring's Secret Service on Linux): every
real save publishes the audit chain head there. Without a working keyring that figure cannot be
measured, and says so (the run fails) rather than disappear."""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from helper.bench import Figure, ratio_figures

PASSPHRASE = "bench passphrase"  # noqa: S105 - a throwaway vault in a temp folder
NARRATIVE = (
    "During the lunch break the pupil came to me and said that someone she met in an online "
    "game had asked her to move the chat to another app. She said he told her he was fifteen "
    "but his messages sounded much older. He had sent her gift codes and asked for a photo. "
) * 3


def note_fields(i: int) -> dict[str, object]:
    return {
        "concern": "grooming",
        "concern_at": "2025-03-01T12:30:00+00:00",
        "recorder_name": "A Teacher",
        "recorder_role": "Class teacher",
        "recorder_org": "A Primary School",
        "child": f"C{i % 97}",
        "child_age": 11,
        "narrative": f"{NARRATIVE} Case {i}.",
        "child_words": "he said I was mature for my age and not to tell anyone",
        "platform": "Roblox",
        "online_details": f"username player{i}, sent 12:02",
        "actions": "Told the DSL at 12:40. Did not look at or copy any image.",
        "told": [{"who": "dsl", "at": "2025-03-01T12:40:00+00:00", "name": "R Patel"}],
        "status": "open",
    }


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median seconds over `repeat` runs (the median resists a noisy neighbour)."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bulk_fill(vault, count: int) -> list[str]:
    """Write `count` notes as new_note would, in one transaction."""
    from helper.vault import audit, now_utc, store
    from helper.vault.notes import validate_fields
    from helper.vault.sealed import seal_revision

    conn = vault._conn
    ids = []
    seq, previous = conn.execute("SELECT seq, mac FROM audit_head").fetchone()
    conn.execute("BEGIN IMMEDIATE")
    for i in range(count):
        note_id = f"{i:016x}"
        saved_at = now_utc()
        fields = validate_fields(note_fields(i))
        sealed = seal_revision(vault._aead, vault.vault_id, note_id, 1, saved_at, fields, "B")
        seq += 1
        previous = audit.entry_mac(vault._audit_key, previous, seq, saved_at, "create", note_id, 1)
        conn.execute("INSERT INTO notes VALUES (?, ?)", (note_id, saved_at))
        conn.execute(store.INSERT_REVISION, (note_id, 1, saved_at, *sealed))
        conn.execute(
            "INSERT INTO audit VALUES (?, ?, 'create', ?, 1, ?)", (seq, saved_at, note_id, previous)
        )
        ids.append(note_id)
    conn.execute("INSERT OR REPLACE INTO audit_head VALUES (1, ?, ?)", (seq, previous))
    conn.execute("COMMIT")
    return ids


def save_figures(folder: Path, repeat: int) -> list[Figure]:
    from helper.vault import Vault

    vault, _ = Vault.create(PASSPHRASE, folder / "save.sqlite3")
    fields = note_fields(1)
    vault.new_note(fields, "B")  # warm up
    bare_insert, bare = bare_inserter(vault, folder / "bare.sqlite3")

    saves, bares = [], []
    for _ in range(repeat):  # interleaved, so both see the same disk and the same neighbours
        saves.append(timed(lambda: vault.new_note(fields, "B"), 1))
        bares.append(timed(bare_insert, 1))
    save, base = statistics.median(saves), statistics.median(bares)
    vault.close()
    bare.close()
    ratio = save / base if base else float("inf")
    return [
        Figure("vault: durable save of one note", save * 1000, "ms"),
        Figure("vault: bare SQLite insert+commit, same bytes", base * 1000, "ms"),
        Figure("vault: save vs bare SQLite", ratio, "x", "<= 2", ratio <= 2),
    ]


KEYRING_SAVE = "vault: save with the real keyring"


def keyring_probe() -> str:
    """'' when the OS keyring takes, returns and forgets an entry; else why not."""
    from helper.vault import keys

    if not keys.keyring_available():
        return "no OS keyring (Secret Service) is running here"
    name = f"bench-probe-{os.getpid()}"
    try:
        ok = keys.keyring_set(keys.CHAIN_SERVICE, name, "0:00")
        ok = ok and keys.keyring_get(keys.CHAIN_SERVICE, name) == "0:00"
    finally:
        keys.keyring_delete(keys.CHAIN_SERVICE, name)
    return "" if ok else "the OS keyring refused a test entry (locked?)"


def keyring_save_figures(folder: Path, repeat: int) -> list[Figure]:
    """A durable save publishing its chain head to the real keyring, against a bare SQLite
    insert+commit of the same bytes; and, for information, how long the head's keyring write
    itself takes (it happens on a background thread, and before any lock completes)."""
    from helper.bench import unmeasured
    from helper.vault import Vault, keys

    why = keyring_probe()
    if why:
        return [
            unmeasured(KEYRING_SAVE, why, "ms"),
            unmeasured(f"{KEYRING_SAVE}: floor (bare SQLite insert+commit, same bytes)", why),
            unmeasured(f"{KEYRING_SAVE}: vs floor", why, "x"),
        ]
    vault, _ = Vault.create(PASSPHRASE, folder / "keyring-save.sqlite3")
    try:
        fields = note_fields(1)
        vault.new_note(fields, "B")
        vault.flush_head()
        bare_insert, bare = bare_inserter(vault, folder / "keyring-bare.sqlite3")
        saves, bares, writes = [], [], []
        for _ in range(repeat):
            saves.append(timed(lambda: vault.new_note(fields, "B"), 1))
            bares.append(timed(bare_insert, 1))
        for _ in range(max(3, repeat // 3)):  # the keyring write alone, as lock waits for it
            vault.new_note(fields, "B")
            writes.append(timed(vault.flush_head, 1))
        published = keys.keyring_get(keys.CHAIN_SERVICE, vault.vault_id)
        seq, mac = vault._conn.execute("SELECT seq, mac FROM audit_head").fetchone()
        assert published == f"{seq}:{mac.hex()}", "the keyring does not hold the newest head"
    finally:
        keys.keyring_delete(keys.CHAIN_SERVICE, vault.vault_id)
        vault.close()
        keys.keyring_delete(keys.CHAIN_SERVICE, vault.vault_id)
        bare.close()
    save, base = statistics.median(saves), statistics.median(bares)
    floor = "bare SQLite insert+commit, same bytes"
    return [
        *ratio_figures(KEYRING_SAVE, save, floor, base, 2),
        Figure("vault: keyring write of the chain head (off the save path, waited for at lock)",
               statistics.median(writes) * 1000, "ms"),
    ]  # fmt: skip


def bare_inserter(vault, path: Path):
    """A bare SQLite table at the vault's durability, and a function inserting one of the
    vault's own ciphertexts into it in its own transaction."""
    ct = vault._conn.execute("SELECT ct FROM revisions LIMIT 1").fetchone()[0]
    bare = sqlite3.connect(path, isolation_level=None)
    bare.execute("PRAGMA synchronous = FULL")
    bare.execute("PRAGMA secure_delete = ON")
    bare.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, data BLOB)")
    bare.execute("INSERT INTO t (data) VALUES (?)", (ct,))

    def insert() -> None:
        bare.execute("BEGIN IMMEDIATE")
        bare.execute("INSERT INTO t (data) VALUES (?)", (ct,))
        bare.execute("COMMIT")

    return insert, bare


def size_figures(folder: Path, count: int) -> tuple[list[Figure], Path]:
    from helper.vault import Vault

    path = folder / f"vault-{count}.sqlite3"
    vault, _ = Vault.create(PASSPHRASE, path)
    ids = bulk_fill(vault, count)
    vault.new_note({**note_fields(0), "narrative": "the needle word is Quillfeather"}, "B")
    list_s = timed(vault.list_notes, 5)
    open_s = timed(lambda: vault.note(ids[count // 2]), 20)
    search_s = timed(lambda: vault.search("quillfeather"), 3)
    assert len(vault.search("quillfeather")) == 1
    vault.close()
    big = count >= 10_000
    return [
        Figure(f"vault: list {count:,} notes", list_s * 1000, "ms",
               "<= 100" if big else "", list_s <= 0.1 if big else None),
        Figure(f"vault: open a note among {count:,}", open_s * 1000, "ms"),
        Figure(f"vault: search {count:,} notes", search_s * 1000, "ms",
               "<= 500" if big else "", search_s <= 0.5 if big else None),
    ], path  # fmt: skip


PEAK_SCRIPT = """
import sys
from helper.bench.memory import own_peak_bytes
from helper.vault import Vault
v = Vault.open(sys.argv[1]); v.unlock(sys.argv[2])
v.list_notes(); v.search("quillfeather"); v.note(v.list_notes()[0].id)
print(own_peak_bytes())
"""


def peak_memory(path: Path, env: dict[str, str]) -> float:
    """Peak resident memory (MB) of a fresh process: unlock (real KDF), list, search, open."""
    out = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, str(path), PASSPHRASE],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    return int(out.stdout.strip()) / (1024 * 1024)


def unlock_seconds(folder: Path) -> float:
    from helper.vault import Vault

    path = folder / "unlock.sqlite3"
    Vault.create(PASSPHRASE, path)[0].close()

    def unlock() -> None:
        with Vault.open(path) as vault:
            vault.unlock(PASSPHRASE)

    return timed(unlock, 3)


def run(quick: bool) -> list[Figure]:
    import keyring
    from keyring.backends import fail

    previous_keyring = keyring.get_keyring()
    saved_env = dict(os.environ)
    try:
        with tempfile.TemporaryDirectory(prefix="waymark-bench-") as tmp:
            folder = Path(tmp)
            os.environ.update(WAYMARK_KDF_FAST="1", WAYMARK_TESTING="1")  # unlock: measured below
            with_keyring = keyring_save_figures(folder, 10 if quick else 30)
            keyring.set_keyring(fail.Keyring())
            os.environ.pop("WAYMARK_KDF_FAST", None)  # the real, calibrated KDF
            os.environ.pop("WAYMARK_TESTING", None)
            unlock = unlock_seconds(folder)
            figures = [
                Figure("vault: unlock (Argon2id, by design)", unlock * 1000, "ms",
                       "about 500", 250 <= unlock * 1000 <= 1000)
            ]  # fmt: skip
            figures += save_figures(folder, 10 if quick else 30)
            figures += with_keyring
            last = None
            for count in (100, 1_000) if quick else (100, 1_000, 10_000):
                more, last = size_figures(folder, count)
                figures += more
            env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
            peak = peak_memory(last, env)
            label = f"vault: peak memory, unlock+list+search {count:,}"
            figures.append(Figure(label, peak, "MB", "<= 100", peak <= 100))
            return figures
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        keyring.set_keyring(previous_keyring)

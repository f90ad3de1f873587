"""Casework figures for `waymark bench`: `notes list` (first page of 50), `notes due` and one
child's chronology in a vault of 10,000 notes (200 of them about one child, one follow-up on
every note), each beside its floor measured in the same run: reading the same rows from SQLite
and opening them with `cryptography`'s AES-GCM in a bare loop. Goal: each within 1.5x its floor.

The vault is filled through a bulk path that writes what `new_note` and `followups.add` write
(sealed rows and a valid audit chain) in one transaction. No keyring, the fast test KDF (the
unlock is not what is measured here)."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from helper.bench import Figure, ratio_figures

PASSPHRASE = "bench passphrase"  # noqa: S105 - a throwaway vault in a temp folder
CHILD = "JB-0412"
GOAL = 1.5


def bulk_fill(vault, count: int, every: int) -> None:
    """`count` notes, every `every`-th about CHILD, each with one follow-up, in one transaction."""
    from helper.bench.vault import note_fields
    from helper.vault import audit, followups, now_utc, store
    from helper.vault.notes import validate_fields
    from helper.vault.sealed import seal, seal_revision

    conn = vault._conn
    aead = vault._aead
    seq, previous = conn.execute("SELECT seq, mac FROM audit_head").fetchone()

    def log(action: str, note_id: str, number: int, at: str) -> None:
        nonlocal seq, previous
        seq += 1
        previous = audit.entry_mac(vault._audit_key, previous, seq, at, action, note_id, number)
        conn.execute(
            "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?)",
            (seq, at, action, note_id, number, previous),
        )

    conn.execute("BEGIN IMMEDIATE")
    for i in range(count):
        note_id = f"{i:016x}"
        saved_at = now_utc()
        ref = CHILD if i % every == 0 else f"C{i}-{i % 997}"
        fields = validate_fields({**note_fields(i), "child_ref": ref, "borough": "camden"})
        sealed = seal_revision(aead, vault.vault_id, note_id, 1, saved_at, fields, "B")
        conn.execute("INSERT INTO notes VALUES (?, ?)", (note_id, saved_at))
        conn.execute(store.INSERT_REVISION, (note_id, 1, saved_at, *sealed))
        log("create", note_id, 1, saved_at)
        at = now_utc()
        payload = {"kind": "follow-up", "id": f"{i:08x}", "what": "Chase the written referral",
                   "due": f"2027-01-{1 + i % 28:02d}", "signed_by": "B"}  # fmt: skip
        ad = followups.casework_ad(vault.vault_id, note_id, 1, at)
        nonce, ct = seal(aead, followups.encode_event(payload), ad)
        conn.execute("INSERT INTO casework VALUES (?, ?, ?, ?, ?)", (note_id, 1, at, nonce, ct))
        log("casework", note_id, 1, at)
    conn.execute("INSERT OR REPLACE INTO audit_head VALUES (1, ?, ?)", (seq, previous))
    conn.execute("COMMIT")


def timed_pair(work: Callable[[], object], floor: Callable[[], object], repeat: int):
    """Median seconds of each, interleaved so both see the same machine and neighbours."""
    works, floors = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        works.append(time.perf_counter() - start)
        start = time.perf_counter()
        floor()
        floors.append(time.perf_counter() - start)
    return statistics.median(works), statistics.median(floors)


def floors(vault):
    """The bare loops: the same SELECTs, each row opened with AES-GCM, nothing else."""
    from helper.vault.reading import LATEST
    from helper.vault.sealed import revision_ad, summary_ad

    conn, aead, vid = vault._conn, vault._aead, vault.vault_id

    def list_floor() -> None:
        for note_id, n, at, snonce, sct, _c in conn.execute(LATEST.format(columns="snonce, sct")):
            aead.decrypt(snonce, sct, summary_ad(vid, note_id, n, at))

    def due_floor() -> None:
        from helper.vault.followups import EVENTS_SQL, casework_ad

        for note_id, n, at, nonce, ct in conn.execute(EVENTS_SQL):
            aead.decrypt(nonce, ct, casework_ad(vid, note_id, n, at))

    def chronology_floor(ids: list[str]) -> Callable[[], None]:
        def run() -> None:
            from helper.vault.followups import EVENTS_SQL, casework_ad

            for note_id, n, at, nonce, ct, _c in conn.execute(LATEST.format(columns="nonce, ct")):
                aead.decrypt(nonce, ct, revision_ad(vid, note_id, n, at))
            wanted = set(ids)
            for note_id in ids:
                for n, at, nonce, ct in conn.execute(
                    "SELECT number, saved_at, nonce, ct FROM revisions WHERE note_id = ?",
                    (note_id,),
                ):
                    aead.decrypt(nonce, ct, revision_ad(vid, note_id, n, at))
            for note_id, n, at, nonce, ct in conn.execute(EVENTS_SQL):
                if note_id in wanted:
                    aead.decrypt(nonce, ct, casework_ad(vid, note_id, n, at))

        return run

    return list_floor, due_floor, chronology_floor


def figures_for(folder: Path, count: int, repeat: int) -> list[Figure]:
    from helper.vault import Vault, followups
    from helper.vault.chronology import chronology, notes_for_ref

    every = max(1, count // 200)
    vault, _ = Vault.create(PASSPHRASE, folder / f"casework-{count}.sqlite3")
    bulk_fill(vault, count, every)
    ids = notes_for_ref(vault._conn, vault._aead, vault.vault_id, CHILD)
    assert len(ids) == count // every
    list_floor, due_floor, chronology_floor = floors(vault)

    def notes_list() -> None:  # `waymark notes list`: every note (helper/vault/reading.py)
        vault.list_notes()

    def list_page() -> None:  # the helper's notes page: page 1 of 50, newest recorded first
        from helper.vault.chronology import page_summaries

        page_summaries(vault._conn, vault._aead, vault.vault_id, 0, 50)

    measured = [
        ("notes list (every note)", notes_list, list_floor),
        ("helper notes page (first 50)", list_page, list_floor),
        ("notes due", lambda: followups.due(vault), due_floor),
        (f"chronology of one child ({len(ids)} notes)", lambda: chronology(vault, CHILD),
         chronology_floor(ids)),
    ]  # fmt: skip
    out = []
    for name, work, floor in measured:
        work()  # warm caches (resources, labels) as a running helper has them
        spent, base = timed_pair(work, floor, repeat)
        label = f"casework: {name}, {count:,} notes"
        out += ratio_figures(label, spent, "SQLite + AES-GCM loop", base, GOAL)
    vault.close()
    return out


def run(quick: bool) -> list[Figure]:
    import keyring
    from keyring.backends import fail

    previous_keyring = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    saved_env = dict(os.environ)
    try:
        os.environ.update(WAYMARK_KDF_FAST="1", WAYMARK_TESTING="1")  # unlock is not measured
        with tempfile.TemporaryDirectory(prefix="waymark-bench-") as tmp:
            return figures_for(Path(tmp), 1_000 if quick else 10_000, 5 if quick else 7)
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        keyring.set_keyring(previous_keyring)

"""Tampering and corruption (docs/SECURITY.md, "The vault is encrypted and
tamper-evident" and "Key derivation caps"): one named vector file per attack in
vectors/, and hypothesis flipping bits anywhere in a small vault file. The promise: a damaged
vault never shows forged or altered text, `verify` names what is wrong, the rest stays
readable, and nothing ever escapes as a traceback."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import helper.vault.unlocking
from helper.errors import IntegrityError, NotFound, StorageError, WaymarkError
from helper.vault import Vault
from tests.support.vaults import PASSPHRASE, copy_vault, sample_fields

VECTORS = sorted((Path(__file__).parent / "vectors").glob("*.json"))


def flip(blob: bytes, index: int) -> bytes:
    data = bytearray(blob)
    data[index] ^= 0x01
    return bytes(data)


def build(path: Path) -> dict[str, str]:
    """A vault with A (2 revisions), B (1 revision) and C (deleted)."""
    vault, _ = Vault.create(PASSPHRASE, path)
    a = vault.new_note(sample_fields(), "J Smith")
    vault.revise(a, sample_fields(status="referred"), "J Smith")
    b = vault.new_note(sample_fields(concern="sextortion", narrative="other note"), "K Jones")
    c = vault.new_note(sample_fields(), "J Smith")
    vault.delete_note(c, "Duplicate of another note", "J Smith")
    vault.close()
    return {"A": a, "B": b, "C": c}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> tuple[Path, dict[str, str], dict]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WAYMARK_KDF_FAST", "1")
        path = tmp_path_factory.mktemp("pristine") / "vault.sqlite3"
        ids = build(path)
        with Vault.open(path) as vault:
            vault.unlock(PASSPHRASE)
            originals = {nid: vault.note(nid) for nid in ids.values()}
    return path, ids, originals


def fill(text: str, ids: dict[str, str]) -> str:
    for name, value in ids.items():
        text = text.replace("{" + name + "}", value)
    return text


@pytest.mark.parametrize("vector", VECTORS, ids=lambda p: p.stem)
def test_failure_vector(vector, pristine, tmp_path):
    spec = json.loads(vector.read_text())
    source, ids, originals = pristine
    path = copy_vault(source, tmp_path)
    with sqlite3.connect(path) as conn:
        conn.create_function("flip", 2, flip)
        for statement in spec["sql"]:
            conn.execute(fill(statement, ids))
    expect = spec["expect"]
    if expect["stage"] == "open":
        with pytest.raises(WaymarkError, match=expect["error"]):
            Vault.open(path)
        return
    vault = Vault.open(path)
    if expect["stage"] == "unlock":
        with pytest.raises(IntegrityError, match=expect["error"]):
            vault.unlock(PASSPHRASE)
        assert not vault.is_unlocked
        return
    vault.unlock(PASSPHRASE)
    report = vault.verify()
    assert not report.ok
    for problem in expect["problems"]:
        assert fill(problem, ids) in report.problems, report.problems
    for name in expect.get("show_refuses", []):
        with pytest.raises((IntegrityError, NotFound, StorageError)):
            vault.note(ids[name])
    for name in expect.get("readable", []):
        assert vault.note(ids[name]) == originals[ids[name]]
    if expect.get("list_refuses"):
        with pytest.raises(StorageError):
            vault.list_notes()
    else:
        vault.list_notes()  # the list still works, marking the damage
    vault.close()


def test_every_vector_has_a_description_and_an_expected_outcome():
    assert len(VECTORS) >= 15
    for vector in VECTORS:
        spec = json.loads(vector.read_text())
        assert spec["description"] and spec["sql"] and spec["expect"]["stage"]


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_flipping_any_bit_of_the_file_never_shows_altered_text(data, pristine, tmp_path_factory):
    """Whatever byte is hit: a clear refusal, or verify names a problem, or every note reads
    back exactly as saved. Never altered text, never a traceback."""
    source, ids, originals = pristine
    raw = source.read_bytes()
    index = data.draw(st.integers(0, len(raw) - 1), label="byte")
    bit = data.draw(st.integers(0, 7), label="bit")
    damaged = bytearray(raw)
    damaged[index] ^= 1 << bit
    path = tmp_path_factory.mktemp("flip") / "vault.sqlite3"
    path.write_bytes(bytes(damaged))
    original_sleep = helper.vault.unlocking.time.sleep
    # A flipped failure counter must not stall us.
    helper.vault.unlocking.time.sleep = lambda _s: None
    try:
        vault = Vault.open(path)
        vault.unlock(PASSPHRASE)
    except WaymarkError:
        return
    finally:
        helper.vault.unlocking.time.sleep = original_sleep
    with vault:
        shown = {}
        for nid in ids.values():
            try:
                shown[nid] = vault.note(nid)
            except WaymarkError:
                continue
            assert shown[nid] == originals[nid], "altered text was shown"
        try:
            vault.list_notes()
            vault.search("zebra")
            report = vault.verify()
        except WaymarkError:
            return
        if report.ok:
            assert shown == originals

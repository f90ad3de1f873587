"""The vault end to end on a real SQLite file: save, revise, delete, list, search, export,
passphrase change and recovery, and that nothing readable ever reaches the disk."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helper.errors import BadInput, IntegrityError, NotFound, StorageError, WrongPassphrase
from helper.vault import Vault, unlock_delay
from helper.vault.notes import validate_fields
from tests.support.modes import assert_mode
from tests.support.vaults import CHILD, NARRATIVE, PASSPHRASE, sample_fields, unlocked


def test_a_note_round_trips_with_every_revision_and_its_sign_off(vault_path):
    vault, code = Vault.create(PASSPHRASE, vault_path)
    assert len(code.split("-")) == 8
    note_id = vault.new_note(sample_fields(), "J Smith")
    assert vault.revise(note_id, sample_fields(status="referred"), "A Khan") == 2
    vault.close()
    with unlocked(vault_path) as again:
        note = again.note(note_id)
    assert [r.number for r in note.revisions] == [1, 2]
    assert note.revisions[0].signed_by == "J Smith" and note.latest.signed_by == "A Khan"
    assert note.revisions[0].fields["status"] == "open"
    assert note.latest.fields["status"] == "referred"
    assert note.latest.fields["narrative"] == NARRATIVE
    assert note.revisions[0].saved_at < note.latest.saved_at


def test_list_is_newest_first_and_search_ignores_case(vault_path):
    vault, _ = Vault.create(PASSPHRASE, vault_path)
    first = vault.new_note(sample_fields(), "J")
    second = vault.new_note(sample_fields(concern="cyberbullying", narrative="mean posts"), "J")
    summaries = vault.list_notes()
    assert [s.id for s in summaries] == [second, first]
    assert summaries[0].concern == "cyberbullying" and summaries[0].status == "open"
    assert vault.search("ZEBRA-QUARTZ") == [first]
    assert vault.search("Mean Posts") == [second]
    assert vault.search("nothing like this") == []


def test_delete_needs_a_reason_removes_the_text_and_keeps_a_record(vault_path):
    vault, _ = Vault.create(PASSPHRASE, vault_path)
    note_id = vault.new_note(sample_fields(), "J")
    with pytest.raises(BadInput, match="reason"):
        vault.delete_note(note_id, "  ", "J")
    vault.delete_note(note_id, "Recorded twice by mistake", "J Smith")
    note = vault.note(note_id)
    assert note.revisions == () and note.deleted.reason == "Recorded twice by mistake"
    assert vault.list_notes()[0].deleted
    with pytest.raises(NotFound):
        vault.revise(note_id, sample_fields(), "J")
    assert vault.verify().ok
    vault.close()
    with sqlite3.connect(vault_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM revisions").fetchone()[0] == 0
        actions = [r[0] for r in conn.execute("SELECT action FROM audit ORDER BY seq")]
    assert actions[-1] == "delete"


def test_nothing_readable_is_stored_on_disk(vault_path):
    vault, code = Vault.create(PASSPHRASE, vault_path)
    note_id = vault.new_note(sample_fields(), "Jemima Smithson")
    vault.delete_note(vault.new_note(sample_fields(narrative="Gone-words xyzzy"), "J"), "dup", "J")
    vault.close()
    data = vault_path.read_bytes()
    for secret in (NARRATIVE, "Jemima Smithson", "grooming", "Roblox", "xyzzy", PASSPHRASE, code):
        assert secret.encode() not in data
    assert note_id.encode() in data  # ids are the metadata we keep in clear
    assert_mode(vault_path, 0o600)
    assert not list(vault_path.parent.glob("*.new"))


def test_create_never_overwrites(vault_path):
    Vault.create(PASSPHRASE, vault_path)[0].close()
    before = vault_path.read_bytes()
    with pytest.raises(StorageError, match="already exists"):
        Vault.create(PASSPHRASE, vault_path)
    assert vault_path.read_bytes() == before


def test_wrong_passphrase_is_one_generic_error_and_counts_toward_a_slow_down(vault_path):
    Vault.create(PASSPHRASE, vault_path)[0].close()
    vault = Vault.open(vault_path)
    for _ in range(2):
        with pytest.raises(WrongPassphrase) as err:
            vault.unlock("not the passphrase")
        assert str(err.value) == "Cannot unlock the vault with that passphrase."
    assert not vault.is_unlocked
    assert vault._failures() == 2  # persisted, so a new process is slowed too
    vault.unlock(PASSPHRASE)
    assert vault._failures() == 0


def test_the_slow_down_grows_and_is_capped():
    assert [unlock_delay(n) for n in (0, 1, 2, 3, 4, 5)] == [0, 0, 0, 1, 2, 4]
    assert unlock_delay(100) == 30


def test_locked_vault_refuses_to_read(vault_path):
    vault, _ = Vault.create(PASSPHRASE, vault_path)
    vault.lock()
    with pytest.raises(Exception, match="locked"):
        vault.list_notes()


def test_passphrase_change_and_recovery_keep_every_note(vault_path):
    vault, code = Vault.create(PASSPHRASE, vault_path)
    note_id = vault.new_note(sample_fields(), "J")
    vault.change_passphrase(PASSPHRASE, "a new passphrase")
    vault.close()
    vault = Vault.open(vault_path)
    with pytest.raises(WrongPassphrase):
        vault.unlock(PASSPHRASE)
    new_code = vault.recover(code.lower().replace("-", " "), "recovered passphrase")
    assert new_code != code
    with pytest.raises(WrongPassphrase, match="recovery code"):
        vault.recover(code, "another passphrase")  # one-time: the old code is used up
    vault.close()
    with Vault.open(vault_path) as again:
        again.unlock("recovered passphrase")
        assert again.note(note_id).latest.fields["child"] == CHILD
        assert again.verify().ok


def test_export_is_printable_escaped_and_self_contained(vault_path):
    vault, _ = Vault.create(PASSPHRASE, vault_path)
    note_id = vault.new_note(
        sample_fields(narrative='<script>alert(1)</script> <a href="https://evil.test">x</a>'),
        "J <b>Smith</b>",
    )
    text = vault.export([note_id], "text")
    assert "<script>alert(1)</script>" in text and "Revision 1, signed by J <b>Smith</b>" in text
    page = vault.export([note_id], "html")
    assert "<script" not in page and "&lt;script&gt;" in page
    assert 'href="' not in page and "src=" not in page and "@import" not in page
    assert "default-src 'none'" in page
    with pytest.raises(BadInput):
        vault.export([note_id], "pdf")


def test_ten_thousand_encryptions_never_repeat_a_nonce(vault_path):
    vault, _ = Vault.create(PASSPHRASE, vault_path)
    vault._conn.execute("PRAGMA synchronous = OFF")  # only to keep 10,000 saves quick
    note_id = vault.new_note({"concern": "grooming"}, "J")
    for _ in range(9_999):
        vault.revise(note_id, {"concern": "grooming"}, "J")
    nonces = [r[0] for r in vault._conn.execute("SELECT nonce FROM revisions")]
    assert len(nonces) == 10_000 and len(set(nonces)) == 10_000
    assert len({len(n) for n in nonces}) == 1


def test_oversized_note_is_refused_and_nothing_is_saved(vault_path):
    vault, _ = Vault.create(PASSPHRASE, vault_path)
    big = {name: "x" * 19_000 for name in ("narrative", "facts", "opinion", "actions", "present")}
    big["child_words"] = "y" * 19_000
    with pytest.raises(BadInput, match="too large"):
        vault.new_note({"concern": "grooming", **big}, "J")
    assert vault.list_notes() == []


def test_a_forged_revision_is_refused_but_other_notes_stay_readable(two_note_vault):
    path, a, b = two_note_vault
    with sqlite3.connect(path) as conn:
        ct = conn.execute("SELECT ct FROM revisions WHERE note_id=? AND number=1", (a,)).fetchone()
        forged = bytes([ct[0][0] ^ 1]) + ct[0][1:]
        conn.execute("UPDATE revisions SET ct=? WHERE note_id=? AND number=1", (forged, a))
    with unlocked(path) as vault:
        with pytest.raises(IntegrityError, match="revision 1"):
            vault.note(a)
        assert vault.note(b).latest.fields["narrative"] == "other note"
        report = vault.verify()
    assert report.problems == [f"Note {a}: revision 1 has been altered or damaged."]


text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="<")
    | st.sampled_from("\n\t"),
    max_size=200,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    narrative=text,
    words=text,
    age=st.none() | st.integers(0, 25),
    status=st.sampled_from(["open", "referred", "closed"]),
)
def test_any_valid_note_round_trips_through_the_vault(tmp_path_factory, narrative, words, age,
                                                      status):  # fmt: skip
    raw = {"concern": "grooming", "narrative": narrative, "child_words": words,
           "child_age": age, "status": status}  # fmt: skip
    try:
        expected = validate_fields(raw)
    except BadInput:
        return  # refused before saving (e.g. text that happens to decode as an image)
    path = tmp_path_factory.mktemp("rt") / "vault.sqlite3"
    vault, _ = Vault.create(PASSPHRASE, path)
    note_id = vault.new_note(raw, "J")
    vault.close()
    with unlocked(path) as again:
        assert again.note(note_id).latest.fields == expected
        assert again.list_notes()[0].status == status


def test_subkeys_are_exactly_rfc_5869_hkdf_sha256_as_cryptography_computes_it():
    """Vaults made with cryptography's HKDF must keep opening: the hand-written derivation
    (which leaves no copy of the key in freed memory) gives the very same bytes."""
    import secrets

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    from helper.vault import keys

    for purpose in ("waymark/v1 notes", "waymark/v1 audit", "waymark/v1 header", "x"):
        key = secrets.token_bytes(32)
        reference = HKDF(hashes.SHA256(), 32, salt=None, info=purpose.encode()).derive(key)
        assert keys.subkey(key, purpose) == reference
        assert keys.subkey(bytearray(key), purpose) == reference

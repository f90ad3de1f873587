"""Hand-over between two real vaults (HANDOVER.md): a member of staff hands a note to the DSL and
the DSL hands it back, with every revision, tick, told entry and the provenance intact; the
bundle opens with pyrage on its own and its signature checks out; and every refusal in
handover_vectors/ leaves the receiving vault byte-for-byte unchanged."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from helper.vault import Vault, bundle, contacts, followups, handover, identity
from helper.vault.bundle import HandoverRefused
from helper.vault.chronology import chronology
from tests.support.modes import assert_mode
from tests.support.vaults import NARRATIVE, PASSPHRASE, sample_fields, unlocked

VECTORS = sorted((Path(__file__).parent / "handover_vectors").glob("*.json"))
TICKS = {"tell-dsl": "2025-03-01T10:00:00+00:00", "write-it-down": "2025-03-01T10:20:00+00:00"}
CHILD_REF = "JB-0412"


@dataclass
class World:
    staff: Vault
    dsl: Vault
    third: Vault
    note_id: str
    bundle_path: Path


def introduce(a: Vault, b: Vault, name_of_b: str) -> None:
    """a adds b as a contact, as a person would after checking b's details on paper."""
    other = identity.load(b)
    contacts.add(a, name_of_b, other.recipient, other.fingerprint)


def build_world(root: Path) -> tuple[Path, Path, Path, str]:
    paths = [root / f"{name}.sqlite3" for name in ("staff", "dsl", "third")]
    staff, dsl, third = (Vault.create(PASSPHRASE, p)[0] for p in paths)
    note_id = staff.new_note(sample_fields(checklist=TICKS, child_ref=CHILD_REF), "J Smith")
    staff.revise(
        note_id, sample_fields(checklist=TICKS, status="referred", child_ref=CHILD_REF), "J Smith"
    )
    # Casework events (bundle version 2): one follow-up left open (due at a time), one set and
    # done (due on a day). In the bundle: [0] open, [1] set, [2] done.
    followups.add(staff, note_id, "Ring the MASH for the outcome", "2027-01-05T09:30", "J Smith")
    done = followups.add(staff, note_id, "Write to the parents", "2027-01-04", "J Smith")
    followups.complete(staff, note_id, done, "A Jones", "Letter posted")
    introduce(staff, dsl, "R Patel (DSL)")
    introduce(dsl, staff, "J Smith")
    introduce(third, staff, "J Smith")
    for vault in (staff, dsl, third):
        vault.close()
    return *paths, note_id


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> tuple[Path, Path, Path, str]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WAYMARK_KDF_FAST", "1")
        mp.setenv("WAYMARK_TESTING", "1")
        return build_world(tmp_path_factory.mktemp("handover-world"))


@pytest.fixture
def world(pristine, tmp_path) -> World:
    copies = []
    for src in pristine[:3]:
        dst = tmp_path / src.name
        shutil.copyfile(src, dst)
        copies.append(dst)
    staff, dsl, third = (unlocked(p) for p in copies)
    out = tmp_path / "out" / "to-dsl.age"
    out.parent.mkdir()
    handover.hand_over(
        staff, [pristine[3]], out, to=contacts.find(staff, "R Patel (DSL)"), signed_by="J Smith"
    )
    yield World(staff, dsl, third, pristine[3], out)
    for vault in (staff, dsl, third):
        vault.close()


# ---- the journey --------------------------------------------------------------------------------
def test_note_goes_to_the_dsl_and_back_with_its_whole_history(world):
    original = world.staff.note(world.note_id)
    assert len(original.revisions) == 3  # two edits and the "handed over" revision
    marked = original.latest.fields
    assert "Handed over to R Patel (DSL)" in marked["actions"]
    assert marked["told"][-1]["name"] == "R Patel (DSL)"

    done = handover.import_bundle(world.dsl, world.bundle_path.read_bytes())
    [dsl_id] = done.note_ids
    assert done.sender.name == "J Smith" and not done.trusted_now
    received = world.dsl.note(dsl_id)
    assert dsl_id != world.note_id
    sent = original.revisions[:2]  # the bundle holds the note as it was before the mark
    assert [r.fields for r in received.revisions] == [r.fields for r in sent]
    assert [r.saved_at for r in received.revisions] == [r.saved_at for r in sent]
    assert [r.signed_by for r in received.revisions] == ["J Smith", "J Smith"]
    assert received.latest.fields["checklist"] == TICKS
    assert received.latest.fields["narrative"] == NARRATIVE
    [hop] = handover.provenance(world.dsl, dsl_id)
    assert hop["known_as"] == "J Smith" and hop["original_id"] == world.note_id
    assert hop["vault_id"] == world.staff.vault_id
    assert [e["action"] for e in hop["audit"]] == ["create", "revise", *["casework"] * 3]
    assert world.dsl.verify().ok and world.staff.verify().ok

    # The DSL adds a revision, then hands it back to the member of staff.
    world.dsl.revise(dsl_id, dict(received.latest.fields, status="closed"), "R Patel")
    back = world.bundle_path.with_name("back.age")
    staff_contact = contacts.find(world.dsl, "J Smith")
    handover.hand_over(world.dsl, [dsl_id], back, to=staff_contact, signed_by="R Patel")
    returned = handover.import_bundle(world.staff, back.read_bytes())
    [staff_copy] = returned.note_ids
    assert returned.sender.name == "R Patel (DSL)"
    history = world.staff.note(staff_copy)
    assert [r.signed_by for r in history.revisions] == ["J Smith", "J Smith", "R Patel"]
    assert history.latest.fields["status"] == "closed"
    hops = handover.provenance(world.staff, staff_copy)
    assert [h["known_as"] for h in hops] == ["J Smith", "R Patel (DSL)"]
    assert world.staff.verify().ok


def _followups_shown(items) -> list[tuple[str, ...]]:
    """Everything a person sees of a follow-up: what, due, who set it and when, who did it,
    when, and the outcome."""
    return [
        (f.id, f.what, f.due, f.set_at, f.set_by, f.step, f.done_at, f.done_by, f.outcome)
        for f in items
    ]


def test_follow_ups_go_to_the_dsl_and_back_with_their_who_and_when(world):
    """Version 2 bundles carry the casework events: a follow-up left open and one marked done
    arrive with the same text, due, set-by/at and done-by/at; the DSL's `notes due`, the
    chronology and verify see them under the DSL's own id for the note; and the same holds on
    the way back, with what the DSL added."""
    sent = followups.followups(world.staff, world.note_id)
    assert [f.done for f in sent] == [False, True] and sent[1].done_by == "A Jones"
    [dsl_id] = handover.import_bundle(world.dsl, world.bundle_path.read_bytes()).note_ids
    received = followups.followups(world.dsl, dsl_id)
    assert _followups_shown(received) == _followups_shown(sent)
    assert [(d["note"], d["followup"], d["what"], d["due"]) for d in followups.due(world.dsl)] == [
        (dsl_id, sent[0].id, "Ring the MASH for the outcome", sent[0].due)
    ]
    events = [e for e in chronology(world.dsl, CHILD_REF) if e["kind"].startswith("follow-up")]
    assert [(e["kind"], e["note"]) for e in events] == [
        ("follow-up", dsl_id),
        ("follow-up", dsl_id),
        ("follow-up-done", dsl_id),
    ]
    assert "Follow-up done by A Jones: Write to the parents. Outcome: Letter posted" in str(events)
    logged = world.dsl._conn.execute(
        "SELECT at, revision FROM audit WHERE action = 'casework' AND note_id = ? ORDER BY seq",
        (dsl_id,),
    ).fetchall()
    assert [at for at, _ in logged] == [sent[0].set_at, sent[1].set_at, sent[1].done_at]
    assert world.dsl.verify().ok

    # The DSL closes the open one and sets another, then hands the note back.
    followups.complete(world.dsl, dsl_id, sent[0].id, "R Patel", "MASH: no further action")
    followups.add(world.dsl, dsl_id, "Check in with the child", "2027-02-01", "R Patel")
    at_dsl = followups.followups(world.dsl, dsl_id)
    back = world.bundle_path.with_name("back.age")
    handover.hand_over(
        world.dsl, [dsl_id], back, to=contacts.find(world.dsl, "J Smith"), signed_by="R Patel"
    )
    [staff_copy] = handover.import_bundle(world.staff, back.read_bytes()).note_ids
    returned = followups.followups(world.staff, staff_copy)
    assert _followups_shown(returned) == _followups_shown(at_dsl)
    assert [(f.done, f.done_by) for f in returned] == [
        (True, "R Patel"),
        (True, "A Jones"),
        (False, ""),
    ]
    # The staff vault's own original keeps its follow-ups; the copy's open one is due too.
    due_here = {(d["note"], d["what"]) for d in followups.due(world.staff)}
    assert due_here == {
        (world.note_id, "Ring the MASH for the outcome"),
        (staff_copy, "Check in with the child"),
    }
    assert world.staff.verify().ok and world.dsl.verify().ok
    # A follow-up added after the import continues the numbering, and verify still agrees.
    followups.add(world.staff, staff_copy, "Close the file", "2027-03-01", "J Smith")
    assert world.staff.verify().ok


def test_a_version_1_bundle_without_follow_ups_is_still_imported(world):
    """Bundles written before follow-ups travelled (version 1: no `casework` key) are read as
    they always were: the notes arrive with no follow-ups."""
    plaintext = pyrage.decrypt(
        world.bundle_path.read_bytes(), [identity.load(world.dsl).age_identity]
    )
    body = json.loads(plaintext.split(b"\n")[1])
    body["version"] = 1
    for note in body["notes"]:
        del note["casework"]
    raw = bundle.canonical(body)
    signature = identity.load(world.staff).signing_key.sign(b"waymark/v1 handover\n" + raw)
    payload = b"waymark-handover/1\n" + raw + b"\n--- " + bundle.b64(signature).encode() + b"\n"
    data = pyrage.encrypt(payload, [identity.load(world.dsl).age_identity.to_public()])
    [dsl_id] = handover.import_bundle(world.dsl, data).note_ids
    assert followups.followups(world.dsl, dsl_id) == []
    assert world.dsl.note(dsl_id).latest.fields["child_ref"] == CHILD_REF
    assert world.dsl.verify().ok


def test_the_follow_up_cap_is_checked_before_anything_else(world):
    """At most MAX_EVENTS casework events per note: one more is refused even when each is valid."""
    event = {"kind": "follow-up", "at": "2026-11-30T10:00:00.000000+00:00", "due": "2027-01-04",
             "step": "", "signed_by": "J Smith", "what": "Ring"}  # fmt: skip
    many = [dict(event, id=f"{n:08x}") for n in range(bundle.MAX_EVENTS + 1)]
    assert len(bundle._casework(many[:-1])) == bundle.MAX_EVENTS
    with pytest.raises(ValueError, match="bad casework"):
        bundle._casework(many)


def test_bundle_opens_with_pyrage_alone_and_the_signature_inside_checks_out(world, tmp_path):
    """The standard age implementation (pyrage, i.e. rage) decrypts it with the DSL's identity;
    the payload's Ed25519 signature verifies with the key whose fingerprint the DSL trusts."""
    dsl_identity = identity.load(world.dsl)
    raw_identity = pyrage.x25519.Identity.from_str(str(dsl_identity.age_identity))
    plaintext = pyrage.decrypt(world.bundle_path.read_bytes(), [raw_identity])
    first, body, signature_line, end = plaintext.split(b"\n")
    assert first == b"waymark-handover/2" and end == b""
    assert signature_line.startswith(b"--- ")
    parsed = json.loads(body)
    public = bundle.unb64(parsed["sender"]["signing_key"], 32)
    Ed25519PublicKey.from_public_bytes(public).verify(
        bundle.unb64(signature_line[4:].decode(), 64), b"waymark/v1 handover\n" + body
    )
    assert identity.fingerprint_of(public) == contacts.find(world.dsl, "J Smith").fingerprint
    assert parsed["to"] == [dsl_identity.recipient]
    assert parsed["notes"][0]["revisions"][0]["fields"]["narrative"] == NARRATIVE


def test_nothing_in_clear_on_disk(world):
    data = world.bundle_path.read_bytes()
    # The child's initials as the canonical JSON holds them: bare "QZ" turns up by chance in
    # random ciphertext or base64 about one run in twenty.
    for secret in (NARRATIVE, "he said dont tell mum", "J Smith", '"QZ"'):
        assert secret.encode() not in data
    assert_mode(world.bundle_path, 0o600)
    assert sorted(p.name for p in world.bundle_path.parent.iterdir()) == ["to-dsl.age"]
    handover.import_bundle(world.dsl, data)
    for vault in (world.staff, world.dsl):
        raw = vault.path.read_bytes()
        assert NARRATIVE.encode() not in raw and b"R Patel" not in raw and b"J Smith" not in raw


def test_also_me_lets_the_sender_reopen_it_and_still_refuses_to_import_it(world):
    out = world.bundle_path.with_name("both.age")
    to = contacts.find(world.staff, "R Patel (DSL)")
    handover.hand_over(world.staff, [world.note_id], out, to=to, also_me=True)
    mine = identity.load(world.staff).age_identity
    assert b"waymark-handover/2" in pyrage.decrypt(out.read_bytes(), [mine])
    with pytest.raises(HandoverRefused, match="made by this vault"):
        handover.import_bundle(world.staff, out.read_bytes())
    assert handover.import_bundle(world.dsl, out.read_bytes()).note_ids


def test_passphrase_bundle_for_someone_with_no_contact_yet(world):
    """scrypt is slow by design (about 3 s here), so one test covers both ways of it."""
    out = world.bundle_path.with_name("pass.age")
    handover.hand_over(world.staff, [world.note_id], out, passphrase="a long file passphrase")
    data = out.read_bytes()
    assert bundle.needs_passphrase(data) and not bundle.needs_passphrase(
        world.bundle_path.read_bytes()
    )
    with pytest.raises(HandoverRefused, match="passphrase does not open"):
        handover.import_bundle(world.third, data, passphrase="not the passphrase")
    contacts.remove(world.third, "J Smith")
    done = handover.import_bundle(
        world.third, data, passphrase="a long file passphrase", trust_new=True
    )
    assert done.trusted_now and done.sender.name == "J Smith"
    assert (
        contacts.find(world.third, "J Smith").fingerprint == identity.load(world.staff).fingerprint
    )


def test_trust_new_adds_the_signer_once_checked(world):
    contacts.remove(world.dsl, "J Smith")
    with pytest.raises(HandoverRefused, match="not one of your contacts"):
        handover.import_bundle(world.dsl, world.bundle_path.read_bytes())
    done = handover.import_bundle(world.dsl, world.bundle_path.read_bytes(), trust_new=True)
    assert done.trusted_now and len(done.note_ids) == 1
    assert world.dsl.verify().ok


def test_verify_names_a_damaged_record_of_where_a_note_came_from(world, tmp_path):
    [dsl_id] = handover.import_bundle(world.dsl, world.bundle_path.read_bytes()).note_ids
    assert world.dsl.verify().ok
    path = world.dsl.path
    world.dsl.close()
    with sqlite3.connect(path) as conn:  # flip one byte of the sealed provenance, from outside
        [(ct,)] = conn.execute("SELECT ct FROM provenance WHERE note_id = ?", (dsl_id,))
        conn.execute(
            "UPDATE provenance SET ct = ? WHERE note_id = ?",
            (bytes([ct[0] ^ 1]) + ct[1:], dsl_id),
        )
    conn.close()
    world.dsl = unlocked(path)
    report = world.dsl.verify()
    assert not report.ok
    assert f"Note {dsl_id}: the record of where it came from has been altered" in " ".join(
        report.problems
    )


def test_deleted_note_is_not_handed_over(world):
    doomed = world.staff.new_note(sample_fields(), "J Smith")
    world.staff.delete_note(doomed, "Written in error", "J Smith")
    to = contacts.find(world.staff, "R Patel (DSL)")
    with pytest.raises(Exception, match="deleted"):
        handover.hand_over(world.staff, [doomed], world.bundle_path.with_name("x.age"), to=to)
    assert not world.bundle_path.with_name("x.age").exists()


def test_contacts_are_sealed_checked_and_logged(world):
    with pytest.raises(Exception, match="age recipient"):
        contacts.add(world.dsl, "Someone", "age1nope", "0" * 32)
    with pytest.raises(Exception, match="fingerprint"):
        contacts.add(world.dsl, "Someone", identity.load(world.third).recipient, "xyz")
    with pytest.raises(Exception, match="already"):
        introduce(world.dsl, world.staff, "j smith")
    actions = [r[0] for r in world.dsl._conn.execute("SELECT action FROM audit")]
    assert "contact-add" in actions and "identity" in actions
    assert b"J Smith" not in world.dsl.path.read_bytes()


# ---- failure vectors ----------------------------------------------------------------------------
def _edit(body: dict[str, Any], path: list, value: Any) -> None:
    target = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


def _payload(plaintext: bytes, spec: dict[str, Any], world: World) -> bytes:
    first, body_raw, sig_line, _ = plaintext.split(b"\n")
    body = json.loads(body_raw)
    for path, value in spec.get("edit", []):
        _edit(body, path, value)
    if spec.get("grow"):  # a list made of its first item, n times (a count over a cap)
        path, times = spec["grow"]
        target = body
        for step in path:
            target = target[step]
        target[:] = [target[0]] * times
    edited = spec.get("edit") or spec.get("grow")
    raw = body_raw if not edited else bundle.canonical(body)
    if spec.get("indent"):
        raw = json.dumps(body, indent=1, sort_keys=True).replace("\n", "").encode()
    signer = spec.get("resign")
    if signer:
        key = (
            identity.load(world.staff).signing_key
            if signer == "sender"
            else Ed25519PrivateKey.generate()
        )
        if signer != "sender":
            body["sender"]["signing_key"] = bundle.b64(identity.public_bytes(key.public_key()))
            raw = bundle.canonical(body)
        sig_line = b"--- " + bundle.b64(key.sign(b"waymark/v1 handover\n" + raw)).encode()
    if spec.get("flip_signature"):
        sig = bytearray(bundle.unb64(sig_line[4:].decode(), 64))
        sig[10] ^= 1
        sig_line = b"--- " + bundle.b64(bytes(sig)).encode()
    if spec.get("first_line"):
        first = spec["first_line"].encode()
    return first + b"\n" + raw + b"\n" + sig_line + b"\n" + spec.get("append", "").encode()


def _flip(data: bytes, index: int) -> bytes:
    out = bytearray(data)
    out[index] ^= 1
    return bytes(out)


def make_bundle(make: dict[str, Any], world: World) -> bytes:
    if make.get("file") == "not-age":
        return b"Dear DSL, please see the attached note.\n"
    if make.get("file") == "oversized":
        return bundle.AGE_MAGIC + bytes(bundle.MAX_BUNDLE_BYTES + 1 - len(bundle.AGE_MAGIC))
    data = world.bundle_path.read_bytes()
    if "payload" in make or "encrypt_to" in make:
        plaintext = pyrage.decrypt(data, [identity.load(world.dsl).age_identity])
        if "payload" in make:
            plaintext = _payload(plaintext, make["payload"], world)
        targets = {
            "dsl": world.dsl,
            "staff": world.staff,
            "third": world.third,
        }
        recipients = []
        for name in make.get("encrypt_to", ["dsl"]):
            if name == "stranger":
                recipients.append(pyrage.x25519.Identity.generate().to_public())
            else:
                recipients.append(identity.load(targets[name]).age_identity.to_public())
        data = pyrage.encrypt(plaintext, recipients)
    damage = make.get("age", {})
    if "truncate" in damage:
        data = data[: -damage["truncate"]]
    if "flip_from_end" in damage:
        data = _flip(data, len(data) - damage["flip_from_end"])
    if "flip_at" in damage:
        data = _flip(data, damage["flip_at"])
    if "flip_after_header" in damage:
        data = _flip(data, data.index(b"\n---") + damage["flip_after_header"])
    return data


@pytest.mark.parametrize("vector", VECTORS, ids=lambda p: p.stem)
def test_failure_vector_is_refused_and_changes_nothing(vector, world, tmp_path):
    spec = json.loads(vector.read_text())
    make = spec["make"]
    receiver = {"dsl": world.dsl, "staff": world.staff, "third": world.third}[
        make.get("receiver", "dsl")
    ]
    if make.get("receiver_contacts") in ("none", "same-name-other-key"):
        contacts.remove(receiver, "J Smith")
    if make.get("receiver_contacts") == "same-name-other-key":
        other = identity.load(world.third)
        contacts.add(receiver, "J Smith", other.recipient, other.fingerprint)
    data = make_bundle(make, world)
    source = tmp_path / "incoming.age"
    source.write_bytes(data)
    if make.get("import_twice"):
        handover.import_bundle(receiver, data)
    identity.load(receiver)  # made on first use: not part of what the import must not change
    before = receiver.path.read_bytes()
    with pytest.raises(HandoverRefused) as refused:
        handover.import_bundle(receiver, bundle.read_capped(source))
    message = str(refused.value)
    assert spec["expect"] in message
    if spec.get("shows_fingerprint"):
        assert identity.load(world.staff).fingerprint in message
    assert receiver.path.read_bytes() == before
    assert receiver.verify().ok


def test_a_vault_from_before_hand_over_gains_its_tables_and_still_verifies(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    Vault.create(PASSPHRASE, path)[0].close()
    conn = sqlite3.connect(path)
    for table in ("identity", "contacts", "received_bundles", "provenance"):
        conn.execute(f"DROP TABLE {table}")
    conn.commit()
    conn.close()
    vault = unlocked(path)
    assert vault.verify().ok
    assert identity.load(vault).recipient.startswith("age1")
    vault.close()

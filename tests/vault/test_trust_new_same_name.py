"""Trusting a new sender who signs with the name of a contact you already have (with another key):
Waymark once added them quietly as "NAME (2)". Now it says plainly that the name belongs to a
contact with a different key and imports nothing until the person confirms, by giving the new
contact a name of their own (`--trust-new --as NAME`; on the web, a confirmation step)."""

from __future__ import annotations

import json

import pytest

from helper.vault import contacts, handover, identity
from helper.vault.bundle import HandoverRefused
from tests.vault.test_handover import pristine as pristine
from tests.vault.test_handover import world as world
from tests.vault.test_handover_cli import introduce, make_env, ok, waymark
from tests.vault.test_handover_cli import pair as pair


@pytest.fixture
def namesake(world):
    """The DSL knows a different 'J Smith' (the third vault's key) and not the sender."""
    contacts.remove(world.dsl, "J Smith")
    other = identity.load(world.third)
    contacts.add(world.dsl, "J Smith", other.recipient, other.fingerprint)
    return world


def names(vault) -> list[tuple[str, str]]:
    return [(c.name, c.fingerprint) for c in contacts.list_contacts(vault)]


def test_a_namesake_is_not_added_quietly_and_nothing_is_imported(namesake):
    world = namesake
    before, known = world.dsl.path.read_bytes(), names(world.dsl)
    with pytest.raises(HandoverRefused) as refused:
        handover.import_bundle(world.dsl, world.bundle_path.read_bytes(), trust_new=True)
    message = str(refused.value)
    assert "The name J Smith belongs to a contact with a different key" in message
    assert identity.load(world.staff).fingerprint in message and "--as" in message
    assert refused.value.name == "J Smith" and refused.value.contact.name == "J Smith"
    assert world.dsl.path.read_bytes() == before and names(world.dsl) == known


def test_the_person_confirms_by_naming_the_new_contact(namesake):
    world = namesake
    for taken in ("J Smith", " j smith "):
        before = world.dsl.path.read_bytes()
        with pytest.raises(HandoverRefused, match="already belongs to a contact"):
            handover.import_bundle(
                world.dsl, world.bundle_path.read_bytes(), trust_new=True, new_name=taken
            )
        assert world.dsl.path.read_bytes() == before
    done = handover.import_bundle(
        world.dsl, world.bundle_path.read_bytes(), trust_new=True, new_name="J Smith (Year 7)"
    )
    assert done.trusted_now and done.sender.name == "J Smith (Year 7)"
    staff_fp = identity.load(world.staff).fingerprint
    assert ("J Smith (Year 7)", staff_fp) in names(world.dsl)
    assert not any(name.endswith("(2)") for name, _fp in names(world.dsl))
    [hop] = handover.provenance(world.dsl, done.note_ids[0])
    assert hop["known_as"] == "J Smith (Year 7)" and hop["from_name"] == "J Smith"
    assert world.dsl.verify().ok


def test_from_the_command_line(pair):
    staff, dsl, note_id, tmp = pair
    introduce(staff, dsl, "R Patel")
    stranger = make_env(tmp, "other")
    ok(stranger, "notes", "init")
    introduce(dsl, stranger, "J Smith")  # the DSL's J Smith is someone else
    out = tmp / "to-dsl.age"
    ok(staff, "notes", "handover", note_id, "--to", "R Patel", "--output", str(out),
       "--signed-by", "J Smith")  # fmt: skip
    vault_file = tmp / "dsl" / "waymark" / "vault.sqlite3"
    before = vault_file.read_bytes()
    refused = waymark(dsl, "notes", "import", str(out), "--trust-new")
    assert refused.returncode == 1 and not refused.stdout
    [line] = refused.stderr.strip().splitlines()
    assert "The name J Smith belongs to a contact with a different key" in line and "--as" in line
    assert vault_file.read_bytes() == before
    usage = waymark(dsl, "notes", "import", str(out), "--as", "J Smith (Year 7)")
    assert usage.returncode == 2 and "--trust-new" in usage.stderr
    done = waymark(dsl, "notes", "import", str(out), "--trust-new", "--as", "J Smith (Year 7)")
    assert done.returncode == 0, done.stderr
    listed = json.loads(ok(dsl, "notes", "contacts", "list", "--json"))
    assert sorted(c["name"] for c in listed) == ["J Smith", "J Smith (Year 7)"]

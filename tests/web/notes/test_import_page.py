"""The helper's "Import a hand-over" page with a real vault: a sender whose name is already a
contact's (with another key) is never added quietly, the page asks for a name of their own and
a confirmation first, holding the file; and a payload nested too deeply is one sentence, never a
500. Nothing is imported or added until the person confirms."""

from __future__ import annotations

import base64
import io
import re

import pytest

from helper.vault import Vault, contacts, handover, identity
from tests.support.bundles import sealed_payload
from tests.support.notes_pages import holder
from tests.support.vaults import PASSPHRASE


@pytest.fixture
def namesake(app, client, unlocked, tmp_path):
    """The served vault (the DSL's) knows a 'J Smith' with another key; the real J Smith (a
    second vault) hands a note over. Returns (the bundle, the real J Smith's fingerprint)."""
    staff, _ = Vault.create(PASSPHRASE, tmp_path / "staff.sqlite3")
    other, _ = Vault.create(PASSPHRASE, tmp_path / "other.sqlite3")
    try:
        with holder(app).use() as dsl:
            mine = dsl.call(identity.load)
            them = identity.load(other)
            dsl.call(contacts.add, "J Smith", them.recipient, them.fingerprint)
        contacts.add(staff, "R Patel", mine.recipient, mine.fingerprint)
        note = staff.new_note({"concern": "grooming", "narrative": "Words"}, "J Smith")
        out = tmp_path / "to-dsl.age"
        handover.hand_over(staff, [note], out, to=contacts.find(staff, "R Patel"))
        return out.read_bytes(), identity.load(staff).fingerprint
    finally:
        staff.close()
        other.close()


def state(app) -> tuple[list, list]:
    with holder(app).use() as vault:
        people = [(c.name, c.fingerprint) for c in vault.call(contacts.list_contacts)]
        return people, vault.list_notes()


def upload(client, csrf_token, data: bytes, **form: str):
    return client.post(
        "/pro/import",
        data={"csrf_token": csrf_token, "bundle": (io.BytesIO(data), "in.age"), **form},
        content_type="multipart/form-data",
    )


def confirm(client, csrf_token, pending: str, **form: str):
    """The confirmation step's form: the held file's id, and what the person gave."""
    data = {"csrf_token": csrf_token, "pending": pending, "trust_new": "on", **form}
    return client.post("/pro/import", data=data)


def test_a_namesake_needs_a_name_of_their_own_and_a_confirmation(app, client, csrf_token, namesake):
    data, fingerprint = namesake
    before = state(app)
    asked = upload(client, csrf_token, data, trust_new="on")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'id="import-confirm"' in page
    assert "that name belongs to" in page and fingerprint in page
    assert "Nothing has been imported" in page and 'id="import-done"' not in page
    assert state(app) == before
    pending = re.search(r'name="pending" value="([^"]+)"', page).group(1)

    unticked = confirm(client, csrf_token, pending, new_name="J Smith (Y7)")
    assert unticked.status_code == 400 and b"Tick the box" in unticked.data
    assert b'id="import-confirm"' in unticked.data and state(app) == before

    taken = confirm(client, csrf_token, pending, new_name="j smith", confirm="on")
    assert b"also belongs to one of your contacts" in taken.data and state(app) == before
    pending = re.search(r'name="pending" value="([^"]+)"', taken.get_data(as_text=True)).group(1)

    done = confirm(client, csrf_token, pending, new_name="J Smith (Y7)", confirm="on")
    assert done.status_code == 200 and b'id="import-done"' in done.data
    people, notes = state(app)
    assert ("J Smith (Y7)", fingerprint) in people and len(notes) == 1
    again = confirm(client, csrf_token, pending, new_name="Someone", confirm="on")
    assert again.status_code == 400 and b"Choose the hand-over file" in again.data


def test_a_deeply_nested_payload_is_one_sentence(app, client, csrf_token, unlocked):
    with holder(app).use() as vault:
        me = vault.call(identity.load)
    deep = b"[" * 100_000 + b"]" * 100_000
    plaintext = b"waymark-handover/2\n" + deep + b"\n--- " + base64.b64encode(bytes(64)) + b"\n"
    answer = upload(client, csrf_token, sealed_payload(plaintext, me))
    assert answer.status_code == 400
    assert b"does not match its contents" in answer.data

"""The hand-over flows are reachable: "Hand over to the DSL" on a note, "Import a hand-over" on
the notes list, "Your identity" in the menu and in settings, and "Hand over this child's
chronology" on the chronology page, which hands over every live note with that child reference
(the reference kept in the session, never in a URL). Real app, two real vaults."""

from __future__ import annotations

import pytest

from helper.vault import Vault, handover, identity
from tests.support.notes_pages import holder, write_note
from tests.support.vaults import PASSPHRASE


@pytest.fixture
def dsl(tmp_path, client, csrf_token, unlocked):
    """A second real vault (the DSL's), added as a contact of the served one."""
    vault, _ = Vault.create(PASSPHRASE, tmp_path / "dsl.sqlite3")
    me = identity.load(vault)
    added = client.post(
        "/pro/contacts",
        data={"csrf_token": csrf_token, "name": "R Patel", "recipient": me.recipient,
              "fingerprint": me.fingerprint},
    )  # fmt: skip
    assert added.status_code == 303, added.get_data(as_text=True)
    yield vault
    vault.close()


def test_every_hand_over_page_is_linked(client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token)
    note = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    assert f'href="/pro/notes/{note_id}/handover" id="handover">Hand over to the DSL</a>' in note
    listing = client.get("/pro/notes").get_data(as_text=True)
    assert 'href="/pro/import" id="import-handover">Import a hand-over</a>' in listing
    assert 'href="/pro/identity" id="nav-identity">Your identity</a>' in listing
    settings = client.get("/pro/settings").get_data(as_text=True)
    assert 'href="/pro/identity" id="settings-identity"' in settings
    for path in (f"/pro/notes/{note_id}/handover", "/pro/import", "/pro/identity"):
        assert client.get(path).status_code == 200, path


def test_hand_over_a_childs_chronology(app, client, csrf_token, dsl):
    first = write_note(client, csrf_token, child_ref="JB-0412")
    second = write_note(client, csrf_token, child_ref="jb-0412", borough="Camden")
    other = write_note(client, csrf_token, child_ref="KT-0001")
    client.post("/pro/chronology", data={"csrf_token": csrf_token, "ref": "JB-0412"})
    page = client.get("/pro/chronology").get_data(as_text=True)
    assert 'href="/pro/chronology/handover" id="handover-chronology"' in page
    form = client.get("/pro/chronology/handover")
    assert form.headers["Cache-Control"] == "no-store"
    text = form.get_data(as_text=True)
    assert "the whole chronology for JB-0412: 2 notes" in text
    assert 'action="/pro/chronology/handover"' in text
    got = client.post(
        "/pro/chronology/handover",
        data={"csrf_token": csrf_token, "to": "R Patel", "signed_by": "Sam Teacher"},
    )
    assert got.status_code == 200, got.get_data(as_text=True)[:500]
    assert got.headers["Content-Disposition"].startswith('attachment; filename="waymark-')
    assert b"JB-0412" not in got.data and b"Pupil said" not in got.data
    done = handover.import_bundle(dsl, got.data, trust_new=True)
    received = sorted(dsl.note(n).latest.fields["child_ref"] for n in done.note_ids)
    assert received == ["JB-0412", "jb-0412"]
    with holder(app).use() as vault:
        for note_id in (first, second):
            assert "Handed over to R Patel" in str(vault.note(note_id).latest.fields)
        assert "Handed over" not in str(vault.note(other).latest.fields)


def test_chronology_hand_over_without_a_reference_or_notes(client, csrf_token, dsl):
    bare = client.get("/pro/chronology/handover")
    assert bare.status_code == 303 and bare.headers["Location"] == "/pro/chronology"
    client.post("/pro/chronology", data={"csrf_token": csrf_token, "ref": "ZZ-9999"})
    empty = client.get("/pro/chronology/handover")
    assert empty.status_code == 400
    assert "No notes carry the child reference" in empty.get_data(as_text=True)
    refused = client.post(
        "/pro/chronology/handover",
        data={"csrf_token": csrf_token, "to": "R Patel", "signed_by": "Sam"},
    )
    assert refused.status_code == 400
    assert "attachment" not in refused.headers.get("Content-Disposition", "")


def test_note_page_says_where_an_imported_note_came_from(app, client, csrf_token, dsl):
    """The DSL's vault hands a note to the served one: its page names the sender (as this vault
    knows them, and as they signed), their fingerprint and vault; a note made here has no such
    block; a damaged provenance record is named and the rest of the note still shows."""
    import sqlite3

    from helper.vault import contacts

    with holder(app).use() as served:
        me = served.call(identity.load)
    contacts.add(dsl, "Served vault", me.recipient, me.fingerprint)
    note_id = dsl.new_note({"concern": "grooming", "narrative": "From the DSL"}, "Rita Patel")
    out = dsl.path.with_name("to-served.age")
    handover.hand_over(dsl, [note_id], out, to=contacts.find(dsl, "Served vault"))
    with holder(app).use() as served:
        [new_id] = served.call(handover.import_bundle, out.read_bytes()).note_ids
    page = client.get(f"/pro/notes/{new_id}").get_data(as_text=True)
    assert 'id="provenance"' in page and "From the DSL" in page
    # This vault knows the DSL as R Patel (the fixture's contact); the bundle is signed Rita Patel.
    assert "Handed over from <strong>R Patel</strong> (signed as Rita Patel)" in page
    assert f"(fingerprint <code>{identity.load(dsl).fingerprint}</code>)" in page
    assert (
        f"From vault <code>{dsl.vault_id}</code>, where it was note <code>{note_id}</code>" in page
    )
    local = write_note(client, csrf_token)
    assert 'id="provenance"' not in client.get(f"/pro/notes/{local}").get_data(as_text=True)

    with holder(app).use() as served:
        path = served.call(lambda v: v.path)
    with sqlite3.connect(path) as raw:
        ct = raw.execute("SELECT ct FROM provenance").fetchone()[0]
        raw.execute("UPDATE provenance SET ct = ?", (bytes([ct[0] ^ 1]) + ct[1:],))
    damaged = client.get(f"/pro/notes/{new_id}")
    text = damaged.get_data(as_text=True)
    assert damaged.status_code == 200 and 'id="provenance-error"' in text
    assert "record of where it came from has been altered or damaged" in text
    assert "From the DSL" in text

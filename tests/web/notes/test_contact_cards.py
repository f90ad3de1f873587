"""Hand-over set-up in the helper with contact cards: "Who is your DSL?" when the vault is made,
a DSL's card to copy or download, adding someone from their card after one step that shows
their fingerprint, and a DSL accepting a first-time sender the same way. Real app, real vaults
(the other side made directly with the vault's own functions); a bad card is one sentence."""

from __future__ import annotations

import re

import pytest

from helper.vault import Vault, contacts, handover, identity
from helper.vault.contact_card import card_line, parse_card
from tests.support.notes_pages import create_vault, holder, write_note
from tests.support.vaults import PASSPHRASE

DSL = "R Patel (DSL)"


@pytest.fixture
def other(tmp_path):
    """The vault on the other side of the hand-over."""
    vault, _ = Vault.create(PASSPHRASE, tmp_path / "other.sqlite3")
    yield vault
    vault.close()


def card_of(vault, name: str) -> str:
    me = identity.load(vault)
    return card_line(name, me.recipient, me.fingerprint)


def test_who_is_your_dsl_is_asked_once_when_the_vault_is_made(app, client, csrf_token, other):
    """A teacher pastes the DSL's card while making the vault; "Hand over" then works."""
    response = client.post(
        "/pro/create",
        data={
            "csrf_token": csrf_token,
            "passphrase": PASSPHRASE,
            "again": PASSPHRASE,
            "card": card_of(other, DSL) + "\n",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="recovery-code"' in page
    assert f"{DSL} is now your DSL contact" in page
    assert identity.load(other).fingerprint in page
    with holder(app).use() as vault:
        assert [c.name for c in vault.call(contacts.list_contacts)] == [DSL]
    note_id = write_note(client, csrf_token)
    form = client.get(f"/pro/notes/{note_id}/handover").get_data(as_text=True)
    assert f'<option value="{DSL}">' in form
    bundle = client.post(
        f"/pro/notes/{note_id}/handover",
        data={"csrf_token": csrf_token, "to": DSL, "signed_by": "Sam Teacher"},
    )
    assert bundle.status_code == 200 and bundle.mimetype == "application/octet-stream"
    # The DSL's side sees a first-time sender, and their fingerprint, before adding anything.
    from helper.vault.contact_card import new_sender

    with holder(app).use() as vault:
        teacher = vault.call(identity.load)
    sender = new_sender(other, bundle.data)
    assert sender is not None and sender.fingerprint == teacher.fingerprint
    done = handover.import_bundle(other, bundle.data, trust_new=True)
    assert len(done.note_ids) == 1 and new_sender(other, bundle.data) is None


def test_a_bad_dsl_card_when_making_the_vault_is_one_sentence_and_makes_nothing(
    app, client, csrf_token
):
    response = client.post(
        "/pro/create",
        data={"csrf_token": csrf_token, "passphrase": PASSPHRASE, "again": PASSPHRASE,
              "card": "age1 and some numbers"},
    )  # fmt: skip
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "That is not a Waymark contact card" in page
    assert not holder(app).exists()
    assert "age1 and some numbers" in page  # what they pasted is kept to correct


def test_the_dsl_shows_and_downloads_their_card(client, csrf_token, unlocked):
    page = client.post(
        "/pro/identity/card", data={"csrf_token": csrf_token, "card_name": DSL}
    ).get_data(as_text=True)
    line = re.search(r'<textarea id="card-line"[^>]*>([^<]+)</textarea>', page).group(1)
    card = parse_card(line.replace("&#39;", "'").replace("&amp;", "&"))
    assert card.name == DSL and card.recipient.startswith("age1")
    download = client.post(
        "/pro/identity/card.txt", data={"csrf_token": csrf_token, "card_name": DSL}
    )
    assert download.status_code == 200 and download.mimetype == "text/plain"
    assert 'filename="waymark-contact.txt"' in download.headers["Content-Disposition"]
    assert parse_card(download.get_data(as_text=True)) == card
    empty = client.post("/pro/identity/card", data={"csrf_token": csrf_token, "card_name": ""})
    assert empty.status_code == 400 and b"Give the contact a name" in empty.data


def test_adding_from_a_card_shows_the_fingerprint_first(app, client, csrf_token, unlocked, other):
    from io import BytesIO

    upload = (BytesIO((card_of(other, DSL) + "\n").encode()), "waymark-contact.txt")
    step = client.post(
        "/pro/contacts/card",
        data={"csrf_token": csrf_token, "card_file": upload},
        content_type="multipart/form-data",
    )
    page = step.get_data(as_text=True)
    assert step.status_code == 200
    assert f'<code id="card-fingerprint">{identity.load(other).fingerprint}</code>' in page
    with holder(app).use() as vault:
        assert vault.call(contacts.list_contacts) == []  # nothing added before "it matches"
    line = re.search(r'name="card" value="([^"]+)"', page).group(1).replace("&#39;", "'")
    added = client.post("/pro/contacts/card/add", data={"csrf_token": csrf_token, "card": line})
    assert added.status_code == 303
    with holder(app).use() as vault:
        assert [c.name for c in vault.call(contacts.list_contacts)] == [DSL]


@pytest.mark.parametrize(
    ("card", "sentence"),
    [
        ("", "Paste the contact card"),
        ("hello there", "That is not a Waymark contact card"),
        ("waymark-contact:v9:x:y:z", "newer version of Waymark"),
        ("waymark-contact:v1:R Patel:age1abc", "cut short"),
        ("waymark-contact:v1:R:age1qqqq:0000-0000-0000-0000-0000-0000-0000-0000", "damaged"),
    ],
)
def test_a_bad_card_on_the_identity_page_is_one_sentence(
    client, csrf_token, unlocked, card, sentence
):
    response = client.post("/pro/contacts/card", data={"csrf_token": csrf_token, "card": card})
    assert response.status_code == 400
    errors = re.findall(r'<p class="error"[^>]*>(.*?)</p>', response.get_data(as_text=True), re.S)
    assert len(errors) == 1 and sentence in errors[0]


def test_the_dsl_accepts_a_first_time_sender_in_one_step(app, client, csrf_token, other):
    """The served vault is the DSL's; the teacher's vault added the DSL from their card."""
    create_vault(client, csrf_token)
    with holder(app).use() as vault:
        me = vault.call(identity.load)
    card = parse_card(card_line(DSL, me.recipient, me.fingerprint))
    contacts.add(other, card.name, card.recipient, card.fingerprint)
    note_id = other.new_note({"concern": "grooming", "narrative": "Discord messages"}, "Sam T")
    out = other.path.with_name("to-dsl.age")
    handover.hand_over(other, [note_id], out, to=contacts.find(other, DSL))
    teacher_fp = identity.load(other).fingerprint

    def upload():
        from io import BytesIO

        return client.post(
            "/pro/import",
            data={"csrf_token": csrf_token, "bundle": (BytesIO(out.read_bytes()), "h.age")},
            content_type="multipart/form-data",
        ).get_data(as_text=True)

    page = upload()
    assert f'<code id="sender-fingerprint">{teacher_fp}</code>' in page
    assert "A hand-over from Sam T" in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    refused = client.post(
        "/pro/import/accept",
        data={"csrf_token": csrf_token, "token": token, "fingerprint": teacher_fp, "answer": "no"},
    )
    assert refused.status_code == 400 and b"Nothing was imported" in refused.data
    with holder(app).use() as vault:
        assert vault.list_notes() == [] and vault.call(contacts.list_contacts) == []
    # A stale or forged confirmation imports nothing either.
    stale = client.post(
        "/pro/import/accept",
        data={"csrf_token": csrf_token, "token": token, "fingerprint": teacher_fp, "answer": "yes"},
    )
    assert stale.status_code == 400 and b"no longer waiting" in stale.data
    page = upload()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    done = client.post(
        "/pro/import/accept",
        data={"csrf_token": csrf_token, "token": token, "fingerprint": teacher_fp, "answer": "yes"},
    )
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "who is now one of your contacts" in text
    with holder(app).use() as vault:
        assert len(vault.list_notes()) == 1
        assert [c.name for c in vault.call(contacts.list_contacts)] == ["Sam T"]
    # Known now: the same file is refused as already imported, with no question asked.
    again = upload()
    assert "already imported" in again and "sender-fingerprint" not in again

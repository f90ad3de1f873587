"""The note page's "Where this note came from" says which hand-overs are the sender's word: every
hop before the last (which this vault recorded itself) is "as stated by the sender"."""

from __future__ import annotations

import re

from helper.vault import Vault, contacts, handover, identity
from tests.support.bundles import earlier_hop, resigned
from tests.support.notes_pages import holder
from tests.support.vaults import PASSPHRASE


def test_the_note_page_says_which_hops_are_the_senders_word(app, client, unlocked, tmp_path):
    staff, _ = Vault.create(PASSPHRASE, tmp_path / "staff.sqlite3")
    with holder(app).use() as dsl:
        try:
            mine = dsl.call(identity.load)
            contacts.add(staff, "R Patel", mine.recipient, mine.fingerprint)
            them = identity.load(staff)
            dsl.call(contacts.add, "J Smith", them.recipient, them.fingerprint)
            note = staff.new_note({"concern": "grooming", "narrative": "Words"}, "J Smith")
            out = tmp_path / "to-dsl.age"
            handover.hand_over(staff, [note], out, to=contacts.find(staff, "R Patel"))

            def edit(body: dict) -> None:
                body["notes"][0]["provenance"] = [earlier_hop(known_as="Kim Lee (DSL)")]

            data = resigned(out.read_bytes(), them, mine, edit)
            [note_id] = dsl.call(handover.import_bundle, data).note_ids
        finally:
            staff.close()
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    items = re.findall(r'<li id="provenance-\d+">(.*?)</li>', page, re.DOTALL)
    assert len(items) == 2
    assert "As stated by the sender" in items[0] and "Kim Lee (DSL)" in items[0]
    assert "As stated by the sender" not in items[1] and "J Smith" in items[1]

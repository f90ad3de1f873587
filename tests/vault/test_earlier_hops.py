"""Earlier hand-overs a bundle says a note went through: the sender can write anything there, so
each is checked by the same rules as the hop the receiving vault records itself (names, the
fingerprint's one form, hex ids, times, audit entries), and shown as "as stated by the sender"
in `notes show` (text and JSON) and on the note page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helper.vault import handover
from helper.vault.bundle import HandoverRefused
from tests.support.bundles import earlier_hop, resigned
from tests.support.cli import private_env
from tests.support.vaults import PASSPHRASE
from tests.vault.test_cli import waymark
from tests.vault.test_handover import pristine as pristine
from tests.vault.test_handover import world as world

BAD = {
    "a fingerprint that is not one": {"fingerprint": "trust-me"},
    "a fingerprint not in its one form": {"fingerprint": "23EA-04C5-CC59-42E2-FE81-6E15-E5D9-320E"},
    "a fingerprint without dashes": {"fingerprint": "23ea04c5cc5942e2fe816e15e5d9320e"},
    "a vault id that is not hex": {"vault_id": "the-dsl-at-st-marys-school-vault"},
    "a short vault id": {"vault_id": "0123456789abcdef"},
    "a bundle id that is not one": {"bundle_id": "see-attached"},
    "an original note id that is not one": {"original_id": "note-1"},
    "an empty sender name": {"from_name": ""},
    "a sender name with spaces around it": {"from_name": " A Colleague"},
    "a contact name too long": {"known_as": "A" * 201},
    "an empty contact name": {"known_as": ""},
    "a time that is not one": {"received_at": "last Tuesday"},
    "an audit entry with an unknown key": {
        "audit": [{"at": "2026-11-01T08:00:00+00:00", "action": "create", "revision": 1, "x": 1}]
    },
    "an audit entry's revision that is text": {
        "audit": [{"at": "2026-11-01T08:00:00+00:00", "action": "create", "revision": "1"}]
    },
}


def _with_hops(*hops: dict):
    def edit(body: dict) -> None:
        body["notes"][0]["provenance"] = list(hops)

    return edit


@pytest.mark.parametrize("case", sorted(BAD))
def test_an_earlier_hop_not_in_the_form_a_vault_records_is_refused(world, case):
    data = resigned(
        world.bundle_path.read_bytes(),
        world.staff,
        world.dsl,
        _with_hops(earlier_hop(), earlier_hop(**BAD[case])),
    )
    before = world.dsl.path.read_bytes()
    with pytest.raises(HandoverRefused, match="not valid Waymark notes"):
        handover.import_bundle(world.dsl, data)
    assert world.dsl.path.read_bytes() == before


def test_earlier_hops_are_shown_as_stated_by_the_sender(world, tmp_path):
    """The last hop is the receiving vault's own record; every earlier one is the sender's
    word, and says so in `notes show`, `notes show --json` and on the note page."""
    first = earlier_hop(from_name="K Lee", known_as="Kim Lee (DSL)")
    data = resigned(
        world.bundle_path.read_bytes(), world.staff, world.dsl, _with_hops(first, earlier_hop())
    )
    [note_id] = handover.import_bundle(world.dsl, data).note_ids
    shown = handover.shown_provenance(world.dsl, note_id)
    assert [h["stated_by_sender"] for h in shown] == [True, True, False]
    assert shown[0]["known_as"] == "Kim Lee (DSL)" and shown[2]["known_as"] == "J Smith"

    env = private_env(tmp_path / "dsl-home", PASSPHRASE)
    Path(env["WAYMARK_HOME"]).mkdir(parents=True)
    shutil.copyfile(world.dsl.path, Path(env["WAYMARK_HOME"]) / "vault.sqlite3")
    text = waymark(env, "notes", "show", note_id).stdout
    lines = [line for line in text.splitlines() if "Handed over from" in line]
    assert len(lines) == 3
    assert all(line.startswith("As stated by the sender: Handed over from") for line in lines[:2])
    assert lines[0].startswith(
        "As stated by the sender: Handed over from Kim Lee (DSL) (signed as K Lee)"
    )
    assert lines[2].startswith("Handed over from J Smith (fingerprint ")
    hops = json.loads(waymark(env, "notes", "show", note_id, "--json").stdout)["provenance"]
    assert [h["stated_by_sender"] for h in hops] == [True, True, False]

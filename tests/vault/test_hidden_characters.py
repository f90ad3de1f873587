"""Characters that change what a terminal or a page shows without being seen: C0 and C1 controls,
DEL, the bidirectional controls (which can make a child reference or a name read backwards) and
the Unicode line and paragraph separators. One rule (notes.clean_text) refuses them in every
field a person or a bundle gives; the notes commands print whatever is already stored with each
one written as a visible \\uXXXX escape, so nothing raw reaches the terminal."""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path

import pytest

from helper.errors import BadInput
from helper.vault import Vault, bundle, contacts, followups, handover, inside, store
from helper.vault.bundle import HandoverRefused
from helper.vault.contacts import RECORDS_PURPOSE
from helper.vault.notes import clean_signature, validate_fields
from helper.vault.sealed import seal, seal_revision
from tests.support.bundles import earlier_hop, resigned
from tests.support.vaults import PASSPHRASE, unlocked
from tests.vault.test_cli import env as env
from tests.vault.test_cli import init, new, waymark
from tests.vault.test_handover import pristine as pristine
from tests.vault.test_handover import world as world

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
HIDDEN = "\x1b\x7f\x80\x85\x9b\x9f" + BIDI + "\u2028\u2029"
RAW = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI}\u2028\u2029]")


@pytest.mark.parametrize("char", list(HIDDEN), ids=lambda c: f"U+{ord(c):04X}")
def test_the_one_rule_refuses_each_hidden_character_in_every_kind_of_field(char, vault_path):
    code = re.escape(f"U+{ord(char):04X}")
    for fields in (
        {"concern": "grooming", "child_ref": f"JB{char}-1"},
        {"concern": "grooming", "child": f"Q{char}Z"},
        {"concern": "grooming", "narrative": f"He said\n{char}dont tell"},
        {"concern": "grooming", "told": [{"who": "dsl", "name": f"R{char} Patel"}]},
    ):
        with pytest.raises(BadInput, match=code):
            validate_fields(fields)
    with pytest.raises(BadInput, match=code):
        clean_signature(f"J{char} Smith")
    with pytest.raises(BadInput, match=code):
        contacts.clean_name(f"R Patel{char}")
    vault, _ = Vault.create(PASSPHRASE, vault_path)
    try:
        note_id = vault.new_note({"concern": "grooming"}, "J Smith")
        before = vault.path.read_bytes()
        with pytest.raises(BadInput, match=code):
            followups.add(vault, note_id, f"Ring{char} back", "2027-01-04", "J Smith")
        with pytest.raises(BadInput, match=code):
            followups.add(vault, note_id, "Ring back", "2027-01-04", f"J{char}")
        assert vault.path.read_bytes() == before
    finally:
        vault.close()


def _revision_field(name: str, value: object):
    def edit(body: dict) -> None:
        for revision in body["notes"][0]["revisions"]:
            revision["fields"][name] = value

    return edit


def _event(index: int, key: str, value: str):
    def edit(body: dict) -> None:
        body["notes"][0]["casework"][index][key] = value

    return edit


def _earlier(**changes: str):
    def edit(body: dict) -> None:
        body["notes"][0]["provenance"] = [earlier_hop(**changes)]

    return edit


def _sender_name(value: str):
    def edit(body: dict) -> None:
        body["sender"]["name"] = value

    return edit


CARRIED = {
    "the child reference": lambda c: _revision_field("child_ref", f"JB{c}-0412"),
    "the child": lambda c: _revision_field("child", f"Q{c}Z"),
    "a follow-up's text": lambda c: _event(0, "what", f"Ring the MASH{c}"),
    "a follow-up's sign-off": lambda c: _event(0, "signed_by", f"J{c} Smith"),
    "an outcome": lambda c: _event(2, "outcome", f"Letter{c} posted"),
    "an earlier hop's sender": lambda c: _earlier(from_name=f"A{c} Colleague"),
    "an earlier hop's contact name": lambda c: _earlier(known_as=f"A Colleague{c}"),
    "the sender's name": lambda c: _sender_name(f"J Smith{c}"),
}


@pytest.mark.parametrize("char", ["\x7f", "\x9b", "\u202e", "\u2067", "\u200f", "\u061c"])
@pytest.mark.parametrize("place", sorted(CARRIED))
def test_a_signed_bundle_carrying_a_hidden_character_is_refused(world, place, char):
    data = resigned(world.bundle_path.read_bytes(), world.staff, world.dsl, CARRIED[place](char))
    before = world.dsl.path.read_bytes()
    with pytest.raises(HandoverRefused, match="not valid Waymark notes"):
        handover.import_bundle(world.dsl, data)
    assert world.dsl.path.read_bytes() == before


def test_the_command_line_refuses_them_in_one_sentence(env):
    init(env)
    refused = waymark(env, "notes", "new", "--concern", "grooming", "--child-ref",
                      "JB\u202e-1", "--signed-by", "R")  # fmt: skip
    assert refused.returncode == 2 and "U+202E" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    note_id = new(env)
    what = waymark(env, "notes", "follow-up", note_id, "--what", "Ring\u2066", "--due",
                   "2027-01-04")  # fmt: skip
    assert what.returncode == 2 and "U+2066" in what.stderr


# ---- text already stored -------------------------------------------------------------------
STORED = "QZ\u202e1-BJ\x9b31m\x7f\u2028"  # what an older Waymark let in through a bundle
CHILD_REF = "QZ-0002"


def plant(vault: Vault) -> str:
    """A note whose child, narrative, follow-up, sign-offs and hop names hold hidden characters,
    sealed and logged as an older Waymark imported it (so verify finds nothing wrong)."""
    aead = inside.note_aead(vault)
    note_id = secrets.token_hex(8)
    at = "2026-11-30T10:00:00.000000+00:00"
    fields = {"concern": "grooming", "child_ref": CHILD_REF, "child": STORED,
              "narrative": f"Line one\n{STORED}", "status": "open"}  # fmt: skip
    events = [{"kind": "follow-up", "id": "0000000a", "due": "2027-01-04", "step": "",
               "signed_by": STORED, "what": f"Ring {STORED}"}]  # fmt: skip
    hops = [earlier_hop(from_name=STORED, known_as=STORED), earlier_hop()]
    sealed = seal_revision(aead, vault.vault_id, note_id, 1, at, fields, STORED)
    with inside.writing(vault) as conn:
        conn.execute("INSERT INTO notes VALUES (?, ?)", (note_id, at))
        conn.execute(store.INSERT_REVISION, (note_id, 1, at, *sealed))
        inside.log(vault, conn, "create", note_id, 1, at)
        for number, event in enumerate(events, start=1):
            ad = followups.casework_ad(vault.vault_id, note_id, number, at)
            row = (note_id, number, at, *seal(aead, followups.encode_event(event), ad))
            conn.execute("INSERT INTO casework VALUES (?, ?, ?, ?, ?)", row)
            inside.log(vault, conn, followups.ACTION, note_id, number, at)
        ad = handover._provenance_ad(vault.vault_id, note_id, at)
        nonce, ct = seal(inside.sealer(vault, RECORDS_PURPOSE), bundle.canonical(hops), ad)
        conn.execute("INSERT INTO provenance VALUES (?, ?, ?, ?)", (note_id, at, nonce, ct))
        inside.log(vault, conn, "import", note_id, 1, at)
    inside.published(vault)
    return note_id


def test_what_is_already_stored_reaches_the_terminal_only_as_visible_escapes(env):
    init(env)
    vault = unlocked(Path(env["WAYMARK_HOME"]) / "vault.sqlite3")
    try:
        note_id = plant(vault)
        assert vault.verify().ok
    finally:
        vault.close()
    escaped = "".join(f"\\u{ord(c):04x}" if RAW.match(c) else c for c in STORED)
    for args in (
        ("notes", "show", note_id),
        ("notes", "due"),
        ("notes", "chronology", CHILD_REF),
        ("notes", "list"),
    ):
        result = waymark(env, *args)
        assert result.returncode == 0, (args, result.stderr)
        assert not RAW.search(result.stdout + result.stderr), args
    shown = waymark(env, "notes", "show", note_id).stdout
    assert escaped in shown and "Line one\n" in shown  # newlines stay newlines
    for args in (("notes", "show", note_id, "--json"), ("notes", "due", "--json"),
                 ("notes", "chronology", CHILD_REF, "--json")):  # fmt: skip
        result = waymark(env, *args)
        assert not RAW.search(result.stdout), args
        assert STORED in json.dumps(json.loads(result.stdout), ensure_ascii=False), args

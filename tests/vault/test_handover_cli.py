"""`waymark notes identity | contacts | handover | import` as people and scripts run them: two
real vaults in two homes, real processes, exit codes 0/1/2, one-line errors, no tracebacks, and
nothing left in the temp folder or beside the bundle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import private_env
from tests.support.vaults import PASSPHRASE
from tests.vault.test_cli import waymark

ROOT = Path(__file__).resolve().parents[2]
SECRET_WORDS = "Heron-lantern said the man asked for a photo"


def make_env(tmp_path: Path, who: str) -> dict[str, str]:
    return private_env(tmp_path / who, PASSPHRASE)


def ok(env, *args) -> str:
    result = waymark(env, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def pair(tmp_path):
    staff, dsl = make_env(tmp_path, "staff"), make_env(tmp_path, "dsl")
    for env in (staff, dsl):
        ok(env, "notes", "init")
    note_id = ok(
        staff,
        "notes",
        "new",
        "--concern",
        "grooming",
        "--narrative",
        SECRET_WORDS,
        "--signed-by",
        "J Smith",
    ).split()[0]
    return staff, dsl, note_id, tmp_path


def introduce(a, b, name: str) -> dict[str, str]:
    them = json.loads(ok(b, "notes", "identity", "--json"))
    assert set(them) == {"recipient", "fingerprint"}
    assert them["recipient"].startswith("age1")
    ok(a, "notes", "contacts", "add", name, them["recipient"], them["fingerprint"])
    return them


def test_hand_over_and_import_from_the_command_line(pair):
    staff, dsl, note_id, tmp = pair
    dsl_id = introduce(staff, dsl, "R Patel")
    introduce(dsl, staff, "J Smith")
    listed = json.loads(ok(staff, "notes", "contacts", "list", "--json"))
    assert [(c["name"], c["fingerprint"]) for c in listed] == [("R Patel", dsl_id["fingerprint"])]

    out = tmp / "handover.age"
    ok(staff, "notes", "handover", note_id, "--to", "R Patel", "--output", str(out))
    assert SECRET_WORDS.encode() not in out.read_bytes()
    assert "Handed over to R Patel" in ok(staff, "notes", "show", note_id)

    result = waymark(dsl, "notes", "import", str(out))
    assert result.returncode == 0, result.stderr
    new_ids = result.stdout.split("\n")
    assert len(new_ids) == 2 and new_ids[1] == "" and len(new_ids[0]) == 16
    assert SECRET_WORDS in ok(dsl, "notes", "show", new_ids[0])
    staff_me = json.loads(ok(staff, "notes", "identity", "--json"))
    shown = ok(dsl, "notes", "show", new_ids[0])
    assert f"Handed over from J Smith (fingerprint {staff_me['fingerprint']}) on " in shown
    assert "Where this note came from" not in ok(staff, "notes", "show", note_id)

    # --json: the note and its provenance; null for a note made in this vault.
    mine = json.loads(ok(staff, "notes", "show", note_id, "--json"))
    assert set(mine) == {"id", "deleted", "revisions", "provenance"}
    assert mine["id"] == note_id and mine["provenance"] is None and mine["deleted"] is None
    assert [r["number"] for r in mine["revisions"]] == [1, 2]
    theirs = json.loads(ok(dsl, "notes", "show", new_ids[0], "--json"))
    [hop] = theirs["provenance"]
    assert hop["known_as"] == hop["from_name"] == "J Smith"
    assert hop["fingerprint"] == staff_me["fingerprint"] and hop["original_id"] == note_id
    assert len(hop["vault_id"]) == 32 and len(hop["bundle_id"]) == 32
    assert hop["sent_at"] <= hop["received_at"]
    assert theirs["revisions"] == mine["revisions"][:1]  # the bundle holds it before the mark
    assert theirs["revisions"][0]["fields"]["narrative"] == SECRET_WORDS

    again = waymark(dsl, "notes", "import", str(out))
    assert again.returncode == 1 and "already imported" in again.stderr and not again.stdout
    assert "intact" in ok(dsl, "verify")
    for env in (staff, dsl):
        assert not any(Path(env["TMPDIR"]).iterdir())
    assert sorted(p.name for p in tmp.iterdir()) == ["dsl", "handover.age", "staff"]


def test_unknown_signer_is_refused_with_its_fingerprint_until_trusted(pair):
    staff, dsl, note_id, tmp = pair
    introduce(staff, dsl, "R Patel")
    out = tmp / "handover.age"
    ok(staff, "notes", "handover", note_id, "--to", "R Patel", "--output", str(out))
    staff_fp = json.loads(ok(staff, "notes", "identity", "--json"))["fingerprint"]
    refused = waymark(dsl, "notes", "import", str(out))
    assert refused.returncode == 1 and staff_fp in refused.stderr and not refused.stdout
    trusted = waymark(dsl, "notes", "import", str(out), "--trust-new")
    assert trusted.returncode == 0 and len(trusted.stdout.split()) == 1
    assert "J Smith" in ok(dsl, "notes", "contacts", "list")


def test_refusals_and_bad_usage_have_their_exit_codes(pair):
    staff, dsl, note_id, tmp = pair
    introduce(staff, dsl, "R Patel")
    out = tmp / "handover.age"
    ok(staff, "notes", "handover", note_id, "--to", "R Patel", "--output", str(out))
    tampered = tmp / "tampered.age"
    data = bytearray(out.read_bytes())
    data[-5] ^= 1
    tampered.write_bytes(bytes(data))
    # bad usage: exit code 2
    for args in (
        ("notes", "handover", note_id, "--output", str(tmp / "x.age")),  # no --to
        ("notes", "handover", note_id, "--to", "Nobody", "--output", str(tmp / "x.age")),
        ("notes", "handover", note_id, "--to", "R Patel", "--output", str(out)),  # exists
        ("notes", "handover", note_id, "--passphrase", "--also-me", "--output", str(tmp / "y")),
        ("notes", "contacts", "add", "X", "age1nope", "1234"),
        ("notes", "import", str(tmp / "missing.age")),
    ):
        result = waymark(staff, *args)
        assert result.returncode == 2, (args, result.stderr)
    # refused: exit code 1
    for env, path in ((dsl, tampered), (staff, out)):
        result = waymark(env, "notes", "import", str(path))
        assert result.returncode == 1, result.stderr
        assert result.stderr.count("\n") == 1 and not result.stdout
    assert not (tmp / "x.age").exists() and not (tmp / "y").exists()


def test_removing_a_contact(pair):
    staff, dsl, _note_id, _tmp = pair
    introduce(staff, dsl, "R Patel")
    assert "Removed R Patel" in ok(staff, "notes", "contacts", "remove", "r patel")
    assert "No contacts yet." in ok(staff, "notes", "contacts", "list")
    assert waymark(staff, "notes", "contacts", "remove", "R Patel").returncode == 2


def new_note(env, *extra: str) -> str:
    args = ["notes", "new", "--concern", "grooming", "--narrative", SECRET_WORDS]
    return ok(env, *args, "--signed-by", "J Smith", *extra).split()[0]


def test_hand_over_a_childs_whole_chronology_with_child_ref(pair):
    """--child-ref selects every note with that child reference (ignoring case), beside any
    ids given; the DSL's vault gets exactly those notes, each with its child reference."""
    staff, dsl, other_id, tmp = pair
    introduce(staff, dsl, "R Patel")
    introduce(dsl, staff, "J Smith")
    first = new_note(staff, "--child-ref", "JB-0412")
    second = new_note(staff, "--child-ref", "jb-0412 ", "--borough", "Camden")
    new_note(staff, "--child-ref", "KT-0001")  # another child: stays here
    out = tmp / "child.age"
    done = ok(staff, "notes", "handover", "--child-ref", "jb-0412", "--to", "R Patel",
              "--output", str(out))  # fmt: skip
    assert done.startswith("Wrote 2 note(s)")
    assert SECRET_WORDS.encode() not in out.read_bytes() and b"JB-0412" not in out.read_bytes()
    for note_id in (first, second):
        assert "Handed over to R Patel" in ok(staff, "notes", "show", note_id)
    assert "Handed over" not in ok(staff, "notes", "show", other_id)
    new_ids = ok(dsl, "notes", "import", str(out)).split()
    assert len(new_ids) == 2
    chronology = json.loads(ok(dsl, "notes", "chronology", "JB-0412", "--json"))
    assert {e["note"] for e in chronology} == set(new_ids)
    # Ids and a child reference together: the union, each note once.
    both = tmp / "both.age"
    done = ok(staff, "notes", "handover", other_id, first, "--child-ref", "JB-0412",
              "--to", "R Patel", "--output", str(both))  # fmt: skip
    assert done.startswith("Wrote 3 note(s)")


def test_child_ref_bad_usage(pair):
    staff, dsl, _note_id, tmp = pair
    introduce(staff, dsl, "R Patel")
    out = tmp / "none.age"
    for args, words in (
        (("--child-ref", "ZZ-9999"), "No notes carry the child reference"),
        (("--child-ref", "a\x07b"), "Child reference"),
        (("--child-ref", "x" * 65), "Child reference"),
        ((), "--child-ref"),
    ):
        result = waymark(staff, "notes", "handover", *args, "--to", "R Patel", "--output", str(out))
        assert result.returncode == 2, (args, result.stderr)
        assert words in result.stderr and not result.stdout
        assert not out.exists()


def test_follow_ups_travel_from_the_command_line(pair):
    """A follow-up set and one marked done with `notes follow-up` arrive in the DSL's `notes due`
    and chronology under the DSL's id, and back again, as real processes see them."""
    staff, dsl, _other, tmp = pair
    introduce(staff, dsl, "R Patel")
    introduce(dsl, staff, "J Smith")
    note_id = new_note(staff, "--child-ref", "JB-0412")
    open_id = ok(staff, "notes", "follow-up", note_id, "--what", "Ring the MASH",
                 "--due", "2027-01-05").split()[0]  # fmt: skip
    done_id = ok(staff, "notes", "follow-up", note_id, "--what", "Write to the parents",
                 "--due", "2027-01-04").split()[0]  # fmt: skip
    ok(staff, "notes", "follow-up", note_id, "--done", done_id, "--signed-by", "A Jones")
    out = tmp / "to-dsl.age"
    ok(staff, "notes", "handover", note_id, "--to", "R Patel", "--output", str(out))
    assert b"Ring the MASH" not in out.read_bytes()
    [dsl_id] = ok(dsl, "notes", "import", str(out)).split()
    due = json.loads(ok(dsl, "notes", "due", "--json"))
    assert [(d["note"], d["followup"], d["what"], d["due"]) for d in due] == [
        (dsl_id, open_id, "Ring the MASH", "2027-01-05")
    ]
    chronology = json.loads(ok(dsl, "notes", "chronology", "JB-0412", "--json"))
    texts = [e["text"] for e in chronology if e["kind"].startswith("follow-up")]
    assert texts[-1] == "Follow-up done by A Jones: Write to the parents."
    assert "intact" in ok(dsl, "verify")

    ok(dsl, "notes", "follow-up", dsl_id, "--done", open_id, "--signed-by", "R Patel")
    back = tmp / "back.age"
    ok(dsl, "notes", "handover", dsl_id, "--to", "J Smith", "--output", str(back))
    [staff_copy] = ok(staff, "notes", "import", str(back)).split()
    chronology = json.loads(ok(staff, "notes", "chronology", "JB-0412", "--json"))
    copy_events = [e["text"] for e in chronology if e["note"] == staff_copy]
    assert "Follow-up done by R Patel: Ring the MASH." in copy_events
    assert "Follow-up done by A Jones: Write to the parents." in copy_events
    assert "intact" in ok(staff, "verify")

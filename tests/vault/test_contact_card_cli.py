"""Hand-over set-up from the command line with contact cards (HANDOVER.md, "Contact cards"):
the DSL prints one line, a teacher makes their vault with it ("who is your DSL?") and hands a
note over; the DSL accepts the first-time sender at a real terminal (a pty) after seeing the
fingerprint. Two real vaults in two homes, real processes; a bad card is one sentence, exit 2,
and creates nothing."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest

from helper.paths import REPO_ROOT
from tests.vault.test_cli import waymark
from tests.vault.test_handover_cli import SECRET_WORDS, make_env, ok

DSL_NAME = "R Patel (DSL)"


@pytest.fixture
def dsl(tmp_path):
    env = make_env(tmp_path, "dsl")
    ok(env, "notes", "init")
    return env


def card_of(env) -> str:
    result = waymark(env, "notes", "identity", "--card", DSL_NAME)
    assert result.returncode == 0, result.stderr
    assert "check your fingerprint with you" in result.stderr
    line = result.stdout.strip()
    assert "\n" not in line
    return line


def test_the_dsl_card_is_one_line_with_name_recipient_and_fingerprint(dsl):
    me = json.loads(ok(dsl, "notes", "identity", "--json"))
    line = card_of(dsl)
    assert line == f"waymark-contact:v1:{DSL_NAME}:{me['recipient']}:{me['fingerprint']}"


def at_a_terminal(env, *args: str, answer: str) -> tuple[int, str, str]:
    """`waymark ARGS` with a real terminal as its standard input, answering the one question:
    the exit code, everything said, and standard output alone."""
    main, side = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "helper", *args],
            cwd=REPO_ROOT,
            env={**env, "PYTHONPATH": str(REPO_ROOT)},
            stdin=side,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.write(main, (answer + "\n").encode())
        out, err = process.communicate(timeout=60)
    finally:
        os.close(main)
        os.close(side)
    assert "Traceback" not in err, err
    return process.returncode, out + err, out


def test_a_teacher_sets_the_dsl_once_and_the_dsl_accepts_them_at_a_terminal(dsl, tmp_path):
    card_file = tmp_path / "waymark-contact.txt"
    card_file.write_text(card_of(dsl) + "\n")
    teacher = make_env(tmp_path, "teacher")
    made = waymark(teacher, "notes", "init", "--dsl", str(card_file))
    assert made.returncode == 0, made.stderr
    assert f"Your DSL is {DSL_NAME}" in made.stdout
    listed = json.loads(ok(teacher, "notes", "contacts", "list", "--json"))
    assert [c["name"] for c in listed] == [DSL_NAME]
    note_id = ok(
        teacher, "notes", "new", "--concern", "grooming", "--narrative", SECRET_WORDS,
        "--signed-by", "Sam Teacher",
    ).split()[0]  # fmt: skip
    bundle = tmp_path / "to-dsl.age"
    ok(teacher, "notes", "handover", note_id, "--to", DSL_NAME, "--output", str(bundle))
    # Not at a terminal, without --trust-new: refused, with the fingerprint to check.
    teacher_id = json.loads(ok(teacher, "notes", "identity", "--json"))
    refused = waymark(dsl, "notes", "import", str(bundle))
    assert refused.returncode == 1 and teacher_id["fingerprint"] in refused.stderr
    # At a terminal: one question, with the fingerprint in front of them. "no" adds nothing.
    code, said, _out = at_a_terminal(dsl, "notes", "import", str(bundle), answer="no")
    assert code == 1 and teacher_id["fingerprint"] in said and "Type yes" in said
    assert json.loads(ok(dsl, "notes", "contacts", "list", "--json")) == []
    code, said, out = at_a_terminal(dsl, "notes", "import", str(bundle), answer="yes")
    assert code == 0, said
    assert "Added Sam Teacher as a contact." in said
    assert [c["name"] for c in json.loads(ok(dsl, "notes", "contacts", "list", "--json"))] == [
        "Sam Teacher"
    ]
    assert SECRET_WORDS in ok(dsl, "notes", "show", out.strip().splitlines()[-1])


def test_contacts_add_takes_a_card_line(dsl, tmp_path):
    teacher = make_env(tmp_path, "teacher")
    ok(teacher, "notes", "init")
    out = ok(teacher, "notes", "contacts", "add", "--card", card_of(dsl))
    assert f"Added {DSL_NAME}" in out and "Check that fingerprint" in out
    both = waymark(teacher, "notes", "contacts", "add", "X", "--card", card_of(dsl))
    assert both.returncode == 2 and "not both" in both.stderr


@pytest.mark.parametrize(
    ("card", "sentence"),
    [
        ("hello", "no file hello"),
        ("waymark-contact:v2:R:age1x:ab", "newer version of Waymark"),
        ("waymark-contact:v1:R Patel", "cut short"),
        ("waymark-contact:v1:R:age1nope:0000-0000-0000-0000-0000-0000-0000-0000", "damaged"),
        ("FILE:big", "too big to be a contact card"),
        ("FILE:binary", "not a Waymark contact card"),
        ("FILE:two-lines", "one line"),
    ],
)
def test_a_bad_card_is_one_sentence_and_creates_nothing(tmp_path, card, sentence):
    if card.startswith("FILE:"):
        path = tmp_path / "card.txt"
        path.write_bytes(
            {
                "big": b"waymark-contact:v1:" + b"x" * 5000,
                "binary": b"\xff\xfe\x00\x01",
                "two-lines": b"waymark-contact:v1:a\nwaymark-contact:v1:b\n",
            }[card[5:]]
        )
        card = str(path)
    teacher = make_env(tmp_path, "teacher")
    result = waymark(teacher, "notes", "init", "--dsl", card)
    assert result.returncode == 2
    assert sentence in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "teacher" / "waymark" / "vault.sqlite3").exists()

"""`waymark notes …` and `waymark verify` as a person or a script runs them: real processes,
a real vault under WAYMARK_HOME, exit codes 0/1/2, one-line errors, no tracebacks, and no note
text or passphrase anywhere it should not be (docs/SECURITY.md, "Wrong passphrase" and
"Nothing sensitive left behind")."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import private_env
from tests.support.cli import waymark as run_waymark
from tests.support.modes import assert_mode
from tests.support.vaults import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
SECRET_WORDS = "Kestrel-umbrella told me about the man"


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return private_env(tmp_path / "home", PASSPHRASE)


def waymark(env, *args, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_waymark(*args, env=env, stdin=stdin)


def init(env) -> None:
    result = waymark(env, "notes", "init")
    assert result.returncode == 0, result.stderr
    assert "recovery code" in result.stdout


def new(env, *extra: str) -> str:
    result = waymark(
        env, "notes", "new", "--concern", "grooming", "--child", "KU", "--age", "12",
        "--narrative", SECRET_WORDS, "--platform", "Discord", "--actions", "Told DSL",
        "--signed-by", "Ms Reed", *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[0]


def test_new_prints_the_id_first_and_show_list_revise_work(env):
    init(env)
    note_id = new(env)
    assert len(note_id) == 16 and all(c in "0123456789abcdef" for c in note_id)
    listing = waymark(env, "notes", "list")
    assert note_id in listing.stdout and "grooming" in listing.stdout
    revised = waymark(env, "notes", "revise", note_id, "--status", "referred", "--signed-by", "R")
    assert revised.returncode == 0 and "revision 2" in revised.stdout
    shown = waymark(env, "notes", "show", note_id)
    assert SECRET_WORDS in shown.stdout and "Revision 2, signed by R" in shown.stdout
    # What the record says now comes first; the export still reads oldest first.
    assert "Latest revision first." in shown.stdout
    assert shown.stdout.index("Revision 2,") < shown.stdout.index("Revision 1,")


def test_fields_from_json_on_stdin(env):
    init(env)
    fields = {"concern": "sextortion", "child": "AB", "told": [{"who": "police"}]}
    result = waymark(env, "notes", "new", "--from-json", "-", "--signed-by", "X",
                     stdin=json.dumps(fields))  # fmt: skip
    assert result.returncode == 0, result.stderr
    shown = waymark(env, "notes", "show", result.stdout.splitlines()[0])
    assert "Police" in shown.stdout


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["--concern", "nope"], None, "must be one of"),
        (["--concern", "grooming", "--age", "x"], None, "0 to 25"),
        (["--from-json", "-"], "{not json", "not valid JSON"),
        (["--from-json", "-"], "[1, 2]", "must be an object"),
        (["--concern", "grooming", "--narrative", "data:image/png;base64,iVBORw0KGgo"], None,
         "never stores images"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(env, args, stdin, message):
    init(env)
    result = waymark(env, "notes", "new", "--signed-by", "X", *args, stdin=stdin)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_wrong_passphrase_is_one_generic_line_and_exit_1(env, tmp_path):
    init(env)
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not it at all\n")
    result = waymark({**env, "WAYMARK_PASSPHRASE_FILE": str(wrong)}, "notes", "list")
    assert result.returncode == 1
    assert result.stderr.strip() == "waymark: Cannot unlock the vault with that passphrase."
    assert result.stdout == ""


def test_no_vault_yet_and_init_twice(env):
    result = waymark(env, "notes", "list")
    assert result.returncode == 1 and "waymark notes init" in result.stderr
    init(env)
    again = waymark(env, "notes", "init")
    assert again.returncode == 1 and "already exists" in again.stderr


def test_export_writes_where_asked_and_never_overwrites_without_force(env, tmp_path):
    init(env)
    note_id = new(env)
    out = tmp_path / "record.html"
    first = waymark(env, "notes", "export", note_id, "--format", "html", "--output", str(out))
    assert first.returncode == 0, first.stderr
    assert SECRET_WORDS in out.read_text()
    assert_mode(out, 0o600)
    out.write_text("keep me")
    again = waymark(env, "notes", "export", "--all", "--output", str(out))
    assert again.returncode == 2 and "--force" in again.stderr
    assert out.read_text() == "keep me"
    forced = waymark(env, "notes", "export", "--all", "--output", str(out), "--force")
    assert forced.returncode == 0 and SECRET_WORDS in out.read_text()


def test_delete_needs_a_reason(env):
    init(env)
    note_id = new(env)
    missing = waymark(env, "notes", "delete", note_id, "--signed-by", "X")
    assert missing.returncode == 2
    done = waymark(env, "notes", "delete", note_id, "--reason", "duplicate", "--signed-by", "X")
    assert done.returncode == 0
    assert "deleted" in waymark(env, "notes", "list").stdout


def test_passwd_and_recover(env, tmp_path):
    result = waymark(env, "notes", "init")
    code = result.stdout.splitlines()[-1].strip()
    new(env)
    both = tmp_path / "both.txt"
    both.write_text(f"{PASSPHRASE}\nsecond passphrase\n")
    changed = waymark({**env, "WAYMARK_PASSPHRASE_FILE": str(both)}, "notes", "passwd")
    assert changed.returncode == 0, changed.stderr
    code_file = tmp_path / "code.txt"
    code_file.write_text(code + "\n")
    recovered = waymark(
        {**env, "WAYMARK_RECOVERY_FILE": str(code_file)}, "notes", "recover"
    )  # new passphrase: the first line of WAYMARK_PASSPHRASE_FILE
    assert recovered.returncode == 0, recovered.stderr
    assert "new recovery code" in recovered.stdout
    assert waymark(env, "notes", "list").returncode == 0


def test_verify_exit_codes_name_the_problem(env):
    init(env)
    note_id = new(env)
    ok = waymark(env, "verify")
    assert ok.returncode == 0 and "intact" in ok.stdout
    assert "No keyring" in ok.stderr  # said once, so the person knows rollback is not covered
    vault = Path(env["WAYMARK_HOME"]) / "vault.sqlite3"
    with sqlite3.connect(vault) as conn:
        conn.execute("UPDATE revisions SET ct = substr(ct, 2) || x'00'")
    bad = waymark(env, "verify")
    assert bad.returncode == 1
    assert f"Note {note_id}: revision 1 has been altered or damaged." in bad.stdout
    shown = waymark(env, "notes", "show", note_id)
    assert shown.returncode == 1 and SECRET_WORDS not in shown.stdout


def test_nothing_sensitive_leaks_to_temp_files_logs_or_stderr(env, tmp_path):
    """docs/SECURITY.md, "Nothing sensitive left behind": after saving and exporting, the note text
    and the passphrase appear only in the file the person asked for (and the passphrase only in its
    own file)."""
    init(env)
    note_id = new(env)
    results = [
        waymark(env, "notes", "show", note_id),
        waymark(env, "notes", "export", note_id, "--output", str(tmp_path / "out.txt")),
        waymark(env, "notes", "new", "--concern", "nope", "--narrative", SECRET_WORDS,
                "--signed-by", "X"),
    ]  # fmt: skip
    for result in results:
        assert SECRET_WORDS not in result.stderr and PASSPHRASE not in result.stderr
    allowed = {tmp_path / "out.txt", Path(env["WAYMARK_PASSPHRASE_FILE"])}
    for path in tmp_path.rglob("*"):
        if path.is_file() and path not in allowed:
            data = path.read_bytes()
            assert SECRET_WORDS.encode() not in data, path
            assert PASSPHRASE.encode() not in data, path
            assert b"Ms Reed" not in data, path
    assert list(Path(env["TMPDIR"]).iterdir()) == []


def kdf_of(home_env: dict[str, str]) -> dict:
    conn = sqlite3.connect(Path(home_env["WAYMARK_HOME"]) / "vault.sqlite3")
    try:
        return json.loads(conn.execute("SELECT header FROM vault_header").fetchone()[0])["kdf"]
    finally:
        conn.close()


def test_a_stray_fast_kdf_variable_alone_changes_nothing_for_a_real_vault(tmp_path):
    """WAYMARK_KDF_FAST=1 makes the passphrase KDF almost free, for tests. Left set in a
    person's shell (copied from a test log, a CI script, a README), it must not weaken their
    vault: only with WAYMARK_TESTING=1 beside it does it count (helper/vault/keys.py). Shown on
    both places a passphrase is wrapped: making the vault and changing the passphrase."""
    from helper.vault import keys

    stray = private_env(tmp_path / "stray", PASSPHRASE)
    del stray["WAYMARK_TESTING"]  # a person's shell: only the stray variable
    assert stray["WAYMARK_KDF_FAST"] == "1"
    init(stray)
    made = kdf_of(stray)
    (tmp_path / "stray" / "pass.txt").write_text(f"{PASSPHRASE}\n{PASSPHRASE} two\n")
    changed = waymark(stray, "notes", "passwd")
    assert changed.returncode == 0, changed.stderr
    for kdf in (made, kdf_of(stray)):
        assert (kdf["m"], kdf["p"]) == (keys.KDF_MEMORY_KIB, keys.KDF_LANES), kdf
        assert kdf["t"] >= 2, kdf

    # Control: inside the test suite the same variable does make the KDF fast, so the figures
    # above are the real KDF, not a test that cannot tell the difference.
    testing = private_env(tmp_path / "testing", PASSPHRASE)
    init(testing)
    assert kdf_of(testing)["m"] == keys.MIN_MEMORY_KIB

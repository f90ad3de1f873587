"""Without a keyring, a whole-file rollback cannot be seen from the file alone. `waymark
verify` says so plainly, `--print-head` prints the audit chain head to keep on paper, and
`--head` checks the file against that paper copy (naming a rollback or a swapped copy)."""

from __future__ import annotations

import re
import shutil

from tests.vault.test_cli import env, init, new, waymark

__all__ = ["env"]  # the CLI fixture, used here by name

HEAD = re.compile(r"Chain head: (\d+:[0-9a-f]{4}(?:-[0-9a-f]{4}){3})")


def vault_file(env) -> str:
    return env["WAYMARK_HOME"] + "/vault.sqlite3"


def test_verify_says_plainly_when_no_keyring_holds_the_chain_head(env):
    init(env)
    new(env)
    result = waymark(env, "verify")
    assert result.returncode == 0, result.stderr
    assert "no keyring" in result.stdout.lower()
    assert "older copy" in result.stdout
    assert "waymark verify --print-head" in result.stdout


def test_print_head_gives_a_short_code_to_write_down(env):
    init(env)
    new(env)
    result = waymark(env, "verify", "--print-head")
    assert result.returncode == 0, result.stderr
    assert HEAD.search(result.stdout), result.stdout
    again = waymark(env, "verify", "--head", HEAD.search(result.stdout).group(1))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "matches the chain head you wrote down" in again.stdout


def test_the_paper_head_catches_a_whole_file_rollback(env, tmp_path):
    init(env)
    new(env)
    old_copy = tmp_path / "old.sqlite3"
    shutil.copyfile(vault_file(env), old_copy)
    new(env)
    paper = HEAD.search(waymark(env, "verify", "--print-head").stdout).group(1)
    shutil.copyfile(old_copy, vault_file(env))
    # Without the paper copy nothing inside the file is wrong...
    assert waymark(env, "verify").returncode == 0
    # ...with it, the rollback is named.
    result = waymark(env, "verify", "--head", paper)
    assert result.returncode == 1
    assert "older than the chain head you wrote down" in result.stdout


def test_a_head_that_was_never_written_down_is_refused_clearly(env):
    init(env)
    result = waymark(env, "verify", "--head", "not-a-head")
    assert result.returncode == 2
    assert "chain head" in result.stderr

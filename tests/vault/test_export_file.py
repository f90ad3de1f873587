"""`waymark notes export` writes a new private file and renames it into place: 0600 whatever
was there before, never through a symbolic link, never leaving a half-written or temp file."""

from __future__ import annotations

import os
import stat

import pytest

from tests.support.modes import posix_only
from tests.vault.test_cli import SECRET_WORDS, env, init, new, waymark

__all__ = ["env"]  # the CLI fixture, used here by name


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def note_id(env) -> str:
    """A new vault with one note in it, made through the CLI; the note's id."""
    init(env)
    return new(env)


@pytest.fixture
def folder(tmp_path):
    """An empty folder to export into."""
    out = tmp_path / "out"
    out.mkdir()
    return out


def leftovers(folder, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@posix_only
def test_force_over_a_readable_file_leaves_a_private_one(env, note_id, folder):
    out = folder / "record.txt"
    out.write_text("old, readable by everyone")
    out.chmod(0o644)
    forced = waymark(env, "notes", "export", note_id, "--output", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert SECRET_WORDS in out.read_text()
    assert mode(out) == 0o600
    assert leftovers(folder, {"record.txt"}) == []


@posix_only
def test_a_new_export_is_private_and_leaves_no_temp_file(env, note_id, folder):
    out = folder / "record.html"
    done = waymark(env, "notes", "export", note_id, "--format", "html", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert mode(out) == 0o600
    assert leftovers(folder, {"record.html"}) == []


def test_force_never_follows_a_symlink(env, note_id, folder, tmp_path):
    victim = tmp_path / "someone-elses-file"
    victim.write_text("do not touch")
    victim.chmod(0o644)
    link = folder / "record.txt"
    link.symlink_to(victim)
    forced = waymark(env, "notes", "export", note_id, "--output", str(link), "--force")
    assert forced.returncode == 2
    assert "symbolic link" in forced.stderr
    assert victim.read_text() == "do not touch" and mode(victim) == 0o644
    assert link.is_symlink()
    assert leftovers(folder, {"record.txt"}) == []


def test_a_dangling_symlink_is_refused_too(env, note_id, folder, tmp_path):
    target = tmp_path / "would-be-created"
    link = folder / "record.txt"
    link.symlink_to(target)
    for extra in ((), ("--force",)):
        result = waymark(env, "notes", "export", note_id, "--output", str(link), *extra)
        assert result.returncode == 2, result.stderr
        assert not target.exists()
    assert leftovers(folder, {"record.txt"}) == []


def test_a_folder_is_not_replaced(env, note_id, tmp_path):
    out = tmp_path / "a-folder"
    out.mkdir()
    result = waymark(env, "notes", "export", note_id, "--output", str(out), "--force")
    assert result.returncode == 2
    assert out.is_dir()


def test_a_hand_over_bundle_is_written_the_same_way_never_through_a_link(tmp_path):
    """Bundles and exports share one writer (helper/files.py): a link at the name is refused,
    even with force, and the file it points at is left alone."""
    from helper.errors import BadInput
    from helper.vault.handover import write_bundle

    victim = tmp_path / "victim.txt"
    victim.write_text("theirs")
    link = tmp_path / "bundle.age"
    link.symlink_to(victim)
    for force in (False, True):
        with pytest.raises(BadInput, match="symbolic link"):
            write_bundle(link, b"age-encryption.org/v1", force)
    assert victim.read_text() == "theirs"
    fresh = tmp_path / "fresh.age"
    write_bundle(fresh, b"age-encryption.org/v1", False)
    assert fresh.read_bytes() == b"age-encryption.org/v1"
    if os.name == "posix":
        assert fresh.stat().st_mode & 0o777 == 0o600

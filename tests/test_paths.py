"""Where Waymark keeps its files on each system, run as data here on Linux (helper/paths.py).
The live answer on this machine comes from platformdirs; the plan must agree with it."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath, PureWindowsPath

import platformdirs
import pytest

from helper import paths

HOME_WIN = PureWindowsPath(r"C:\Users\pat")
HOME_POSIX = PurePosixPath("/home/pat")
HOME_MAC = PurePosixPath("/Users/pat")


def test_windows_keeps_it_in_local_app_data_protected_by_the_profile():
    env = {"LOCALAPPDATA": r"C:\Users\pat\AppData\Local"}
    where = paths.placement("win32", env, HOME_WIN)
    assert where.data == PureWindowsPath(r"C:\Users\pat\AppData\Local\waymark")
    assert where.runtime == PureWindowsPath(r"C:\Users\pat\AppData\Local\waymark\runtime")
    assert where.window == PureWindowsPath(r"C:\Users\pat\AppData\Local\waymark\window")
    assert "ACLs" in where.protected_by and "do nothing" in where.protected_by
    # No LOCALAPPDATA (a broken environment): the profile's usual place.
    assert paths.placement("win32", {}, HOME_WIN).data == PureWindowsPath(
        r"C:\Users\pat\AppData\Local\waymark"
    )


def test_macos_keeps_it_in_application_support():
    where = paths.placement("darwin", {"XDG_DATA_HOME": "/ignored"}, HOME_MAC)
    assert where.data == PurePosixPath("/Users/pat/Library/Application Support/waymark")
    assert where.runtime == where.data / "runtime"
    assert where.protected_by == paths.POSIX_MODES


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "/home/pat/.local/share/waymark"),
        ({"XDG_DATA_HOME": "/data/pat"}, "/data/pat/waymark"),
        ({"XDG_DATA_HOME": "  "}, "/home/pat/.local/share/waymark"),
    ],
)
def test_linux_follows_xdg(env, expected):
    where = paths.placement("linux", env, HOME_POSIX)
    assert where.data == PurePosixPath(expected)
    assert where.runtime == PurePosixPath(expected) / "runtime"


@pytest.mark.parametrize("system", ["win32", "darwin", "linux"])
def test_waymark_home_moves_everything_on_every_system(system):
    where = paths.placement(system, {"WAYMARK_HOME": "/tmp/w", "LOCALAPPDATA": "x"}, HOME_POSIX)
    assert str(where.data).replace("\\", "/") == "/tmp/w"
    assert where.runtime == where.data / "runtime"


def test_the_plan_matches_platformdirs_and_the_live_folders_here(monkeypatch, tmp_path):
    monkeypatch.delenv("WAYMARK_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path))
    where = paths.current_placement()
    assert Path(where.data) == Path(platformdirs.user_data_dir("waymark", False))
    assert paths.data_dir() == Path(where.data)
    from helper import server

    assert server.runtime_dir() == Path(where.runtime)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX; Windows uses ACLs")
def test_the_live_folders_are_owner_only_on_posix(waymark_home):
    from helper import server

    runtime = server.runtime_dir()
    assert runtime.stat().st_mode & 0o777 == 0o700


# ---- a data folder that already exists (docs/SECURITY.md, "The data folder is private") -----

OTHER_UID = 65534  # "nobody": any account but ours


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX; Windows uses ACLs")
@pytest.mark.parametrize("where", ["WAYMARK_HOME", "XDG_DATA_HOME"])
def test_an_existing_data_folder_others_can_read_is_made_owner_only(tmp_path, monkeypatch, where):
    """A folder left 0755 (made by hand, an older version, a restored backup) showed every
    file name in it to other accounts."""
    if where == "WAYMARK_HOME":
        folder = tmp_path / "home"
        monkeypatch.setenv("WAYMARK_HOME", str(folder))
    else:
        folder = tmp_path / "xdg" / "waymark"
        monkeypatch.delenv("WAYMARK_HOME", raising=False)
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    folder.mkdir(parents=True)
    (folder / "vault.sqlite3").write_bytes(b"kept as it is")
    folder.chmod(0o755)
    assert paths.data_dir() == folder
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / "vault.sqlite3").read_bytes() == b"kept as it is"


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="giving a folder to another account needs root",
)
def test_a_data_folder_another_account_owns_is_refused_in_one_sentence(tmp_path):
    from tests.support.cli import waymark

    folder = tmp_path / "theirs"
    folder.mkdir()
    (folder / "vault.sqlite3").write_bytes(b"theirs, untouched")
    folder.chmod(0o755)
    os.chown(folder, OTHER_UID, OTHER_UID)
    env = {**os.environ, "WAYMARK_HOME": str(folder)}
    for command in (["serve"], ["notes", "list"]):
        result = waymark(*command, env=env, timeout=30)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "another account" in lines[0], result.stderr
        assert lines[0].count(". ") == 0, "one plain sentence"
    assert folder.stat().st_mode & 0o777 == 0o755, "another account's folder was changed"
    assert folder.stat().st_uid == OTHER_UID
    assert sorted(p.name for p in folder.iterdir()) == ["vault.sqlite3"]
    assert (folder / "vault.sqlite3").read_bytes() == b"theirs, untouched"

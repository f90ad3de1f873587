"""The compiled-template cache (helper/web/template_cache.py) saves work between starts and can
never cost a page: an empty, damaged, unwritable or missing cache still gives the same page."""

from __future__ import annotations

import marshal
import os
import pickle
import re
import shutil
import stat
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment
from jinja2.bccache import bc_magic

from helper.web.template_cache import FOLDER, template_cache
from tests.support.modes import assert_mode
from tests.web.conftest import TOKEN, make_app, signed_in

KEY_FILE = "template-cache.key"


def start_page(app) -> bytes:
    """The start page, less its per-launch CSRF token (the one part meant to differ)."""
    response = signed_in(app).get("/")
    assert response.status_code == 200
    return re.sub(rb'name="csrf_token" value="[^"]*"', b"", response.data)


def start_page_ran_nothing(marker: Path) -> bytes:
    """The start page of a fresh app, after checking first that no planted code wrote
    `marker` (a planted entry may also break the page; what matters most is that it ran)."""
    app = make_app()
    client = app.test_client()
    try:
        client.get("/?token=" + TOKEN)
        response = client.get("/")
    finally:  # checked even when the planted code went on to break the page
        assert not marker.exists(), "planted cache code ran in the helper"
    assert response.status_code == 200
    return re.sub(rb'name="csrf_token" value="[^"]*"', b"", response.data)


def test_a_start_fills_an_owner_only_cache_and_the_next_start_gives_the_same_page(waymark_home):
    first = start_page(make_app())
    folder = waymark_home / "cache" / "templates"
    entries = list(folder.iterdir())
    assert entries, "the start page's templates were not cached"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(e.stat().st_mode) == 0o600 for e in entries)
    assert start_page(make_app()) == first  # read back from the cache


@pytest.mark.parametrize("damage", ["garbage", "empty", "truncated"])
def test_a_damaged_entry_is_compiled_afresh(waymark_home, damage):
    first = start_page(make_app())
    for entry in (waymark_home / "cache" / "templates").iterdir():
        data = entry.read_bytes()
        entry.write_bytes(
            {"garbage": b"\x00not a cache" * 9, "empty": b"", "truncated": data[: len(data) // 2]}[
                damage
            ]
        )
    assert start_page(make_app()) == first


def test_a_cache_folder_that_cannot_be_made_or_written_costs_nothing(waymark_home):
    first = start_page(make_app())
    folder = waymark_home / "cache" / "templates"
    shutil.rmtree(folder)
    folder.write_text("a file where the folder should be")  # mkdir fails: no cache at all
    assert start_page(make_app()) == first

    folder.unlink()
    app = make_app()  # the folder is made here ...
    folder.rmdir()
    folder.write_text("and gone again")  # ... and cannot be written when the page compiles
    assert start_page(app) == first


def test_an_edited_template_is_never_served_from_the_cache(tmp_path):
    def render(source: str) -> str:
        env = Environment(loader=DictLoader({"page.html": source}), bytecode_cache=cache)
        return env.get_template("page.html").render(who="the DSL")

    cache = template_cache(tmp_path, key_folder=tmp_path)
    assert render("Tell {{ who }}.") == "Tell the DSL."
    assert list((tmp_path / "templates").iterdir())
    assert render("Phone {{ who }} now.") == "Phone the DSL now."  # same name, new source


def test_a_cache_folder_blocked_by_a_file_costs_nothing(waymark_home):
    (waymark_home / "cache").write_text("a file where the user's cache folder should be")
    assert template_cache() is None
    assert b"<h1" in start_page(make_app())


# ---- planted entries, other accounts' folders and files (docs/SECURITY.md, "Compiled
# templates"). An entry is Jinja's pickle + marshal: whoever can plant one could run code in the
# helper. So each is checked against an HMAC under a key in the private data folder before
# anything in it is read, and a folder or file another account owns or may write is not used.

OTHER_UID = 65534  # "nobody": any account but ours
as_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="giving a file to another account needs root",
)


class PickleGadget:
    """A pickle that runs code when it is loaded (before Jinja compares any checksum)."""

    def __init__(self, source: str) -> None:
        self.source = source

    def __reduce__(self):
        return (exec, (self.source,))


def marker_code(marker: Path) -> str:
    return f"open({str(marker)!r}, 'w').write('planted code ran')"


def jinja_payload(data: bytes) -> tuple[bytes, bytes, str]:
    """(what comes before Jinja's own entry, Jinja's entry, its source checksum)."""
    at = data.find(bc_magic)
    assert at >= 0, "not a Jinja cache entry"
    checksum = pickle.loads(data[at + len(bc_magic) :])  # our own entry, written just now
    return data[:at], data[at:], checksum


def evil_entry(checksum: str, marker: Path) -> bytes:
    """A Jinja entry whose code writes `marker`, with the right checksum for its template."""
    code = compile(marker_code(marker), "<planted>", "exec")
    return bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(code)


def plant(folder: Path, marker: Path, how: str) -> list[Path]:
    """Replace every entry in `folder` with one that would write `marker` if it ever ran."""
    entries = sorted(p for p in folder.iterdir() if p.is_file())
    assert entries, "nothing was cached to plant over"
    for entry in entries:
        prefix, _payload, checksum = jinja_payload(entry.read_bytes())
        if how == "code":  # what a planter writes: Jinja's own format
            entry.write_bytes(evil_entry(checksum, marker))
        elif how == "code, our tag kept":  # our tag in front, the payload swapped
            entry.write_bytes(prefix + evil_entry(checksum, marker))
        elif how == "pickle":
            entry.write_bytes(bc_magic + pickle.dumps(PickleGadget(marker_code(marker)), 2))
        else:  # "code, tag forged": as if the key had leaked, to test the other checks alone
            from helper.web.template_cache import seal

            key = (Path(os.environ["WAYMARK_HOME"]) / KEY_FILE).read_bytes()
            entry.write_bytes(seal(key, entry.name, evil_entry(checksum, marker)))
    return entries


@pytest.mark.parametrize("how", ["code", "code, our tag kept", "pickle"])
def test_a_planted_entry_never_runs_and_the_page_is_compiled_afresh(waymark_home, tmp_path, how):
    first = start_page(make_app())
    marker = tmp_path / "ran"
    plant(waymark_home / "cache" / "templates", marker, how)
    assert start_page_ran_nothing(marker) == first


@as_root
@pytest.mark.parametrize("whose", ["templates", "cache"])
def test_a_cache_folder_owned_by_another_account_is_not_used(waymark_home, tmp_path, whose):
    first = start_page(make_app())
    marker = tmp_path / "ran"
    folder = waymark_home / "cache" / "templates"
    plant(folder, marker, "code, tag forged")
    os.chown(folder if whose == "templates" else folder.parent, OTHER_UID, OTHER_UID)
    assert start_page_ran_nothing(marker) == first


def test_a_cache_folder_others_may_write_is_not_used(waymark_home, tmp_path):
    first = start_page(make_app())
    marker = tmp_path / "ran"
    folder = waymark_home / "cache" / "templates"
    entries = plant(folder, marker, "code, tag forged")
    folder.chmod(0o777)
    assert start_page_ran_nothing(marker) == first
    assert sorted(p for p in folder.iterdir()) == entries, "we wrote into that folder"


@pytest.mark.parametrize("what", ["owned by another account", "writable by others"])
def test_an_entry_another_account_owns_or_may_write_is_compiled_afresh(
    waymark_home, tmp_path, what
):
    if what.startswith("owned") and (not hasattr(os, "geteuid") or os.geteuid() != 0):
        pytest.skip("giving a file to another account needs root")
    first = start_page(make_app())
    marker = tmp_path / "ran"
    for entry in plant(waymark_home / "cache" / "templates", marker, "code, tag forged"):
        if what.startswith("owned"):
            os.chown(entry, OTHER_UID, OTHER_UID)
        else:
            entry.chmod(0o666)
    assert start_page_ran_nothing(marker) == first
    for entry in (waymark_home / "cache" / "templates").iterdir():  # replaced by our own
        assert entry.stat().st_uid == os.geteuid()
        assert_mode(entry, 0o600)


@as_root
def test_a_shared_cache_home_where_another_account_planted_first_runs_nothing(
    tmp_path, monkeypatch
):
    """The red team's case: XDG_CACHE_HOME is a shared, writable folder (like /tmp), and another
    account made waymark/templates there first, with entries that run code."""
    monkeypatch.delenv("WAYMARK_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    # Learn the entries' names and checksums from a start with a private cache first.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "private-cache"))
    first = start_page(make_app())
    learned = tmp_path / "private-cache" / "waymark" / FOLDER

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    planted = shared / "waymark" / FOLDER
    planted.mkdir(parents=True)
    marker = tmp_path / "ran"
    for entry in learned.iterdir():
        _prefix, _payload, checksum = jinja_payload(entry.read_bytes())
        (planted / entry.name).write_bytes(evil_entry(checksum, marker))
    for path in (planted.parent, planted, *planted.iterdir()):
        os.chown(path, OTHER_UID, OTHER_UID)
        path.chmod(0o755 if path.is_dir() else 0o644)

    monkeypatch.setenv("XDG_CACHE_HOME", str(shared))
    assert start_page_ran_nothing(marker) == first
    assert template_cache() is None


def test_the_cache_key_is_made_once_owner_only_in_the_data_folder(waymark_home):
    start_page(make_app())
    key_file = waymark_home / KEY_FILE
    key = key_file.read_bytes()
    assert len(key) == 32
    assert_mode(key_file, 0o600)
    entries = {p.name: p.stat().st_mtime_ns for p in (waymark_home / "cache" / FOLDER).iterdir()}
    start_page(make_app())
    assert key_file.read_bytes() == key, "the key must be made once, not every start"
    after = {p.name: p.stat().st_mtime_ns for p in (waymark_home / "cache" / FOLDER).iterdir()}
    assert after == entries, "the second start should have read the cache, not rewritten it"


def test_a_damaged_key_is_replaced_and_the_entries_are_compiled_afresh(waymark_home, tmp_path):
    first = start_page(make_app())
    key_file = waymark_home / KEY_FILE
    key_file.write_bytes(b"short")
    key_file.chmod(0o644)
    assert start_page(make_app()) == first
    assert len(key_file.read_bytes()) == 32
    assert_mode(key_file, 0o600)

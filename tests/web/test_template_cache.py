"""The compiled-template cache (helper/web/template_cache.py) saves work between starts and can
never cost a page: an empty, damaged, unwritable or missing cache still gives the same page."""

from __future__ import annotations

import re
import shutil
import stat

import pytest
from jinja2 import DictLoader, Environment

from helper.web.template_cache import template_cache
from tests.web.conftest import make_app, signed_in


def start_page(app) -> bytes:
    """The start page, less its per-launch CSRF token (the one part meant to differ)."""
    response = signed_in(app).get("/")
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

    cache = template_cache(tmp_path)
    assert render("Tell {{ who }}.") == "Tell the DSL."
    assert list((tmp_path / "templates").iterdir())
    assert render("Phone {{ who }} now.") == "Phone the DSL now."  # same name, new source


def test_a_cache_folder_blocked_by_a_file_costs_nothing(waymark_home):
    (waymark_home / "cache").write_text("a file where the user's cache folder should be")
    assert template_cache() is None
    assert b"<h1" in start_page(make_app())

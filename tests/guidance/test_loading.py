"""The loader refuses a broken guidance.json with a message naming the place."""

from __future__ import annotations

import copy

import pytest

from helper import guidance
from helper.errors import IntegrityError


def refused(planted) -> str:
    with pytest.raises(IntegrityError) as err:
        guidance.load(planted.root)
    return str(err.value)


def test_the_real_file_loads(planted):
    assert guidance.load(planted.root)["checked"] == "2026-12-07"


def test_the_default_is_the_installed_file():
    assert guidance.default() is guidance.default()
    assert guidance.default()["concerns"]


def test_a_missing_file_is_named(planted):
    (planted.root / "guidance.json").unlink()
    assert "guidance.json: missing" in refused(planted)


def test_a_missing_schema_is_named(planted):
    (planted.root / "schema" / "guidance.schema.json").unlink()
    assert "guidance.schema.json" in refused(planted)


def test_markup_in_a_text_is_refused_and_located(planted):
    planted.edit("guidance", lambda d: d["concerns"][0]["common"]["now"].append("<b>bold</b>"))
    message = refused(planted)
    assert "nude-image-shared" in message and "common.now" in message


def test_a_script_link_is_refused(planted):
    planted.edit("guidance", lambda d: d["always"]["talk"].append("See javascript:alert(1)"))
    assert "script link" in refused(planted)


def test_a_newline_in_a_text_is_refused(planted):
    planted.edit("guidance", lambda d: d["general"][0]["texts"].append("two\nlines"))
    assert "general[0]" in refused(planted)


def test_a_band_missing_from_a_concern_is_refused(planted):
    planted.edit("guidance", lambda d: d["concerns"][1]["bands"].pop("unknown"))
    assert "sextortion" in refused(planted)


def test_a_gap_between_bands_is_refused(planted):
    planted.edit("guidance", lambda d: d["bands"][1].update(age_min=9))
    assert "must start at age 8" in refused(planted)


def test_bands_must_end_at_17(planted):
    planted.edit("guidance", lambda d: d["bands"][2].update(age_max=16))
    assert "end at age 17" in refused(planted)


def test_a_concern_given_twice_is_refused(planted):
    planted.edit("guidance", lambda d: d["concerns"].append(d["concerns"][0]))
    assert "appears twice" in refused(planted)


def test_a_text_that_would_reach_a_parent_twice_is_refused(planted):
    def repeat(d):
        d["concerns"][2]["bands"]["8-12"]["talk"].append(d["always"]["talk"][0])

    planted.edit("guidance", repeat)
    assert "given twice" in refused(planted)


def test_an_unchecked_source_is_refused(planted):
    planted.edit("guidance", lambda d: d["concerns"][3]["source"][0].pop("checked"))
    assert "checked" in refused(planted)


def test_a_plain_http_source_is_refused(planted):
    planted.edit(
        "guidance", lambda d: d["concerns"][3]["source"][0].update(url="http://example.org/")
    )
    assert "https" in refused(planted)


def test_a_control_character_is_named_by_the_cross_checks():
    """Behind the schema, the knowledge base's own control-character check covers the file."""
    document = copy.deepcopy(guidance.default())
    document["general"][0]["texts"].append("a\x07bell")
    found = [p for p in guidance.problems(document) if "control character" in p]
    assert found and found[0].startswith("guidance.json general (")

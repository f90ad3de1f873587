"""`waymark boroughs` run as a person or a script would: the real CLI in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess

from helper.boroughs import OUTSIDE_LONDON_URL
from helper.paths import REPO_ROOT
from tests.support.cli import waymark
from tests.support.planted import planted as planted

TOP = {"id", "name", "mash", "out_of_hours", "lado", "referral_url", "written_confirmation_hours",
       "evidence"}  # fmt: skip


RESOURCES = REPO_ROOT / "resources"
DIRECTORY = json.loads((RESOURCES / "boroughs.json").read_text(encoding="utf-8"))


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return waymark("boroughs", *args, env=env)


def test_one_borough_as_text():
    result = run("Tower Hamlets")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Tower Hamlets\n")
    assert "020 7364 5006" in result.stdout
    assert "020 7364 4079" in result.stdout
    assert "999" in result.stdout


def test_an_unconfirmed_detail_says_so_rather_than_vanish():
    gap = next(e for e in DIRECTORY["boroughs"] if "lado" not in e)
    result = run(gap["name"])
    assert result.returncode == 0
    assert "LADO (allegations about staff):        not confirmed" in result.stdout


def test_an_authority_with_no_evidence_says_nothing_was_confirmed(planted):
    def strip(document):
        bare = next(e for e in document["boroughs"] if e["id"] == "enfield")
        for key in ("mash", "out_of_hours", "lado", "referral_url", "written_confirmation_hours"):
            bare.pop(key, None)
        bare["evidence"] = []

    planted.edit("boroughs", strip)
    env = {**os.environ, "WAYMARK_RESOURCES": str(planted.root)}
    result = run("enfield", env=env)
    assert result.returncode == 0, result.stderr
    assert "No official page confirmed" in result.stdout
    assert result.stdout.count("not confirmed: check the council's own website") == 4
    data = json.loads(run("Enfield", "--json", env=env).stdout)
    assert data == {"id": "enfield", "name": "Enfield", "evidence": []}


def test_json_shape_follows_the_contract():
    result = run("haringey", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) <= TOP
    assert {"id", "name", "mash", "out_of_hours", "evidence"} <= set(data)
    assert data["id"] == "haringey" and data["name"] == "Haringey"
    assert set(data["mash"]) == {"phone", "hours"}
    assert set(data["out_of_hours"]) == {"phone"}
    assert data["written_confirmation_hours"] == 24
    assert data["lado"] == {"phone": "020 8489 2968"}
    for item in data["evidence"]:
        assert set(item) == {"url", "checked", "confirms"}
    gap = next(e for e in DIRECTORY["boroughs"] if "lado" not in e)
    assert "lado" not in json.loads(run(gap["id"], "--json").stdout)  # left out, not null
    for item in data["evidence"]:
        assert set(item) == {"url", "checked", "confirms"}


def test_json_leaves_out_every_unconfirmed_field():
    for entry in DIRECTORY["boroughs"]:
        missing = TOP - set(entry)
        if missing:
            data = json.loads(run(entry["id"], "--json").stdout)
            assert not missing & set(data), entry["id"]
            assert set(data) == set(entry) - {"aliases"}, entry["id"]
            break
    else:
        raise AssertionError("every authority is complete; pick another unconfirmed field")


def test_all_boroughs_as_json_and_text():
    result = run("--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert len(data) == 33
    assert all(set(d) <= TOP for d in data)
    text = run()
    assert text.returncode == 0
    assert "City of London" in text.stdout and "Westminster" in text.stdout


def test_forgiving_name_on_the_command_line():
    data = json.loads(run("City", "--json").stdout)
    assert data["id"] == "city-of-london"
    assert json.loads(run("hammersmith-&-fulham", "--json").stdout)["id"] == (
        "hammersmith-and-fulham"
    )


def test_an_unknown_name_exits_2_with_the_closest_names():
    result = run("Barnett")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Barnet" in result.stderr
    assert OUTSIDE_LONDON_URL in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_control_character_in_the_name_is_not_echoed():
    result = run("Bar\x1b[31mnet")
    assert result.returncode == 2
    assert "\x1b" not in result.stderr


def test_outside_london_points_to_the_gov_uk_council_finder():
    result = run("outside London")
    assert result.returncode == 0
    assert OUTSIDE_LONDON_URL in result.stdout
    data = json.loads(run("outside-london", "--json").stdout)
    assert data["url"] == OUTSIDE_LONDON_URL


def test_help_lists_the_command():
    result = waymark("--help")
    assert "boroughs" in result.stdout

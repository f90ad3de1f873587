"""`waymark boroughs` run as a person or a script would: the real CLI in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from helper.boroughs import OUTSIDE_LONDON_URL

TOP = {"id", "name", "mash", "out_of_hours", "lado", "referral_url", "written_confirmation_hours",
       "evidence"}  # fmt: skip


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "helper", "boroughs", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_one_borough_as_text():
    result = run("Tower Hamlets")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Tower Hamlets\n")
    assert "020 7364 5006" in result.stdout
    assert "020 7364 4079" in result.stdout
    assert "999" in result.stdout


def test_an_unconfirmed_detail_says_so_rather_than_vanish():
    result = run("enfield")
    assert result.returncode == 0
    assert "not confirmed" in result.stdout
    assert "No official page confirmed" in result.stdout


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
    bromley = json.loads(run("Bromley", "--json").stdout)
    assert "lado" not in bromley  # not confirmed, so left out rather than null
    for item in data["evidence"]:
        assert set(item) == {"url", "checked", "confirms"}


def test_json_leaves_out_every_unconfirmed_field():
    data = json.loads(run("Enfield", "--json").stdout)
    assert data == {"id": "enfield", "name": "Enfield", "evidence": []}


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
    result = subprocess.run(
        [sys.executable, "-m", "helper", "--help"], capture_output=True, text=True, timeout=60
    )
    assert "boroughs" in result.stdout

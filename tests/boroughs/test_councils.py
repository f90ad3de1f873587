"""The front doors outside London (resources/councils.json, helper/councils.py): every council in
Wales and Scotland and every HSC Trust is there, names match as people type them, numbers are
only what an official page confirmed, and `waymark councils` says so."""

from __future__ import annotations

import json

import pytest

from helper import boroughs, councils
from helper.errors import IntegrityError
from helper.paths import REPO_ROOT
from tests.support.cli import waymark
from tests.support.planted import planted as planted

RESOURCES = REPO_ROOT / "resources"


@pytest.fixture(scope="module")
def document() -> dict:
    return councils.load(RESOURCES)


@pytest.fixture(scope="module")
def london() -> dict:
    return boroughs.load(RESOURCES)


def test_every_council_of_wales_and_scotland_and_every_trust_is_there(document):
    for nation, count in {"wales": 22, "scotland": 32, "northern-ireland": 5}.items():
        assert len(councils.councils(document, nation)) == count
    trusts = councils.councils(document, "northern-ireland")
    assert all(t["kind"] == "hsc-trust" for t in trusts)


@pytest.mark.parametrize(
    ("typed", "ident", "nation", "london_borough"),
    [
        ("Rhondda Cynon Taf", "rhondda-cynon-taf", "wales", False),
        ("RCT", "rhondda-cynon-taf", "wales", False),
        ("rhondda cynon taff", "rhondda-cynon-taf", "wales", False),
        ("Ynys Môn", "isle-of-anglesey", "wales", False),
        ("Anglesey", "isle-of-anglesey", "wales", False),
        ("Caerdydd", "cardiff", "wales", False),
        ("Na h-Eileanan Siar", "na-h-eileanan-siar", "scotland", False),
        ("Western Isles", "na-h-eileanan-siar", "scotland", False),
        ("City of Edinburgh", "city-of-edinburgh", "scotland", False),
        ("glasgow", "glasgow-city", "scotland", False),
        ("Belfast Trust", "belfast-trust", "northern-ireland", False),
        ("Belfast HSC Trust", "belfast-trust", "northern-ireland", False),
        ("Western Health and Social Care Trust", "western-trust", "northern-ireland", False),
        ("Leeds", "leeds", "england", False),
        ("Harrogate", "north-yorkshire", "england", False),
        ("Camden", "camden", "england", True),
        ("Tower Hamlets", "tower-hamlets", "england", True),
    ],
)
def test_names_match_as_people_type_them(document, london, typed, ident, nation, london_borough):
    place = councils.find(typed, document, london)
    assert place is not None, typed
    assert (place.entry["id"], place.nation, place.london) == (ident, nation, london_borough)


def test_a_near_miss_gets_did_you_mean(document, london):
    assert councils.find("Sth Ayrshire", document, london) is None
    assert "South Ayrshire" in councils.closest("Sth Ayrshire", document, london)
    assert "Croydon" in councils.closest("Croyden", document, london)


def test_merged_councils_answer_with_their_successors(document):
    by_id = {c["id"]: c for c in document["councils"]}
    for former, after in {
        "northamptonshire": {"North Northamptonshire", "West Northamptonshire"},
        "cumbria": {"Cumberland", "Westmorland and Furness"},
    }.items():
        assert {s["name"] for s in councils.successors(by_id[former], document)} == after
    # North Yorkshire and Somerset kept their names: the old county's name finds the new one.
    assert (
        councils.find("North Yorkshire County Council", document).entry["id"] == "north-yorkshire"
    )
    assert councils.find("Somerset County Council", document).entry["id"] == "somerset"


def test_every_number_is_named_by_its_own_evidence(document):
    for entry in document["councils"]:
        said = " ".join(item["confirms"] for item in entry["evidence"])
        for part in ("front_door", "out_of_hours"):
            number = entry.get(part, {}).get("phone")
            if number:
                assert number in said, (entry["id"], part)
        if "concern_url" in entry:
            assert entry["concern_url"] in {i["url"] for i in entry["evidence"]}


def test_a_number_no_page_confirmed_is_refused(planted):
    def plant(doc):
        fife = next(c for c in doc["councils"] if c["id"] == "fife")
        fife["out_of_hours"] = {"phone": "0300 123 4567"}

    planted.edit("councils", plant)
    with pytest.raises(IntegrityError, match="not named by any of its evidence pages"):
        councils.load(planted.root)


def test_a_missing_welsh_council_is_refused(planted):
    planted.edit("councils", lambda doc: doc["councils"].pop(0))
    with pytest.raises(IntegrityError, match="21 entries for wales, expected 22"):
        councils.load(planted.root)


def test_each_nation_has_an_official_finder(document):
    for nation in ("england", "wales", "scotland", "northern-ireland"):
        assert councils.finder(document, nation)["url"].startswith("https://")


def test_the_evidence_summary_counts_each_nation(document):
    summary = councils.evidence_by_nation(document)
    assert summary["northern-ireland"]["with_evidence"] == 5
    assert summary["wales"]["entries"] == 22 and summary["scotland"]["entries"] == 32
    assert "Cardiff" in summary["wales"]["without"] or summary["wales"]["with_evidence"] == 22


def test_waymark_councils_as_text_and_json():
    done = waymark("councils", "Fife")
    assert done.returncode == 0, done.stderr
    assert "03451 551503" in done.stdout and "03451 550099" in done.stdout
    gap = waymark("councils", "RCT")
    assert "not confirmed by an official page" in gap.stdout
    assert "https://www.gov.uk/find-local-council" in gap.stdout
    data = json.loads(waymark("councils", "Belfast Trust", "--json").stdout)
    assert data["nation"] == "northern-ireland" and data["out_of_hours"]["phone"] == "028 9504 9999"
    assert data["finder"]["url"].startswith("https://www.safeguardingni.org/")
    merged = waymark("councils", "Cumbria")
    assert "Cumberland" in merged.stdout and "Westmorland and Furness" in merged.stdout
    scots = json.loads(waymark("councils", "--nation", "scotland", "--json").stdout)
    assert len(scots) == 32 and {c["nation"] for c in scots} == {"scotland"}
    borough = waymark("councils", "Croydon")
    assert "020 8255 2888" in borough.stdout  # a London borough answers as `waymark boroughs`


def test_waymark_councils_refuses_plainly():
    wrong = waymark("councils", "Sth Ayrshire")
    assert wrong.returncode == 2 and "Did you mean: South Ayrshire" in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1
    elsewhere = waymark("councils", "Cardiff", "--nation", "scotland")
    assert elsewhere.returncode == 2 and "Cardiff is in Wales" in elsewhere.stderr
    bad = waymark("councils", "--nation", "ireland")
    assert bad.returncode == 2 and "northern-ireland" in bad.stderr

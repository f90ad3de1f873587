"""Finding a borough by the name a person types: forgiving about case, spaces, hyphens, '&' and
'London Borough of', strict about what is not a London authority."""

from __future__ import annotations

import pytest

from helper import boroughs
from helper.paths import REPO_ROOT


@pytest.fixture(scope="module")
def document() -> dict:
    return boroughs.load(REPO_ROOT / "resources")


@pytest.mark.parametrize(
    ("typed", "ident"),
    [
        ("Tower Hamlets", "tower-hamlets"),
        ("tower-hamlets", "tower-hamlets"),
        ("  TOWER   hamlets ", "tower-hamlets"),
        ("towerhamlets", "tower-hamlets"),
        ("City", "city-of-london"),
        ("city of london", "city-of-london"),
        ("City of London Corporation", "city-of-london"),
        ("Westminster", "westminster"),
        ("City of Westminster", "westminster"),
        ("Hammersmith & Fulham", "hammersmith-and-fulham"),
        ("hammersmith and fulham", "hammersmith-and-fulham"),
        ("LBHF", "hammersmith-and-fulham"),
        ("Barking & Dagenham", "barking-and-dagenham"),
        ("London Borough of Camden", "camden"),
        ("Royal Borough of Greenwich", "greenwich"),
        ("Royal Borough of Kensington and Chelsea", "kensington-and-chelsea"),
        ("RBKC", "kensington-and-chelsea"),
        ("Kingston", "kingston-upon-thames"),
        ("kingston-upon-thames", "kingston-upon-thames"),
        ("Richmond upon Thames", "richmond-upon-thames"),
        ("Waltham", "waltham-forest"),
    ],
)
def test_forgiving_names_find_the_borough(document, typed, ident):
    found = boroughs.find(typed, document)
    assert found is not None and found["id"] == ident


@pytest.mark.parametrize("typed", ["", "   ", "London", "Manchester", "Ham", "Barnett", "and"])
def test_names_that_are_not_one_london_authority_find_nothing(document, typed):
    assert boroughs.find(typed, document) is None


def test_an_ambiguous_start_finds_nothing(document):
    # "Hamm..." is only Hammersmith, but "Har" is Haringey or Harrow and too short anyway.
    assert boroughs.find("Hamm", document)["id"] == "hammersmith-and-fulham"
    assert boroughs.find("Har", document) is None


def test_closest_suggests_the_likely_borough_first(document):
    assert boroughs.closest("Barnett", document)[0] == "Barnet"
    assert boroughs.closest("Tower Hamlet", document)[0] == "Tower Hamlets"
    assert boroughs.closest("Lamberth", document)[0] == "Lambeth"
    assert len(boroughs.closest("Barnett", document)) <= 3
    assert boroughs.closest("zzzzzz", document) == []


def test_outside_london_is_recognised():
    assert boroughs.is_outside_london("outside London")
    assert boroughs.is_outside_london("Outside-London")
    assert not boroughs.is_outside_london("Camden")


def test_every_name_id_and_alias_finds_its_own_entry(document):
    for entry in document["boroughs"]:
        for label in (entry["id"], entry["name"], *entry.get("aliases", ())):
            assert boroughs.find(label, document)["id"] == entry["id"], label

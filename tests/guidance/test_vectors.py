"""helper.guidance.guidance_for against every shared vector (the JS side runs the same file)."""

from __future__ import annotations

import pytest

from helper import guidance
from helper.errors import BadInput
from tests.guidance.conftest import document, problems_with, vectors

DOC = document()
CASES = vectors()["vectors"]


@pytest.mark.parametrize("vector", CASES, ids=[v["name"] for v in CASES])
def test_vector(vector):
    result, error = None, None
    try:
        result = guidance.guidance_for(vector["concern"], vector["age"], DOC)
    except BadInput as err:
        error = err
    assert problems_with(vector, result, error) == []


def test_there_are_enough_vectors_and_names_are_unique():
    names = [v["name"] for v in CASES]
    assert len(names) >= 40
    assert len(set(names)) == len(names)


def test_general_sections_are_as_the_vectors_say():
    assert [s["id"] for s in guidance.general(DOC)] == vectors()["general"]


def test_the_checker_catches_a_wrong_result():
    vector = {
        "name": "x",
        "concern": "grooming",
        "age": 15,
        "band": "13-17",
        "includes": {"now": ["CEOP"]},
        "excludes": {"now": ["999"]},
        "first": {"now": "999"},
    }
    result = guidance.guidance_for("grooming", 15, DOC)
    assert problems_with(vector, result, None) == ["now has '999'"]
    assert problems_with({**vector, "band": "8-12", "excludes": {}}, result, None) == [
        "band 13-17, not 8-12"
    ]
    assert problems_with({"none": True}, result, None) != []
    assert problems_with({"error": "BadInput"}, result, None) != []

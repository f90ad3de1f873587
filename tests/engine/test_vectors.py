"""resources/vectors.json: the cases both engines (Python here, JavaScript in the extension) must
get right. Each case is its own test so a failure names the case."""

from __future__ import annotations

import json

import pytest

from helper import engine, resources
from helper.errors import BadInput
from helper.paths import REPO_ROOT

KB = resources.load(REPO_ROOT / "resources")
VECTORS = json.loads((REPO_ROOT / "resources" / "vectors.json").read_text(encoding="utf-8"))


def route_ids(result: engine.Result) -> list[str]:
    return [r.id for r in result.routes]


def test_there_are_at_least_150_cases_with_unique_names():
    names = [v["name"] for v in VECTORS]
    assert len(names) >= 150 and len(set(names)) == len(names)


def test_order_pairs_are_pinned_where_order_matters():
    """Not only the first route: the order after it (IWF before the helpline, DSL first...)."""
    assert sum(len(v.get("before", [])) for v in VECTORS) >= 40


def test_every_route_id_a_case_mentions_exists():
    known = set(KB.services) | {f"platform:{p}" for p in KB.platforms} | {engine.UNKNOWN_PLATFORM}
    for v in VECTORS:
        mentioned = v.get("must", []) + v.get("must_not", []) + [v.get("first", "police-999")]
        mentioned += [i for pair in v.get("before", []) for i in pair]
        mentioned += list(v.get("conditions", {})) + v.get("limited", [])
        assert set(mentioned) <= known, v["name"]
        assert set(v.get("warnings", [])) <= {w["id"] for w in KB.warnings}, v["name"]
        steps = {s["id"] for s in KB.procedure}
        assert set(v.get("procedure", []) + v.get("procedure_not", [])) <= steps, v["name"]


@pytest.mark.parametrize("case", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector(case):
    if case.get("error"):
        with pytest.raises(BadInput) as caught:
            engine.route(case["answers"], KB)
        assert "\n" not in str(caught.value)
        return
    result = engine.route(case["answers"], KB)
    ids = route_ids(result)
    assert len(ids) == len(set(ids))
    for must in case.get("must", []):
        assert must in ids
    for must_not in case.get("must_not", []):
        assert must_not not in ids
    if "first" in case:
        assert ids[0] == case["first"]
    for earlier, later in case.get("before", []):
        assert ids.index(earlier) < ids.index(later)
    if "warnings" in case:
        assert [w.id for w in result.warnings] == case["warnings"]
    if "procedure" in case:
        assert [p.id for p in result.procedure] == case["procedure"]
    for step in case.get("procedure_not", []):
        assert step not in [p.id for p in result.procedure], step
    if "platform" in case:
        assert result.platform == case["platform"]
    by_id = {r.id: r for r in result.routes}
    for ident, text in case.get("conditions", {}).items():
        assert by_id[ident].condition == text, ident
    for ident in case.get("limited", []):
        assert by_id[ident].limits, ident


def test_vectors_cover_every_audience_and_concern_pair_and_danger_now():
    covered = {(v["answers"].get("audience"), v["answers"].get("concern")) for v in VECTORS}
    for audience in engine.AUDIENCES:
        for concern, entry in KB.concerns.items():
            if audience in entry["audiences"]:
                assert (audience, concern) in covered, (audience, concern)
    dangers = {v["answers"]["audience"] for v in VECTORS if v["answers"].get("danger_now") is True}
    assert dangers == set(engine.AUDIENCES)
    assert sum(1 for v in VECTORS if v.get("error")) >= 22

"""Cases an independent reviewer wrote from the seed procedure and the services' own pages,
without reading the knowledge base, the vectors or these tests (tests/engine/review_cases*.json,
one file per round,
kept as written: a case is never edited to match the code; where one is judged wrong, the reason
and its source go in REVIEW.md beside it, and the case is listed in review_disputed.json).

Each case is run through `waymark signpost --json` as the CLI builds it (engine, parents'
guidance, borough), and checked for the routes that must and must not be shown, the first route,
the order, and text that must or must not appear anywhere in the answer.
"""

from __future__ import annotations

import argparse
import json
import re

import pytest

from helper import engine, resources
from helper.cli import signpost
from helper.paths import REPO_ROOT

ROUNDS = {
    path.stem: json.loads(path.read_text("utf-8"))
    for path in sorted((REPO_ROOT / "tests" / "engine").glob("review_cases*.json"))
}
CASES = [case for cases in ROUNDS.values() for case in cases]
IDS = [f"{stem}: {case['name']}" for stem, cases in ROUNDS.items() for case in cases]
KB = resources.default()
# Cases whose expectation the team judged wrong, each with its reason in REVIEW.md (the same
# list the JavaScript test reads).
DISPUTED: dict[str, str] = json.loads(
    (REPO_ROOT / "tests" / "engine" / "review_disputed.json").read_text("utf-8")
)["cases"]


def answer(args: dict) -> dict:
    """What `waymark signpost --json` prints for these arguments."""
    namespace = argparse.Namespace(
        audience=args["audience"],
        age=None if args.get("age") is None else str(args["age"]),
        concern=args["concern"],
        platform=args.get("platform"),
        danger_now=bool(args.get("danger_now")),
        taken_under_18=bool(args.get("taken_under_18")),
        borough=args.get("borough"),
        json=True,
    )
    answers = signpost.answers_from(namespace)
    result = engine.route(answers, KB)
    return signpost.as_json(
        result, signpost.parents_guidance(answers), signpost.borough_from(namespace)
    )


def problems(case: dict, output: dict) -> list[str]:
    ids = [r["id"] for r in output["routes"]]
    text = json.dumps(output, ensure_ascii=False)
    found = [f"missing {i}" for i in case.get("must", []) if i not in ids]
    found += [f"forbidden {i}" for i in case.get("must_not", []) if i in ids]
    if case.get("first") and (not ids or ids[0] != case["first"]):
        found.append(f"first is {ids[0] if ids else 'nothing'}, not {case['first']}")
    for a, b in case.get("before", []):
        if not (a in ids and b in ids and ids.index(a) < ids.index(b)):
            found.append(f"{a} not before {b}")
    found += [
        f"no text matching {p!r}" for p in case.get("text_must", []) if not re.search(p, text, re.I)
    ]
    found += [
        f"text matching {p!r}: {re.search(p, text, re.I).group(0)!r}"
        for p in case.get("text_must_not", [])
        if re.search(p, text, re.I)
    ]
    return found


def test_there_are_at_least_40_independent_cases_in_each_round():
    for stem, cases in ROUNDS.items():
        assert len(cases) >= 40, stem
        assert len({c["name"] for c in cases}) == len(cases), stem
    for case in CASES:
        assert case["why"] and case["sources"], case["name"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_review_case(case):
    found = problems(case, answer(case["args"]))
    if case["name"] in DISPUTED:
        assert found, f"{case['name']} now passes: take it out of DISPUTED"
        return
    assert found == []

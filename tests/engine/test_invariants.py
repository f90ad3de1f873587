"""resources/invariants.json over the whole space of answers, in the Python engine.

Every combination the file's `space` defines (every audience, every age and "not known" where
allowed, every concern, with and without danger now and an image taken under 18, each platform)
is routed once, and every invariant that is about it is checked. A failure names the invariant,
the answers and what broke, so it reads as a sentence. tests/js/invariants.test.mjs does the same
in the JavaScript engine; both report the same count of combinations.
"""

from __future__ import annotations

import functools

import pytest

from helper import engine, guidance, invariants, resources
from helper.paths import REPO_ROOT
from tests.conftest import SUMMARY

RESOURCES = REPO_ROOT / "resources"
KB = resources.load(RESOURCES)
DOC = invariants.load(RESOURCES, KB.domains)
GUIDANCE = guidance.default()


@functools.cache
def advice_for(concern: str, age: int | None) -> dict | None:
    return guidance.guidance_for(concern, age, GUIDANCE)


def check_everything(kb=KB, doc=DOC) -> tuple[int, list[str]]:
    """(combinations checked, one sentence per broken invariant and answer)."""
    count, failures = 0, []
    for answers in invariants.space(doc, kb):
        count += 1
        result = engine.route(answers, kb).as_dict()
        advice = (
            advice_for(answers["concern"], answers["age"])
            if answers["audience"] == "parent-carer"
            else None
        )
        texts = invariants.shown_texts(result, advice)
        for inv in doc["invariants"]:
            if invariants.applies(inv["when"], answers, result):
                for what in invariants.broken(inv["then"], answers, result, advice, kb, texts):
                    failures.append(f"{inv['id']}: {invariants.describe(answers)}: {what}")
    return count, failures


def test_every_invariant_holds_for_every_answer():
    count, failures = check_everything()
    SUMMARY.append(
        f"invariants: {len(DOC['invariants'])} checked over {count} combinations of answers "
        "(Python engine)"
    )
    assert count > 10_000
    assert failures == [], "\n".join(failures[:40])


def test_there_are_at_least_25_invariants_each_with_a_source():
    assert len(DOC["invariants"]) >= 25
    for inv in DOC["invariants"]:
        assert inv["sources"] and all(s["says"] for s in inv["sources"]), inv["id"]


def test_every_id_an_invariant_names_exists():
    known = set(KB.services) | {f"platform:{p}" for p in KB.platforms} | {engine.UNKNOWN_PLATFORM}
    warnings = {w["id"] for w in KB.warnings}
    steps = {s["id"] for s in KB.procedure}
    for inv in DOC["invariants"]:
        then, when = inv["then"], inv["when"]
        routes = [
            *then.get("first_route", []),
            *then.get("all_routes", []),
            *then.get("some_route", []),
            *then.get("no_route", []),
            *then.get("first_after_999", []),
            *then.get("route_limited", []),
        ]
        routes += [i for pair in then.get("route_before", []) for i in pair]
        for key in ("route_steps_match", "route_steps_no_match", "route_condition_match"):
            routes += list(then.get(key, {}))
        assert set(routes) <= known, (inv["id"], set(routes) - known)
        named = [
            *then.get("some_warning", []),
            *then.get("no_warning", []),
            *then.get("first_warning", []),
        ]
        assert set(named) <= warnings, inv["id"]
        for key in ("first_procedure_after_999", "first_procedure", "all_procedure"):
            assert set(then.get(key, [])) <= steps, (inv["id"], key)
        assert set(when.get("concerns", [])) <= set(KB.concerns), inv["id"]
        assert set(when.get("platforms", [])) <= set(KB.platforms), inv["id"]


def test_the_space_includes_the_kinds_of_platform_that_change_routes():
    """An end-to-end encrypted chat, a game, an AI companion and an app nobody knows."""
    hosts = DOC["space"]["platforms"]
    matched = {h: engine.match_platform(h, KB) for h in hosts if h}
    ids = {h: (p["id"] if p else None) for h, p in matched.items()}
    assert None in hosts
    assert {"whatsapp", "roblox", "character-ai"} <= set(ids.values())
    assert None in ids.values()  # the unknown app


@pytest.mark.parametrize(
    ("invariant", "answers", "break_it"),
    [
        # Each invariant must be able to fail: a result that breaks it is caught.
        ("danger-now-999-first", {"danger_now": True}, lambda r: r["routes"].reverse()),
        (
            "999-medical-asks-for-an-ambulance",
            {"danger_now": True, "concern": "self-harm"},
            lambda r: r["routes"][0].update(steps=["Call 999 and ask for the police."]),
        ),
        (
            "no-adult-only-service-for-a-child",
            {"age": 15, "concern": "nude-image-shared"},
            lambda r: r["routes"].append(dict(r["routes"][0], id="stopncii")),
        ),
        (
            "never-advise-copying-an-image",
            {"concern": "nude-image-shared", "age": 15},
            lambda r: r["warnings"].append(
                {"id": "x", "text": "Save the image to show the police."}
            ),
        ),
        (
            "wales-procedure-cites-the-wales-procedures",
            {"audience": "professional", "nation": "wales"},
            lambda r: r["procedure"].append(dict(r["procedure"][0], section="9.4")),
        ),
        (
            "scotland-and-ni-have-no-lado",
            {"audience": "professional", "nation": "scotland", "concern": "colleague-allegation"},
            lambda r: r["procedure"].append(
                dict(r["procedure"][0], text="Phone the LADO within one working day.")
            ),
        ),
        (
            "scotland-professional-starts-with-the-coordinator",
            {"audience": "professional", "nation": "scotland"},
            lambda r: r["procedure"].reverse(),
        ),
        (
            "ni-child-protection-goes-to-gateway",
            {"audience": "professional", "nation": "northern-ireland"},
            lambda r: r["routes"].pop(
                next(i for i, x in enumerate(r["routes"]) if x["id"] == "gateway-ni")
            ),
        ),
    ],
)
def test_an_invariant_catches_a_result_that_breaks_it(invariant, answers, break_it):
    base = {
        "audience": "young-person",
        "age": 14,
        "concern": "grooming",
        "platform": None,
        "danger_now": False,
        "taken_under_18": None,
        "nation": "england",
        "london": True,
    }
    answers = {**base, **answers}
    if answers["nation"] != "england":
        answers["london"] = False
    result = engine.route(answers, KB).as_dict()
    inv = next(i for i in DOC["invariants"] if i["id"] == invariant)
    assert invariants.applies(inv["when"], answers, result)
    assert invariants.broken(inv["then"], answers, result, None, KB) == []
    break_it(result)
    assert invariants.broken(inv["then"], answers, result, None, KB)

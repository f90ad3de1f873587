"""Plain English, measured. Bars (Flesch-Kincaid grade; reading age = grade + 5):
young-person texts: each <= 6 and mean <= 4 (about age 9, the age GOV.UK writes for);
parent-carer texts: each <= 8 and mean <= 6 (about age 11).
Service names are scored as one short word (see readability.plain)."""

from __future__ import annotations

from statistics import mean

import pytest

from helper import resources
from tests.resources.conftest import RESOURCES
from tests.resources.readability import grade, plain

KB = resources.load(RESOURCES)
BARS = {"young-person": (6.0, 4.0), "parent-carer": (8.0, 6.0)}


def texts_for(audience: str) -> list[tuple[str, str]]:
    """(where, text) for every text this audience can be shown."""
    found = [
        (f"concern {c['id']}", c["label"][audience])
        for c in KB.concerns.values()
        if audience in c["label"]
    ]
    for s in KB.services.values():
        if audience in s["summary"]:
            found.append((f"service {s['id']} summary", s["summary"][audience]))
        found += [(f"service {s['id']} step", t) for t in s.get("steps", {}).get(audience, [])]
    found += [(f"rule {r['id']}", r["why"][audience]) for r in KB.rules if audience in r["why"]]
    found += [
        (f"rule {r['id']} condition", r["condition"][audience])
        for r in KB.rules
        if audience in r.get("condition", {})
    ]
    for s in KB.services.values():
        found += [
            (f"service {s['id']} limit", limit["text"][audience])
            for limit in s.get("limits", ())
            if audience in limit["text"]
        ]
    found.append(
        ("platform_rule", KB.platform_rule["why"][audience].replace("{platform}", "TikTok"))
    )
    found += [
        (f"warning {w['id']}", w["text"][audience]) for w in KB.warnings if audience in w["text"]
    ]
    for p in KB.platforms.values():
        found += [(f"platform {p['id']}", t) for steps in p["steps"].values() for t in steps]
    return found


@pytest.mark.parametrize("audience", sorted(BARS))
def test_each_text_is_within_the_bar(audience):
    worst, _ = BARS[audience]
    too_hard = [
        f"{where} (grade {grade(plain(text)):.1f}): {text}"
        for where, text in texts_for(audience)
        if grade(plain(text)) > worst
    ]
    assert too_hard == []


@pytest.mark.parametrize("audience", sorted(BARS))
def test_mean_grade_is_within_the_bar(audience):
    _, average = BARS[audience]
    texts = texts_for(audience)
    assert len(texts) > 40
    assert mean(grade(plain(t)) for _, t in texts) <= average


def test_the_measure_tells_easy_from_hard():
    assert grade("Call 999. Ask for the police.") < 2
    assert (
        grade("Notwithstanding jurisdictional considerations, practitioners ought to consult.") > 12
    )

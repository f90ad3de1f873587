"""Plain English for parents, measured the same way as the rest of the knowledge base
(tests/resources/readability.py): each text grade <= 8 and the mean <= 6."""

from __future__ import annotations

from statistics import mean

from tests.guidance.conftest import document
from tests.resources.readability import grade, plain

DOC = document()
WORST, AVERAGE = 8.0, 6.0
# Service names a parent reads as names, scored as one short word like readability.PROPER_NAMES.
MORE_NAMES = ("HOPELINE247", "True Vision", "Papyrus", "Samaritans", "SHOUT", "WhatsApp")


def scored(text: str) -> float:
    text = plain(text)
    for name in MORE_NAMES:
        text = text.replace(name, "Name")
    return grade(text)


def texts() -> list[tuple[str, str]]:
    """(where, text) for every text a parent can be shown."""
    found = [(f"always {k}", t) for k, ts in DOC["always"].items() for t in ts]
    for section in DOC["general"]:
        found.append((f"general {section['id']} title", section["title"]))
        found += [(f"general {section['id']}", t) for t in section["texts"]]
    for entry in DOC["concerns"]:
        parts = {"common": entry["common"], **entry["bands"]}
        for part, advice in parts.items():
            found += [(f"{entry['id']} {part} {k}", t) for k, ts in advice.items() for t in ts]
    return found


def test_each_text_is_within_the_bar():
    too_hard = [
        f"{where} (grade {scored(t):.1f}): {t}" for where, t in texts() if scored(t) > WORST
    ]
    assert too_hard == []


def test_mean_grade_is_within_the_bar():
    found = texts()
    assert len(found) > 150
    assert mean(scored(t) for _, t in found) <= AVERAGE


def test_the_extra_names_only_remove_names():
    assert scored("Call Samaritans.") == scored("Call Name.")
    assert scored("Notwithstanding jurisdictional considerations, practitioners ought to.") > 12

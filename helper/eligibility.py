"""Service eligibility owns admission: a rule may only choose among services that take the case.

Each service in resources/services.json says whom it takes (`for`: audiences, nations, ages,
the concerns it takes, images taken under 18), from its own pages, with evidence. A rule in
routes.json only chooses and orders. The engine still drops a service that does not admit the
answers, but that is a safety net: a rule whose `when` reaches answers its service does not
admit is a mistake in the knowledge base (it would hide a wrong route behind a silent filter),
so it is refused here, when the knowledge base is checked, with a line naming the rule and what
it reaches.

Pure: it takes the loaded entries and reasons over intervals, never routing a single answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from helper.domain import ADULT_AGE, AGE_LIMITS, AUDIENCES, IMAGE_CONCERNS, NATIONS


def _range(entry: Mapping[str, Any]) -> tuple[int, int]:
    return entry.get("age_min", AGE_LIMITS[0]), entry.get("age_max", AGE_LIMITS[1])


def overreach(
    rule: Mapping[str, Any], service: Mapping[str, Any], open_to: Mapping[str, Iterable[str]]
) -> Iterator[str]:
    """What `rule` reaches that `service` does not admit, one phrase each (nothing when it fits).

    `open_to` maps each concern to the audiences who may pick it."""
    when, who = rule["when"], service["for"]
    audiences = when.get("audiences", AUDIENCES)
    concerns = when.get("concerns", list(open_to))
    pairs = [(a, c) for a in audiences for c in concerns if a in open_to.get(c, ())]
    for audience in sorted({a for a, _ in pairs} - set(who["audiences"])):
        yield f"{audience}, whom it does not take"
    for concern in sorted({c for _, c in pairs} - set(who["concerns"]), key=list(open_to).index):
        yield f"the concern {concern!r}, which it does not take"
    nations = when.get("nations", NATIONS)
    if when.get("london") is True:
        nations = [n for n in nations if n == "england"]
    for nation in [n for n in NATIONS if n in nations and n not in who["nations"]]:
        yield f"the nation {nation!r}, which it does not cover (add when.nations)"
    low, high = _range(when)
    s_low, s_high = _range(who)
    taken_rule = when.get("taken_under_18")
    images = any(c in IMAGE_CONCERNS for _, c in pairs)
    taken_possible = images and high >= ADULT_AGE and taken_rule is not False
    lifts = who.get("taken_under_18") == "admits" and taken_rule is True
    if not lifts and (low < s_low or high > s_high):
        yield f"ages {low} to {high}, beyond its ages {s_low} to {s_high}"
    if who.get("taken_under_18") == "refuses" and taken_possible:
        yield "an image taken under 18, which it refuses (add taken_under_18: false)"


def problems(resources: Any) -> Iterator[str]:
    """One line per rule that reaches answers its service does not admit."""
    open_to = {c["id"]: c["audiences"] for c in resources.concerns.values()}
    for rule in resources.rules:
        service = resources.services.get(rule["service"])
        if service is None:
            continue
        for what in overreach(rule, service, open_to):
            yield (
                f"routes.json rule {rule['id']!r}: reaches {what}, but its service "
                f"{service['id']!r} does not admit that (services.json `for`)"
            )

"""Safeguarding invariants: statements a safeguarding lead would sign, checked over every answer.

resources/invariants.json holds each statement with its source, a `when` (which answers it is
about) and a `then` (what every such result must show or never show); resources/INVARIANTS.md
gives the vocabulary. The vectors pin single cases; these hold for the whole space of answers:
every audience, every age in `space` (and "not known" where allowed), every concern, with and
without danger now and an image taken under 18, on each platform in `space`. The JavaScript
engine's tests (tests/js/invariants.test.mjs) read the same file and check the same vocabulary,
so a rule change that breaks a principle fails in both languages at once.

Pure: answers and results in, sentences out. The admission check here is written again on
purpose, from the service entries, so that it does not trust the engine's own `admits`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from helper import domain, resource_checks, resources

EMERGENCY = "police-999"
SENTENCE_END = re.compile(r"[.!?]+\s+")


def load(directory: Path | None = None, domains: Mapping[str, Any] | None = None) -> dict:
    """resources/invariants.json, checked against its schema, its ids unique and its sources on
    allow-listed domains (when `domains` is given)."""

    def problems(document: dict) -> Iterator[str]:
        ids = [i["id"] for i in document["invariants"]]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            yield f"invariants.json: id {dup!r} appears twice"
        if domains is not None:
            yield from resource_checks.bad_links("invariants", document, domains)
        yield from resource_checks.control_characters("invariants", document)

    return resources.load_document("invariants", directory, problems)


def emergency_steps(kb: Any) -> frozenset[str]:
    """The procedure steps that are a 999 call (every nation has its own)."""
    return frozenset(s["id"] for s in kb.procedure if s.get("service") == EMERGENCY)


def places(document: Mapping[str, Any]) -> list[dict]:
    """The places of `space`, each {nation, london, ages}: a place without `ages` is checked at
    every age from age_min to age_max."""
    every = list(range(document["space"]["age_min"], document["space"]["age_max"] + 1))
    return [
        {"nation": p["nation"], "london": p["london"], "ages": list(p.get("ages", every))}
        for p in document["space"]["places"]
    ]


def space(document: Mapping[str, Any], kb: Any) -> Iterator[dict]:
    """Every answer the invariants are checked over, always in the same order: each place, then
    each audience, concern, age, danger now, image taken under 18 and platform."""
    for place in places(document):
        yield from _space_at(document, kb, place)


def _space_at(document: Mapping[str, Any], kb: Any, place: Mapping[str, Any]) -> Iterator[dict]:
    for audience in domain.AUDIENCES:
        ages: list[int | None] = [] if audience in domain.AGE_REQUIRED else [None]
        ages += list(place["ages"])
        for concern, entry in kb.concerns.items():
            if audience not in entry["audiences"]:
                continue
            for age in ages:
                taken_choices = (
                    (False, True) if domain.asks_taken_under_18(concern, age) else (None,)
                )
                for danger in (False, True):
                    for taken in taken_choices:
                        for platform in document["space"]["platforms"]:
                            yield {
                                "audience": audience,
                                "age": age,
                                "concern": concern,
                                "platform": platform,
                                "danger_now": danger,
                                "taken_under_18": taken,
                                "nation": place["nation"],
                                "london": place["london"],
                            }


def applies(when: Mapping[str, Any], answers: Mapping[str, Any], result: Mapping[str, Any]) -> bool:
    """Whether an invariant is about these answers. An age bound holds for an unknown age when
    some child's age (0 to 17) is within it, as in the engine."""
    age = answers["age"]
    if "audiences" in when and answers["audience"] not in when["audiences"]:
        return False
    if "concerns" in when and answers["concern"] not in when["concerns"]:
        return False
    low, high = (age, age) if age is not None else domain.UNKNOWN_AGE_RANGE
    if low > when.get("age_max", high) or high < when.get("age_min", low):
        return False
    if "age_known" in when and (age is not None) != when["age_known"]:
        return False
    if "danger_now" in when and answers["danger_now"] != when["danger_now"]:
        return False
    if "taken_under_18" in when and (answers["taken_under_18"] is True) != when["taken_under_18"]:
        return False
    if "platforms" in when and result["platform"] not in when["platforms"]:
        return False
    if "nations" in when and answers["nation"] not in when["nations"]:
        return False
    if "london" in when and answers["london"] != when["london"]:
        return False
    unknown = answers["platform"] is not None and result["platform"] is None
    return not ("platform_unknown" in when and unknown != when["platform_unknown"])


def shown_texts(result: Mapping[str, Any], advice: Mapping[str, Any] | None) -> list[str]:
    """Every text a person is shown for one answer: routes, warnings, steps and guidance."""
    texts: list[str] = []
    for r in result["routes"]:
        texts += [r["name"], r["why"], *r["steps"], *r["limits"]]
        texts += [t for t in (r["condition"], r["hours"]) if t]
    texts += [w["text"] for w in result["warnings"]]
    texts += [t for p in result["procedure"] for t in (p["title"], p["text"])]
    texts += [t for tool in result["parent_tools"] for t in (tool["name"], tool["what"])]
    for key in ("now", "avoid", "talk", "support"):
        texts += list((advice or {}).get(key, ()))
    return texts


@functools.lru_cache(maxsize=1 << 16)
def _found(pattern: str, text: str) -> bool:
    """Cached: the same sentences come back in thousands of answers."""
    # ASCII: \b and case folding as JavaScript's /i reads them (every text is ASCII today).
    return re.search(pattern, text, re.IGNORECASE | re.ASCII) is not None


def admitted(service: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    """Whether a service's own entry takes these answers (written apart from the engine's)."""
    who = service["for"]
    taken = answers["taken_under_18"] is True
    if answers["audience"] not in who["audiences"] or answers["concern"] not in who["concerns"]:
        return False
    if answers["nation"] not in who["nations"]:
        return False
    if taken and who.get("taken_under_18") == "refuses":
        return False
    if taken and who.get("taken_under_18") == "admits":
        return True
    low, high = who.get("age_min", 0), who.get("age_max", domain.AGE_LIMITS[1])
    age = answers["age"]
    if age is None:
        return low <= domain.UNKNOWN_AGE_RANGE[1] and high >= domain.UNKNOWN_AGE_RANGE[0]
    return low <= age <= high


def broken(
    then: Mapping[str, Any],
    answers: Mapping[str, Any],
    result: Mapping[str, Any],
    advice: Mapping[str, Any] | None,
    kb: Any,
    texts: list[str] | None = None,
) -> list[str]:
    """What in `result` breaks `then`, as short phrases (empty when it holds). `texts` may carry
    `shown_texts(result, advice)` already made, when many invariants check one answer."""
    if texts is None:
        texts = shown_texts(result, advice)
    routes = result["routes"]
    ids = [r["id"] for r in routes]
    by_id = {r["id"]: r for r in routes}
    warnings = [w["id"] for w in result["warnings"]]
    steps = [p["id"] for p in result["procedure"]]
    found: list[str] = []
    checks: dict[str, Callable[[Any], list[str]]] = {
        "first_route": lambda v: (
            [] if ids and ids[0] in v else [f"the first route is {_first(ids)}"]
        ),
        "first_after_999": lambda v: _first_not(ids, {EMERGENCY}, v, "route"),
        "first_procedure_after_999": lambda v: _first_not(
            [p["id"] for p in result["procedure"]], emergency_steps(kb), v, "procedure step"
        ),
        "first_procedure": lambda v: (
            [] if steps and steps[0] in v else [f"the first procedure step is {_first(steps)}"]
        ),
        "all_procedure": lambda v: [f"no procedure step {i}" for i in v if i not in steps],
        "procedure_section_match": lambda v: (
            []
            if any(_found(v, p["section"]) for p in result["procedure"])
            else [f"no procedure step cites {v!r}"]
        ),
        "no_procedure_section_match": lambda v: [
            f"{p['id']} cites {p['section']!r}"
            for p in result["procedure"]
            if _found(v, p["section"])
        ],
        "all_routes": lambda v: [f"no route {i}" for i in v if i not in ids],
        "some_route": lambda v: [] if set(v) & set(ids) else [f"none of {', '.join(v)}"],
        "no_route": lambda v: [f"route {i} is shown" for i in v if i in ids],
        "route_before": lambda v: [
            f"{a} comes after {b}"
            for a, b in v
            if a in ids and b in ids and ids.index(a) > ids.index(b)
        ],
        "route_steps_match": lambda v: [
            f"{i}'s steps do not say {p!r}"
            for i, p in v.items()
            if i not in by_id or not _found(p, " ".join(by_id[i]["steps"]))
        ],
        "route_steps_no_match": lambda v: [
            f"{i}'s steps say {p!r}"
            for i, p in v.items()
            if i in by_id and _found(p, " ".join(by_id[i]["steps"]))
        ],
        "route_condition_match": lambda v: [
            f"{i} has no condition saying {p!r}"
            for i, p in v.items()
            if i in by_id and not (by_id[i]["condition"] and _found(p, by_id[i]["condition"]))
        ],
        "route_limited": lambda v: [
            f"{i} shows no limit" for i in v if i in by_id and not by_id[i]["limits"]
        ],
        "routes_admit": lambda _: [
            f"{i} does not take these answers"
            for i in ids
            if not i.startswith("platform:") and not admitted(kb.services[i], answers)
        ],
        "no_adult_only_service": lambda _: [
            f"{i} is for adults only"
            for i in ids
            if not i.startswith("platform:")
            and kb.services[i]["for"].get("age_min", 0) >= domain.ADULT_AGE
        ],
        "some_warning": lambda v: [] if set(v) & set(warnings) else [f"no warning {', '.join(v)}"],
        "no_warning": lambda v: [f"warning {i} is shown" for i in v if i in warnings],
        "first_warning": lambda v: (
            [] if warnings and warnings[0] in v else [f"the first warning is {_first(warnings)}"]
        ),
        "no_text_match": lambda v: [
            f"a text says {p!r}" for p in v if any(_found(p, t) for t in texts)
        ],
        "negated_sentences": lambda v: [
            f"unnegated: {s!r}"
            for t in texts
            for s in SENTENCE_END.split(t)
            if _found(v["pattern"], s) and not _found(v["negation"], s)
        ],
        "guidance_band": lambda v: (
            []
            if advice and advice["band"] == v
            else [f"the guidance band is {advice['band'] if advice else 'none'}"]
        ),
        "no_duplicates": lambda _: _duplicates(routes),
    }
    for key, value in then.items():
        found += checks[key](value)
    return found


def _first(items: list[str]) -> str:
    return items[0] if items else "missing"


def _first_not(
    items: list[str], skip: set[str] | frozenset[str], allowed: list[str], what: str
) -> list[str]:
    rest = [i for i in items if i not in skip]
    return [] if rest and rest[0] in allowed else [f"the first {what} after 999 is {_first(rest)}"]


def _duplicates(routes: list[Mapping[str, Any]]) -> list[str]:
    ids = [r["id"] for r in routes]
    found = [f"route {i} twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for r in routes:
        steps = r["steps"]
        found += [
            f"{r['id']} repeats {s!r}"
            for s in dict.fromkeys(s for s in steps if steps.count(s) > 1)
        ]
    return found


def describe(answers: Mapping[str, Any]) -> str:
    """The answers as a reader would say them, for a failure message."""
    age = "age not known" if answers["age"] is None else f"age {answers['age']}"
    parts = [answers["audience"], age, answers["concern"]]
    if answers["danger_now"]:
        parts.append("danger now")
    if answers["taken_under_18"]:
        parts.append("taken under 18")
    if answers["platform"]:
        parts.append(f"on {answers['platform']}")
    place = "London" if answers.get("london") else domain.NATION_NAMES[answers["nation"]]
    parts.append(f"in {place}")
    return ", ".join(parts)

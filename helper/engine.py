"""The routing engine: answers + knowledge base -> the routes a person should take, in order.

Pure on purpose: no I/O, no clock, no globals but constant tuples. The same function runs in the
extension (extension/lib/engine.js) from the same contract, resources/FORMAT.md, and both must pass
resources/vectors.json; keeping this side free of side effects makes that comparison exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from helper import domain
from helper.errors import BadInput

if TYPE_CHECKING:  # the engine takes a loaded Resources but never loads one itself
    from helper.resources import Resources

# The domain's rules live in helper/domain.py; they are re-exported here for the engine's callers.
AUDIENCES = domain.AUDIENCES
CONCERNS = domain.CONCERNS
AGE_LIMITS = domain.AGE_LIMITS
ASCII_SPACE = domain.ASCII_SPACE
host_of = domain.host_of
CHILD_AGES: tuple[int, int] = domain.UNKNOWN_AGE_RANGE
# The route id for an app that is named but not in platforms.json.
UNKNOWN_PLATFORM = "platform:unknown"


@dataclass(frozen=True)
class Answers:
    """What the person told us. `age` is the age of the child the concern is about; None means
    "a child under 18, age not known" (parents and professionals only). `taken_under_18` is only
    kept for an age of 18 or over and the image concerns, else None."""

    audience: str
    age: int | None
    concern: str
    platform: str | None = None
    danger_now: bool = False
    taken_under_18: bool | None = None
    nation: str = domain.DEFAULT_NATION
    london: bool = True


@dataclass(frozen=True)
class Route:
    """One place to go or person to tell, with why it fits and how to use it."""

    id: str
    name: str
    url: str | None
    phone: str | None
    why: str
    steps: tuple[str, ...]
    hours: str | None = None
    condition: str | None = None
    limits: tuple[str, ...] = ()


@dataclass(frozen=True)
class Warning:
    """Something not to do (or to do) before anything else, e.g. never forward the image."""

    id: str
    text: str


@dataclass(frozen=True)
class ProcedureStep:
    """One step of a professional's safeguarding procedure, citing where it comes from."""

    id: str
    title: str
    text: str
    service: str | None
    section: str


@dataclass(frozen=True)
class Result:
    routes: tuple[Route, ...]
    warnings: tuple[Warning, ...]
    procedure: tuple[ProcedureStep, ...]
    platform: str | None
    parent_tools: tuple[dict, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The JSON contract shared by `waymark signpost --json`, the web app and the extension."""
        return {
            "routes": [
                {
                    "id": r.id,
                    "name": r.name,
                    "url": r.url,
                    "phone": r.phone,
                    "hours": r.hours,
                    "why": r.why,
                    "steps": list(r.steps),
                    "condition": r.condition,
                    "limits": list(r.limits),
                }
                for r in self.routes
            ],
            "warnings": [{"id": w.id, "text": w.text} for w in self.warnings],
            "procedure": [
                {
                    "id": p.id,
                    "title": p.title,
                    "text": p.text,
                    "service": p.service,
                    "section": p.section,
                }
                for p in self.procedure
            ],
            "platform": self.platform,
            "parent_tools": [dict(t) for t in self.parent_tools],
        }


def match_platform(host: str, resources: Resources) -> dict | None:
    """The platform owning `host`: an exact host or a subdomain of one, never a lookalike.

    `m.youtube.com` is YouTube; `notyoutube.com` and `youtube.com.evil.test` are not.
    """
    for platform in resources.platforms.values():
        for known in platform["hosts"]:
            if host == known or host.endswith("." + known):
                return platform
    return None


def validate(answers: Answers | Mapping[str, Any], resources: Resources) -> Answers:
    """Answers checked and normalised, or BadInput naming the valid choices."""
    if isinstance(answers, Answers):
        raw: Mapping[str, Any] = answers.__dict__
    elif isinstance(answers, Mapping):
        raw = answers
    else:
        raise BadInput("answers must be an object with audience, age and concern")
    audience = raw.get("audience")
    if audience not in AUDIENCES:
        raise BadInput(f"unknown audience {audience!r}: choose one of {', '.join(AUDIENCES)}")
    concern = raw.get("concern")
    if not isinstance(concern, str) or concern not in resources.concerns:
        raise BadInput(
            f"unknown concern {concern!r}: choose one of {', '.join(resources.concerns)}"
        )
    open_to = [c for c, entry in resources.concerns.items() if audience in entry["audiences"]]
    if concern not in open_to:
        raise BadInput(
            f"the concern {concern!r} is not open to {audience}: choose one of {', '.join(open_to)}"
        )
    age = domain.check_age(raw.get("age"), audience)
    danger_now = _flag(raw.get("danger_now"), "danger_now")
    taken = raw.get("taken_under_18")
    if taken is not None and not isinstance(taken, bool):
        raise BadInput("taken_under_18 must be true, false or left out")
    if not domain.asks_taken_under_18(concern, age):
        taken = None
    platform = raw.get("platform")
    if isinstance(platform, str) and not platform.strip(ASCII_SPACE):
        platform = None
    if platform is not None:
        platform = host_of(platform)
    nation, london = domain.check_place(raw.get("nation"), raw.get("london"))
    return Answers(audience, age, concern, platform, bool(danger_now), taken, nation, london)


def _flag(value: object, name: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise BadInput(f"{name} must be true or false")
    return value


def _ages(answers: Answers) -> tuple[int, int]:
    """The ages the answers allow: the age given, or any child's age when it is not known."""
    return (answers.age, answers.age) if answers.age is not None else CHILD_AGES


def _bound(*conditions: Mapping[str, Any]) -> tuple[int, int]:
    """The age range every one of these `when`/`for` objects allows (missing bounds are open)."""
    low, high = AGE_LIMITS
    for c in conditions:
        low = max(low, c.get("age_min", low))
        high = min(high, c.get("age_max", high))
    return low, high


def _overlap(answers: Answers, bound: tuple[int, int]) -> tuple[int, int] | None:
    low, high = _intersect(_ages(answers), bound)
    return (low, high) if low <= high else None


def age_condition(answers: Answers, bound: tuple[int, int]) -> str | None:
    """None when every age the answers allow is inside `bound`; otherwise the words that say for
    which ages a route applies ("If the child is under 13"). Only an unknown age needs them."""
    overlap = _overlap(answers, bound)
    if overlap is None or overlap == _ages(answers):
        return None
    low, high = overlap
    if low == CHILD_AGES[0]:
        return f"If the child is under {high + 1}"
    if high == CHILD_AGES[1]:
        return f"If the child is {low} or over"
    if low == high:
        return f"If the child is {low}"
    return f"If the child is {low} to {high}"


def holds(when: Mapping[str, Any], answers: Answers, platform: str | None) -> bool:
    """Whether a condition holds. Every key present must hold. An age bound holds for an unknown
    age when some child's age (0 to 17) is within it: a route then carries a condition saying so."""
    if "audiences" in when and answers.audience not in when["audiences"]:
        return False
    if "concerns" in when and answers.concern not in when["concerns"]:
        return False
    if ("age_min" in when or "age_max" in when) and _overlap(answers, _bound(when)) is None:
        return False
    if "danger_now" in when and answers.danger_now != when["danger_now"]:
        return False
    if "taken_under_18" in when and (answers.taken_under_18 is True) != when["taken_under_18"]:
        return False
    if "platforms" in when and platform not in when["platforms"]:
        return False
    if "nations" in when and answers.nation not in when["nations"]:
        return False
    if "london" in when and answers.london != when["london"]:
        return False
    return not ("platform_known" in when and (platform is not None) != when["platform_known"])


def _service_bound(service: Mapping[str, Any], answers: Answers) -> tuple[int, int]:
    """The ages a service takes; an image taken under 18 lifts the bounds of one that takes such
    images at any age now (Take It Down, the IWF)."""
    who = service["for"]
    if answers.taken_under_18 is True and who.get("taken_under_18") == "admits":
        return AGE_LIMITS
    return _bound(who)


def admits(service: Mapping[str, Any], answers: Answers) -> bool:
    """Whether a service can take this person and concern; one that cannot is never offered."""
    who = service["for"]
    if answers.audience not in who["audiences"] or answers.nation not in who["nations"]:
        return False
    if answers.taken_under_18 is True and who.get("taken_under_18") == "refuses":
        return False
    if _overlap(answers, _service_bound(service, answers)) is None:
        return False
    return answers.concern in who["concerns"]


def route(answers: Answers | Mapping[str, Any], resources: Resources) -> Result:
    """Routes, warnings and (for professionals) procedure steps, by resources/FORMAT.md."""
    checked = validate(answers, resources)
    platform = match_platform(checked.platform, resources) if checked.platform else None
    platform_id = platform["id"] if platform is not None else None
    candidates: list[tuple[tuple[int, int], Route]] = []
    for index, rule in enumerate(resources.rules):
        service = resources.services[rule["service"]]
        if holds(rule["when"], checked, platform_id) and admits(service, checked):
            candidates.append(
                ((rule["priority"], index), _service_route(service, rule, checked, platform_id))
            )
    platform_rule = resources.platform_rule
    if platform is not None and holds(platform_rule["when"], checked, platform_id):
        candidates.append(
            ((platform_rule["priority"], -1), _platform_route(platform, checked, resources))
        )
    unknown_rule = resources.unknown_platform_rule
    if checked.platform and platform is None and holds(unknown_rule["when"], checked, None):
        candidates.append(
            ((unknown_rule["priority"], -1), _unknown_platform_route(unknown_rule, checked))
        )
    candidates.sort(key=lambda pair: pair[0])
    routes = one_per_id(candidates)
    warnings = tuple(
        Warning(w["id"], w["text"][checked.audience])
        for w in resources.warnings
        if holds(w["when"], checked, platform_id)
    )
    procedure = tuple(
        ProcedureStep(s["id"], s["title"], s["text"], s.get("service"), s["section"])
        for s in resources.procedure
        if checked.audience == "professional" and holds(s["when"], checked, platform_id)
    )
    tools: tuple[dict, ...] = ()
    if platform is not None and checked.audience == "parent-carer":
        tools = tuple(
            {"name": t["name"], "url": t["url"], "what": t["what"]}
            for t in platform.get("parent_tools", ())
        )
    return Result(tuple(routes), warnings, procedure, platform_id, tools)


def one_per_id(candidates: Sequence[tuple[tuple[int, int], Route]]) -> list[Route]:
    """One route per id, from candidates already in order: the first without a condition where
    there is one. Where every candidate for an id has a condition, the route applies if any of
    them holds, so it keeps the first one's place and says each condition once, in order ("If
    the child is under 13; or if an adult made it")."""
    unconditional = {c.id for _, c in candidates if c.condition is None}
    kept: dict[str, Route] = {}
    conditions: dict[str, list[str]] = {}
    for _, candidate in candidates:
        if candidate.id in unconditional:
            if candidate.condition is None:
                kept.setdefault(candidate.id, candidate)
            continue
        kept.setdefault(candidate.id, candidate)
        said = conditions.setdefault(candidate.id, [])
        if candidate.condition not in said:
            said.append(candidate.condition)
    return [
        replace(r, condition=join_conditions(conditions[r.id])) if r.id in conditions else r
        for r in kept.values()
    ]


def join_conditions(conditions: list[str]) -> str:
    """Several conditions as one sentence: the first as written, the others after "; or ",
    lower-cased at the start unless they start with a name in capitals ("CEOP")."""
    rest = [c[:1].lower() + c[1:] if c[1:2].islower() else c for c in conditions[1:]]
    return "; or ".join([conditions[0], *rest])


def _service_route(
    service: Mapping[str, Any], rule: Mapping[str, Any], answers: Answers, platform: str | None
) -> Route:
    audience = answers.audience
    bound = _intersect(_bound(rule["when"]), _service_bound(service, answers))
    condition = rule.get("condition", {}).get(audience) or age_condition(answers, bound)
    return Route(
        id=service["id"],
        name=service["name"],
        url=service.get("url"),
        phone=service.get("phone"),
        why=rule["why"][audience],
        steps=tuple(service_steps(service, answers, platform)),
        hours=service.get("hours"),
        condition=condition,
        limits=tuple(
            limit["text"][audience]
            for limit in service.get("limits", ())
            if audience in limit["text"] and holds(limit["when"], answers, platform)
        ),
    )


def service_steps(service: Mapping[str, Any], answers: Answers, platform: str | None) -> list[str]:
    """The service's steps for this audience: the first `steps_when` entry that holds and has
    steps for the audience (999 asks for an ambulance for self-harm), else its plain `steps`."""
    for variant in service.get("steps_when", ()):
        if answers.audience in variant["steps"] and holds(variant["when"], answers, platform):
            return list(variant["steps"][answers.audience])
    return list(service.get("steps", {}).get(answers.audience, ()))


def once(texts: Iterable[str]) -> tuple[str, ...]:
    """The texts in order with exact repeats left out: a platform whose report and block steps
    share a sentence (Signal, Character.AI) must not print it twice."""
    return tuple(dict.fromkeys(texts))


def _intersect(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    return max(a[0], b[0]), min(a[1], b[1])


def _platform_route(platform: Mapping[str, Any], answers: Answers, resources: Resources) -> Route:
    steps = platform["steps"]
    why = resources.platform_rule["why"][answers.audience].replace("{platform}", platform["name"])
    return Route(
        id="platform:" + platform["id"],
        name=platform["name"],
        url=platform["report_url"],
        phone=None,
        why=why,
        steps=once(
            steps["report_message"]
            + steps["report_account"]
            + steps["report_post"]
            + steps["block"]
        ),
    )


def _unknown_platform_route(rule: Mapping[str, Any], answers: Answers) -> Route:
    """An app Waymark does not know gets one line: its own report button, evidence first."""
    return Route(
        id=UNKNOWN_PLATFORM,
        name=rule["name"],
        url=None,
        phone=None,
        why=rule["why"][answers.audience],
        steps=tuple(rule["steps"].get(answers.audience, ())),
    )

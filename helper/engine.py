"""The routing engine: answers + knowledge base -> the routes a person should take, in order.

Pure on purpose: no I/O, no clock, no globals but constant tuples. The same function runs in the
extension (extension/lib/engine.js) from the same contract, resources/FORMAT.md, and both must pass
resources/vectors.json; keeping this side free of side effects makes that comparison exact.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from helper.errors import BadInput

if TYPE_CHECKING:  # the engine takes a loaded Resources but never loads one itself
    from helper.resources import Resources

AUDIENCES: tuple[str, ...] = ("young-person", "parent-carer", "professional")
CONCERNS: tuple[str, ...] = (
    "nude-image-shared",
    "sextortion",
    "grooming",
    "csam-found",
    "cyberbullying",
    "filmed-assault",
    "extremist-content",
    "harmful-content",
    "adult-viewing-csam",
    "colleague-allegation",
)
AGE_LIMITS: tuple[int, int] = (0, 120)

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_OTHER_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?![0-9])")
# Only ASCII whitespace is trimmed, so both engines trim exactly the same characters.
ASCII_SPACE = " \t\n\r\f\v"
_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")


@dataclass(frozen=True)
class Answers:
    """What the person told us. `age` is the age of the child the concern is about."""

    audience: str
    age: int | None
    concern: str
    platform: str | None = None
    danger_now: bool = False


@dataclass(frozen=True)
class Route:
    """One place to go or person to tell, with why it fits and how to use it."""

    id: str
    name: str
    url: str | None
    phone: str | None
    why: str
    steps: tuple[str, ...]


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

    def as_dict(self) -> dict[str, Any]:
        """The JSON contract shared by `waymark signpost --json`, the web app and the extension."""
        return {
            "routes": [
                {
                    "id": r.id,
                    "name": r.name,
                    "url": r.url,
                    "phone": r.phone,
                    "why": r.why,
                    "steps": list(r.steps),
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
        }


def host_of(platform: str) -> str:
    """The lower-case host of a host name or http(s) URL; BadInput for anything else.

    A scheme-less value is read as a host with an optional path ("youtube.com/watch"), because
    that is what people paste. Other schemes (javascript:, data:, file://) are refused outright.
    """
    if not isinstance(platform, str):
        raise BadInput("platform must be a host name like youtube.com or an http(s) link")
    text = platform.strip(ASCII_SPACE)
    scheme = _SCHEME.match(text)
    if scheme:
        if scheme.group(1).lower() not in ("http", "https"):
            raise BadInput(_platform_message(platform))
        text = text[scheme.end() :]
    elif _OTHER_SCHEME.match(text):
        raise BadInput(_platform_message(platform))
    authority = re.split(r"[/?#\\]", text, maxsplit=1)[0]
    host = authority.rsplit("@", 1)[-1]
    port = re.search(r":[0-9]{1,5}\Z", host)
    if port:
        host = host[: port.start()]
    if not host.isascii():  # checked before lower(): "\u212a".lower() is an ASCII "k"
        raise BadInput(_platform_message(platform))
    host = host.lower()
    if host.endswith("."):
        host = host[:-1]
    labels = host.split(".")
    if not host or len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise BadInput(_platform_message(platform))
    return host


def _platform_message(platform: str) -> str:
    shown = platform if len(platform) <= 60 else platform[:57] + "..."
    return (
        f"platform {shown!r} is not a web address: give a host name like youtube.com "
        "or a link starting with https://"
    )


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
    age = _age(raw.get("age"))
    danger_now = raw.get("danger_now", False)
    if danger_now is None:
        danger_now = False
    if not isinstance(danger_now, bool):
        raise BadInput("danger_now must be true or false")
    platform = raw.get("platform")
    if isinstance(platform, str) and not platform.strip(ASCII_SPACE):
        platform = None
    if platform is not None:
        platform = host_of(platform)
    return Answers(audience, age, concern, platform, danger_now)


def _age(value: object) -> int | None:
    low, high = AGE_LIMITS
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadInput(f"age must be a whole number from {low} to {high}, got {value!r}")
    return value


def holds(when: Mapping[str, Any], answers: Answers, platform_known: bool) -> bool:
    """Whether a rule's condition holds. Every key present must hold; an age bound never holds
    for an unknown age, so nothing age-limited is offered on a guess."""
    if "audiences" in when and answers.audience not in when["audiences"]:
        return False
    if "concerns" in when and answers.concern not in when["concerns"]:
        return False
    if "age_min" in when or "age_max" in when:
        if answers.age is None:
            return False
        if answers.age < when.get("age_min", answers.age):
            return False
        if answers.age > when.get("age_max", answers.age):
            return False
    if "danger_now" in when and answers.danger_now != when["danger_now"]:
        return False
    return not ("platform_known" in when and platform_known != when["platform_known"])


def admits(service: Mapping[str, Any], answers: Answers) -> bool:
    """Whether a service can take this person and concern; one that cannot is never offered."""
    who = service["for"]
    if answers.audience not in who["audiences"]:
        return False
    if "age_min" in who or "age_max" in who:
        if answers.age is None:
            return False
        if not who.get("age_min", answers.age) <= answers.age <= who.get("age_max", answers.age):
            return False
    return answers.concern not in service["cannot_help"]["concerns"]


def route(answers: Answers | Mapping[str, Any], resources: Resources) -> Result:
    """Routes, warnings and (for professionals) procedure steps, by resources/FORMAT.md."""
    checked = validate(answers, resources)
    platform = match_platform(checked.platform, resources) if checked.platform else None
    known = platform is not None
    candidates: list[tuple[tuple[int, int], Route]] = []
    for index, rule in enumerate(resources.rules):
        service = resources.services[rule["service"]]
        if holds(rule["when"], checked, known) and admits(service, checked):
            candidates.append(((rule["priority"], index), _service_route(service, rule, checked)))
    platform_rule = resources.platform_rule
    if platform is not None and holds(platform_rule["when"], checked, known):
        candidates.append(
            ((platform_rule["priority"], -1), _platform_route(platform, checked, resources))
        )
    candidates.sort(key=lambda pair: pair[0])
    routes: list[Route] = []
    seen: set[str] = set()
    for _, candidate in candidates:
        if candidate.id not in seen:
            seen.add(candidate.id)
            routes.append(candidate)
    warnings = tuple(
        Warning(w["id"], w["text"][checked.audience])
        for w in resources.warnings
        if holds(w["when"], checked, known)
    )
    procedure = tuple(
        ProcedureStep(s["id"], s["title"], s["text"], s.get("service"), s["section"])
        for s in resources.procedure
        if checked.audience == "professional" and holds(s["when"], checked, known)
    )
    return Result(tuple(routes), warnings, procedure, platform["id"] if platform else None)


def _service_route(service: Mapping[str, Any], rule: Mapping[str, Any], answers: Answers) -> Route:
    return Route(
        id=service["id"],
        name=service["name"],
        url=service.get("url"),
        phone=service.get("phone"),
        why=rule["why"][answers.audience],
        steps=tuple(service.get("steps", {}).get(answers.audience, ())),
    )


def _platform_route(platform: Mapping[str, Any], answers: Answers, resources: Resources) -> Route:
    steps = platform["steps"]
    why = resources.platform_rule["why"][answers.audience].replace("{platform}", platform["name"])
    return Route(
        id="platform:" + platform["id"],
        name=platform["name"],
        url=platform["report_url"],
        phone=None,
        why=why,
        steps=tuple(
            steps["report_message"]
            + steps["report_account"]
            + steps["report_post"]
            + steps["block"]
        ),
    )

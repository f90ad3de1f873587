"""How the routes page is laid out for a person on a phone: the words of its links and opening
hours, and, for parents, a three-line "Right now" with everything else said once.

A parent who has just found out reads the page on a phone, in a hurry. So the page starts with
three lines (keep the evidence, report to the first route, wait before confronting or blocking),
then links that jump to the parts they will want next. Each service is described in one place:
a guidance text that names a service shown as a route card moves into that card, and a text used
in "Right now" is not said again below.

Nothing here knows a concern: the lines come from resources/guidance.json (its optional
`right_now` entry, or failing that the first texts of its lists) and from the engine's first
route. The module is pure: the view passes in what it loaded."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# How a person says where a link goes, by the kind of service (services.json `kind`).
# {name} is the service's short name, {site} the site it is on.
LINK_WORDS = {
    "police": "Report to the police online ({site})",
    "report": "Report to {name} online ({site})",
    "removal": "Use {name} online ({site})",
    "referral": "{name} online ({site})",
    "helpline": "{name} website ({site})",
    "advice": "{name} website ({site})",
    "platform": "How to report on {name} ({site})",
}
# The second line of "Right now", by kind: what to do with the first route.
REPORT_WORDS = {
    "police": "Report it to the police: {name}.",
    "report": "Report it to {name}.",
    "removal": "Use {name} to get it taken down.",
    "referral": "Make a referral: {name}.",
    "helpline": "Call or contact {name}.",
    "advice": "Get advice from {name}.",
    "person": "Tell {lower_name}.",
    "platform": "Report it on {name}.",
    "emergency": "Call 999.",
}
# Second-level names under which a site's own name is one label further in (nspcc.org.uk).
UK_SECOND_LEVEL = frozenset({"ac", "co", "gov", "ltd", "me", "net", "nhs", "org", "police", "sch"})
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Weekdays")


def route_field(route: object, name: str) -> object:
    """A route's field whether it is the engine's Route or the same thing as a dict."""
    return route.get(name) if isinstance(route, Mapping) else getattr(route, name, None)


def kind_of(route: object, services: Mapping[str, Mapping]) -> str:
    """The kind of a route: "platform" for an app's own route, else the service's kind."""
    route_id = str(route_field(route, "id") or "")
    if route_id.startswith("platform:"):
        return "platform"
    return str(services.get(route_id, {}).get("kind", ""))


def short_name(name: str) -> str:
    """A service's name without what follows a colon or opens a bracket: "CEOP Safety Centre",
    "Police non-emergency"; short enough to stand inside a sentence."""
    return re.split(r"\s*[(:]", name, maxsplit=1)[0].strip() or name


def site_of(url: str) -> str:
    """The site a link is on, as people say it: "police.uk", "nspcc.org.uk", "roblox.com"
    (not "en.help.roblox.com"): the part of the address a person can check they trust."""
    host = (urlsplit(str(url)).hostname or "").removeprefix("www.")
    labels = host.split(".")
    if len(labels) >= 3 and labels[-1] == "uk" and labels[-2] in UK_SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:]) if len(labels) > 2 else host


def link_words(route: object, services: Mapping[str, Mapping]) -> str:
    """A route's link named as a person would say it: "Report to the police online
    (police.uk)", "How to report on Roblox (roblox.com)"."""
    name = short_name(str(route_field(route, "name") or ""))
    site = site_of(str(route_field(route, "url") or ""))
    words = LINK_WORDS.get(kind_of(route, services), "{name} website ({site})")
    if name.lower().startswith("report") and "{name} online" in words:
        words = "{name} online ({site})"  # "Report Harmful Content online", not "Report to Report…"
    return words.format(name=name, site=site)


def hours_words(hours: object) -> str:
    """Opening hours as a sentence: "Phone lines open Monday to Friday, 10am to 4pm". The data
    may start with "Phone:" (then other ways in follow); a day name keeps its capital."""
    text = str(hours or "").strip()
    if not text:
        return ""
    text = re.sub(r"^phone( lines?)?\s*:\s*", "", text, flags=re.I)
    if not text.startswith(DAYS):
        text = text[:1].lower() + text[1:]
    return f"Phone lines open {text}"


def tool_words(tool: Mapping, platform_name: str | None) -> str:
    """A platform's parent tool named as a person would: "Roblox parental controls with a linked
    parent account", "YouTube Kids" (a name that starts with the brand is left as it is)."""
    name = str(tool.get("name") or "")
    brand = short_name(platform_name or "")
    if not brand or name.lower().startswith(brand.lower()) or not name:
        return name
    words = name.split()
    # Lower the first word only when it is an ordinary word ("Parental controls"), not a
    # product name ("Teen Accounts", "Family Pairing").
    if len(words) > 1 and words[1][:1].islower():
        name = name[:1].lower() + name[1:]
    return f"{brand} {name}"


def names_of(route: object) -> list[str]:
    """How a guidance text may name a route: its short name, any capitalised short form in its
    name (CEOP, NSPCC, IWF), and its phone number."""
    name = str(route_field(route, "name") or "")
    found = [short_name(name)]
    found += [w for w in re.findall(r"\b[A-Z][A-Z.]{2,}\b", name) if w not in found]
    phone = str(route_field(route, "phone") or "")
    if phone:
        found.append(phone)
    return [n for n in found if n]


def named_route(text: str, routes: Sequence[object]) -> int | None:
    """The index of the first route a guidance text is about, or None."""
    for index, route in enumerate(routes):
        for name in names_of(route):
            if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text, flags=re.I):
                return index
    return None


def mentions_999(text: str) -> bool:
    """999 is on every page (the top bar), so a text telling a parent to call it is not repeated."""
    return re.search(r"(?<!\d)999(?!\d)", text) is not None


@dataclass
class Line:
    """One line of "Right now"; `target` is the id of the place on the page it points to."""

    text: str
    target: str | None = None


@dataclass
class ParentPage:
    """What a parent's routes page shows besides the routes: "Right now", the jump links, the
    guidance lists left once the texts said elsewhere are taken out, and per route card the
    guidance texts about that service."""

    right_now: list[Line]
    jumps: list[tuple[str, str]]
    lists: list[tuple[str, str, list[str]]]
    card_notes: dict[int, list[str]] = field(default_factory=dict)


def card_id(route: object) -> str:
    """The id of a route's card on the page, for "Right now" and the jump links."""
    return "route-" + re.sub(r"[^a-z0-9-]+", "-", str(route_field(route, "id") or "").lower())


def report_line(route: object, services: Mapping[str, Mapping]) -> Line:
    """Line 2: what to do with the first route, pointing at its card."""
    name = short_name(str(route_field(route, "name") or ""))
    words = REPORT_WORDS.get(kind_of(route, services), "Contact {name}.")
    text = words.format(name=name, lower_name=name[:1].lower() + name[1:])
    condition = route_field(route, "condition")
    if condition:
        # A one-line summary must not drop "If the child is under 13": it says it first.
        text = f"{condition}: {text[:1].lower()}{text[1:]}"
    return Line(text=text, target=card_id(route))


def parent_page(
    advice: Mapping[str, list[str]],
    entry: Mapping | None,
    routes: Sequence[object],
    services: Mapping[str, Mapping],
    headings: Iterable[tuple[str, str]],
    tools_heading: str | None,
) -> ParentPage:
    """Lay out a parent's page.

    `advice` is guidance_for()'s answer; `entry` the concern's raw entry in guidance.json, read
    for its optional `right_now` {"keep": text, "wait": text}. Without that entry, line 1 is the
    first "now" text that names no service on the page and line 3 the first "avoid" text."""
    lists = {key: list(advice.get(key, [])) for key, _heading in headings}
    used: set[str] = set()
    # right_now is written for a child; a son or daughter of 18 or over gets the fallback.
    chosen = {} if advice.get("band") == "adult" else (entry or {}).get("right_now") or {}
    keep = chosen.get("keep") if isinstance(chosen, Mapping) else None
    wait = chosen.get("wait") if isinstance(chosen, Mapping) else None
    if not isinstance(keep, str) or not keep:
        keep = next(
            (
                t
                for t in lists.get("now", [])
                if not mentions_999(t) and named_route(t, routes) is None
            ),
            None,
        )
        used.add(keep or "")
    if not isinstance(wait, str) or not wait:
        wait = next(iter(lists.get("avoid", [])), None)
        used.add(wait or "")
    right_now = [Line(keep)] if keep else []
    if routes:
        right_now.append(report_line(routes[0], services))
    if wait:
        right_now.append(Line(wait))
    card_notes: dict[int, list[str]] = {}
    kept: list[tuple[str, str, list[str]]] = []
    for key, heading in headings:
        texts = []
        for text in lists.get(key, []):
            if text in used or mentions_999(text):
                continue
            index = named_route(text, routes)
            if index is not None:
                card_notes.setdefault(index, []).append(text)
            else:
                texts.append(text)
        kept.append((key, heading, texts))
    jumps = [("report", "Report")]
    if any(key == "talk" and texts for key, _h, texts in kept):
        jumps.append(("talk", "Talk with your child"))
    if tools_heading:
        jumps.append(("parent-tools", tools_heading))
    return ParentPage(right_now, jumps, kept, card_notes)

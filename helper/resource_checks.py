"""What a JSON Schema cannot say about the knowledge base, checked across its files.

Ids that must exist in another file, words for every audience a rule can reach, https links only
to allow-listed official domains, dialable UK phone numbers, real calendar dates, and no hidden
control characters. Each problem is one line naming the file and the entry, because a reviewer
fixing a bad edit needs to find it at once. Everything here is pure: it takes what
helper/resources.py loaded and never reads a file; the borough directory reuses the link, phone
and control-character checks for its own file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from helper import eligibility
from helper.domain import AUDIENCES, CONCERNS

if TYPE_CHECKING:
    from helper.resources import Resources


def problems(resources: Resources) -> Iterator[str]:
    """Every cross-file problem a schema cannot catch, one line each, naming file and entry."""
    for name, document in resources.documents.items():
        yield from control_characters(name, document)
    yield from _check_ids(resources)
    yield from eligibility.problems(resources)
    yield from _check_texts_per_audience(resources)
    for name, document in resources.documents.items():
        yield from bad_links(name, document, resources.domains)
    yield from _check_phones(resources)
    yield from _check_dates(resources)


def short(text: str) -> str:
    """A text cut to fit on one line of a message."""
    return text if len(text) <= 80 else text[:77] + "..."


def strings(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """(place, text) for every string in a document; the place names each entry by its id."""
    if isinstance(node, dict):
        label = f"{where} ({node['id']!r})" if "id" in node else where
        for key, value in node.items():
            yield from strings(value, f"{label} {key}")
    elif isinstance(node, list):
        for item in node:
            yield from strings(item, where)
    elif isinstance(node, str):
        yield where, node


def control_characters(name: str, document: Any) -> Iterator[str]:
    """No newlines, tabs or other control characters anywhere in `name`.json: JSON Schema's `$`
    lets a final newline through, and a hidden character in an id, link or host is never
    intended."""
    for place, text in strings(document):
        if re.search(r"[\x00-\x1f\x7f]", text):
            yield f"{name}.json{place}: {short(text)!r} holds a control character"


def _check_ids(res: Resources) -> Iterator[str]:
    if tuple(res.concerns) != CONCERNS:
        yield f"concerns.json: ids must be exactly, in order: {', '.join(CONCERNS)}"
    concerns = set(res.concerns)
    for s in res.services.values():
        for c in s["for"]["concerns"]:
            if c not in concerns:
                yield f"services.json: {s['id']!r} for.concerns names unknown concern {c!r}"
    conditions = [("routes.json rule", r["id"], r["when"]) for r in res.rules]
    conditions += [("routes.json warning", w["id"], w["when"]) for w in res.warnings]
    conditions += [("procedure.json step", p["id"], p["when"]) for p in res.procedure]
    conditions.append(("routes.json", "platform_rule", res.platform_rule["when"]))
    conditions.append(("routes.json", "unknown_platform_rule", res.unknown_platform_rule["when"]))
    for s in res.services.values():
        for limit in s.get("limits", ()):
            conditions.append(("services.json limit of", s["id"], limit["when"]))
        for variant in s.get("steps_when", ()):
            conditions.append(("services.json steps_when of", s["id"], variant["when"]))
    for where, ident, when in conditions:
        for c in when.get("concerns", ()):
            if c not in concerns:
                yield f"{where} {ident!r}: unknown concern {c!r}"
    for where, ident, when in conditions:
        for p in when.get("platforms", ()):
            if p not in res.platforms:
                yield f"{where} {ident!r}: unknown platform {p!r}"
    for r in res.rules:
        if r["service"] not in res.services:
            yield f"routes.json rule {r['id']!r}: unknown service {r['service']!r}"
    for p in res.procedure:
        if "service" in p and p["service"] not in res.services:
            yield f"procedure.json step {p['id']!r}: unknown service {p['service']!r}"
    seen_hosts: dict[str, str] = {}
    for p in res.platforms.values():
        for host in p["hosts"]:
            if host in seen_hosts:
                first = seen_hosts[host]
                yield f"platforms.json: host {host!r} is in both {first!r} and {p['id']!r}"
            seen_hosts[host] = p["id"]
    for kind, items in (("rule", res.rules), ("warning", res.warnings), ("step", res.procedure)):
        ids = [i["id"] for i in items]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            yield f"{kind} id {dup!r} appears twice"


def _check_texts_per_audience(res: Resources) -> Iterator[str]:
    """A rule that can fire for an audience must have words for that audience."""
    for c in res.concerns.values():
        for a in c["audiences"]:
            if a not in c["label"]:
                yield f"concerns.json {c['id']!r}: no label for {a}"
    for s in res.services.values():
        for a in s["for"]["audiences"]:
            if a not in s["summary"]:
                yield f"services.json {s['id']!r}: no summary for {a}"
    for r in res.rules:
        service = res.services.get(r["service"])
        if service is None:
            continue
        for a in set(r["when"].get("audiences", AUDIENCES)) & set(service["for"]["audiences"]):
            if a not in r["why"]:
                yield f"routes.json rule {r['id']!r}: no 'why' text for {a}"
        for a in r.get("condition", {}):
            if a not in r["why"]:
                yield f"routes.json rule {r['id']!r}: a condition for {a} but no 'why' text"
    for s in res.services.values():
        for limit in s.get("limits", ()):
            for a in limit["text"]:
                if a not in s["for"]["audiences"]:
                    yield f"services.json {s['id']!r}: a limit for {a}, who it does not take"
    for name in ("platform_rule", "unknown_platform_rule"):
        rule = getattr(res, name)
        for a in rule["when"].get("audiences", AUDIENCES):
            if a not in rule["why"]:
                yield f"routes.json {name}: no 'why' text for {a}"
    for w in res.warnings:
        for a in w["when"].get("audiences", AUDIENCES):
            if a not in w["text"]:
                yield f"routes.json warning {w['id']!r}: no text for {a}"


def links(document: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """(place, url) for every link in a document: keys url, *_url and source."""
    if isinstance(document, dict):
        label = f"{where} ({document['id']!r})" if "id" in document else where
        for key, value in document.items():
            if key == "url" or key.endswith("_url") or key == "source":
                for url in value if isinstance(value, list) else [value]:
                    yield f"{label} {key}", url
            else:
                yield from links(value, label)
    elif isinstance(document, list):
        for item in document:
            yield from links(item, where)


def allowed_link(url: str, domains: Mapping[str, dict]) -> bool:
    """https, no user info or port, and the host is an allow-listed domain or under one."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = parts.hostname or ""
    if parts.scheme != "https" or parts.port is not None or "@" in parts.netloc:
        return False
    return any(host == d or host.endswith("." + d) for d in domains)


def bad_links(name: str, document: Any, domains: Mapping[str, dict]) -> Iterator[str]:
    """Every link in `name`.json that is not https on an allow-listed domain."""
    for place, url in links(document):
        if not allowed_link(url, domains):
            yield f"{name}.json{place}: link {url!r} is not https on an allow-listed domain"


_SHORT_CODES = frozenset({"999", "112", "101", "111", "105"})
# Childline's number is a rare seven-digit 0800 number kept from before the national plan.
_SHORT_NATIONAL = frozenset({"08001111"})
# Text-only lines are reached by a five-digit SMS short code: Shout's is 85258 ("text SHOUT").
_SMS_SHORT_CODES = frozenset({"85258"})


def is_uk_phone(number: str) -> bool:
    """A dialable UK number: an emergency/short code, or a national number of the right length
    for its range (01/02 geographic, 03 non-geographic, 07 mobile, 080 freephone, 084/087)."""
    digits = number.replace(" ", "")
    if not re.fullmatch(r"[0-9]+", digits):
        return False
    if digits in _SHORT_CODES | _SHORT_NATIONAL | _SMS_SHORT_CODES:
        return True
    if re.fullmatch(r"116[0-9]{3}", digits):
        return True
    if re.fullmatch(r"0[1237][0-9]{9}", digits) or re.fullmatch(r"08[047][0-9]{8}", digits):
        return True
    return bool(re.fullmatch(r"01[0-9]{8}|0800[0-9]{6}|0500[0-9]{6}", digits))


def _check_phones(res: Resources) -> Iterator[str]:
    for s in res.services.values():
        if "phone" in s and not is_uk_phone(s["phone"]):
            yield f"services.json {s['id']!r}: {s['phone']!r} is not a valid UK phone number"


def dated_entries(res: Resources) -> Iterator[tuple[str, str, str]]:
    """(file, entry, last_reviewed) for every file and every entry in it."""
    for name, document in res.documents.items():
        yield name + ".json", "(whole file)", document["last_reviewed"]
        for key, value in document.items():
            items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
            for item in items:
                if isinstance(item, dict) and "last_reviewed" in item:
                    label = item.get("id") or item.get("domain") or key
                    yield name + ".json", str(label), item["last_reviewed"]


def _check_dates(res: Resources) -> Iterator[str]:
    for file, entry, value in dated_entries(res):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            yield f"{file} {entry!r}: last_reviewed {value!r} is not a real date"

"""Loading the knowledge base: the ONLY code that reads resources/.

Everything a person is told comes from these files, so a bad edit must stop here with a message
that names the file and the entry, not reach a child as a broken link or a wrong phone number.
Checks: each file against its JSON Schema, then what a schema cannot say (ids that must exist,
https links only to allow-listed official domains, UK phone numbers, real calendar dates).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from helper import paths
from helper.domain import AUDIENCES, CONCERNS
from helper.errors import IntegrityError

FILES: tuple[str, ...] = (
    "domains",
    "concerns",
    "services",
    "platforms",
    "routes",
    "procedure",
)


@dataclass(frozen=True)
class Resources:
    """The loaded, checked knowledge base. Lists keep file order: the algorithm depends on it."""

    concerns: Mapping[str, dict]
    services: Mapping[str, dict]
    platforms: Mapping[str, dict]
    rules: tuple[dict, ...]
    platform_rule: dict
    warnings: tuple[dict, ...]
    procedure: tuple[dict, ...]
    domains: Mapping[str, dict] = field(default_factory=dict)
    documents: Mapping[str, dict] = field(default_factory=dict)  # file name -> whole file


def load(directory: Path | None = None, *, trust_checked: bool = True) -> Resources:
    """Read and check every file; IntegrityError naming file and entry on the first problem.

    The checks (JSON Schema and the cross-file checks: most of a start's load, ~250 ms with
    jsonschema's import) are done when the knowledge base is built and tested, not on every
    start: `write_checked` records a SHA-256 of exactly what passed them (the data files, the
    schemas and the checking code itself) in `.checked.json`. While everything still hashes to
    that value the checks are skipped, as they could only pass again; any other bytes (an
    edit, a tampered or planted file, changed checking code, no record) get the full check.
    The record is a cache of work done, not a security boundary: whoever can change the files
    can change the code that reads them."""
    base = Path(directory) if directory is not None else paths.resources_dir()
    raw = {name: _read_bytes(base / f"{name}.json") for name in FILES}
    documents = {name: _parse(base / f"{name}.json", data) for name, data in raw.items()}
    checked = trust_checked and _checked_digest(base) == fingerprint(base, raw)
    if not checked:
        validator = _validators(base / "schema")
        for name, document in documents.items():
            _check_schema(name, document, validator(name))
    resources = _build(documents)
    if not checked:
        for problem in problems(resources):
            raise IntegrityError(problem)
    return resources


@functools.cache
def default() -> Resources:
    """The installed knowledge base, loaded once per process."""
    return load()


CHECKED = ".checked.json"  # written by write_checked (`waymark build-extension`)
CHECKED_FORMAT = "waymark knowledge base, schema-checked, v1"


# The code that does the checking: a change to it means the files must be checked again.
CHECKER_SOURCES = (Path(__file__), Path(__file__).with_name("domain.py"))


def fingerprint(base: Path, raw: Mapping[str, bytes] | None = None) -> str:
    """SHA-256 over every data file, every schema and the checking code, each with its name
    and length."""
    digest = hashlib.sha256(CHECKED_FORMAT.encode())
    for source in CHECKER_SOURCES:
        code = source.read_bytes()
        digest.update(f"\x00{source.name}\x00{len(code)}\x00".encode() + code)
    files = [(f"{name}.json", (raw or {}).get(name)) for name in FILES]
    files += [(f"schema/{p.name}", None) for p in sorted((base / "schema").glob("*.schema.json"))]
    for name, data in files:
        if data is None:
            try:
                data = (base / name).read_bytes()
            except OSError:
                return ""
        digest.update(f"\x00{name}\x00{len(data)}\x00".encode())
        digest.update(data)
    return digest.hexdigest()


def _checked_digest(base: Path) -> str | None:
    try:
        record = json.loads((base / CHECKED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("format") != CHECKED_FORMAT:
        return None
    value = record.get("sha256")
    return value if isinstance(value, str) and len(value) == 64 else None


def write_checked(directory: Path | None = None) -> Path:
    """Validate everything in full, then record the hash of what was validated."""
    base = Path(directory) if directory is not None else paths.resources_dir()
    load(base, trust_checked=False)
    path = base / CHECKED
    record = {"format": CHECKED_FORMAT, "sha256": fingerprint(base)}
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return path


def checked_is_current(directory: Path | None = None) -> bool:
    base = Path(directory) if directory is not None else paths.resources_dir()
    digest = fingerprint(base)
    return bool(digest) and _checked_digest(base) == digest


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise IntegrityError(
            f"{path.name}: missing from the knowledge base ({path.parent})"
        ) from None
    except OSError as err:
        raise IntegrityError(f"{path.name}: cannot be read ({err})") from None


def _read(path: Path) -> dict:
    return _parse(path, _read_bytes(path))


def _parse(path: Path, data: bytes) -> dict:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise IntegrityError(f"{path.name}: cannot be read ({err})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise IntegrityError(
            f"{path.name}: not valid JSON at line {err.lineno}: {err.msg}"
        ) from None


def _validators(schema_dir: Path):  # -> Callable[[str], Validator]
    """Schemas reference common.schema.json, so all are put in one registry."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    schemas = {}
    for path in sorted(schema_dir.glob("*.schema.json")):
        schemas[path.name] = _read(path)
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema)) for name, schema in schemas.items()
    )

    def validator(name: str) -> Draft202012Validator:
        schema = schemas.get(f"{name}.schema.json")
        if schema is None:
            raise IntegrityError(f"schema/{name}.schema.json: missing")
        return Draft202012Validator(schema, registry=registry)

    return validator


def _check_schema(name: str, document: Any, validator: Any) -> None:
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        raise IntegrityError(f"{name}.json: {_describe(document, errors[0])}")


def _describe(document: Any, error: Any) -> str:
    """'services[3] (id "ceop") url: <what is wrong>' so a reviewer can find it at once."""
    where, node = [], document
    for part in error.absolute_path:
        node = node[part] if isinstance(node, (list, dict)) else None
        if isinstance(part, int):
            label = f"[{part}]"
            if isinstance(node, dict) and "id" in node:
                label += f" (id {node['id']!r})"
            where.append(label)
        else:
            where.append(f".{part}")
    path = "".join(where).lstrip(".") or "top level"
    message = error.message
    if error.validator == "pattern" and isinstance(error.instance, str):
        message = f"{_short(error.instance)!r} is not allowed here ({_pattern_hint(error)})"
    elif error.validator == "not":
        message = f"{_short(str(error.instance))!r} holds a script link, which is not allowed"
    return f"{path}: {message}"


def _pattern_hint(error: Any) -> str:
    kind = error.schema.get("description") or ""
    if "https" in kind:
        return "links must start with https:// and hold no spaces or quotes"
    if "No markup" in kind:
        return "plain text only, no < or >"
    return f"must match {error.validator_value}"


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


def _build(documents: Mapping[str, dict]) -> Resources:
    def by_id(items: list[dict], file: str, key: str = "id") -> Mapping[str, dict]:
        table: dict[str, dict] = {}
        for item in items:
            if item[key] in table:
                raise IntegrityError(f"{file}.json: {key} {item[key]!r} appears twice")
            table[item[key]] = item
        return MappingProxyType(table)

    routes = documents["routes"]
    return Resources(
        concerns=by_id(documents["concerns"]["concerns"], "concerns"),
        services=by_id(documents["services"]["services"], "services"),
        platforms=by_id(documents["platforms"]["platforms"], "platforms"),
        rules=tuple(routes["rules"]),
        platform_rule=routes["platform_rule"],
        warnings=tuple(routes["warnings"]),
        procedure=tuple(documents["procedure"]["steps"]),
        domains=by_id(documents["domains"]["domains"], "domains", key="domain"),
        documents=MappingProxyType(dict(documents)),
    )


def problems(resources: Resources) -> Iterator[str]:
    """Every cross-file problem a schema cannot catch, one line each, naming file and entry."""
    yield from _check_control_characters(resources)
    yield from _check_ids(resources)
    yield from _check_texts_per_audience(resources)
    yield from _check_links(resources)
    yield from _check_phones(resources)
    yield from _check_dates(resources)


def _strings(node: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        label = f"{where} ({node['id']!r})" if "id" in node else where
        for key, value in node.items():
            yield from _strings(value, f"{label} {key}")
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item, where)
    elif isinstance(node, str):
        yield where, node


def _check_control_characters(res: Resources) -> Iterator[str]:
    """No newlines, tabs or other control characters anywhere: JSON Schema's `$` lets a final
    newline through, and a hidden character in an id, link or host is never intended."""
    for name, document in res.documents.items():
        for place, text in _strings(document, ""):
            if re.search(r"[\x00-\x1f\x7f]", text):
                yield f"{name}.json{place}: {_short(text)!r} holds a control character"


def _check_ids(res: Resources) -> Iterator[str]:
    if tuple(res.concerns) != CONCERNS:
        yield f"concerns.json: ids must be exactly, in order: {', '.join(CONCERNS)}"
    concerns = set(res.concerns)
    for s in res.services.values():
        for c in s["cannot_help"]["concerns"]:
            if c not in concerns:
                yield f"services.json: {s['id']!r} cannot_help names unknown concern {c!r}"
    conditions = [("routes.json rule", r["id"], r["when"]) for r in res.rules]
    conditions += [("routes.json warning", w["id"], w["when"]) for w in res.warnings]
    conditions += [("procedure.json step", p["id"], p["when"]) for p in res.procedure]
    conditions.append(("routes.json", "platform_rule", res.platform_rule["when"]))
    for s in res.services.values():
        for limit in s.get("limits", ()):
            conditions.append(("services.json limit of", s["id"], limit["when"]))
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
    for a in res.platform_rule["when"].get("audiences", AUDIENCES):
        if a not in res.platform_rule["why"]:
            yield f"routes.json platform_rule: no 'why' text for {a}"
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


def _check_links(res: Resources) -> Iterator[str]:
    for name, document in res.documents.items():
        for place, url in links(document):
            if not allowed_link(url, res.domains):
                yield f"{name}.json{place}: link {url!r} is not https on an allow-listed domain"


_SHORT_CODES = frozenset({"999", "112", "101", "111", "105"})
# Childline's number is a rare seven-digit 0800 number kept from before the national plan.
_SHORT_NATIONAL = frozenset({"08001111"})


def is_uk_phone(number: str) -> bool:
    """A dialable UK number: an emergency/short code, or a national number of the right length
    for its range (01/02 geographic, 03 non-geographic, 07 mobile, 080 freephone, 084/087)."""
    digits = number.replace(" ", "")
    if not re.fullmatch(r"[0-9]+", digits):
        return False
    if digits in _SHORT_CODES or digits in _SHORT_NATIONAL or re.fullmatch(r"116[0-9]{3}", digits):
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

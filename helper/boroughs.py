"""The London borough directory: who a professional calls about a child in each of the 33 London
local authorities (32 boroughs and the City of London).

resources/boroughs.json holds, for each authority, only what an official page confirmed: the
children's services front door (MASH or single point of contact) and its hours, the out-of-hours
emergency duty team, the LADO, the referral form page and the deadline for a written referral
after a phone call. Every entry lists the pages it came from (`evidence`). A field no page
confirmed is left out, never guessed, so a person is never given a number nobody checked.

Loading goes through helper/resources.py (the same JSON Schema registry) and reuses
helper/resource_checks.py (https links on allow-listed domains, UK phone numbers, no control
characters). Everything else here is pure:
`find`, `closest`, `problems`, `evidence_gaps` and `evidence_summary` take the loaded document.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

FILE = "boroughs"
AUTHORITIES = 33  # 32 London boroughs and the City of London
# GOV.UK's own tool for finding the council anywhere else in the UK. Checked 2026-11-30: GOV.UK's
# developer documentation (docs.publishing.service.gov.uk, the frontend app's "Local Authorities
# API" page) names this /find-local-council page and says its API answers by postcode.
OUTSIDE_LONDON_URL = "https://www.gov.uk/find-local-council"
# The fields a complete entry has; anything missing is reported by doctor, not invented.
FIELDS = ("mash.phone", "mash.hours", "out_of_hours.phone", "lado", "referral_url")
OPTIONAL_FIELDS = ("written_confirmation_hours",)  # only where a borough states one
# Words that do not tell boroughs apart: "London Borough of Barnet", "Royal Borough of
# Kingston upon Thames", "Hammersmith & Fulham", "City of London" (which leaves "city").
_NOISE = frozenset({"and", "the", "of", "upon", "london", "borough", "royal", "council", "lb"})
_OUTSIDE = frozenset({"outside", "outsidelondon", "notlondon", "elsewhere"})


def load(directory: Path | None = None) -> dict:
    """Read and check boroughs.json; IntegrityError naming the entry on the first problem."""
    from helper import resources

    # The allow-list as written (domains.json is checked with the rest of the knowledge base).
    domains = resources.read_document("domains", directory)
    allowed = {d["domain"]: d for d in domains.get("domains", ())}
    return resources.load_document(FILE, directory, lambda document: problems(document, allowed))


@functools.cache
def default() -> dict:
    """The installed directory, loaded and checked once per process."""
    return load()


def boroughs(document: Mapping[str, Any]) -> list[dict]:
    return list(document["boroughs"])


# --- Checks a schema cannot make --------------------------------------------------------------


def problems(document: Mapping[str, Any], domains: Mapping[str, Any]) -> Iterator[str]:
    """Every problem in a schema-valid document, one line each naming the entry. Pure.

    Checks: 33 authorities, unique ids and names, no two entries answering to the same name,
    UK phone numbers, https links on allow-listed domains, no control characters, real dates,
    and that every number and link in an entry is backed by one of its evidence pages."""
    from helper import resource_checks

    entries = list(document.get("boroughs", ()))
    if len(entries) != AUTHORITIES:
        yield f"boroughs.json: {len(entries)} entries, expected {AUTHORITIES} London authorities"
    seen: dict[str, str] = {}
    for entry in entries:
        for label in (entry["id"], entry["name"], *entry.get("aliases", ())):
            key = normalise(label)
            if not key:
                yield f"boroughs.json {entry['id']!r}: {label!r} has no letters to match on"
                continue
            if key in seen and seen[key] != entry["id"]:
                yield f"boroughs.json: {label!r} matches both {seen[key]!r} and {entry['id']!r}"
            seen[key] = entry["id"]
    ids = [e["id"] for e in entries]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        yield f"boroughs.json: id {dup!r} appears twice"
    yield from resource_checks.control_characters(FILE, document)
    yield from resource_checks.bad_links(FILE, document, domains)
    for entry in entries:
        yield from _check_entry(entry)


def _check_entry(entry: Mapping[str, Any]) -> Iterator[str]:
    import datetime as dt

    from helper import resource_checks

    where = f"boroughs.json {entry['id']!r}"
    evidence = entry.get("evidence", [])
    for item in evidence:
        try:
            dt.date.fromisoformat(item["checked"])
        except ValueError:
            yield f"{where}: evidence date {item['checked']!r} is not a real date"
    urls = {item["url"] for item in evidence}
    said = " ".join(item["confirms"] for item in evidence)
    for field, number in _phones(entry):
        if not resource_checks.is_uk_phone(number):
            yield f"{where}: {field} {number!r} is not a valid UK phone number"
        elif number not in said:
            yield f"{where}: {field} {number!r} is not named by any of its evidence pages"
    email = entry.get("lado", {}).get("email")
    if email and email not in said:
        yield f"{where}: lado email {email!r} is not named by any of its evidence pages"
    if "referral_url" in entry and entry["referral_url"] not in urls:
        yield f"{where}: referral_url is not one of its evidence pages"
    hours = entry.get("written_confirmation_hours")
    if hours is not None and f"{hours} hours" not in said:
        yield f"{where}: written_confirmation_hours {hours} is not stated by its evidence"
    has_fields = any(k in entry for k in ("mash", "out_of_hours", "lado", "referral_url"))
    if has_fields and not evidence:
        yield f"{where}: has contact details but no evidence"


def _phones(entry: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for part in ("mash", "out_of_hours", "lado"):
        number = entry.get(part, {}).get("phone")
        if number is not None:
            yield f"{part} phone", number


# --- Evidence coverage, for `waymark doctor` --------------------------------------------------


def missing_fields(entry: Mapping[str, Any]) -> list[str]:
    """The fields of FIELDS this entry lacks (not confirmed by any page). Pure."""
    missing = []
    for field in FIELDS:
        node: Any = entry
        for part in field.split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        if not node:
            missing.append(field)
    return missing


def evidence_gaps(document: Mapping[str, Any]) -> list[str]:
    """One line per authority that lacks evidence or fields, for doctor to list. Pure."""
    lines = []
    for entry in document["boroughs"]:
        if not entry["evidence"]:
            lines.append(f"boroughs.json {entry['id']!r}: no evidence (nothing confirmed)")
            continue
        missing = missing_fields(entry)
        if missing:
            lines.append(f"boroughs.json {entry['id']!r}: not confirmed: {', '.join(missing)}")
    return lines


def evidence_summary(document: Mapping[str, Any]) -> dict:
    """Counts for doctor's report. Pure.

    {"authorities": 33, "with_evidence": n, "without_evidence": [ids], "complete": n,
     "fields": {"mash.phone": n, ...}} where each field count is how many entries have it."""
    entries = list(document["boroughs"])
    fields = {f: sum(1 for e in entries if f not in missing_fields(e)) for f in FIELDS}
    for field in OPTIONAL_FIELDS:
        fields[field] = sum(1 for e in entries if field in e)
    return {
        "authorities": len(entries),
        "with_evidence": sum(1 for e in entries if e["evidence"]),
        "without_evidence": [e["id"] for e in entries if not e["evidence"]],
        "complete": sum(1 for e in entries if e["evidence"] and not missing_fields(e)),
        "fields": fields,
    }


# --- Finding a borough by name ----------------------------------------------------------------


def normalise(name: str) -> str:
    """'Tower Hamlets', 'tower-hamlets' and 'TOWER  hamlets' -> 'towerhamlets'; 'Hammersmith &
    Fulham' -> 'hammersmithfulham'; 'City of London' -> 'city'. Pure."""
    words = re.findall(r"[a-z0-9]+", name.lower().replace("&", " and "))
    return "".join(w for w in words if w not in _NOISE)


def _keys(document: Mapping[str, Any]) -> dict[str, dict]:
    table: dict[str, dict] = {}
    for entry in document["boroughs"]:
        for label in (entry["id"], entry["name"], *entry.get("aliases", ())):
            table.setdefault(normalise(label), entry)
    return table


def is_outside_london(name: str) -> bool:
    return normalise(name) in _OUTSIDE


def find(name: str, document: Mapping[str, Any] | None = None) -> dict | None:
    """The entry `name` means, or None. Forgiving: case, spaces, hyphens, '&'/'and' and
    'London Borough of' do not matter, aliases count ('City' is the City of London), and an
    unambiguous start of a name of at least four letters is enough ('Tower'). Pure."""
    document = default() if document is None else document
    key = normalise(name)
    if not key:
        return None
    table = _keys(document)
    if key in table:
        return table[key]
    if len(key) >= 4:
        starts = {e["id"]: e for k, e in table.items() if k.startswith(key)}
        if len(starts) == 1:
            return next(iter(starts.values()))
    return None


def closest(name: str, document: Mapping[str, Any] | None = None, n: int = 3) -> list[str]:
    """Up to `n` borough names that look most like `name`, best first, for 'did you mean'."""
    document = default() if document is None else document
    table = _keys(document)
    key = normalise(name)
    names: list[str] = []
    for match in difflib.get_close_matches(key, list(table), n=n * 3, cutoff=0.5):
        if table[match]["name"] not in names:
            names.append(table[match]["name"])
    return names[:n]


def as_dict(entry: Mapping[str, Any]) -> dict:
    """The `waymark boroughs NAME --json` shape: unconfirmed fields stay out."""
    keys = (
        "id",
        "name",
        "mash",
        "out_of_hours",
        "lado",
        "referral_url",
        "written_confirmation_hours",
        "evidence",
    )
    return {k: entry[k] for k in keys if k in entry}

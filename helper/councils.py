"""The front door in every nation: which council (or, in Northern Ireland, which Health and Social
Care Trust) a professional calls about a child, found by the name people type.

resources/councils.json holds every council in Wales (22) and Scotland (32), the five HSC Trusts
of Northern Ireland (their Gateway teams), the merged English councils (which answer with their
successors) and a subset of the largest English councils. The London boroughs stay in
resources/boroughs.json (helper/boroughs.py); `find` here looks in both, London first, so a
London borough is a council too. As in the borough directory, an entry holds only what an
official page confirmed (`evidence`); an entry no page confirmed keeps its names, and the
nation's official finder (`finders`) is shown instead of a number nobody checked.

Loading goes through helper/resources.py and reuses helper/resource_checks.py; everything else
here is pure and takes the loaded documents.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helper.domain import NATION_NAMES, NATIONS

FILE = "councils"
COUNTS = {"wales": 22, "scotland": 32, "northern-ireland": 5}  # every one, in these nations
# Words that do not tell councils apart: "City of Edinburgh", "Glasgow City", "Northern Health
# and Social Care Trust", "Isle of Anglesey County Council".
_NOISE = frozenset(
    {"and", "the", "of", "council", "county", "borough", "city", "cbc", "trust", "hsc",
     "health", "social", "care", "isle", "comhairle", "cyngor", "sir", "bwrdeistref"}
)  # fmt: skip


@dataclass(frozen=True)
class Place:
    """Where the child lives, as a council entry: a London borough or a council elsewhere."""

    entry: Mapping[str, Any]
    nation: str
    london: bool

    @property
    def name(self) -> str:
        return str(self.entry["name"])


def load(directory: Path | None = None) -> dict:
    """Read and check councils.json; IntegrityError naming the entry on the first problem."""
    from helper import resources

    domains = resources.read_document("domains", directory)
    allowed = {d["domain"]: d for d in domains.get("domains", ())}
    return resources.load_document(FILE, directory, lambda document: problems(document, allowed))


@functools.cache
def default() -> dict:
    """The installed directory, loaded and checked once per process."""
    return load()


def councils(document: Mapping[str, Any], nation: str | None = None) -> list[dict]:
    return [c for c in document["councils"] if nation is None or c["nation"] == nation]


def finder(document: Mapping[str, Any], nation: str) -> dict:
    """The official page that finds the council for `nation`."""
    return next(f for f in document["finders"] if f["nation"] == nation)


# --- Checks a schema cannot make --------------------------------------------------------------


def problems(document: Mapping[str, Any], domains: Mapping[str, Any]) -> Iterator[str]:
    """Every problem in a schema-valid document, one line each naming the entry. Pure.

    Checks: every council of Wales and Scotland and every HSC Trust is there, unique ids, no two
    entries answering to the same name, successors that exist, UK phone numbers named by the
    entry's own evidence, a concern page that is one of its evidence pages, a finder for every
    nation, https links on allow-listed domains, no control characters and real dates."""
    from helper import resource_checks

    entries = list(document.get("councils", ()))
    for nation, count in COUNTS.items():
        have = sum(1 for e in entries if e["nation"] == nation)
        if have != count:
            yield f"councils.json: {have} entries for {nation}, expected {count}"
    ids = [e["id"] for e in entries]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        yield f"councils.json: id {dup!r} appears twice"
    seen: dict[str, str] = {}
    for entry in entries:
        for label in labels(entry):
            key = normalise(label)
            if not key:
                yield f"councils.json {entry['id']!r}: {label!r} has no letters to match on"
            elif seen.setdefault(key, entry["id"]) != entry["id"]:
                yield f"councils.json: {label!r} matches both {seen[key]!r} and {entry['id']!r}"
        for successor in entry.get("successors", ()):
            if successor not in ids:
                yield f"councils.json {entry['id']!r}: successor {successor!r} is not an entry"
        if entry.get("kind") == "former" and not entry.get("successors"):
            yield f"councils.json {entry['id']!r}: a former council needs its successors"
    finders = [f["nation"] for f in document.get("finders", ())]
    if sorted(finders) != sorted(NATIONS):
        yield "councils.json: finders must name each nation once"
    yield from resource_checks.control_characters(FILE, document)
    yield from resource_checks.bad_links(FILE, document, domains)
    for entry in entries:
        yield from _check_entry(entry)


def _check_entry(entry: Mapping[str, Any]) -> Iterator[str]:
    from helper import resource_checks

    where = f"councils.json {entry['id']!r}"
    evidence = entry.get("evidence", [])
    for item in evidence:
        try:
            dt.date.fromisoformat(item["checked"])
        except ValueError:
            yield f"{where}: evidence date {item['checked']!r} is not a real date"
    said = " ".join(item["confirms"] for item in evidence)
    for field, number in _phones(entry):
        if not resource_checks.is_uk_phone(number):
            yield f"{where}: {field} {number!r} is not a valid UK phone number"
        elif number not in said:
            yield f"{where}: {field} {number!r} is not named by any of its evidence pages"
    if "concern_url" in entry and entry["concern_url"] not in {i["url"] for i in evidence}:
        yield f"{where}: concern_url is not one of its evidence pages"
    has_fields = any(k in entry for k in ("front_door", "out_of_hours", "concern_url"))
    if has_fields and not evidence:
        yield f"{where}: has contact details but no evidence"


def _phones(entry: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for part in ("front_door", "out_of_hours"):
        number = entry.get(part, {}).get("phone")
        if number is not None:
            yield f"{part} phone", number


# --- Evidence coverage, for `waymark doctor` --------------------------------------------------


def evidence_by_nation(document: Mapping[str, Any]) -> dict[str, dict]:
    """{nation: {"entries": n, "with_evidence": n, "with_phone": n, "without": [names]}}. Pure.

    Former councils are left out: they only point at their successors."""
    summary: dict[str, dict] = {}
    for nation in NATIONS:
        entries = [e for e in councils(document, nation) if e.get("kind") != "former"]
        summary[nation] = {
            "entries": len(entries),
            "with_evidence": sum(1 for e in entries if e["evidence"]),
            "with_phone": sum(1 for e in entries if e.get("front_door", {}).get("phone")),
            "without": [e["name"] for e in entries if not e["evidence"]],
        }
    return summary


# --- Finding a council by name ----------------------------------------------------------------


def labels(entry: Mapping[str, Any]) -> list[str]:
    return [entry["id"], entry["name"], *entry.get("aliases", ())]


def normalise(name: str) -> str:
    """'Rhondda Cynon Taf', 'rhondda-cynon-taf' -> 'rhonddacynontaf'; 'Ynys Môn' -> 'ynysmon';
    'Belfast Trust' and 'Belfast HSC Trust' -> 'belfast'; 'City of Edinburgh' -> 'edinburgh'.
    Pure."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain.lower().replace("&", " and "))
    return "".join(w for w in words if w not in _NOISE)


def _table(document: Mapping[str, Any]) -> dict[str, dict]:
    table: dict[str, dict] = {}
    for entry in document["councils"]:
        for label in labels(entry):
            table.setdefault(normalise(label), entry)
    return table


def find(
    name: str,
    document: Mapping[str, Any] | None = None,
    boroughs_document: Mapping[str, Any] | None = None,
) -> Place | None:
    """The place `name` means, or None: a London borough first (helper/boroughs.py), else a
    council or HSC Trust. Forgiving about case, spaces, hyphens, accents and words such as
    'Council' or 'Trust', and an unambiguous start of at least four letters is enough. Pure
    once the documents are given."""
    from helper import boroughs

    borough = boroughs.find(name, boroughs_document)
    if borough is not None:
        return Place(borough, "england", True)
    document = default() if document is None else document
    key = normalise(name)
    if not key:
        return None
    table = _table(document)
    entry = table.get(key)
    if entry is None and len(key) >= 4:
        starts = {e["id"]: e for k, e in table.items() if k.startswith(key)}
        entry = next(iter(starts.values())) if len(starts) == 1 else None
    return Place(entry, entry["nation"], False) if entry is not None else None


def closest(
    name: str,
    document: Mapping[str, Any] | None = None,
    boroughs_document: Mapping[str, Any] | None = None,
    n: int = 3,
) -> list[str]:
    """Up to `n` names (councils, trusts or London boroughs) most like `name`, best first."""
    from helper import boroughs

    document = default() if document is None else document
    table = {k: e["name"] for k, e in _table(document).items()}
    borough_document = boroughs.default() if boroughs_document is None else boroughs_document
    for entry in borough_document["boroughs"]:
        for label in (entry["id"], entry["name"], *entry.get("aliases", ())):
            table.setdefault(boroughs.normalise(label), entry["name"])
    names: list[str] = []
    for match in difflib.get_close_matches(normalise(name), list(table), n=n * 3, cutoff=0.6):
        if table[match] not in names:
            names.append(table[match])
    return names[:n]


def successors(entry: Mapping[str, Any], document: Mapping[str, Any]) -> list[dict]:
    by_id = {e["id"]: e for e in document["councils"]}
    return [by_id[i] for i in entry.get("successors", ())]


def as_dict(entry: Mapping[str, Any], document: Mapping[str, Any]) -> dict:
    """The `waymark councils NAME --json` shape: unconfirmed fields stay out; the nation's
    finder is always there, for when a number is missing."""
    keys = ("id", "name", "nation", "kind", "front_door", "out_of_hours", "concern_url")
    out = {k: entry[k] for k in keys if k in entry}
    out.setdefault("kind", "council")
    if entry.get("successors"):
        out["successors"] = [s["name"] for s in successors(entry, document)]
    found = finder(document, entry["nation"])
    out["finder"] = {"name": found["name"], "url": found["url"]}
    out["evidence"] = list(entry["evidence"])
    return out


def nation_name(nation: str) -> str:
    return NATION_NAMES[nation]

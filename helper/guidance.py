"""Guidance for parents and carers: what to do now, what not to do, how to talk, where to get help.

`guidance_for` is pure (concern + age + the parsed resources/guidance.json -> texts) and is kept
in step with extension/lib/guidance.js: both pass tests/guidance/vectors.json, and a parity test
runs both over every concern and age. `load` reads the file through helper/resources.py, which
checks it against resources/schema/guidance.schema.json as it does the rest of the knowledge base.
The format is described in resources/GUIDANCE.md.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from helper import domain, resource_checks, resources
from helper.errors import BadInput

KEYS: tuple[str, ...] = ("now", "avoid", "talk", "support")
UNKNOWN = "unknown"
ADULT = "adult"
# The parts of one piece of guidance, in the order every front end shows them, with headings.
HEADINGS = (
    ("now", "What to do now"),
    ("avoid", "What not to do"),
    ("talk", "Talking with your child"),
    ("support", "Support for you"),
)
MAX_AGE = domain.AGE_LIMITS[1]  # the engine's age range; 18 and over gets no children's guidance


def guidance_for(concern: str, age: int | None, document: dict) -> dict | None:
    """The guidance for one concern and one child's age, or None when there is none.

    Age None means "a child under 18, age not known" and gives the "unknown" band. 18 and over
    gives the "adult" band (adult texts only). Without adult texts in the file, 18 and over,
    or a concern the file does not cover (professional-only concerns), gives None. An age that
    is not a whole number from 0 to 120, or a concern that is not a string, is BadInput.
    Each list is the concern's common texts, then its band's, then the file's `always` texts.
    """
    if not isinstance(concern, str):
        raise BadInput("concern must be a concern id such as grooming")
    band = band_for(age, document)
    if band is None:
        return None
    entry = next((c for c in document["concerns"] if c["id"] == concern), None)
    if entry is None:
        return None
    parts = _parts(entry, band, document)
    result: dict[str, Any] = {"band": band}
    for key in KEYS:
        texts: list[str] = []
        for part in parts:
            for text in part.get(key, []):
                if text not in texts:
                    texts.append(text)
        result[key] = texts
    return result


def _parts(entry: dict, band: str, document: dict) -> tuple[dict, ...]:
    """Where one band's texts come from, in order: the concern's common texts, the band's own,
    then the file's `always` texts. A son or daughter of 18 or over gets adult texts only (the
    concern's, then the file's): children's advice, CEOP or the NSPCC, does not fit an adult."""
    if band == ADULT:
        return (document.get("adult", {}), entry.get("adult", {}))
    return (entry.get("common", {}), entry["bands"].get(band, {}), document.get("always", {}))


def band_for(age: int | None, document: dict) -> str | None:
    """ "under-8", "8-12", "13-17", "unknown" (age None), "adult" (18 and over, where the file
    has adult texts) or None."""
    if age is None:
        return UNKNOWN
    if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= MAX_AGE:
        raise BadInput(f"age must be a whole number from 0 to {MAX_AGE}, or unknown")
    for band in document["bands"]:
        if band["age_min"] <= age <= band["age_max"]:
            return band["id"]
    return ADULT if "adult" in document else None


def general(document: dict) -> list[dict]:
    """The sections that are not about one concern: [{"id", "title", "texts"}], in file order."""
    return [
        {"id": s["id"], "title": s["title"], "texts": list(s["texts"])} for s in document["general"]
    ]


def load(directory: Path | None = None) -> dict:
    """Read and check resources/guidance.json; IntegrityError naming the place on a problem."""
    return resources.load_document("guidance", directory, problems)


@functools.cache
def default() -> dict:
    """The installed guidance, loaded once per process."""
    return load()


def problems(document: dict) -> Iterator[str]:
    """What the schema cannot say, one line each: bands that leave a gap or overlap, ids given
    twice, and a text that would reach a parent twice in one answer."""
    expected = 0
    for band in document["bands"]:
        if band["age_min"] != expected or band["age_max"] < band["age_min"]:
            yield (
                f"guidance.json: bands: {band['id']!r} must start at age {expected} and not end "
                "before it starts (the bands cover 0 to 17 with no gap)"
            )
        expected = band["age_max"] + 1
    if expected != 18:
        yield "guidance.json: bands: the last band must end at age 17"
    for section in ("general", "concerns"):
        seen: set[str] = set()
        for item in document[section]:
            if item["id"] in seen:
                yield f"guidance.json: {section}: id {item['id']!r} appears twice"
            seen.add(item["id"])
    for entry in document["concerns"]:
        for band in [*entry["bands"], *([ADULT] if "adult" in document else [])]:
            parts = _parts(entry, band, document)
            for key in KEYS:
                texts = [t for part in parts for t in part.get(key, [])]
                for text in {t for t in texts if texts.count(t) > 1}:
                    yield (
                        f"guidance.json: concerns ({entry['id']!r}) {band} {key}: {text[:60]!r} "
                        "is given twice"
                    )
    yield from resource_checks.control_characters("guidance", document)

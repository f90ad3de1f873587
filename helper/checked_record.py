"""`resources/.checked.json`: the record that the knowledge base passed its full checks.

The checks (JSON Schema and the cross-file checks: most of a start's load, ~250 ms with
jsonschema's import) are done when the knowledge base is built and tested, not on every start.
`waymark build-extension` records a SHA-256 of exactly what passed them (the data files, the
schemas and the checking code itself); while everything still hashes to that value the checks
are skipped, as they could only pass again. Any other bytes (an edit, a tampered or planted
file, changed checking code, no record) get the full check. The record is a cache of work done,
not a security boundary: whoever can change the files can change the code that reads them.

This module only hashes and reads or writes the record; helper/resources.py decides when to
trust it and runs the checks before writing it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

CHECKED = ".checked.json"
CHECKED_FORMAT = "waymark knowledge base, schema-checked, v1"

_HERE = Path(__file__).parent
# The code that does the checking (and decides what it covers): a change to any of it means the
# files must be checked again. A new module that loads or checks the knowledge base goes here.
CHECKER_SOURCES: tuple[Path, ...] = (
    _HERE / "resources.py",
    _HERE / "resource_checks.py",
    _HERE / "eligibility.py",
    _HERE / "checked_record.py",
    _HERE / "domain.py",
)


def fingerprint(base: Path, names: Sequence[str], raw: Mapping[str, bytes] | None = None) -> str:
    """SHA-256 over the data files `names` (their bytes from `raw` when already read), every
    schema and the checking code, each with its name and length; "" when a file is unreadable."""
    digest = hashlib.sha256(CHECKED_FORMAT.encode())
    for source in CHECKER_SOURCES:
        code = source.read_bytes()
        digest.update(f"\x00{source.name}\x00{len(code)}\x00".encode() + code)
    files = [(f"{name}.json", (raw or {}).get(name)) for name in names]
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


def recorded(base: Path) -> str | None:
    """The digest the record in `base` holds, or None when there is no well-formed record."""
    try:
        record = json.loads((base / CHECKED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("format") != CHECKED_FORMAT:
        return None
    value = record.get("sha256")
    return value if isinstance(value, str) and len(value) == 64 else None


def write(base: Path, digest: str) -> Path:
    """Write the record (the caller has just checked everything that hashes to `digest`)."""
    path = base / CHECKED
    record = {"format": CHECKED_FORMAT, "sha256": digest}
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return path


def is_current(base: Path, names: Sequence[str]) -> bool:
    """True when the record matches what is in `base` now."""
    digest = fingerprint(base, names)
    return bool(digest) and recorded(base) == digest

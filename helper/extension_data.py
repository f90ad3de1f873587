"""The extension's copy of the knowledge base (extension/data/, and data/ in each package).

The extension works offline and may not fetch anything, so it ships these files. They are copied
byte for byte (never re-serialised), so the JS engine reads exactly what the Python engine and
the tests read, and only after the whole knowledge base has loaded and so passed every check: a
bad edit is refused with a message naming the file and the entry, and the old copy stays as it
was. vectors.json stays out: it is test data, not something a person's browser needs.

The list of files is written here once. extension/lib/knowledge.js names the same files (it must
know them without asking anyone); tests/packaging checks that the two lists are the same.
"""

from __future__ import annotations

import os
from pathlib import Path

from helper import guidance, resources
from helper.errors import IntegrityError, StorageError
from helper.paths import extension_dir

# Read by the popup at once: all that routing needs (knowledge.js `FILES` minus `LATER`).
ROUTING: tuple[str, ...] = ("concerns", "services", "platforms", "routes", "procedure")
# Read only when asked for, after the routes are drawn: only parents and carers need it.
LATER: tuple[str, ...] = ("guidance",)
SHIPPED: tuple[str, ...] = ROUTING + LATER


def default_out() -> Path:
    return extension_dir() / "data"


def validated(directory: Path | None = None) -> dict[str, bytes]:
    """{"concerns.json": bytes, ...} for every shipped file, read only once the knowledge base
    (resources.load) and the parents' guidance (guidance.load) have loaded, so passed their
    checks; IntegrityError naming the file and the entry otherwise."""
    try:
        resources.load(directory)
        guidance.load(directory)
    except IntegrityError as err:
        raise IntegrityError(
            f"the knowledge base is invalid, so nothing was written: {err}"
        ) from None
    return {f"{name}.json": resources.read_bytes(name, directory) for name in SHIPPED}


def differences(out: Path | None = None) -> list[str]:
    """Names of shipped files whose copy is missing or not byte-identical to resources/."""
    out = out or default_out()
    stale = []
    for name in SHIPPED:
        try:
            copy = (out / f"{name}.json").read_bytes()
        except OSError:
            copy = None
        if copy != resources.read_bytes(name):
            stale.append(f"{name}.json")
    return stale


def build(out: Path | None = None) -> list[Path]:
    """Check the knowledge base, then copy every shipped file into `out`; return the paths
    written. Everything is read and checked before anything is written, so a missing or
    invalid file leaves the old copy untouched rather than half-refreshed."""
    out = out or default_out()
    contents = validated()
    written = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, data in contents.items():
            target = out / name
            temporary = out / f".{name}.tmp"
            temporary.write_bytes(data)
            os.replace(temporary, target)
            written.append(target)
    except OSError as err:
        raise StorageError(f"Cannot write to {out}: {err.strerror or err}.") from err
    return written

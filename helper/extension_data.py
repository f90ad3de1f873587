"""The extension's copy of the knowledge base. The extension works offline and may not fetch
anything, so it ships these files; copying them byte for byte (never re-serialising) means the
JS engine reads exactly what the Python engine and the tests read. vectors.json stays out: it
is test data, not something a person's browser needs."""

from __future__ import annotations

import os
from pathlib import Path

from helper.errors import BadInput, StorageError
from helper.paths import extension_dir, resources_dir

SHIPPED = (
    "concerns.json",
    "services.json",
    "platforms.json",
    "routes.json",
    "procedure.json",
    "guidance.json",
)


def default_out() -> Path:
    return extension_dir() / "data"


def source_bytes(name: str) -> bytes:
    """One shipped file's bytes, straight from the knowledge base."""
    path = resources_dir() / name
    try:
        return path.read_bytes()
    except FileNotFoundError as err:
        raise BadInput(f"The knowledge base has no {name} (looked in {path.parent}).") from err
    except OSError as err:
        raise StorageError(f"Cannot read {path}: {err.strerror or err}.") from err


def differences(out: Path | None = None) -> list[str]:
    """Names of shipped files whose copy is missing or not byte-identical to resources/."""
    out = out or default_out()
    stale = []
    for name in SHIPPED:
        try:
            copy = (out / name).read_bytes()
        except OSError:
            copy = None
        if copy != source_bytes(name):
            stale.append(name)
    return stale


def build(out: Path | None = None) -> list[Path]:
    """Copy every shipped file into `out`; return the paths written. Reads all sources first so
    a missing one leaves the old copy untouched rather than half-refreshed."""
    out = out or default_out()
    contents = {name: source_bytes(name) for name in SHIPPED}
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

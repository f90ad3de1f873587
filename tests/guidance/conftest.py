"""Shared pieces for the guidance tests: the real file, the shared vectors, and a planted copy."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from helper import guidance
from helper.paths import REPO_ROOT

RESOURCES = REPO_ROOT / "resources"
VECTORS = Path(__file__).with_name("vectors.json")


def document() -> dict:
    return guidance.load(RESOURCES)


def vectors() -> dict:
    return json.loads(VECTORS.read_text(encoding="utf-8"))


def problems_with(vector: dict, result: dict | None, error: Exception | None) -> list[str]:
    """What is wrong with one outcome against one vector (empty when it meets it). The same
    checks as problemsWith in tests/js/guidance.test.mjs."""
    if "error" in vector:
        if error is None:
            return ["expected BadInput, got a result"]
        name = type(error).__name__
        return [] if name == vector["error"] else [f"expected {vector['error']}, got {name}"]
    if error is not None:
        return [f"unexpected {type(error).__name__}: {error}"]
    if vector.get("none"):
        return [] if result is None else [f"expected no guidance, got band {result['band']}"]
    if result is None:
        return ["expected guidance, got none"]
    found = []
    if result["band"] != vector["band"]:
        found.append(f"band {result['band']}, not {vector['band']}")
    for key, pieces in vector.get("includes", {}).items():
        found += [f"{key} lacks {p!r}" for p in pieces if not any(p in t for t in result[key])]
    for key, pieces in vector.get("excludes", {}).items():
        found += [f"{key} has {p!r}" for p in pieces if any(p in t for t in result[key])]
    for key, piece in vector.get("first", {}).items():
        if not result[key] or piece not in result[key][0]:
            found.append(f"{key} does not start with {piece!r}")
    return found


class Planted:
    """resources/ copied to a temp folder; `edit(change)` rewrites guidance.json."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def edit(self, change: Callable[[dict], object]) -> None:
        path = self.root / "guidance.json"
        doc = json.loads(path.read_text(encoding="utf-8"))
        change(doc)
        path.write_text(json.dumps(doc), encoding="utf-8")


@pytest.fixture
def planted(tmp_path: Path) -> Planted:
    root = tmp_path / "resources"
    shutil.copytree(RESOURCES, root)
    return Planted(root)

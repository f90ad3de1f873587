"""Shared pieces for the guidance tests: the real file, the shared vectors, and a planted copy
of the knowledge base (tests/support/planted.py)."""

from __future__ import annotations

import json
from pathlib import Path

from helper import guidance
from tests.support.planted import RESOURCES, planted

VECTORS = Path(__file__).with_name("vectors.json")
__all__ = ["RESOURCES", "planted"]  # the fixture, and the folder the tests read


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

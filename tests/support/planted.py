"""A planted copy of the knowledge base (resources/) that a test may break, one file at a time:
the resources, guidance and boroughs tests all load from such a copy."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from helper.paths import REPO_ROOT

RESOURCES = REPO_ROOT / "resources"


class Planted:
    """resources/ copied to a temp folder; `edit(name, change)` rewrites one JSON file."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, name: str) -> dict:
        return json.loads((self.root / f"{name}.json").read_text(encoding="utf-8"))

    def edit(self, name: str, change: Callable[[dict], object]) -> None:
        document = self.read(name)
        change(document)
        (self.root / f"{name}.json").write_text(json.dumps(document), encoding="utf-8")


@pytest.fixture
def planted(tmp_path: Path) -> Planted:
    root = tmp_path / "resources"
    shutil.copytree(RESOURCES, root)
    return Planted(root)

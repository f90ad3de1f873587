"""docs/SECURITY.md names the test behind each promise: every name it cites must exist, and
nothing in the repository may point outside it (another folder, or a promise by item number)."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "SECURITY.md"
CITED = re.compile(r"`(tests/[\w/.-]+)(?:::(\w+))?`|`::(\w+)`")


def tracked_files() -> list[str]:
    """The repository's own files in the folders that can cite or point anywhere."""
    return subprocess.run(
        ["git", "ls-files", "helper", "tests", "extension", "resources", "docs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()


def names_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_every_test_the_threat_model_cites_exists():
    current: Path | None = None
    cited = 0
    for match in CITED.finditer(DOC.read_text(encoding="utf-8")):
        path, name, short = match.groups()
        if path:
            current = ROOT / path
            assert current.exists(), path
        name = name or short
        if name:
            assert current is not None and current.suffix == ".py", name
            assert name in names_in(current), f"{current.relative_to(ROOT)}::{name}"
            cited += 1
    assert cited >= 60


def test_every_heading_the_code_cites_is_in_the_threat_model():
    headings = {
        line.lstrip("#").strip()
        for line in DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    }
    files = tracked_files()
    cites = re.compile(r'docs/SECURITY\.md, \\?"([^"\\]+)\\?"')
    found = 0
    for name in files:
        path = ROOT / name
        if path.suffix not in (".py", ".md", ".js", ".json", ".html", ".mjs") or not path.exists():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for heading in cites.findall(re.sub(r"\s*\n\s*(#|//)?\s*", " ", text)):
            assert heading in headings, f"{name} cites a heading that does not exist: {heading}"
            found += 1
    assert found >= 10


def test_nothing_points_outside_the_repository():
    outside = re.compile(
        r"/w[o]rk/|\.\./shared|shared/|SECURITY\.md (items? )?\d|DESIGN\.md|TESTING\.md|SOURCES\.md"
    )
    files = tracked_files()
    bad = []
    for name in files:
        path = ROOT / name
        if path.suffix in (".png", ".jpg", ".ico") or not path.exists() or path == Path(__file__):
            continue
        for number, line in enumerate(
            path.read_text(encoding="utf-8", errors="replace").splitlines(), 1
        ):
            if outside.search(line):
                bad.append(f"{name}:{number}: {line.strip()}")
    assert not bad, "\n".join(bad)

"""`waymark build-extension`: the extension ships a byte-for-byte copy of the knowledge base,
and `--check` keeps the committed copy honest."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import waymark as run_waymark

SHIPPED = [
    "concerns.json",
    "services.json",
    "platforms.json",
    "routes.json",
    "procedure.json",
    "guidance.json",
]


def waymark(*args: str, resources: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if resources is not None:
        env["WAYMARK_RESOURCES"] = str(resources)
    return run_waymark(*args, env=env)


@pytest.fixture
def planted(tmp_path) -> Path:
    """A knowledge base with odd bytes on purpose: a copy that re-serialised would differ."""
    resources = tmp_path / "resources"
    resources.mkdir()
    for name in [*SHIPPED, "vectors.json"]:
        (resources / name).write_bytes(f'{{"file": "{name}",\r\n  "é": 1.50 }}\n'.encode())
    return resources


def test_copies_exactly_the_shipped_files_byte_for_byte(planted, tmp_path):
    out = tmp_path / "data"
    result = waymark("build-extension", "--out", str(out), resources=planted)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(SHIPPED)
    for name in SHIPPED:
        assert (out / name).read_bytes() == (planted / name).read_bytes()
    assert (
        waymark("build-extension", "--check", "--out", str(out), resources=planted).returncode == 0
    )


def test_check_lists_each_file_that_differs_or_is_missing(planted, tmp_path):
    out = tmp_path / "data"
    waymark("build-extension", "--out", str(out), resources=planted)
    (out / "routes.json").write_bytes(b"{}")
    (out / "services.json").unlink()
    result = waymark("build-extension", "--check", "--out", str(out), resources=planted)
    assert result.returncode == 1
    assert "routes.json" in result.stderr and "services.json" in result.stderr
    assert "concerns.json" not in result.stderr
    assert (out / "routes.json").read_bytes() == b"{}", "--check writes nothing"


def test_missing_source_is_one_clear_line_and_the_old_copy_is_kept(planted, tmp_path):
    out = tmp_path / "data"
    waymark("build-extension", "--out", str(out), resources=planted)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (planted / "platforms.json").unlink()
    (planted / "concerns.json").write_bytes(b'{"changed": true}')
    result = waymark("build-extension", "--out", str(out), resources=planted)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "platforms.json" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_the_committed_extension_data_matches_resources():
    result = waymark("build-extension", "--check")
    assert result.returncode == 0, result.stderr + result.stdout

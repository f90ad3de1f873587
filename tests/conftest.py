"""Project-wide test policy. Area fixtures live in each area's own conftest.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["tests.support.ci_policy"]  # in CI nothing is skipped or xfailed

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def waymark_home(tmp_path, monkeypatch) -> Path:
    """A private, empty WAYMARK_HOME for one test."""
    home = tmp_path / "waymark-home"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("WAYMARK_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots and other evidence go (kept by CI, ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


os.environ.setdefault("WAYMARK_TESTING", "1")


# Figures a test wants a reader of the run to see (how many answers the invariants covered):
# pytest captures a passing test's output, so they are printed in the closing summary instead.
SUMMARY: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:
    for line in SUMMARY:
        terminalreporter.write_line(line)

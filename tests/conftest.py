"""Project-wide test policy. Area fixtures live in each area's own conftest.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.tools import IN_CI

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI nothing may be skipped for a missing tool: a skip there is a failure."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which is not allowed: {report.longrepr}"


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

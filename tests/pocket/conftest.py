"""Fixtures for the pocket web app: the site built once per session with `waymark build-web`
(the CLI itself, as a school would run it), and a fresh static server per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from helper.bench.pocket import static_site
from tests.support.cli import waymark


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("pocket") / "site"
    result = waymark("build-web", str(site))
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture
def served(built):
    with static_site(built) as site:
        yield site


@pytest.fixture
def private_home(tmp_path, monkeypatch):
    """Chromium writes crash reports under HOME."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home

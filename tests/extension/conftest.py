"""Fixtures for the real-browser extension tests: a packaged copy of the extension, a private
HOME (Chromium writes crash reports there), and a fresh Chromium profile per test."""

from __future__ import annotations

import pytest

from tests.extension.harness import packaged_copy, service_worker, stub_the_web
from tests.support.browser import chromium_context

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="session")
def packaged(tmp_path_factory):
    """The extension with its data built from resources/, shared by tests that do not change it."""
    return packaged_copy(tmp_path_factory.mktemp("ext") / "extension")


@pytest.fixture
def private_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def profile(tmp_path):
    path = tmp_path / "profile"
    path.mkdir()
    return path


@pytest.fixture
def browser(packaged, profile, private_home):
    """(context, service worker, addresses asked of the stub web) with the extension loaded."""
    with chromium_context(profile, packaged) as context:
        asked = stub_the_web(context)
        yield context, service_worker(context), asked

"""Fixtures for the professional area: an app whose vault clock the test moves by hand (so
auto-lock is proved without sleeping), the fast test KDF, and no OS keyring unless a test
installs the in-memory one (the vault engineer tests the real Secret Service). Helpers that
drive the pages live in tests/support/notes_pages.py."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail

from tests.support.notes_pages import Clock, create_vault
from tests.support.vaults import MemoryKeyring
from tests.web.conftest import make_app


@pytest.fixture(autouse=True)
def fast_kdf_no_keyring(monkeypatch):
    monkeypatch.setenv("WAYMARK_KDF_FAST", "1")
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(waymark_home, clock):
    app = make_app(VAULT_CLOCK=clock, VAULT_WATCHDOG_SECONDS=None)
    yield app
    from helper.web import close

    close(app)


@pytest.fixture
def unlocked(app, client, csrf_token) -> str:
    """A signed-in client with a new, unlocked vault; returns its recovery code."""
    return create_vault(client, csrf_token)

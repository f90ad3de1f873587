"""Fixtures for the professional area: an app whose vault clock the test moves by hand (so
auto-lock is proved without sleeping), the fast test KDF, and no OS keyring unless a test
installs the in-memory one (the vault engineer tests the real Secret Service)."""

from __future__ import annotations

import re

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from helper.web import create_app
from tests.web.conftest import PORT, TOKEN, WaymarkClient

PASSPHRASE = "correct horse battery staple"


class Clock:
    """A monotonic clock that only moves when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class MemoryKeyring(KeyringBackend):
    """A real keyring backend (the keyring library's own interface) that lives in memory."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


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
    app = create_app(
        {
            "TESTING": True,
            "LAUNCH_TOKEN": TOKEN,
            "PORT": PORT,
            "VAULT_CLOCK": clock,
            "VAULT_WATCHDOG_SECONDS": None,
        }
    )
    app.test_client_class = WaymarkClient
    yield app
    from helper.web import close

    close(app)


def holder(app):
    return app.extensions["waymark.vault"]


def create_vault(client, csrf_token: str) -> str:
    """Make the vault through the page; returns the recovery code it showed."""
    response = client.post(
        "/pro/create",
        data={"csrf_token": csrf_token, "passphrase": PASSPHRASE, "again": PASSPHRASE},
    )
    assert response.status_code == 200, response.data
    found = re.search(r'id="recovery-code">([^<]+)<', response.get_data(as_text=True))
    assert found, "the recovery code must be shown"
    return found.group(1).strip()


@pytest.fixture
def unlocked(app, client, csrf_token) -> str:
    """A signed-in client with a new, unlocked vault; returns its recovery code."""
    return create_vault(client, csrf_token)


NOTE = {
    "concern": "sextortion",
    "concern_at": "2026-11-28T15:30",
    "recorder_name": "Sam Teacher",
    "recorder_role": "Form tutor",
    "child": "J.B.",
    "child_age": "14",
    "narrative": "Pupil said an account is demanding money.",
    "child_words": "he said he will send it to everyone",
    "platform": "www.instagram.com",
    "told-0-who": "dsl",
    "told-0-at": "2026-11-28T16:00",
    "told-0-name": "Ms Lead",
    "status": "open",
}


def write_note(client, csrf_token: str, **changes) -> str:
    """Save a note through the form; returns its id (from the redirect)."""
    data = {**NOTE, **changes, "csrf_token": csrf_token}
    response = client.post("/pro/notes/new", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    found = re.match(r"^/pro/notes/([0-9a-f]+)\?", response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)

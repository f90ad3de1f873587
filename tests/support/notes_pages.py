"""Driving the professional area through the Flask test client: make the vault and write a
note through the real forms, reach the app's vault holder, and a clock the test moves."""

from __future__ import annotations

import re

from tests.support.vaults import PASSPHRASE


class Clock:
    """A monotonic clock that only moves when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


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

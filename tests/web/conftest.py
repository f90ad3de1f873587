"""Fixtures for the web app, shared with tests/web/notes/ (the professional area).

- `app`: a fresh app for one test, data under a private WAYMARK_HOME, port 5000, token TOKEN.
- `anon`: a test client that has NOT exchanged the launch token (every page is 403).
- `client`: a signed-in test client (token exchanged, session cookie set).
- `csrf_token`: that client's CSRF token, for `client.post(url, data={"csrf_token": …})`.
All clients send `Host: 127.0.0.1:5000` unless a test passes its own Host header."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from helper.web import create_app

PORT = 5000
TOKEN = "launch-token-for-tests-0123456789abcdef"
BASE_URL = f"http://127.0.0.1:{PORT}"


class WaymarkClient(FlaskClient):
    """A test client that talks to the app the way the window does: our Host, our port."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", BASE_URL)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(waymark_home):
    app = create_app({"TESTING": True, "LAUNCH_TOKEN": TOKEN, "PORT": PORT})
    app.test_client_class = WaymarkClient
    return app


@pytest.fixture
def anon(app) -> WaymarkClient:
    return app.test_client()


@pytest.fixture
def client(app) -> WaymarkClient:
    c = app.test_client()
    response = c.get(f"/?token={TOKEN}")
    assert response.status_code == 303, "the launch token exchange must succeed"
    return c


def session_of(app, client: WaymarkClient) -> dict:
    """The server-side session behind a client's cookie (to check state did not change)."""
    cookie = client.get_cookie(f"waymark-{PORT}", domain="127.0.0.1")
    assert cookie is not None, "client is not signed in"
    return app.extensions["waymark.sessions"].get(cookie.value)


@pytest.fixture
def csrf_token(app, client) -> str:
    return session_of(app, client)["csrf"]

"""Fixtures for the web app, shared with tests/web/notes/ (the professional area).

- `app`: a fresh app for one test, data under a private WAYMARK_HOME, port 5000, token TOKEN.
- `anon`: a test client that has NOT exchanged the launch token (every page is 403).
- `client`: a signed-in test client (token exchanged, session cookie set).
- `csrf_token`: that client's CSRF token, for `client.post(url, data={"csrf_token": …})`.
All clients send `Host: 127.0.0.1:5000` unless a test passes its own Host header."""

from __future__ import annotations

import pytest
from flask import Flask
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


def make_app(**config) -> Flask:
    """A fresh app with our token and port (TESTING on), plus any other `config`; its test
    clients are WaymarkClients. The `app` fixtures use it; so may a test that needs two."""
    app = create_app({"TESTING": True, "LAUNCH_TOKEN": TOKEN, "PORT": PORT, **config})
    app.test_client_class = WaymarkClient
    return app


def signed_in(app) -> WaymarkClient:
    """A new test client of `app` that has exchanged the launch token for its session cookie."""
    c = app.test_client()
    response = c.get(f"/?token={TOKEN}")
    assert response.status_code == 303, "the launch token exchange must succeed"
    return c


@pytest.fixture
def app(waymark_home):
    return make_app()


@pytest.fixture
def anon(app) -> WaymarkClient:
    return app.test_client()


@pytest.fixture
def client(app) -> WaymarkClient:
    return signed_in(app)


def session_of(app, client: WaymarkClient) -> dict:
    """The server-side session behind a client's cookie (to check state did not change)."""
    cookie = client.get_cookie(f"waymark-{PORT}", domain="127.0.0.1")
    assert cookie is not None, "client is not signed in"
    return app.extensions["waymark.sessions"].get(cookie.value)


@pytest.fixture
def csrf_token(app, client) -> str:
    return session_of(app, client)["csrf"]


# Real server, real browser ---------------------------------------------------------------------

REBIND_HOST = "evil.test"


class LiveHelper:
    """A real `waymark serve` subprocess: `url` is its first stdout line (address + token)."""

    def __init__(self, proc, url: str) -> None:
        self.proc = proc
        self.url = url
        self.port = int(url.split(":")[2].split("/")[0])
        self.base = f"http://127.0.0.1:{self.port}"


@pytest.fixture
def live_helper(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "WAYMARK_HOME": str(tmp_path / "live-home"), "PYTHONPATH": str(root)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "helper", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline().strip()
    assert line.startswith("http://127.0.0.1:"), line or proc.stderr.read()
    helper = LiveHelper(proc, line)
    yield helper
    proc.terminate()
    _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err[-2000:]
    assert "Traceback" not in err, err[-2000:]


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """One real headless Chromium per test module (contexts per test are cheap and isolated).
    evil.test resolves to 127.0.0.1 inside it, to play DNS rebinding for real."""
    import os

    from tests.support.browser import QUIET_FLAGS
    from tests.support.tools import require

    executable = require("chromium", "the real browser")
    from playwright.sync_api import sync_playwright

    home = tmp_path_factory.mktemp("chromium-home")
    old_home = os.environ.get("HOME")
    os.environ["HOME"] = str(home)  # Chromium writes crash reports under ~ whatever the profile
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=executable,
                headless=True,
                args=[*QUIET_FLAGS, f"--host-resolver-rules=MAP {REBIND_HOST} 127.0.0.1"],
            )
            yield browser
            browser.close()
    finally:
        if old_home is not None:
            os.environ["HOME"] = old_home


@pytest.fixture
def browser_context(chromium):
    ctx = chromium.new_context(viewport={"width": 1100, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def page(browser_context, live_helper):
    """A real Chromium tab signed in to a real helper (the token exchanged, like the window)."""
    tab = browser_context.new_page()
    response = tab.goto(live_helper.url)
    assert response is not None and response.status == 200
    assert "token=" not in tab.url
    return tab

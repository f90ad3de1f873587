"""Cookies set by a page on another 127.0.0.1 port: the helper sees them (cookies ignore
ports), so nothing in them may lock the person out, hide Quick exit, or stop the helper
answering.

- A shadow cookie with the helper's own name and a longer path is sent first: the session is
  the value that matches a live session, wherever it comes in the header.
- An audience cookie saying "professional" does not hide Quick exit: only the person's own
  choice in this session does.
- A cookie bomb (180 cookies of 4 KB, more than waitress reads by default) is answered with a
  page that clears the foreign cookies, and the real session carries on."""

from __future__ import annotations

import http.client

import pytest

from tests.web.conftest import PORT, session_of
from tests.web.live import LiveSession

COOKIE = f"waymark-{PORT}"


def sid_of(app, client) -> str:
    return client.get_cookie(COOKIE, domain="127.0.0.1").value


@pytest.mark.parametrize("order", ["shadow-first", "shadow-last"])
def test_a_shadow_session_cookie_does_not_lock_the_person_out(app, client, order):
    real = sid_of(app, client)
    pair = [f"{COOKIE}=shadow-from-another-port", f"{COOKIE}={real}"]
    if order == "shadow-last":
        pair.reverse()
    browser = app.test_client(use_cookies=False)  # sends exactly the header below
    for path in ("/", "/pro/", "/about"):
        response = browser.get(path, headers={"Cookie": "; ".join(pair)})
        assert response.status_code in (200, 303), (path, response.status_code)


def test_two_made_up_session_cookies_still_get_nothing(app):
    cookies = f"{COOKIE}=made-up-1; {COOKIE}=made-up-2"
    browser = app.test_client(use_cookies=False)
    assert browser.get("/", headers={"Cookie": cookies}).status_code == 403


def test_an_audience_cookie_from_outside_never_hides_quick_exit(app, client):
    client.set_cookie("waymark-audience", "professional", domain="127.0.0.1")
    page = client.get("/").get_data(as_text=True)
    assert 'id="quick-exit"' in page
    assert "audience" not in session_of(app, client)


def bomb(count: int = 180, size: int = 4000) -> str:
    return "; ".join(f"bomb{i}={'x' * size}" for i in range(count))


def test_a_cookie_bomb_gets_a_page_that_clears_it_and_the_session_carries_on(tmp_path, monkeypatch):
    monkeypatch.setattr(http.client, "_MAXHEADERS", 2000)  # one Set-Cookie per cookie and path
    live = LiveSession(tmp_path / "home")
    try:
        own = next(c for c in live.jar if c.name == f"waymark-{live.port}")
        conn = http.client.HTTPConnection("127.0.0.1", live.port, timeout=30)
        conn.request("GET", "/about", headers={"Cookie": f"{bomb()}; {own.name}={own.value}"})
        response = conn.getresponse()
        body = response.read().decode()
        cleared = response.headers.get_all("Set-Cookie") or []
        conn.close()
        assert response.status == 400, (response.status, body[:300])
        assert "cookies" in body.lower()
        assert len([c for c in cleared if c.startswith("bomb")]) >= 180
        assert all("Max-Age=0" in c or "Expires=Thu, 01 Jan 1970" in c for c in cleared)
        assert not any(c.startswith(f"{own.name}=") for c in cleared), "our session is kept"
        live.request("GET", "/about")  # the real session is still served
    finally:
        live.stop()

"""Each attack on the locks of docs/SECURITY.md, "Only this computer can reach the helper",
"The launch token", "Requests from other pages and sites" and "Response headers", made
directly against the app, and what must happen."""

from __future__ import annotations

import hmac

import pytest

from helper import server
from helper.errors import BadInput
from helper.web import create_app, security
from tests.web.conftest import PORT, TOKEN, WaymarkClient, session_of

EXPECTED_CSP = (
    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'"
)


# 1. Host allow-list (DNS rebinding)
@pytest.mark.parametrize(
    "host",
    [
        "evil.test",
        f"evil.test:{PORT}",
        f"localhost.evil.test:{PORT}",
        f"127.0.0.1.nip.io:{PORT}",
        "127.0.0.1",
        f"127.0.0.1:{PORT + 1}",
        "localhost",
        f"LOCALHOST:{PORT}.evil.test",
        f"0.0.0.0:{PORT}",
    ],
)
def test_foreign_host_is_refused(client, host):
    response = client.get("/", headers={"Host": host})
    assert response.status_code == 403
    assert b"Who are you?" not in response.data


@pytest.mark.parametrize("host", [f"127.0.0.1:{PORT}", f"localhost:{PORT}", f"[::1]:{PORT}"])
def test_own_host_names_are_served(anon, host):
    assert anon.get(f"/?token={TOKEN}", base_url=f"http://{host}").status_code == 303
    assert anon.get("/", base_url=f"http://{host}").status_code == 200


def test_rebinding_host_cannot_redeem_the_launch_token(anon):
    response = anon.get(f"/?token={TOKEN}", headers={"Host": f"evil.test:{PORT}"})
    assert response.status_code == 403
    # The token is still unspent, so the real window can still sign in.
    assert anon.get(f"/?token={TOKEN}").status_code == 303


# 2. Launch token
def test_no_cookie_means_403_everywhere(anon):
    for path in ("/", "/about", "/platforms", "/help/age", "/static/style.css", "/nope", "/pro/"):
        response = anon.get(path)
        assert response.status_code == 403, path
        # The refusal names nothing: a stranger cannot learn what runs on this port.
        assert "Waymark" not in response.get_data(as_text=True)
    assert anon.post("/exit").status_code == 403


@pytest.mark.parametrize("token", ["", "wrong", TOKEN[:-1], TOKEN + "x", TOKEN.upper()])
def test_wrong_token_is_refused(anon, token):
    response = anon.get(f"/?token={token}")
    assert response.status_code == 403
    assert not response.headers.getlist("Set-Cookie")


def test_token_is_single_use(app):
    first, second = app.test_client(), app.test_client()
    assert first.get(f"/?token={TOKEN}").status_code == 303
    assert second.get(f"/?token={TOKEN}").status_code == 403
    assert second.get("/").status_code == 403


def test_token_is_swapped_for_a_strict_httponly_cookie_and_leaves_the_address_bar(anon):
    response = anon.get(f"/?token={TOKEN}")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert TOKEN not in cookie
    assert "Expires" not in cookie and "Max-Age" not in cookie  # gone with the browser


def test_token_redirect_never_leaves_our_site(anon):
    response = anon.get(
        "/x", query_string={"token": TOKEN}, environ_overrides={"PATH_INFO": "//evil.test/x"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/evil.test/x"


def test_token_is_compared_in_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    token = security.LaunchToken("secret")
    assert not token.redeem("guess")
    assert token.redeem("secret")
    assert not token.redeem("secret")
    assert calls and all(isinstance(a, bytes) for a, _ in calls)


def test_a_made_up_session_cookie_is_refused(anon):
    anon.set_cookie(f"waymark-{PORT}", "made-up-session-id", domain="127.0.0.1")
    assert anon.get("/").status_code == 403


# 3. Origin, Sec-Fetch-Site and no CORS
@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.test",
        "null",
        f"http://127.0.0.1:{PORT + 1}",
        f"http://localhost.evil.test:{PORT}",
        f"https://127.0.0.1:{PORT}",
    ],
)
def test_foreign_origin_on_a_state_change_is_refused(app, client, csrf_token, origin):
    response = client.post(
        "/", data={"audience": "parent-carer", "csrf_token": csrf_token}, headers={"Origin": origin}
    )
    assert response.status_code == 403
    assert "audience" not in session_of(app, client)


def test_null_origin_passes_only_when_the_browser_says_same_origin(app, client, csrf_token):
    # Our pages send Referrer-Policy: no-referrer, so Chromium posts our own forms with
    # Origin: null; Sec-Fetch-Site (which pages cannot forge) separates them from attacks.
    data = {"audience": "parent-carer", "csrf_token": csrf_token}
    for site in ("cross-site", "same-site"):
        refused = client.post("/", data=data, headers={"Origin": "null", "Sec-Fetch-Site": site})
        assert refused.status_code == 403
    assert "audience" not in session_of(app, client)
    ok = client.post("/", data=data, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert ok.status_code == 303


@pytest.mark.parametrize("site", ["same-site", "cross-site"])
def test_requests_from_other_sites_are_refused_even_reads(client, site):
    assert client.get("/", headers={"Sec-Fetch-Site": site}).status_code == 403


def test_own_origin_is_accepted(app, client, csrf_token):
    response = client.post(
        "/",
        data={"audience": "parent-carer", "csrf_token": csrf_token},
        headers={"Origin": f"http://127.0.0.1:{PORT}", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 303
    assert session_of(app, client)["audience"] == "parent-carer"


def test_no_response_ever_carries_cors_headers(client, csrf_token):
    headers = {"Origin": "https://evil.test", "Access-Control-Request-Method": "POST"}
    responses = [
        client.get("/", headers=headers),
        client.options("/", headers=headers),
        client.post("/", data={"csrf_token": csrf_token}, headers=headers),
        client.get("/static/style.css", headers=headers),
    ]
    for response in responses:
        names = [name.lower() for name, _ in response.headers.items()]
        assert not [n for n in names if n.startswith("access-control")]


def test_only_the_methods_used_are_allowed(client, csrf_token):
    assert client.options("/").status_code == 405
    for method in ("PUT", "DELETE", "PATCH"):
        response = client.open("/about", method=method, data={"csrf_token": csrf_token})
        assert response.status_code == 405, method


# 4. CSRF
def test_state_change_without_csrf_token_is_refused(app, client):
    response = client.post("/", data={"audience": "parent-carer"})
    assert response.status_code == 403
    assert "audience" not in session_of(app, client)


def test_another_sessions_csrf_token_is_refused(app, client):
    # A second signed-in session (as if from another launch) has its own token.
    other = app.extensions["waymark.sessions"].create()
    response = client.post("/", data={"audience": "parent-carer", "csrf_token": other["csrf"]})
    assert response.status_code == 403
    assert "audience" not in session_of(app, client)


def test_quick_exit_needs_the_csrf_token_too(app, client, csrf_token):
    client.post("/", data={"audience": "young-person", "csrf_token": csrf_token})
    assert client.post("/exit").status_code == 403
    assert session_of(app, client)["audience"] == "young-person"


def test_csrf_token_in_header_works_for_scripts(app, client, csrf_token):
    response = client.post(
        "/", data={"audience": "professional"}, headers={"X-CSRF-Token": csrf_token}
    )
    assert response.status_code == 303


# 5. Loopback only
@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "localhost", "example.com"])
def test_refuses_to_listen_anywhere_but_loopback(host):
    with pytest.raises(BadInput, match=r"only listens on 127\.0\.0\.1"):
        server.create(host)


# 6. Headers on every response
@pytest.mark.parametrize("path", ["/", "/about", "/platforms", "/help/age", "/nope", "/away"])
def test_security_headers_on_pages(client, path):
    check_headers(client.get(path))


def test_security_headers_on_errors_and_refusals(client, anon):
    for response in (
        anon.get("/"),
        client.get("/", headers={"Host": "evil.test"}),
        client.options("/"),
        client.post("/"),
        client.get("/static/style.css"),
    ):
        check_headers(response, no_store=response.status_code != 200)


def check_headers(response, no_store: bool = True) -> None:
    h = response.headers
    assert h["Content-Security-Policy"] == EXPECTED_CSP
    assert h["X-Frame-Options"] == "DENY"
    assert h["Referrer-Policy"] == "no-referrer"
    assert h["X-Content-Type-Options"] == "nosniff"
    if no_store:
        assert h["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script_or_style(client):
    for path in ("/", "/about", "/platforms", "/help/age", "/away"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html and "<style" not in html
        assert " onclick=" not in html and "javascript:" not in html
        assert "http://" not in html.replace(f"http://127.0.0.1:{PORT}", "")


def test_server_error_is_a_friendly_page_without_details(waymark_home):
    app = create_app({"LAUNCH_TOKEN": TOKEN, "PORT": PORT})
    app.test_client_class = WaymarkClient

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail /home/user/vault.sqlite")

    client = app.test_client()
    client.get(f"/?token={TOKEN}")
    response = client.get("/boom")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Something went wrong" in text
    assert "secret internal detail" not in text and "Traceback" not in text

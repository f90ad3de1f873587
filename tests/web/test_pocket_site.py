"""The helper serves the built pocket web app at /pocket/ (built on demand into the user cache
folder, only the names the build wrote, each with its Content-Type, the worker kept to /pocket/),
behind the helper's usual sign-in; and /phone keeps a school's https pocket address and shows it
as a QR code. In real Chromium against a real `waymark serve`, the worker controls /pocket/."""

from __future__ import annotations

import pytest

from helper import paths
from tests.pocket.phone import CONTROLLED


def test_the_site_needs_the_helpers_sign_in(anon):
    assert anon.get("/pocket/").status_code == 403
    assert anon.get("/pocket/sw.js").status_code == 403


def test_pocket_serves_the_built_site_with_its_types(client):
    page = client.get("/pocket/")
    assert page.status_code == 200 and page.content_type == "text/html; charset=utf-8"
    assert b'<link rel="manifest" href="manifest.webmanifest"' in page.data
    worker = client.get("/pocket/sw.js")
    assert worker.content_type == "text/javascript; charset=utf-8"
    assert worker.headers["Service-Worker-Allowed"] == "/pocket/"
    assert client.get("/pocket/manifest.webmanifest").content_type == "application/manifest+json"
    assert client.get("/pocket/data/routes.json").content_type == "application/json"
    assert client.get("/pocket/icons/waymark-512.png").content_type == "image/png"
    assert client.get("/pocket").status_code == 308
    (folder,) = (paths.cache_dir() / "pocket").iterdir()
    assert f'const VERSION = "{folder.name}";' in worker.text  # named by the site's version
    assert (folder / "sw.js").read_bytes() == worker.data


@pytest.mark.parametrize(
    "path",
    [
        "/pocket/../helper/paths.py",
        "/pocket/%2e%2e/%2e%2e/etc/passwd",
        "/pocket/lib/../../../../etc/passwd",
        "/pocket/lib/..%2f..%2fpyproject.toml",
        "/pocket//etc/passwd",
        "/pocket/lib/",
        "/pocket/lib",
        "/pocket/.checked.json",
        "/pocket/index.html%00.png",
        "/pocket/data/vectors.json",
    ],
)
def test_nothing_but_the_sites_own_files(client, path):
    response = client.get(path)
    assert response.status_code in (404, 308), path
    assert b"root:" not in response.data and b"[project]" not in response.data


def test_phone_keeps_an_https_address_and_shows_its_qr_code(client, csrf_token, waymark_home):
    assert "Waymark on a phone" in client.get("/phone").text
    refused = client.post("/phone", data={"csrf_token": csrf_token, "address": "http://x.test/"})
    assert refused.status_code == 400 and "https://" in refused.text
    for bad in ("javascript:alert(1)", "https://user:pw@x.test/", "https:///nohost", "ftp://a"):
        response = client.post("/phone", data={"csrf_token": csrf_token, "address": bad})
        assert response.status_code == 400, bad
    assert not (waymark_home / "pocket-address.json").exists()

    address = "https://help.school.example/waymark/"
    saved = client.post("/phone", data={"csrf_token": csrf_token, "address": address})
    assert saved.status_code == 303
    shown = client.get("/phone").text
    assert '<svg role="img"' in shown and f"QR code for {address}" in shown
    assert f'href="{address}"' in shown
    removed = client.post("/phone", data={"csrf_token": csrf_token, "address": ""})
    assert removed.status_code == 303 and "<svg" not in client.get("/phone").text


def test_phone_needs_the_csrf_token(client):
    response = client.post("/phone", data={"address": "https://x.test/"})
    assert response.status_code == 403


def test_the_worker_controls_pocket_in_a_real_browser(page, live_helper):
    page.goto(f"{live_helper.base}/pocket/")
    page.locator("body[data-screen='audience'] main h1").wait_for()
    assert page.evaluate(CONTROLLED) == f"{live_helper.base}/pocket/sw.js"
    scope = page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.scope)")
    assert scope == f"{live_helper.base}/pocket/"
    # The worker's copy keeps the server's own headers, so its CSP still applies offline.
    kept = page.evaluate(
        "fetch('index.html').then((r) => r.headers.get('content-security-policy'))"
    )
    assert kept and "frame-ancestors 'none'" in kept
    page.locator("[data-name='audience:young-person']").click()
    page.locator("[data-name='concern:sextortion']").click()
    page.locator("[data-name='age:13-17']").click()
    page.locator("li.card[data-route='ceop']").wait_for()

"""The launch token never reaches a command line, a child's environment or a log.

Browser mode (`waymark open --browser`, the fallback when no window can be shown, and
`open --new-note` started by the native host without a display) hands the browser a private
launch page (0600, in the helper's own runtime folder) that carries the token, never the address
with the token: any local account can read another process's command line. The page is removed
as soon as the token is spent. The stand-in browser here records its own argv and environment."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.support.modes import assert_mode
from tests.web.conftest import TOKEN

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(90)

RECORDER = """#!{python}
import json, os, sys
with open({log!r}, "a") as out:
    out.write(json.dumps({{"argv": sys.argv, "env": dict(os.environ)}}) + "\\n")
"""


def recording_browser(folder: Path) -> tuple[Path, Path]:
    """A stand-in browser for $BROWSER: appends its argv and environment to calls.jsonl."""
    log = folder / "calls.jsonl"
    script = folder / "stand-in-browser"
    script.write_text(RECORDER.format(python=sys.executable, log=str(log)))
    script.chmod(0o755)
    return script, log


def helper_env(tmp_path: Path, browser: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(
        WAYMARK_HOME=str(tmp_path / "home"),
        PYTHONPATH=str(ROOT),
        BROWSER=str(browser),
    )
    return env


def wait_for_calls(log: Path, count: int = 1, timeout: float = 40) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists():
            calls = [json.loads(line) for line in log.read_text().splitlines() if line]
            if len(calls) >= count:
                return calls
        time.sleep(0.05)
    raise AssertionError(f"the stand-in browser was not called {count} time(s)")


def launch_page_of(call: dict) -> Path:
    target = call["argv"][-1]
    assert target.startswith("file://"), target
    return Path(unquote(urlsplit(target).path))


def redeem(address: str, site: str = "cross-site") -> urllib.request.Request:
    """Follow the launch page as a browser would: a top-level navigation from a file page."""
    return urllib.request.Request(
        address,
        headers={
            "Sec-Fetch-Site": site,
            "Sec-Fetch-Mode": "navigate",
            "Sec-Fetch-Dest": "document",
        },
    )


LAUNCHES = {
    "browser": ["open", "--browser"],
    "no-window": ["open"],
    "new-note": ["open", "--new-note", "--platform=www.roblox.com", "--at=2026-11-29T02:24:04Z"],
}


@pytest.mark.parametrize("launch", LAUNCHES.values(), ids=LAUNCHES.keys())
def test_the_token_never_reaches_argv_env_or_output_and_the_page_is_removed(tmp_path, launch):
    browser, log = recording_browser(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "helper", *launch],
        env=helper_env(tmp_path, browser),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        call = wait_for_calls(log)[0]
        page = launch_page_of(call)
        # A private page in a private folder inside the helper's own data folder.
        assert page.is_relative_to(tmp_path / "home")
        assert_mode(page, 0o600)
        assert_mode(page.parent, 0o700)
        html = page.read_text()
        address = re.search(r'url=(http://127\.0\.0\.1:\d+/[^"]*)"', html).group(1)
        address = address.replace("&amp;", "&")
        token = re.search(r"token=([A-Za-z0-9_-]{43})", address).group(1)
        if "--new-note" in launch:
            assert address.startswith(f"{address.split('/pro')[0]}/pro/notes/new?")
            assert "www.roblox.com" in address

        # Nowhere another local account could read it: argv and environment of the browser,
        # and the helper's own command line and environment.
        assert token not in json.dumps(call)
        assert token.encode() not in Path(f"/proc/{proc.pid}/cmdline").read_bytes()
        assert token.encode() not in Path(f"/proc/{proc.pid}/environ").read_bytes()

        with urllib.request.urlopen(redeem(address), timeout=10) as response:
            assert response.status == 200
            assert "Set-Cookie" in response.headers
        assert not page.exists(), "the launch page must be removed once its token is spent"
        with pytest.raises(urllib.error.HTTPError) as again:
            urllib.request.urlopen(redeem(address), timeout=10)
        assert again.value.code == 403
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert token not in out and token not in err
    assert "Traceback" not in err
    assert not list((tmp_path / "home").rglob("*.html")), "no launch page left behind"


def test_the_token_cannot_be_redeemed_by_post(anon):
    response = anon.post(f"/?token={TOKEN}")
    assert response.status_code == 403
    assert not response.headers.getlist("Set-Cookie")
    # Still unspent: the real window can sign in with it.
    assert anon.get(f"/?token={TOKEN}").status_code == 303


CROSS_SITE_NAVIGATION = {
    "Sec-Fetch-Site": "cross-site",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Dest": "document",
}


def test_a_navigation_from_the_launch_page_signs_in_through_a_same_origin_step(anon):
    response = anon.get(
        f"/pro/notes/new?platform=x.test&token={TOKEN}", headers=CROSS_SITE_NAVIGATION
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    # A same-origin refresh, so the Strict session cookie goes with the next request.
    assert 'http-equiv="refresh"' in body and "url=/pro/notes/new?platform=x.test" in body
    assert TOKEN not in body
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert anon.get("/").status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {**CROSS_SITE_NAVIGATION, "Sec-Fetch-Dest": "iframe"},
        {**CROSS_SITE_NAVIGATION, "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"},
        {**CROSS_SITE_NAVIGATION, "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"},
    ],
    ids=["iframe", "img", "fetch"],
)
def test_only_a_top_level_navigation_from_elsewhere_may_spend_the_token(anon, headers):
    assert anon.get(f"/?token={TOKEN}", headers=headers).status_code == 403
    assert anon.get(f"/?token={TOKEN}").status_code == 303


def test_real_chromium_follows_the_launch_page_and_is_signed_in(tmp_path, browser_context):
    from helper import server

    srv = server.create(config={"VAULT_PATH": str(tmp_path / "v.sqlite3")})
    srv.run_in_thread()
    try:
        page_file = srv.launch_page("/about")
        tab = browser_context.new_page()
        tab.goto(page_file.as_uri())
        tab.wait_for_url(f"http://127.0.0.1:{srv.port}/about", timeout=15000)
        assert tab.locator("body").inner_text()
        assert not page_file.exists()
    finally:
        srv.stop()

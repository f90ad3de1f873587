"""Checks shared by the real-browser tests of the helper's pages, and the real server they
drive."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from helper.paths import REPO_ROOT


@contextlib.contextmanager
def serving(home: Path, **extra_env: str) -> Iterator[dict]:
    """`waymark serve` on the data folder `home` (made by the caller), HOME its parent folder,
    the fast test KDF and no keyring, plus `extra_env` (say the test-only idle limit); its
    stderr goes to server.log beside `home`. Yields its URL (with the launch token), home, log
    file and process; stops it with SIGTERM."""
    env = dict(os.environ)
    env.update(
        WAYMARK_HOME=str(home),
        HOME=str(home.parent),
        WAYMARK_KDF_FAST="1",
        WAYMARK_TESTING="1",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        PYTHONPATH=str(REPO_ROOT),
    )
    env.update(extra_env)
    log = home.parent / "server.log"
    with log.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "helper", "serve"],
            stdout=subprocess.PIPE,
            stderr=err,
            env=env,
            text=True,
        )
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), log.read_text()
        try:
            yield {"url": url, "home": home, "log": log, "process": process}
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=20)


def serious_violations(page) -> list[str]:
    """axe's serious and critical violations on the page as it is now, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def axe_clean(page, name: str, artifacts: Path) -> None:
    """No serious or critical axe violations; a screenshot of the page as evidence."""
    page.screenshot(path=str(artifacts / f"pro-{name}.png"), full_page=True)
    bad = serious_violations(page)
    assert not bad, f"{name}: {bad}"


@contextlib.contextmanager
def scan_tab(chromium, live_helper, scheme: str, width: int, height: int) -> Iterator[object]:
    """A tab signed in to `live_helper`, in its own context with the colour `scheme` and this
    viewport, ready for axe. axe is injected as a script, which our CSP (rightly) forbids;
    bypass_csp is for the scan only, it does not change what the pages are checked for."""
    ctx = chromium.new_context(
        bypass_csp=True, viewport={"width": width, "height": height}, color_scheme=scheme
    )
    try:
        tab = ctx.new_page()
        tab.goto(live_helper.url)
        yield tab
    finally:
        ctx.close()


def base(server) -> str:
    """The helper's address without the launch token."""
    return server["url"].split("/?", 1)[0]

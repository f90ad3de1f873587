"""Driving the pocket web app in the real system Chromium, emulating a phone.

The site is built with `waymark build-web` and served from 127.0.0.1 by a plain static server in
a thread (helper.bench.pocket.static_site), which a test can stop to take the site offline. Each
test gets its own persistent profile (an incognito profile cannot install a web app, and keeps
service workers only for itself), the phone's viewport, touch and the mobile flag. Every request
the browser makes is recorded, so a test can prove that nothing went to another origin."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.browser import QUIET_FLAGS
from tests.support.tools import require

PHONES = {"360x640": (360, 640), "412x915": (412, 915)}

# Resolves once a service worker controls the page (set at once on a later visit, and through
# clients.claim() on the first). Awaited in the page: CSP forbids the eval that
# wait_for_function uses, which is the point of the CSP.
CONTROLLED = """async () => {
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    const changed = (done) => navigator.serviceWorker.oncontrollerchange = done;
    await new Promise(changed);
  }
  return navigator.serviceWorker.controller.scriptURL;
}"""

# What the visit left on the phone: everything a page can write apart from the worker's cache of
# the site's own files.
STORAGE = """async () => ({
  localStorage: localStorage.length,
  sessionStorage: sessionStorage.length,
  indexedDB: (await indexedDB.databases()).map((d) => d.name),
  cookie: document.cookie,
})"""


@dataclass
class Phone:
    context: object
    page: object
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@contextlib.contextmanager
def phone(profile: Path, size: tuple[int, int] = PHONES["360x640"]) -> Iterator[Phone]:
    executable = require("chromium", "the real browser")
    from playwright.sync_api import sync_playwright

    width, height = size
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            headless=True,
            args=list(QUIET_FLAGS),
            viewport={"width": width, "height": height},
            screen={"width": width, "height": height},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="en-GB",
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            driven = Phone(context, page)
            context.on("request", lambda request: driven.requests.append(request.url))
            page.on("pageerror", lambda error: driven.problems.append(str(error)))
            page.on(
                "console",
                lambda message: (
                    message.type in ("error", "warning") and driven.problems.append(message.text)
                ),
            )
            yield driven
        finally:
            context.close()


def open_site(driven: Phone, url: str) -> None:
    """Open `url` and wait for the first screen and for the service worker to control it."""
    driven.page.goto(url)
    driven.page.locator("body[data-screen] main h1").wait_for()
    driven.page.evaluate(CONTROLLED)


def tap(page, name: str) -> None:
    page.locator(f"[data-name='{name}']").tap()


def flow(page, audience: str, concern: str, band: str | None, danger: bool = False) -> None:
    """Answer the questions as a person taps them, and wait for the routes."""
    tap(page, f"audience:{audience}")
    page.locator(f"[data-name='concern:{concern}']").wait_for()
    if danger:
        page.locator("label[for='danger-now']").tap()
        assert page.locator("#danger-now").is_checked()
    tap(page, f"concern:{concern}")
    if band is not None:
        page.locator(f"[data-name='age:{band}']").wait_for()
        tap(page, f"age:{band}")
    page.locator("body[data-screen='routes'] main h1").wait_for()


def routes(page) -> list[str]:
    return page.locator("li.card").evaluate_all("cards => cards.map((c) => c.dataset.route)")


def installability_errors(driven: Phone) -> list[dict]:
    session = driven.context.new_cdp_session(driven.page)
    try:
        return session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    finally:
        session.detach()

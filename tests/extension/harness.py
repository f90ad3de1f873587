"""Driving the real extension in the real system Chromium.

Headless Chromium has no toolbar and no right-click menu, so tests open the popup page as a tab
(`chrome-extension://ID/popup/popup.html`), and call the context-menu handler the service worker
registers with the `info` Chromium would pass: the test copy (`packaged_copy`) starts the real
background.js through a small test-only module that puts its handlers on `globalThis.waymark`;
that hook is never in the source folder or the packages.
`?tab=ID` names the tab the popup acts on (the tab a quick exit replaces). Every https address is
answered by a stub page through Playwright routing, so nothing reaches the network."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helper import extension_data
from helper.nativehost.identity import extension_id
from helper.paths import extension_dir

EXTENSION = extension_dir()
EXT_ID = extension_id(EXTENSION)
ORIGIN = f"chrome-extension://{EXT_ID}"
STUB = (
    "<!doctype html><html lang='en'><head><title>stub</title></head><body>stub page</body></html>"
)

# What Chromium does on a menu click: call the listener with the click's info and the tab.
MENU_CLICK = "async ([info, id]) => waymark.handleMenuClick(info, await chrome.tabs.get(id))"


# The service worker of the test copy: the real background module, unchanged, and its handlers
# where a test can call them.
TEST_HOOKS = "test-hooks.js"
TEST_HOOKS_JS = """// Test-only: written by tests/extension/harness.py into a test copy, never shipped.
import { handleMenuClick, quickExit } from "./background.js";

globalThis.waymark = { handleMenuClick, quickExit };
"""


def source_copy(target: Path) -> Path:
    """The extension's source folder copied to `target` with fresh data from resources/ (what
    `waymark build-extension` writes), whatever the checkout's own data folder holds."""
    shutil.copytree(EXTENSION, target, ignore=shutil.ignore_patterns("data"))
    extension_data.build(target / "data")
    return target


def packaged_copy(target: Path, mutate_data=None) -> Path:
    """The extension as a person would install it: the source plus a fresh copy of resources/
    (`source_copy`), optionally with the data changed by `mutate_data`; plus the test hooks
    (TEST_HOOKS) as its service worker."""
    source_copy(target)
    if mutate_data is not None:
        mutate_data(target / "data")
    (target / TEST_HOOKS).write_text(TEST_HOOKS_JS)
    manifest = json.loads((target / "manifest.json").read_text())
    manifest["background"]["service_worker"] = TEST_HOOKS
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return target


def stub_the_web(context) -> list[str]:
    """Answer every http(s) request with a small stub page; return the list of addresses asked."""
    asked: list[str] = []

    def answer(route):
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body=STUB)

    context.route("http://**/*", answer)
    context.route("https://**/*", answer)
    return asked


def service_worker(context):
    """The extension's service worker (waits for it to start)."""
    for worker in context.service_workers:
        if worker.url.startswith(ORIGIN):
            return worker
    return context.wait_for_event("serviceworker", timeout=15_000)


def open_popup(context, query: str = ""):
    """The popup page in a new tab, shown once its first screen has rendered."""
    page = context.new_page()
    page.goto(f"{ORIGIN}/popup/popup.html{query}")
    page.locator("body[data-screen]").wait_for()
    return page


def tab_ids(worker) -> set[int]:
    return set(worker.evaluate("chrome.tabs.query({}).then(ts => ts.map(t => t.id))"))


def open_site(context, worker, url: str):
    """A tab at `url` (a stub page) and its Chromium tab id. The id is found as the one new tab,
    because the extension may not read other tabs' addresses without an activeTab grant."""
    before = tab_ids(worker)
    page = context.new_page()
    page.goto(url)
    (new,) = tab_ids(worker) - before
    return page, new

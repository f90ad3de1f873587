"""Record a concern: the popup asks the REAL native host (installed with `waymark
install-native-host --browser chromium --user-data-dir`) to open the helper at a new note, and
says plainly how to install the helper when it is missing."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys

import pytest

from helper.paths import REPO_ROOT
from tests.extension.harness import (
    MENU_CLICK,
    ORIGIN,
    open_popup,
    open_site,
    service_worker,
    stub_the_web,
)
from tests.support.hostproc import (
    install_for_chromium,
    processes_with_home,
    recorder,
    wait_for_address,
)
from tests.support.browser import chromium_context

pytestmark = pytest.mark.timeout(150)


def professional_routes(page) -> None:
    page.click("[data-name='audience:professional']")
    page.click("[data-name='concern:grooming']")
    page.click("[data-name='age:13-17']")
    page.locator("body[data-screen='routes']").wait_for()


def test_without_native_messaging_it_says_the_helper_runs_on_a_computer(browser):
    """Firefox for Android has no native messaging: chrome.runtime.sendNativeMessage is not
    there at all. The popup then says where the helper runs instead of how to install it."""
    context, _, _ = browser
    page = open_popup(context)
    professional_routes(page)
    page.evaluate("() => { chrome.runtime.sendNativeMessage = undefined; }")
    page.click("[data-name='record-this']")
    heading = page.locator("#helper-elsewhere-title")
    heading.wait_for()
    assert "runs on a computer" in heading.inner_text()
    assert page.locator("#helper-missing-title").count() == 0
    assert page.evaluate("document.activeElement.id") == "helper-elsewhere-title"
    assert page.locator("li.card").count() > 0


def test_helper_missing_explains_the_helper_and_keeps_the_routes(browser):
    context, _, _ = browser
    page = open_popup(context)
    professional_routes(page)
    routes_before = page.locator("li.card").count()
    page.click("[data-name='record-this']")
    section = page.locator(".helper-missing")
    section.wait_for()
    text = section.inner_text()
    assert "not on this computer" in text and "passphrase" in text
    # The commands are for the IT team, under their own heading, not the teacher's job.
    heading = section.locator("h3", has_text="For your IT team")
    assert heading.count() == 1
    assert "waymark install-native-host --browser chrome" in section.locator("pre").inner_text()
    assert page.evaluate("document.activeElement.id") == "helper-missing-title"
    # The routes are still there and still work.
    assert page.locator("li.card").count() == routes_before
    assert page.locator("body").get_attribute("data-screen") == "routes"


def end_helpers(waymark_home) -> None:
    """End the helper the host started (its own session), never our own process group."""
    for pid in processes_with_home(waymark_home):
        with contextlib.suppress(ProcessLookupError):
            group = os.getpgid(pid)
            if group != os.getpgrp():
                os.killpg(group, signal.SIGKILL)


def test_record_a_concern_round_trips_to_the_real_helper(packaged, profile, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    waymark_home = home / "waymark"
    browser_script, urls = recorder(tmp_path)
    # Chromium passes its environment to the host, and the host to the helper: a private home,
    # no display (so the helper opens "the system browser", which is our recorder).
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("WAYMARK_HOME", str(waymark_home))
    monkeypatch.setenv("BROWSER", str(browser_script))
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    install_for_chromium(profile)
    try:
        with chromium_context(profile, packaged) as context:
            stub_the_web(context)
            worker = service_worker(context)
            _, tab = open_site(context, worker, "https://www.roblox.com/games/1")
            with context.expect_page(lambda p: p.url.startswith(f"{ORIGIN}/popup/")) as opened:
                worker.evaluate(
                    MENU_CLICK,
                    [
                        {
                            "menuItemId": "waymark-get-help",
                            "pageUrl": "https://www.roblox.com/games/1",
                        },
                        tab,
                    ],
                )
            page = opened.value
            page.locator("body[data-screen]").wait_for()
            professional_routes(page)
            page.click("[data-name='record-this']")
            page.locator(".status").filter(has_text="opening a new note").wait_for(timeout=30_000)
            # Nothing about the concern or the page is kept in the extension (docs/SECURITY.md,
            # "Nothing sensitive left behind").
            kept = worker.evaluate(
                "Promise.all([chrome.storage.local.get(null), chrome.storage.session.get(null)])"
            )
            assert "roblox" not in str(kept)
        address = wait_for_address(urls, waymark_home, timeout=40)
        assert "/pro/notes/new" in address
        assert "www.roblox.com" in address
        # The concern and the age band's age go with it, so nothing is typed twice.
        assert "concern=grooming" in address and "age=15" in address
        assert "games" not in address, "more than the host crossed to the helper"
    finally:
        end_helpers(waymark_home)

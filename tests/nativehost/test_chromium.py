"""The host as real Chromium starts it: a tiny planted extension with Waymark's key (so the
same id, the only one the installed manifest allows) calls sendNativeMessage, and the reply
travels back through the browser. The full extension's own round trip is tested in
tests/extension/; this one proves the host and installer alone, independent of the popup."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helper import __version__
from helper.nativehost.identity import EXTENSION_KEY
from tests.support.browser import chromium_context
from tests.support.hostproc import (
    install_for_chromium,
    kill_groups,
    processes_with_home,
    recorder,
    wait_for_address,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

PAGE = """<!doctype html><meta charset="utf-8"><title>probe</title>
<output id="result">waiting</output><script src="probe.js"></script>"""

PROBE = """
const show = (value) => { document.getElementById("result").textContent = value; };
const ask = (message) => new Promise((resolve) => {
  chrome.runtime.sendNativeMessage("uk.waymark.helper", message, (reply) => {
    resolve(chrome.runtime.lastError ? {lastError: chrome.runtime.lastError.message} : reply);
  });
});
(async () => {
  if (location.hash === "#open-note") {
    const at = new Date().toISOString();
    show(JSON.stringify(await ask({v: 1, type: "open-note", platform: "discord.com", at})));
    return;
  }
  const hello = await ask({v: 1, type: "hello"});
  const unknown = await ask({v: 1, type: "read-history"});
  show(JSON.stringify({hello, unknown}));
})();
"""


def planted_extension(folder: Path) -> Path:
    folder.mkdir()
    manifest = {
        "manifest_version": 3,
        "name": "Waymark native host probe",
        "version": "0.0.1",
        "key": EXTENSION_KEY,
        "permissions": ["nativeMessaging"],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / "probe.html").write_text(PAGE)
    (folder / "probe.js").write_text(PROBE)
    return folder


def install(home: Path, profile: Path) -> None:
    install_for_chromium(
        profile, dict(os.environ, HOME=str(home), WAYMARK_HOME=str(home / "waymark"))
    )


def run_probe(tmp_path: Path, fragment: str = "") -> dict:
    """Install the host for a fresh profile, load the probe, and return what it showed."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    profile = tmp_path / "profile"
    install(home, profile)
    extension = planted_extension(tmp_path / "probe")
    with chromium_context(profile, extension) as ctx:
        page = ctx.new_page()
        page.goto(f"chrome-extension://hnjoammhjfbmjbpfllkmjegekdjlkjgi/probe.html{fragment}")
        result = page.locator("#result").filter(has_not_text="waiting")
        result.wait_for(timeout=30_000)
        return json.loads(result.text_content())


def test_real_chromium_round_trip_through_the_installed_host(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # Chromium writes under ~/.config.
    replies = run_probe(tmp_path)
    assert replies["hello"] == {
        "v": 1,
        "ok": True,
        "type": "hello",
        "helper": f"waymark {__version__}",
    }
    assert replies["unknown"]["ok"] is False
    assert replies["unknown"]["error"]["code"] == 4


def test_helper_started_from_chromium_outlives_the_host_and_opens_a_new_note(tmp_path, monkeypatch):
    # Chromium passes its environment to the host, and the host to the helper: no display, so
    # the helper opens the "system browser", which is our recorder.
    browser, urls = recorder(tmp_path)
    waymark_home = tmp_path / "home" / "waymark"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WAYMARK_HOME", str(waymark_home))
    monkeypatch.setenv("BROWSER", str(browser))
    monkeypatch.delenv("DISPLAY", raising=False)
    try:
        reply = run_probe(tmp_path, "#open-note")
        assert reply == {"v": 1, "ok": True, "type": "open-note"}
        # Chromium has closed the port and ended the host by now; the helper must live on.
        url = wait_for_address(urls, waymark_home, timeout=30)
        assert "/pro/notes/new" in url and "discord.com" in url
    finally:
        kill_groups(processes_with_home(waymark_home))

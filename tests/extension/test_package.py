"""The package itself: exactly the permissions we document, a strict CSP, nothing remote, every
string in the locale file and readable at about age 9, and Firefox's linter with no errors."""

from __future__ import annotations

import json
import re
import subprocess

from helper.nativehost.identity import EXTENSION_KEY, GECKO_ID, extension_id_from_key
from helper.paths import REPO_ROOT
from tests.extension.harness import EXTENSION
from tests.resources.readability import grade, plain
from tests.support.tools import require

MANIFEST = json.loads((EXTENSION / "manifest.json").read_text())
MESSAGES = json.loads((EXTENSION / "_locales/en/messages.json").read_text())
CODE = [
    p
    for p in EXTENSION.rglob("*")
    if p.suffix in (".js", ".html", ".css") and "data" not in p.parts
]


def test_permissions_are_exactly_the_documented_four_plus_optional_history():
    assert MANIFEST["permissions"] == ["activeTab", "contextMenus", "storage", "nativeMessaging"]
    assert MANIFEST["optional_permissions"] == ["history"]
    assert MANIFEST.get("host_permissions", []) == []
    assert "optional_host_permissions" not in MANIFEST
    assert "content_scripts" not in MANIFEST
    assert MANIFEST["web_accessible_resources"] == []
    documented = (EXTENSION / "PERMISSIONS.md").read_text()
    for permission in [*MANIFEST["permissions"], *MANIFEST["optional_permissions"]]:
        assert f"`{permission}`" in documented


def test_strict_csp_and_module_service_worker():
    assert MANIFEST["manifest_version"] == 3
    assert MANIFEST["content_security_policy"] == {
        "extension_pages": "script-src 'self'; object-src 'none'"
    }
    assert MANIFEST["background"]["service_worker"] == "background.js"
    assert MANIFEST["background"]["type"] == "module"


def test_fixed_identity_matches_the_native_host():
    assert MANIFEST["key"] == EXTENSION_KEY
    assert extension_id_from_key(MANIFEST["key"]) == "hnjoammhjfbmjbpfllkmjegekdjlkjgi"
    assert MANIFEST["browser_specific_settings"]["gecko"]["id"] == GECKO_ID


def test_nothing_remote_and_no_html_injection_in_the_code():
    for path in CODE:
        text = path.read_text()
        # The only outside address in code is the default quick-exit page (never fetched by us).
        addresses = set(re.findall(r"https?://[^\s\"'`)]+", text)) - {
            "https://www.bbc.co.uk/weather"
        }
        assert not addresses, f"{path.name} names {addresses}"
        for banned in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert banned not in text, f"{path.name} uses {banned}"
        assert "@import" not in text and "url(" not in text, f"{path.name} loads something"


def test_every_visible_string_comes_from_the_locale_file():
    used = set()
    for path in CODE:
        text = path.read_text()
        used |= set(re.findall(r'data-i18n="([a-z0-9_]+)"', text))
        used |= set(re.findall(r'\bt\("([a-z0-9_]+)"', text))
        used |= set(re.findall(r'(?:label|hint): "([a-z0-9_]+)"', text))
        used |= set(re.findall(r"__MSG_([a-z0-9_]+)__", text))
        used |= set(re.findall(r'getMessage\("([a-z0-9_]+)"', text))
    used |= set(re.findall(r"__MSG_([a-z0-9_]+)__", json.dumps(MANIFEST)))
    missing = used - set(MESSAGES)
    assert not missing, f"strings used but not in messages.json: {missing}"


def test_young_person_wording_reads_at_about_age_nine():
    shown = [m["message"] for m in MESSAGES.values() if m.get("description", "").startswith("[yp]")]
    assert len(shown) > 20
    text = " ".join(s if s.rstrip().endswith((".", "?", "!")) else f"{s}." for s in shown)
    assert grade(plain(text)) <= 4, "young-person strings read above grade 4 (age 9)"
    for sentence in shown:
        assert len(sentence.split()) <= 20, f"too long for a young reader: {sentence!r}"


def test_web_ext_lint_has_no_errors(tmp_path):
    require("node", "Firefox's linter runs on Node")
    web_ext = require(str(REPO_ROOT / "node_modules/.bin/web-ext"), "installed by `npm ci`")
    done = subprocess.run(
        [web_ext, "lint", "--source-dir", str(EXTENSION), "--output", "json"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=180,
        env={
            "HOME": str(tmp_path),
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "NO_UPDATE_NOTIFIER": "1",
        },
    )
    report = json.loads(done.stdout)
    assert report["summary"]["errors"] == 0, report["errors"]


def test_no_test_hook_ships_in_the_source():
    """Tests reach the service worker's handlers through a module they add to their own copy
    (harness.TEST_HOOKS); the extension itself puts nothing on globalThis for them."""
    for path in EXTENSION.rglob("*.js"):
        assert "globalThis.waymark" not in path.read_text(), path
    assert not (EXTENSION / "test-hooks.js").exists()

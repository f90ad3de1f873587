"""The professional journey in real headless Chromium against a real `waymark serve` process
and the real vault on disk (fast test KDF), with axe on every page.

Each test stands alone: it gets its own server, its own empty data folder and its own browser
context, and sets up what it needs (a vault made through the page, or one made beforehand with a
note in it, then unlocked through the page). Run any one with `-k`, in any order."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from helper.vault import Vault
from tests.support.pages import axe_clean, base, serving
from tests.support.screenshots import keep_for_readme
from tests.support.tools import require
from tests.support.vaults import PASSPHRASE

ROOT = Path(__file__).resolve().parents[3]
NARRATIVE = "Pupil said an account is demanding money for a picture."
SCREENSHOTS = ROOT / "docs" / "screenshots"
pytestmark = pytest.mark.timeout(240)
# The README shows these three; each is refreshed by the test that takes it (keep_for_readme).
README_SHOT_MIN_BYTES = 10_000


@pytest.fixture
def server(tmp_path):
    """`waymark serve` in a private, empty WAYMARK_HOME; yields its URL, home and log file."""
    require("chromium", "the real browser")
    home = tmp_path / "waymark"
    home.mkdir(mode=0o700)
    with serving(home) as server:
        yield server


@pytest.fixture
def page(browser_context, server):
    """A fresh tab in a fresh context, signed in to this test's server (token exchanged)."""
    tab = browser_context.new_page()
    tab.goto(server["url"])
    return tab


def seed_note(server, narrative: str = NARRATIVE) -> str:
    """Before the page opens the vault: make it (fast KDF, no keyring, as the server runs) with
    one note in it, as if written earlier. Returns the note's id."""
    vault, _code = Vault.create(PASSPHRASE, server["home"] / "vault.sqlite3")
    try:
        return vault.new_note(
            {
                "concern": "sextortion",
                "narrative": narrative,
                "recorder_name": "Sam Teacher",
                "child": "J.B.",
                "child_age": 14,
                "told": [{"who": "dsl", "at": "2026-11-29T10:05+00:00", "name": "Ms Lead"}],
            },
            "Sam Teacher",
        )
    finally:
        vault.close()


def unlock(page, server, then: str = "/pro/notes") -> None:
    page.goto(base(server) + "/pro/unlock")
    page.fill("#passphrase", PASSPHRASE)
    page.click("button[type=submit].primary")
    assert page.url.endswith("/pro/notes")
    if then != "/pro/notes":
        page.goto(base(server) + then)


def revision_number(page) -> int:
    meta = page.inner_text(".meta")
    return int(meta.split("Revision ", 1)[1].split()[0].rstrip(".,;"))


def test_create_the_vault_and_see_the_recovery_code(page, server, artifacts):
    page.goto(base(server) + "/pro/")
    assert page.url.endswith("/pro/create")
    axe_clean(page, "create", artifacts)
    page.fill("#passphrase", PASSPHRASE)
    page.fill("#again", PASSPHRASE)
    page.click("button[type=submit].primary")
    code = page.locator("#recovery-code").inner_text().strip()
    assert len(code) >= 16
    page.locator("#print-page").wait_for(state="visible", timeout=5000)  # the script shows it
    axe_clean(page, "recovery-code", artifacts)
    assert (server["home"] / "vault.sqlite3").exists()
    page.click("#code-done")
    assert page.url.endswith("/pro/notes")
    axe_clean(page, "list-empty", artifacts)


def test_write_a_note_from_the_extension_link(page, server, artifacts):
    """The guided form, step by step (a draft saved at each), then the summary and the save."""
    Vault.create(PASSPHRASE, server["home"] / "vault.sqlite3")[0].close()
    unlock(page, server)
    page.goto(
        base(server) + "/pro/notes/new?platform=www.instagram.com&at=2026-11-29T02:24:04Z"
        "&concern=sextortion&age=14"
    )
    assert page.input_value("#f-platform") == "www.instagram.com"
    assert page.input_value("#f-concern_at").startswith("2026-11-2")
    assert page.input_value("#f-concern") == "sextortion"
    assert (
        page.locator(".progress-steps [aria-current='step']").inner_text().endswith("What happened")
    )
    page.fill("#f-recorder_name", "Sam Teacher")
    page.fill("#f-narrative", NARRATIVE)
    axe_clean(page, "new-note", artifacts)
    assert (artifacts / "pro-new-note.png").stat().st_size > README_SHOT_MIN_BYTES
    keep_for_readme(artifacts / "pro-new-note.png")
    page.click("button[type=submit].primary")
    assert page.url.endswith("/guided/words")
    assert page.input_value("#f-child_age") == "14"
    page.fill("#f-child", "J.B.")
    page.fill("#f-child_words", "he said he will send it to everyone")
    axe_clean(page, "new-note-words", artifacts)
    page.click("button[type=submit].primary")
    assert page.url.endswith("/guided/told")
    page.select_option("#told-0-who", "dsl")
    page.fill("#told-0-name", "Ms Lead")
    page.click("button[type=submit].primary")
    assert page.url.endswith("/guided/next")
    page.click("button[type=submit].primary")
    assert page.url.endswith("/guided/check")
    assert "Ms Lead" in page.inner_text(".record") and NARRATIVE in page.inner_text(".record")
    axe_clean(page, "new-note-check", artifacts)
    page.click("#final-save")
    assert "/pro/notes/" in page.url and "done=saved" in page.url
    assert NARRATIVE in page.locator("dl.record").first.inner_text()
    # Three changed steps were saved as drafts; the final save is the record's Revision 1.
    assert revision_number(page) == 1
    assert page.locator("details.revision summary").all_inner_texts()[-1].startswith("Draft 1")
    assert "Done" in page.inner_text("#step-record-concern")
    assert page.locator("ol.checklist > li").first.get_attribute("id") == "step-tell-dsl"
    axe_clean(page, "note", artifacts)


def test_revise_the_note(page, server, artifacts):
    note_id = seed_note(server)
    unlock(page, server, then=f"/pro/notes/{note_id}")
    before = revision_number(page)
    page.click("#revise")
    axe_clean(page, "revise", artifacts)
    page.fill("#f-narrative", NARRATIVE + " Reported to the DSL at lunch.")
    page.select_option("#f-status", "referred")
    page.fill("#signed_by", "Alex DSL")
    page.click("button[type=submit].primary")
    assert "done=revised" in page.url
    assert revision_number(page) == before + 1
    assert page.locator("details.revision").count() == before


def test_tick_a_checklist_step(page, server, artifacts):
    note_id = seed_note(server)
    unlock(page, server, then=f"/pro/notes/{note_id}")
    before = revision_number(page)
    page.click("#tick-tell-dsl")
    assert "done=ticked" in page.url
    assert "Done: ticked" in page.inner_text("#step-tell-dsl")
    assert revision_number(page) == before + 1
    shot = artifacts / "pro-checklist.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > README_SHOT_MIN_BYTES
    keep_for_readme(shot)


def test_export_for_the_dsl(page, server, artifacts, tmp_path):
    note_id = seed_note(server, NARRATIVE + " Reported to the DSL at lunch.")
    unlock(page, server, then=f"/pro/notes/{note_id}")
    note_url = page.url.split("?")[0]
    with page.expect_download() as download:
        page.click("#export-text")
    saved = tmp_path / "note.txt"
    download.value.save_as(saved)
    assert "Reported to the DSL at lunch." in saved.read_text()
    page.goto(note_url)
    page.click("#export")
    assert "Safeguarding concern record" in page.inner_text("h1")
    axe_clean(page, "export", artifacts)
    page.emulate_media(media="print")
    shot = artifacts / "pro-export-print.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > README_SHOT_MIN_BYTES
    keep_for_readme(shot)
    assert not page.locator(".site-header").is_visible()  # print layout hides the chrome
    # "Confidential: child protection" heads every printed page (a fixed element repeats).
    mark = page.locator(".confidential-mark")
    assert mark.is_visible() and mark.inner_text().lower() == "confidential: child protection"
    assert mark.evaluate("e => getComputedStyle(e).position") == "fixed"
    assert "Recorded by" in page.inner_text(".export")
    page.emulate_media(media="screen")


def test_settings_page(page, server, artifacts):
    seed_note(server)
    unlock(page, server, then="/pro/settings")
    assert page.input_value("#idle_minutes") == "15"
    assert "no keyring" in page.inner_text("main")
    axe_clean(page, "settings", artifacts)


def test_lock_then_unlock(page, server, artifacts):
    seed_note(server)
    unlock(page, server)
    assert page.locator("table.notes-list tbody tr").count() == 1
    page.click("#lock-now")
    assert "/pro/unlock" in page.url
    page.goto(base(server) + "/pro/notes")
    assert "/pro/unlock" in page.url  # nothing readable while locked
    assert NARRATIVE not in page.content()
    page.fill("#passphrase", "wrong passphrase here")
    page.click("button[type=submit].primary")
    assert "Cannot unlock the vault with that passphrase." in page.inner_text("#form-error")
    axe_clean(page, "unlock", artifacts)
    paste_into(page, "#passphrase", PASSPHRASE)  # as from a password manager's clipboard
    page.click("button[type=submit].primary")
    assert page.url.endswith("/pro/notes")
    axe_clean(page, "list", artifacts)


def paste_into(page, selector: str, text: str) -> None:
    """Put `text` on the real clipboard and press Ctrl+V in the field (WCAG 2.2 SC 3.3.8:
    nothing may stop a person pasting a passphrase)."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    page.fill(selector, "")
    page.focus(selector)
    page.keyboard.press("Control+V")
    assert page.input_value(selector) == text


def test_recover_page_is_accessible(page, server, artifacts):
    seed_note(server)
    page.goto(base(server) + "/pro/recover")
    axe_clean(page, "recover", artifacts)
    unlock(page, server)


def test_auto_lock_clears_the_screen_and_seals_a_half_written_note(page, server):
    """The browser's clock is moved past the idle time: the page seals the unsaved step as a
    draft, the vault locks, and after unlocking the same step shows everything typed.
    (test_autolock_browser.py does the same on the server's real, short idle limit.)"""
    seed_note(server)
    unlock(page, server)
    page.clock.install()
    page.goto(base(server) + "/pro/notes/new")
    page.select_option("#f-concern", "grooming")
    page.fill("#f-recorder_name", "Sam Teacher")
    page.fill("#f-narrative", "Half-written when the teacher was called away.")
    page.clock.fast_forward("15:05")
    page.wait_for_url("**/pro/unlock**")
    assert "Half-written" not in page.content()
    page.fill("#passphrase", PASSPHRASE)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/guided/what")
    assert page.input_value("#f-narrative") == "Half-written when the teacher was called away."


def test_stopping_the_server_leaves_no_note_text_in_its_output(server, page):
    note_id = seed_note(server)
    unlock(page, server, then=f"/pro/notes/{note_id}")
    assert NARRATIVE in page.locator("dl.record").first.inner_text()  # it went through
    server["process"].send_signal(signal.SIGTERM)
    assert server["process"].wait(timeout=20) == 0
    log = server["log"].read_text()
    for secret in (NARRATIVE, "J.B.", PASSPHRASE, "Ms Lead"):
        assert secret not in log

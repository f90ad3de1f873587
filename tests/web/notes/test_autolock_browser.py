"""Auto-lock while a teacher is writing, in real Chromium against a real `waymark serve` whose
idle limit is the test-only WAYMARK_TEST_IDLE_SECONDS (16 s), so the server's own watchdog and
the page's timer both run for real. Every wait is for a condition, never a fixed sleep.

What must hold: a minute's warning (here, half the limit) appears as an alert and a key press
dismisses it; the step being typed is sealed as a draft before the vault locks; after unlocking
the same step shows every character typed; the note then saves as Revision 1."""

from __future__ import annotations

import pytest

from tests.support.pages import base, serious_violations, serving
from tests.support.tools import require
from tests.support.vaults import PASSPHRASE
from tests.web.notes.test_browser import revision_number, seed_note

pytestmark = pytest.mark.timeout(240)
IDLE_SECONDS = 16
WAIT_MS = IDLE_SECONDS * 2 * 1000  # a generous bound for a condition, on a busy machine


@pytest.fixture
def server(tmp_path):
    require("chromium", "the real browser")
    home = tmp_path / "waymark"
    home.mkdir(mode=0o700)
    with serving(home, WAYMARK_TEST_IDLE_SECONDS=str(IDLE_SECONDS)) as server:
        yield server


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_note_survives_an_auto_lock_mid_step(chromium, server, artifacts, scheme):
    seed_note(server)
    ctx = chromium.new_context(
        bypass_csp=True, viewport={"width": 1000, "height": 800}, color_scheme=scheme
    )  # bypass_csp: for axe's injected script only
    try:
        tab = ctx.new_page()
        tab.goto(server["url"])
        tab.goto(base(server) + "/pro/unlock")
        tab.fill("#passphrase", PASSPHRASE)
        tab.click("button[type=submit].primary")
        tab.wait_for_url("**/pro/notes")
        tab.goto(base(server) + "/pro/notes/new")
        tab.select_option("#f-concern", "grooming")
        tab.fill("#f-recorder_name", "Sam Teacher")
        typed = "Pupil said a player on Discord asked for photos"
        tab.fill("#f-narrative", typed)
        # The warning: an alert, at the bottom of the screen, and a key press dismisses it.
        warning = tab.locator("#lock-warning")
        warning.wait_for(state="visible", timeout=WAIT_MS)
        assert warning.get_attribute("role") == "alert"
        assert "saved as a draft first" in warning.inner_text()
        assert serious_violations(tab) == []
        tab.screenshot(path=artifacts / f"pro-lock-warning-{scheme}.png")
        tab.focus("#f-narrative")
        tab.keyboard.press("End")
        warning.wait_for(state="hidden", timeout=WAIT_MS)
        assert "/pro/notes/new" in tab.url  # still unlocked, still here
        # More typing, then the person walks away mid-sentence.
        tab.keyboard.type(" and said not to tell")
        typed += " and said not to tell"
        tab.wait_for_url("**/pro/unlock?**", timeout=WAIT_MS)
        assert tab.locator("#auto-locked").is_visible()
        assert typed not in tab.content()
        tab.fill("#passphrase", PASSPHRASE)
        tab.click("button[type=submit].primary")
        tab.wait_for_url("**/guided/what")
        assert tab.input_value("#f-narrative") == typed  # nothing typed was lost
        assert tab.input_value("#f-recorder_name") == "Sam Teacher"
        # The rest of the guided form, then the final save: Revision 1, the draft not counted.
        for _ in range(4):
            tab.click("form.note-form button[type=submit].primary")
            tab.wait_for_load_state()
        tab.wait_for_url("**/guided/check")
        tab.click("button[type=submit].primary")
        tab.wait_for_url("**done=saved")
        assert revision_number(tab) == 1
    finally:
        ctx.close()

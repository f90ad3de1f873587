"""Casework in real headless Chromium against a real `waymark serve` and a real vault, with axe
on every casework page: a note with a child reference and borough, a ticked referral step, the
proposed follow-up added in one click, what is due, the chronology, the referral summary."""

from __future__ import annotations

import pytest

from tests.support.pages import axe_clean, base
from tests.support.vaults import PASSPHRASE
from tests.web.notes.test_browser import page as page
from tests.web.notes.test_browser import server as server

pytestmark = pytest.mark.timeout(240)


def test_casework_journey(page, server, artifacts):
    page.goto(base(server) + "/pro/")
    page.fill("#passphrase", PASSPHRASE)
    page.fill("#again", PASSPHRASE)
    page.click("button[type=submit].primary")
    page.click("#code-done")

    page.goto(base(server) + "/pro/notes/new?form=full")  # the one-page form
    page.select_option("#f-concern", "grooming")
    page.fill("#f-concern_at", "2026-11-27T09:00")
    page.fill("#f-recorder_name", "Sam Teacher")
    page.fill("#f-child_ref", "JB-0412")
    page.fill("#f-borough", "haringey")
    page.fill("#f-child_age", "14")
    page.fill("#f-narrative", "A man in a game asked for photos.")
    page.click("button[type=submit].primary")
    assert "done=saved" in page.url
    note_url = page.url.split("?", 1)[0]

    page.fill("#tick-signed-by", "Sam Teacher")
    page.click("#tick-refer-social-care")
    assert page.locator("text=Follow-ups the procedure expects").count() == 1
    assert page.locator("#borough-contacts").is_visible()
    # The borough's numbers inside the social-care step itself, as links that call.
    step = page.locator("#borough-refer-social-care")
    assert step.is_visible()
    assert step.locator("a[href='tel:02084894533']").inner_text() == "020 8489 4533"
    assert "Within 24 hours" in step.inner_text()
    assert page.locator(".record dd", has_text="Haringey").first.inner_text() == "Haringey"
    axe_clean(page, "casework-note-proposals", artifacts)
    page.emulate_media(color_scheme="dark")
    axe_clean(page, "casework-note-proposals-dark", artifacts)
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 360, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1100, "height": 900})
    page.click("#propose-1")
    assert "done=followup" in page.url
    assert page.locator("text=The follow-up was added.").count() == 1
    assert page.locator(".followups li").count() == 1
    axe_clean(page, "casework-note-followups", artifacts)
    # The print view lists the follow-up under its own heading.
    page.click("#export")
    followups = page.locator(".export-followups li")
    assert followups.count() == 1 and "Not done yet." in followups.inner_text()
    axe_clean(page, "casework-export-followups", artifacts)
    page.goto(note_url)

    page.goto(base(server) + "/pro/notes")
    assert page.locator("#due-heading").is_visible()
    assert page.locator(".due-list tbody tr").count() == 1
    axe_clean(page, "casework-home", artifacts)
    page.fill("#filter-child", "jb-0412")
    page.click("#filter-apply")
    assert "that match" in page.locator("#list-count").inner_text()
    assert "jb-0412" not in page.url.lower()
    axe_clean(page, "casework-filtered", artifacts)

    page.goto(base(server) + "/pro/due")
    axe_clean(page, "casework-due", artifacts)

    page.goto(note_url)
    with page.expect_response(
        lambda r: "/pro/chronology" in r.url and r.request.method == "GET"
    ) as got:
        page.click("#open-chronology")
    assert got.value.headers["cache-control"] == "no-store"
    assert "JB-0412" not in page.url
    assert page.locator("#chronology tbody tr").count() >= 4
    page.locator("#print-page").wait_for(state="visible", timeout=5000)  # the script shows it
    axe_clean(page, "casework-chronology", artifacts)

    page.goto(note_url)
    page.click("#referral-summary")
    assert page.locator("h1", has_text="Referral summary").count() == 1
    assert page.locator("#missing-count").inner_text().startswith("Still missing")
    axe_clean(page, "casework-referral", artifacts)

"""The narrowest phone (320 px) with the browser's text size at 200 %: no screen scrolls
sideways, every target stays at least 44 x 44 px, and Quick exit stays on screen. A module of its
own: each real browser here is one Playwright, and test_phone_layout.py keeps one open."""

from __future__ import annotations

import pytest

from tests.pocket.phone import open_site, phone
from tests.pocket.test_phone_layout import (
    SCREENS,
    SIDEWAYS,
    SMALL_TARGETS,
    quick_exit_on_screen,
    reach,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


def test_narrowest_phone_with_text_at_200_percent(served, tmp_path, private_home, artifacts):
    """320 px wide, and the browser's own text size setting doubled (Chromium's default font
    size, which the page follows: it never fixes its text size in px)."""
    with phone(tmp_path / "profile", (320, 640)) as driven:
        page = driven.page
        session = driven.context.new_cdp_session(page)
        session.send("Page.enable")
        session.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
        open_site(driven, served.base)
        for screen, taps in SCREENS.items():
            reach(page, served.base, taps)
            assert page.evaluate("getComputedStyle(document.body).fontSize") == "32px"
            assert page.evaluate(SIDEWAYS) <= 0, screen
            assert page.evaluate(SMALL_TARGETS) == [], screen
            assert quick_exit_on_screen(page), screen
            page.screenshot(path=str(artifacts / f"pocket-320-text-200-{screen}.png"))
        assert driven.problems == []

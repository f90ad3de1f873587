"""Parents' guidance on the helper's result page in real Chromium: after the routes, headed
lists ("Talking with your child" first), the general sections behind a disclosure that opens by
keyboard; axe clean in the light and the dark theme with it open; no sideways scroll on a 360 px
phone."""

from __future__ import annotations

import pytest

from tests.support.pages import scan_tab, serious_violations
from tests.web.test_browser_pages import go_through

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_parents_guidance_reads_well_and_passes_axe(chromium, live_helper, artifacts, scheme):
    with scan_tab(chromium, live_helper, scheme, 360, 640) as tab:
        go_through(tab, "parent-carer", "6", "grooming")
        guidance = tab.locator("section.guidance")
        assert guidance.locator("h2").all_inner_texts() == [
            "Talking with your child",
            "What to do now",
            "What not to do",
            "Support for you",
        ]
        for list_ in guidance.locator("ul[aria-labelledby^='guidance-']").all():
            assert list_.locator("li").count() >= 1
        # After the routes.
        cards = tab.locator(".cards").bounding_box()
        assert guidance.first.bounding_box()["y"] > cards["y"] + cards["height"]
        more = tab.locator("details.guidance-general")
        assert more.get_attribute("open") is None
        assert not more.locator("h3").first.is_visible()
        more.locator("summary").focus()
        tab.keyboard.press("Enter")
        assert more.locator("h3").first.is_visible()
        assert more.locator("h3").all_inner_texts() == [
            "Working with your child's school",
            "Filters and controls at school and at home",
        ]
        assert tab.evaluate("document.documentElement.scrollWidth") <= 360
        assert serious_violations(tab) == []
        tab.screenshot(path=artifacts / f"web-parent-guidance-{scheme}.png", full_page=True)

"""A professional's routes page in real Chromium: pick the child's borough from the 33, see its
front door, out-of-hours and LADO numbers as links that call, "not confirmed" where the directory
has nothing; the GOV.UK council finder for outside London; axe clean in both themes at 360 px."""

from __future__ import annotations

import pytest

from tests.support.pages import scan_tab, serious_violations
from tests.web.test_browser_pages import go_through

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pick_a_borough_on_the_routes_page(chromium, live_helper, artifacts, scheme):
    with scan_tab(chromium, live_helper, scheme, 360, 640) as tab:
        go_through(tab, "professional", "15", "sextortion")
        options = tab.locator("#borough option").all_inner_texts()
        assert options[0] == "Choose a borough" and len(options) == 34
        assert "City of London" in options and "Tower Hamlets" in options
        outside = tab.locator("#outside-london-link")
        assert outside.get_attribute("href") == "https://www.gov.uk/find-local-council"
        assert outside.get_attribute("target") == "_blank"
        tab.select_option("#borough", label="Tower Hamlets")
        tab.click("#show-borough")
        tab.wait_for_url("**/help/result#borough-title")
        numbers = tab.locator(".borough-picker .borough-numbers")
        assert tab.locator("#borough-name").inner_text() == "Tower Hamlets"
        calls = numbers.locator("a[href^='tel:']").evaluate_all("as => as.map(a => a.href)")
        assert calls == ["tel:02073645006", "tel:02073644079", "tel:02073640677"]
        assert numbers.locator("a[href^='mailto:']").count() == 1
        assert tab.locator("#borough").input_value() == "tower-hamlets"
        assert tab.evaluate("document.documentElement.scrollWidth") <= 360
        assert serious_violations(tab) == []
        tab.screenshot(path=artifacts / f"web-pro-borough-{scheme}.png", full_page=True)
        tab.select_option("#borough", value="greenwich")
        tab.click("#show-borough")
        tab.wait_for_load_state()
        assert numbers.locator("a[href^='tel:']").count() == 0
        assert numbers.locator(".not-confirmed").count() == 5
        assert serious_violations(tab) == []

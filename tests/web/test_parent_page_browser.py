"""A parent on a phone, in real Chromium at 360×640: the platform question's search box (as
you type, and without JavaScript), then "Right now" in the first screenful of the routes page,
the jump links, the folded steps; axe clean in the light and the dark theme."""

from __future__ import annotations

import pytest

from tests.support.pages import scan_tab, serious_violations
from tests.support.screenshots import keep_for_readme
from tests.web.test_browser_pages import go_through

pytestmark = pytest.mark.browser

PHONE = (360, 640)


def to_platform_question(tab) -> None:
    """Parent, no danger, grooming, age 9: up to the platform question."""

    def submit(expect: str) -> None:
        tab.click("form.question button[type=submit]")
        tab.wait_for_url(f"**{expect}")

    tab.check("#audience-parent-carer")
    submit("/help/danger")
    tab.check("#danger-no")
    submit("/help/concern")
    tab.check("#concern-grooming")
    submit("/help/age")
    tab.fill("#age", "9")
    submit("/help/platform")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_parent_on_a_phone_finds_roblox_and_reads_right_now_first(
    chromium, live_helper, artifacts, scheme
):
    with scan_tab(chromium, live_helper, scheme, *PHONE) as tab:
        to_platform_question(tab)
        more = tab.locator("details.more-apps")
        assert more.get_attribute("open") is None
        popular = tab.locator(".popular .choice")
        assert 8 <= popular.count() <= 10
        # The popular apps and the fold fit in about two screens, not 1,829 px.
        assert more.bounding_box()["y"] < 2 * PHONE[1]
        assert serious_violations(tab) == []
        tab.screenshot(path=artifacts / f"web-platform-question-{scheme}.png", full_page=True)
        # Typing filters in place and opens the fold when a match is inside it.
        tab.fill("#find", "twitch")
        tab.locator("#platform-twitch-tv").wait_for(state="visible")
        assert more.get_attribute("open") is not None
        assert tab.locator(".choice[data-name]:visible").count() == 1
        assert "1 app matches" in tab.locator("#find-count").inner_text()
        tab.fill("#find", "rob")
        tab.locator("#platform-roblox-com").wait_for(state="visible")
        tab.check("#platform-roblox-com")
        tab.click("form.question button[type=submit]")
        tab.wait_for_url("**/help/result")
        right_now = tab.locator("section.right-now")
        box = right_now.bounding_box()
        assert box["y"] + box["height"] <= PHONE[1], "Right now must be in the first screenful"
        assert right_now.locator("li").count() == 3
        assert tab.locator("nav.jumps a").all_inner_texts() == [
            "Report",
            "Talk with your child",
            "Roblox parental controls",
        ]
        tab.screenshot(path=artifacts / f"web-result-parent-phone-{scheme}.png")
        if scheme == "light":
            keep_for_readme(artifacts / "web-result-parent-phone-light.png")
        # Steps are folded; a card's "How to do it" opens by keyboard.
        steps = tab.locator("#route-ceop details.steps")
        assert not steps.locator("ol").is_visible()
        steps.locator("summary").focus()
        tab.keyboard.press("Enter")
        assert steps.locator("ol").is_visible()
        # The jump links land on their sections.
        tab.click("nav.jumps a[href='#talk']")
        tab.wait_for_function("location.hash === '#talk'")
        talk = tab.locator("#talk").bounding_box()
        bar = tab.locator(".top-bar").bounding_box()
        assert bar["y"] + bar["height"] <= talk["y"] < PHONE[1], "below the sticky 999 bar"
        tab.click("section.right-now a[href='#route-ceop']")
        tab.wait_for_function("location.hash === '#route-ceop'")
        assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
        assert serious_violations(tab) == []
        tab.screenshot(path=artifacts / f"web-result-parent-{scheme}.png", full_page=True)


def test_the_platform_search_works_with_javascript_off(chromium, live_helper):
    ctx = chromium.new_context(java_script_enabled=False, viewport={"width": 360, "height": 640})
    try:
        tab = ctx.new_page()
        tab.goto(live_helper.url)
        to_platform_question(tab)
        tab.fill("#find", "Roblox")
        tab.press("#find", "Enter")
        tab.wait_for_url("**/help/platform?find=Roblox")
        offered = tab.locator("input[name=platform]")
        assert [offered.nth(i).get_attribute("value") for i in range(offered.count())] == [
            "not-sure",
            "roblox.com",
        ]
        tab.check("#platform-roblox-com")
        tab.click("form.question button[type=submit]")
        tab.wait_for_url("**/help/result")
        assert "Roblox" in tab.locator("#route-platform-roblox").inner_text()
    finally:
        ctx.close()


def test_a_young_person_also_gets_folded_steps(chromium, live_helper):
    with scan_tab(chromium, live_helper, "light", *PHONE) as tab:
        go_through(tab, "young-person", "14", "nude-image-shared")
        assert tab.locator(".card details.steps").count() >= 1
        assert tab.locator("section.right-now").count() == 0

"""Each audience's journey in real Chromium, quick exit (button and Shift×3, then Back), the
pages with JavaScript off, an axe scan of every public page, and screenshots for the README."""

from __future__ import annotations

import pytest

from tests.support.pages import scan_tab, serious_violations
from tests.support.screenshots import keep_for_readme

pytestmark = pytest.mark.browser

JOURNEYS = {
    "young-person": ("14", "nude-image-shared", "Report Remove"),
    "parent-carer": ("11", "sextortion", "CEOP"),
    "professional": ("15", "csam-found", "Internet Watch Foundation"),
}


def go_through(page, audience: str, age: str, concern: str, shots=None, danger="no") -> None:
    def submit(expect: str) -> None:
        page.click("form.question button[type=submit]")
        page.wait_for_url(f"**{expect}")

    page.check(f"#audience-{audience}")
    submit("/help/danger")
    page.check(f"#danger-{danger}")
    submit("/help/concern")
    if shots:
        page.screenshot(path=shots / f"web-question-{audience}.png", full_page=True)
    page.check(f"#concern-{concern}")
    submit("/help/age")
    page.fill("#age", age)
    submit("/help/platform")
    submit("/help/result")


@pytest.mark.parametrize("audience", list(JOURNEYS))
def test_each_audience_reaches_its_routes(page, live_helper, audience, artifacts):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    age, concern, expect = JOURNEYS[audience]
    page.reload()
    go_through(page, audience, age, concern, shots=artifacts)
    # Nothing leaves the machine: every request the pages made went to the helper itself.
    assert requested and all(url.startswith(live_helper.base + "/") for url in requested)
    assert page.locator("h1").inner_text() == "Where to go next"
    assert expect in page.locator(".cards").inner_text()
    assert page.locator(".warning").count() >= 1
    page.screenshot(path=artifacts / f"web-result-{audience}.png", full_page=True)
    keep_for_readme(artifacts / f"web-result-{audience}.png")
    has_button = page.locator("#quick-exit").count() == 1
    assert has_button == (audience != "professional")
    for link in page.locator(".cards a[href^='https:']").all():
        assert link.get_attribute("target") == "_blank"
        assert link.get_attribute("rel") == "noopener noreferrer"


def assert_nothing_left(page, live_helper) -> None:
    assert page.url == f"{live_helper.base}/away"
    assert page.title() == "Times tables"
    text = page.content()
    assert "Where to go next" not in text and "Report Remove" not in text
    assert "Start again" not in text


def test_quick_exit_button_then_back_shows_nothing(page, live_helper):
    go_through(page, "young-person", "14", "nude-image-shared")
    page.click("#quick-exit")
    page.wait_for_url("**/away")
    assert_nothing_left(page, live_helper)
    for _ in range(3):
        page.go_back()
        page.wait_for_load_state()
        assert_nothing_left(page, live_helper)


def test_shift_three_times_exits_and_back_shows_nothing(page, live_helper):
    go_through(page, "young-person", "13", "cyberbullying")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    assert page.url.endswith("/help/result")  # two presses are not enough
    page.keyboard.press("Shift")
    page.wait_for_url("**/away")
    assert_nothing_left(page, live_helper)
    page.go_back()
    page.wait_for_load_state()
    assert_nothing_left(page, live_helper)


def test_everything_works_with_javascript_off(chromium, live_helper):
    ctx = chromium.new_context(java_script_enabled=False)
    try:
        tab = ctx.new_page()
        tab.goto(live_helper.url)
        go_through(tab, "young-person", "15", "sextortion")
        assert "CEOP" in tab.locator(".cards").inner_text()
        tab.click("#quick-exit")  # a plain form post without JavaScript
        tab.wait_for_url("**/away")
        tab.go_back()
        assert_nothing_left(tab, live_helper)
    finally:
        ctx.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_problem_on_any_public_page(chromium, live_helper, artifacts, scheme):
    with scan_tab(chromium, live_helper, scheme, 1100, 900) as tab:
        found = {"/": serious_violations(tab)}
        if scheme == "light":
            tab.screenshot(path=artifacts / "web-start.png", full_page=True)
            keep_for_readme(artifacts / "web-start.png")
        else:
            tab.screenshot(path=artifacts / "web-start-dark.png", full_page=True)
        tab.check("#audience-parent-carer")
        tab.click("form.question button[type=submit]")
        for step, act in (
            ("danger", lambda: tab.check("#danger-yes")),
            ("concern", lambda: tab.check("#concern-grooming")),
            ("age", lambda: tab.fill("#age", "12")),
            ("platform", lambda: None),
        ):
            tab.wait_for_url(f"**/help/{step}")
            found[f"/help/{step}"] = serious_violations(tab)
            act()
            tab.click("form.question button[type=submit]")
        tab.wait_for_url("**/help/result")
        found["/help/result"] = serious_violations(tab)
        for path in ("/platforms", "/about", "/settings", "/no-such-page"):
            tab.goto(live_helper.base + path)
            found[path] = serious_violations(tab)
            if path != "/no-such-page":
                name = f"web{path.replace('/', '-')}-{scheme}.png"
                tab.screenshot(path=artifacts / name, full_page=True)
        tab.goto(live_helper.base + "/help/age")
        tab.click("form.question button[type=submit]")  # empty age: the error state
        found["/help/age (error)"] = serious_violations(tab)
        tab.goto(live_helper.base + "/away")
        found["/away"] = serious_violations(tab)
    assert {page: v for page, v in found.items() if v} == {}


@pytest.mark.parametrize(
    ("size", "scale"),
    [({"width": 360, "height": 640}, 1), ({"width": 180, "height": 320}, 2)],
    ids=["360x640", "360x640-at-200-percent-zoom"],
)
def test_in_danger_the_999_link_is_the_first_thing_and_above_the_fold(
    chromium, live_helper, artifacts, size, scale
):
    """At 200% zoom a 360x640 screen is 180x320 CSS pixels: the same layout, twice the size."""
    ctx = chromium.new_context(viewport=size, device_scale_factor=scale, is_mobile=True)
    try:
        tab = ctx.new_page()
        tab.goto(live_helper.url)
        go_through(tab, "young-person", "14", "sextortion", danger="yes")
        tab.screenshot(path=artifacts / f"web-danger-{size['width']}x{scale}.png")
        call = tab.locator(".call-999 a").first
        # Nothing before it but the 999 line and Quick exit (and the hidden skip link).
        before = tab.evaluate(
            "[...document.querySelectorAll('a, button')].filter(e => e.offsetParent &&"
            " !e.closest('.top-bar') && !e.classList.contains('skip-link'))[0].id"
        )
        assert before == "call-999-now"
        assert call.get_attribute("href") == "tel:999"
        box = call.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], box
        top = tab.locator("#call-999").bounding_box()
        assert top["y"] + top["height"] <= size["height"]
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{width} px wide"
        # Quick exit and the 999 line stay in view however far the page scrolls.
        tab.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        for selector in ("#quick-exit", "#call-999"):
            box = tab.locator(selector).bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], selector
    finally:
        ctx.close()


def test_the_neutral_page_fits_400_px_and_says_nothing_about_waymark(chromium, live_helper):
    ctx = chromium.new_context(viewport={"width": 400, "height": 700})
    try:
        tab = ctx.new_page()
        tab.goto(live_helper.url)
        go_through(tab, "young-person", "14", "sextortion")
        tab.click("#quick-exit")
        tab.wait_for_url("**/away")
        assert tab.evaluate("document.documentElement.scrollWidth") <= 400
        assert "Start again" not in tab.content()
        # The quiet way back is the last thing on the page.
        last = tab.locator("main > *").last
        assert last.locator("button").inner_text() == "Home"
        table = tab.locator("table").bounding_box()
        assert last.bounding_box()["y"] > table["y"] + table["height"]
    finally:
        ctx.close()

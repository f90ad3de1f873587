"""The popup on a small phone screen, zoomed in: the walk-through of a 13-year-old being
blackmailed on Instagram, on a 360x640 phone at 200 % zoom. Each screen starts at its top, the
focused question is below the sticky header and on screen (WCAG 2.4.11), the header is one short
line, nothing scrolls sideways, and Settings is whole.

Zoom is the browser's own, never a stylesheet change made by the test:
- "page zoom": Chromium's zoom (chrome.tabs.setZoom, what Ctrl + and the zoom menu do) at 200 %
  in a 360x640 window, so the page is laid out in 180x320 CSS pixels, as a phone browser zoomed
  to 200 % lays it out;
- "text size": Chromium's own default font size setting (DevTools' Page.setFontSizes, what
  Settings > Appearance > Font size changes) at 32 px, twice the usual 16, in 360x640: text
  zoom, which enlarges the text and leaves the layout width as it is;
- "320 px": no zoom in a 320x640 window (WCAG 1.4.10's reflow width).
"""

from __future__ import annotations

import pytest

from tests.extension.harness import open_popup

ZOOMS = {
    "page-zoom": {"width": 360, "height": 640},
    "text-size": {"width": 360, "height": 640},
    "320px": {"width": 320, "height": 640},
}

LAYOUT = """() => {
  const box = (e) => e.getBoundingClientRect();
  const root = document.documentElement;
  const header = box(document.querySelector('header.top'));
  const focused = document.activeElement;
  return {
    width: root.clientWidth, height: innerHeight, scrollWidth: root.scrollWidth,
    scrollY: scrollY, header: header.bottom,
    scrollPadding: parseFloat(getComputedStyle(root).scrollPaddingTop),
    call: box(document.getElementById('call-999')), exit: box(document.getElementById('quick-exit')),
    focused: focused.tagName, focusedText: focused.textContent, focusedBox: box(focused),
  };
}"""


def zoomed(context, worker, zoom: str):
    """The popup, as the walk-through had it: opened on Instagram, zoomed as `zoom` says."""
    worker.evaluate("chrome.storage.session.set({pending: {host: 'www.instagram.com'}})")
    page = open_popup(context)
    page.set_viewport_size(ZOOMS[zoom])
    if zoom == "page-zoom":
        tab = page.evaluate("chrome.tabs.getCurrent().then(t => t.id)")
        worker.evaluate("id => chrome.tabs.setZoom(id, 2)", tab)
        page.wait_for_function("innerWidth === 180")
    elif zoom == "text-size":
        session = page.context.new_cdp_session(page)
        session.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
        page.wait_for_function("getComputedStyle(document.body).fontSize === '32px'")
    # The header's height reaches scroll-padding-top when its size is next observed.
    page.wait_for_function(
        "Math.abs(parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop)"
        " - document.querySelector('header.top').getBoundingClientRect().height) < 1"
    )
    return page


def check_layout(page, screen: str, question: str | None) -> dict:
    at = page.evaluate(LAYOUT)
    where = f"{screen}: {at}"
    assert at["scrollWidth"] <= at["width"], f"scrolls sideways, {where}"
    # One short line: the 999 link and Quick exit side by side, the header no taller than them
    # and a little padding, and no more than a fifth of the screen.
    call, exit_ = at["call"], at["exit"]
    assert abs((call["top"] + call["bottom"]) - (exit_["top"] + exit_["bottom"])) < 4, where
    assert at["header"] <= max(call["bottom"], exit_["bottom"]) + 12, where
    assert at["header"] <= at["height"] / 5, f"the header takes {at['header']} px, {where}"
    for control in (call, exit_):
        assert control["left"] >= 0 and control["right"] <= at["width"], where
    assert abs(at["scrollPadding"] - at["header"]) < 1, f"scroll-padding-top, {where}"
    if question is not None:
        # The new screen starts at its top, and its question has the focus, below the header
        # and inside the screen.
        assert at["scrollY"] == 0, f"kept the last screen's scroll, {where}"
        assert at["focused"] == "H1" and at["focusedText"] == question, where
        heading = at["focusedBox"]
        assert heading["top"] >= at["header"], f"the question is under the header, {where}"
        assert heading["bottom"] <= at["height"], f"the question is off the screen, {where}"
    return at


def settings_whole(page) -> None:
    """Settings, scrolled to, is inside the screen on every side and not covered."""
    button = page.locator("#options")
    button.scroll_into_view_if_needed()
    at = page.evaluate(
        """() => {
      const b = document.getElementById('options').getBoundingClientRect();
      const top = document.querySelector('header.top').getBoundingClientRect().bottom;
      const hit = document.elementFromPoint((b.left + b.right) / 2, (b.top + b.bottom) / 2);
      return {b, top, width: document.documentElement.clientWidth, height: innerHeight,
              hit: hit && hit.id};
    }"""
    )
    b = at["b"]
    assert b["left"] >= 0 and b["right"] <= at["width"], at
    assert b["top"] >= at["top"] and b["bottom"] <= at["height"], at
    assert at["hit"] == "options", at
    assert button.inner_text() == "Settings"


def scroll_to_bottom(page) -> None:
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("scrollY > 0")


@pytest.mark.parametrize("zoom", list(ZOOMS))
def test_zoomed_in_every_screen_starts_at_its_question(browser, artifacts, zoom):
    context, worker, _ = browser
    page = zoomed(context, worker, zoom)
    page.locator("body[data-screen='audience']").wait_for()
    check_layout(page, "audience", None)
    first = page.evaluate(
        "(() => { const r = document.querySelector('main h1').getBoundingClientRect();"
        " return [r.top, r.bottom, innerHeight]; })()"
    )
    assert first[1] <= first[2], "the first question is off the screen"
    settings_whole(page)
    page.screenshot(path=str(artifacts / f"extension-zoom-{zoom}-audience.png"))
    page.evaluate("window.scrollTo(0, 0)")
    page.click("[data-name='audience:young-person']")
    page.locator("body[data-screen='concern']").wait_for()
    page.locator(".where").wait_for()  # "This page is on Instagram."
    check_layout(page, "concern", "What happened?")
    scroll_to_bottom(page)
    page.click("[data-name='concern:sextortion']")
    page.locator("body[data-screen='age']").wait_for()
    check_layout(page, "age", "How old are you?")
    page.screenshot(path=str(artifacts / f"extension-zoom-{zoom}-age.png"))
    settings_whole(page)
    page.click("[data-name='age:13-17']")
    page.locator("body[data-screen='routes']").wait_for()
    check_layout(page, "routes", "Where to go now")
    page.locator("details").evaluate_all("ds => ds.forEach(d => { d.open = true; })")
    check_layout(page, "routes, details open", None)
    settings_whole(page)
    page.click("[data-name='back']")
    page.locator("body[data-screen='age']").wait_for()
    check_layout(page, "back to the age", "How old are you?")


@pytest.mark.parametrize("zoom", list(ZOOMS))
def test_zoomed_in_a_control_reached_with_tab_is_not_under_the_header(browser, zoom):
    """scroll-padding-top is the header's height, so the browser scrolls a control that gets
    the focus out from under the sticky header (WCAG 2.4.11, Focus Not Obscured)."""
    context, worker, _ = browser
    page = zoomed(context, worker, zoom)
    page.click("[data-name='audience:young-person']")
    page.click("[data-name='concern:sextortion']")
    page.click("[data-name='age:13-17']")
    page.locator("body[data-screen='routes']").wait_for()
    target = page.locator("li.card a[target='_blank']").nth(1)
    # The second route's link sits just under the header, and the focus is on the control
    # before it (without scrolling to it); then Tab.
    target.evaluate(
        """(link) => {
      const header = document.querySelector('header.top').getBoundingClientRect().height;
      window.scrollBy(0, link.getBoundingClientRect().top - header + 8);
      const controls = [...document.querySelectorAll('a[href], button, summary, input')]
        .filter((c) => c.offsetParent !== null);
      controls[controls.indexOf(link) - 1].focus({preventScroll: true});
    }"""
    )
    page.keyboard.press("Tab")
    assert target.evaluate("link => link === document.activeElement")
    at = page.evaluate(LAYOUT)
    assert at["focusedBox"]["top"] >= at["header"] - 0.5, f"focused link under the header: {at}"
    assert at["focusedBox"]["bottom"] <= at["height"], at


def test_the_shift_hint_is_not_shown_on_a_touch_screen(browser):
    """"Press Shift three times" means nothing without a keyboard: on a touch screen (Chromium's
    touch emulation: no hover, a coarse pointer) it is not shown; Settings still is."""
    context, _, _ = browser
    page = open_popup(context)
    hint = page.locator(".foot .hint")
    assert hint.is_visible() and "Shift three times" in hint.inner_text()
    session = context.new_cdp_session(page)
    session.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
    page.wait_for_function("matchMedia('(hover: none)').matches")
    hint.wait_for(state="hidden")
    assert page.locator("#options").is_visible()

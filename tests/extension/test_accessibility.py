"""axe on every popup screen and the options page in the light and the dark theme (no serious or
critical violations), touch targets of at least 24x24 px, and screenshots for the README."""

from __future__ import annotations

import pytest

from tests.extension.harness import ORIGIN, open_popup
from tests.support.screenshots import keep_for_readme

# For each screen: the clicks that reach it.
SCREENS = {
    "audience": [],
    "young-person-concern": ["audience:young-person"],
    "young-person-age": ["audience:young-person", "concern:nude-image-shared"],
    "young-person-routes": ["audience:young-person", "concern:nude-image-shared", "age:13-17"],
    "parent-age": ["audience:parent-carer", "concern:grooming"],
    "parent-routes": ["audience:parent-carer", "concern:grooming", "age:8-12"],
    "professional-routes": ["audience:professional", "concern:csam-found", "age:not-sure"],
}
# The README shows these (tests/support/screenshots.py).
FOR_README = ("audience", "young-person-routes", "professional-routes")


def serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_popup_screen_passes_axe_and_target_size(browser, artifacts, screen, scheme):
    context, _, _ = browser
    page = open_popup(context)
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": 360, "height": 640})
    for name in SCREENS[screen]:
        page.click(f"[data-name='{name}']")
    page.locator("main h1").wait_for()
    page.locator("details").evaluate_all("ds => ds.forEach(d => { d.open = true; })")
    assert serious(page) == []
    small = page.locator("button, a, summary, input, select").evaluate_all(
        "els => els.filter(e => e.offsetParent !== null).map(e => [e.textContent.trim() || e.id,"
        " e.getBoundingClientRect()]).filter(([, r]) => r.width < 24 || r.height < 24)"
        ".map(([n, r]) => `${n} ${r.width}x${r.height}`)"
    )
    assert small == []
    suffix = "" if scheme == "light" else "-dark"
    shot = artifacts / f"extension-{screen}{suffix}.png"
    page.screenshot(path=str(shot), full_page=True)
    if screen in FOR_README and scheme == "light":
        keep_for_readme(shot)


def luminance(rgb: str) -> float:
    """WCAG relative luminance of a computed colour, "rgb(r, g, b)"."""
    parts = [int(float(v)) / 255 for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in parts)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_not_your_fault_box_is_calm_not_a_red_warning(browser, scheme):
    context, _, _ = browser
    page = open_popup(context)
    page.emulate_media(color_scheme=scheme)
    for name in ["audience:young-person", "concern:sextortion", "age:13-17"]:
        page.click(f"[data-name='{name}']")
    box = page.locator("section.warnings:has([data-warning='not-your-fault'])")
    colours = box.evaluate(
        """(box) => {
      const style = getComputedStyle(box);
      return {border: style.borderLeftColor, background: style.backgroundColor,
              text: getComputedStyle(box.querySelector('li')).color,
              page: getComputedStyle(document.body).backgroundColor,
              red: getComputedStyle(document.getElementById('quick-exit')).backgroundColor};
    }"""
    )
    assert colours["border"] != colours["red"], colours
    border = colours["border"]
    r, g, b = (int(v) for v in border[border.index("(") + 1 : border.index(")")].split(",")[:3])
    assert b > r, f"the box's line is not a calm blue: {colours}"
    assert contrast(colours["text"], colours["background"]) >= 4.5, colours
    assert contrast(colours["border"], colours["page"]) >= 3, colours
    assert serious(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_options_page_passes_axe(browser, artifacts, scheme):
    context, _, _ = browser
    page = context.new_page()
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{ORIGIN}/options/options.html")
    page.locator("#audience option").first.wait_for(state="attached")
    assert serious(page) == []
    page.check("#remember")  # the remembered answers, enabled
    assert serious(page) == []
    page.screenshot(path=str(artifacts / f"extension-options-{scheme}.png"), full_page=True)


def test_the_dark_theme_follows_the_system(browser):
    context, _, _ = browser
    page = open_popup(context)
    background = "getComputedStyle(document.body).backgroundColor"
    page.emulate_media(color_scheme="light")
    light = page.evaluate(background)
    page.emulate_media(color_scheme="dark")
    assert page.evaluate(background) != light
    assert page.evaluate(background) == "rgb(18, 20, 22)"

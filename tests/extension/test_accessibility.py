"""axe on every popup screen and the options page (no serious or critical violations), touch
targets of at least 24x24 px, and screenshots of each screen for the README."""

from __future__ import annotations

import pytest

from tests.extension.harness import ORIGIN, open_popup
from tests.support.screenshots import keep_for_readme

# For each screen: the clicks that reach it.
SCREENS = {
    "audience": [],
    "young-person-age": ["audience:young-person"],
    "young-person-concern": ["audience:young-person", "age:13-17"],
    "young-person-routes": ["audience:young-person", "age:13-17", "concern:nude-image-shared"],
    "parent-routes": ["audience:parent-carer", "age:under-13", "concern:grooming"],
    "professional-routes": ["audience:professional", "age:not-sure", "concern:csam-found"],
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


@pytest.mark.parametrize("screen", list(SCREENS))
def test_popup_screen_passes_axe_and_target_size(browser, artifacts, screen):
    context, _, _ = browser
    page = open_popup(context)
    page.set_viewport_size({"width": 380, "height": 600})
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
    shot = artifacts / f"extension-{screen}.png"
    page.screenshot(path=str(shot), full_page=True)
    if screen in FOR_README:
        keep_for_readme(shot)


def test_options_page_passes_axe(browser, artifacts):
    context, _, _ = browser
    page = context.new_page()
    page.goto(f"{ORIGIN}/options/options.html")
    page.locator("#audience option").first.wait_for(state="attached")
    assert serious(page) == []
    page.screenshot(path=str(artifacts / "extension-options.png"), full_page=True)

"""Parents' guidance in the real popup: read from the packaged data after the routes are drawn
(routing never waits for it), shown as four headed lists with the general sections behind a
disclosure; never for a young person or a professional; axe clean in both themes at 360 px."""

from __future__ import annotations

import json

import pytest

from helper import guidance
from helper.paths import extension_dir
from tests.extension.harness import open_popup
from tests.extension.test_accessibility import serious

HEADINGS = ["What to do now", "What not to do", "Talking with your child", "Support for you"]


def to_routes(page, audience: str, concern: str, band: str) -> None:
    page.click(f"[data-name='audience:{audience}']")
    page.click(f"[data-name='concern:{concern}']")
    page.click(f"[data-name='age:{band}']")
    page.locator("body[data-screen='routes']").wait_for()


def test_the_shipped_guidance_is_the_knowledge_base_s():
    shipped = json.loads((extension_dir() / "data" / "guidance.json").read_text(encoding="utf-8"))
    assert shipped == guidance.default()


@pytest.mark.parametrize(
    ("band", "age"),
    [("under-8", 7), ("8-12", 12), ("13-17", 15), ("not-sure", None)],
    ids=str,
)
def test_a_parent_gets_the_guidance_for_the_age_band_after_the_routes(browser, band, age):
    context, _, asked = browser
    page = open_popup(context)
    to_routes(page, "parent-carer", "sextortion", band)
    section = page.locator("section.guidance")
    section.wait_for()
    advice = guidance.guidance_for("sextortion", age, guidance.default())
    assert section.get_attribute("data-band") == advice["band"]
    assert section.locator("> h3").all_inner_texts() == HEADINGS
    for key in guidance.KEYS:
        assert section.locator(f"ul[data-guidance='{key}'] li").all_inner_texts() == advice[key]
    # After the routes (and the app's own tools), never before them.
    order = page.evaluate(
        "[...document.querySelectorAll('main ol.routes, main section.guidance')]"
        ".map(e => e.tagName)"
    )
    assert order == ["OL", "SECTION"]
    more = section.locator("details.guidance-general")
    assert more.get_attribute("open") is None
    more.locator("summary").click()
    titles = [s["title"] for s in guidance.general(guidance.default())]
    assert more.locator("h3").all_inner_texts() == titles
    assert asked == [], "the popup asked the network for something"


def test_guidance_is_read_only_after_the_routes_are_shown(browser):
    """Marks, not timings: the routes screen is drawn before guidance.json is even asked for."""
    context, _, _ = browser
    page = open_popup(context)
    to_routes(page, "parent-carer", "grooming", "8-12")
    page.locator("section.guidance").wait_for()
    times = page.evaluate(
        """() => {
        const mark = (n) => performance.getEntriesByName(n).at(-1).startTime;
        const read = performance.getEntriesByName('waymark:guidance-read');
        return { routes: mark('waymark:routes'), guidance: mark('waymark:guidance'),
                 read: read.map((r) => r.startTime) };
    }"""
    )
    assert len(times["read"]) == 1
    assert times["routes"] <= times["read"][0] <= times["guidance"]
    # Going back and forward again uses what was read: the guidance is drawn with the routes.
    page.click("[data-name='back']")
    page.click("[data-name='age:13-17']")
    page.locator("section.guidance[data-band='13-17']").wait_for()
    assert page.locator("#guidance-slot").count() == 0
    assert page.evaluate("performance.getEntriesByName('waymark:guidance-read').length") == 1


@pytest.mark.parametrize(
    ("audience", "concern", "band"),
    [
        ("young-person", "sextortion", "13-17"),
        ("professional", "grooming", "8-12"),
    ],
)
def test_no_parents_guidance_for_others(browser, audience, concern, band):
    context, _, _ = browser
    page = open_popup(context)
    to_routes(page, audience, concern, band)
    page.wait_for_function("!document.getElementById('guidance-slot')")
    assert page.locator("section.guidance").count() == 0


def test_a_parent_of_an_adult_gets_adult_guidance_not_childrens(browser):
    context, _, _ = browser
    page = open_popup(context)
    to_routes(page, "parent-carer", "nude-image-shared", "18-plus")
    guidance = page.locator("section.guidance")
    guidance.wait_for()
    assert guidance.get_attribute("data-band") == "adult"
    text = guidance.inner_text()
    assert "their choice" in text and "NSPCC" not in text and "CEOP" not in text


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_guidance_passes_axe_and_fits_360_px(browser, artifacts, scheme):
    context, _, _ = browser
    page = open_popup(context)
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": 360, "height": 640})
    to_routes(page, "parent-carer", "self-harm", "13-17")
    page.locator("section.guidance").wait_for()
    page.locator("details").evaluate_all("ds => ds.forEach(d => { d.open = true; })")
    assert serious(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide"
    summary = page.locator(".guidance-general summary").bounding_box()
    assert summary["height"] >= 24
    page.screenshot(path=str(artifacts / f"extension-parent-guidance-{scheme}.png"), full_page=True)

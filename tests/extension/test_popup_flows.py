"""Every audience reaches its routes in the real popup, in three clicks, with the mouse and with
the keyboard alone; the audience is remembered and can be changed on every screen."""

from __future__ import annotations

import pytest

from tests.extension.harness import open_popup

FLOWS = [
    ("young-person", "13-17", "sextortion", ["ceop", "childline"]),
    ("parent-carer", "under-13", "grooming", ["ceop", "nspcc-helpline"]),
    ("professional", "not-sure", "csam-found", ["dsl", "iwf"]),
]


def route_ids(page) -> list[str]:
    return page.locator("li.card").evaluate_all("cards => cards.map(c => c.dataset.route)")


@pytest.mark.parametrize(("audience", "band", "concern", "expected"), FLOWS)
def test_each_audience_reaches_routes_in_three_clicks(browser, audience, band, concern, expected):
    context, _, asked = browser
    page = open_popup(context)
    assert page.locator("body").get_attribute("data-screen") == "audience"
    page.click(f"[data-name='audience:{audience}']")
    page.click(f"[data-name='age:{band}']")
    page.click(f"[data-name='concern:{concern}']")
    page.locator("body[data-screen='routes']").wait_for()
    ids = route_ids(page)
    for route in expected:
        assert route in ids
    for href in page.locator("li.card a").evaluate_all("links => links.map(a => a.href)"):
        assert href.startswith("https://")
    if audience == "professional":
        assert page.locator(".procedure li").count() > 0
        assert page.locator("[data-name='record-concern']").is_visible()
    else:
        assert page.locator("[data-name='record-concern']").count() == 0
    assert asked == [], "the popup asked the network for something"


def test_danger_now_puts_999_first(browser):
    context, _, _ = browser
    page = open_popup(context)
    page.click("[data-name='audience:young-person']")
    page.click("[data-name='age:under-13']")
    page.check("#danger-now")
    page.click("[data-name='concern:cyberbullying']")
    page.locator("body[data-screen='routes']").wait_for()
    assert route_ids(page)[0] == "police-999"
    assert "999" in page.locator("li.card").first.inner_text()


def test_audience_is_remembered_and_changeable_on_every_screen(browser):
    context, worker, _ = browser
    page = open_popup(context)
    page.click("[data-name='audience:parent-carer']")
    page.close()
    page = open_popup(context)
    assert page.locator("body").get_attribute("data-screen") == "age"
    path = ["[data-name='age:13-17']", "[data-name='concern:cyberbullying']"]
    for depth, screen in enumerate(("age", "concern", "routes")):
        if depth:
            page.click("[data-name='audience:parent-carer']")
        for step in path[:depth]:
            page.click(step)
        page.locator(f"body[data-screen='{screen}']").wait_for()
        page.click("[data-name='change-audience']")
        assert page.locator("body").get_attribute("data-screen") == "audience"
    page.click("[data-name='audience:young-person']")
    stored = worker.evaluate("chrome.storage.local.get(null)")
    assert stored.get("audience") == "young-person"
    assert set(stored) <= {"audience", "ageBand", "neutralUrl", "clearHistory"}


def test_keyboard_only_reaches_routes_with_visible_focus(browser):
    context, _, _ = browser
    page = open_popup(context)

    def tab_to(name: str) -> None:
        for _ in range(20):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.dataset.name") == name:
                outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
                assert outline != "none", "focus is not visible"
                page.keyboard.press("Enter")
                return
        raise AssertionError(f"could not reach {name} with Tab")

    tab_to("audience:young-person")
    page.locator("body[data-screen='age']").wait_for()
    tab_to("age:13-17")
    page.locator("body[data-screen='concern']").wait_for()
    tab_to("concern:cyberbullying")
    page.locator("body[data-screen='routes']").wait_for()
    assert "childline" in route_ids(page)


def test_back_walks_one_answer_at_a_time(browser):
    context, _, _ = browser
    page = open_popup(context)
    page.click("[data-name='audience:professional']")
    page.click("[data-name='age:not-sure']")
    page.click("[data-name='concern:colleague-allegation']")
    page.locator("body[data-screen='routes']").wait_for()
    assert "lado" in route_ids(page)
    for screen in ("concern", "age", "audience"):
        page.click("[data-name='back']")
        assert page.locator("body").get_attribute("data-screen") == screen

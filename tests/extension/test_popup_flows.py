"""Every audience reaches its routes in the real popup, in three clicks, with the mouse and with
the keyboard alone; nothing is remembered unless remembering is turned on; the audience can be
changed on every screen; no horizontal scroll at 360 px; the header stays in view."""

from __future__ import annotations

import pytest

from tests.extension.harness import open_popup

FLOWS = [
    ("young-person", "13-17", "sextortion", ["ceop", "childline"]),
    ("parent-carer", "8-12", "grooming", ["ceop", "nspcc-helpline"]),
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
    page.click(f"[data-name='concern:{concern}']")
    page.click(f"[data-name='age:{band}']")
    page.locator("body[data-screen='routes']").wait_for()
    ids = route_ids(page)
    for route in expected:
        assert route in ids
    for href in page.locator("li.card a").evaluate_all("links => links.map(a => a.href)"):
        assert href.startswith(("https://", "tel:", "sms:"))
    if audience == "professional":
        assert page.locator(".procedure li").count() > 0
        assert page.locator("[data-name='record-concern']").is_visible()
    else:
        assert page.locator("[data-name='record-concern']").count() == 0
    assert asked == [], "the popup asked the network for something"


def test_a_parent_is_offered_7_or_under_and_told_what_18_or_over_means(browser):
    context, _, _ = browser
    page = open_popup(context)
    page.click("[data-name='audience:parent-carer']")
    page.click("[data-name='concern:grooming']")
    page.locator("body[data-screen='age']").wait_for()
    assert page.locator("[data-name^='age:']").all_inner_texts() == [
        "7 or under",
        "8 to 12",
        "13 to 17",
        "18 or over (an adult child)",
        "Not sure",
    ]
    adult = page.locator("[data-name='age:18-plus']")
    hint = page.locator(f"#{adult.get_attribute('aria-describedby')}")
    assert "adult" in hint.inner_text() and hint.is_visible()
    page.click("[data-name='age:under-8']")
    page.locator("section.guidance[data-band='under-8']").wait_for()


def test_a_young_person_reads_short_names_with_the_full_one_in_the_details(browser):
    context, _, _ = browser
    page = open_popup(context)
    page.click("[data-name='audience:young-person']")
    page.click("[data-name='concern:sextortion']")
    page.click("[data-name='age:13-17']")
    card = page.locator("li.card[data-route='ceop']")
    assert card.locator("h2").inner_text() == "CEOP: the police team that keeps children safe online"
    assert card.locator("a[target='_blank']").inner_text() == "Open the CEOP page on ceop.police.uk"
    card.locator("summary").click()
    full = card.locator("details .full-name")
    assert full.inner_text() == "Full name: CEOP Safety Centre (National Crime Agency)"
    remove = page.locator("li.card[data-route='report-remove'] h2")
    assert remove.inner_text() == "Report Remove: help to get a nude picture of you taken down"
    # A parent reads the knowledge base's own names.
    page.click("[data-name='change-audience']")
    page.click("[data-name='audience:parent-carer']")
    page.click("[data-name='concern:sextortion']")
    page.click("[data-name='age:13-17']")
    heading = page.locator("li.card[data-route='ceop'] h2")
    assert heading.inner_text() == "CEOP Safety Centre (National Crime Agency)"
    assert page.locator(".full-name").count() == 0


def test_danger_now_puts_999_first(browser):
    context, _, _ = browser
    page = open_popup(context)
    page.click("[data-name='audience:young-person']")
    page.check("#danger-now")
    page.click("[data-name='concern:cyberbullying']")
    page.click("[data-name='age:under-13']")
    page.locator("body[data-screen='routes']").wait_for()
    assert route_ids(page)[0] == "police-999"
    assert "999" in page.locator("li.card").first.inner_text()


def test_nothing_is_remembered_by_default(browser):
    context, worker, _ = browser
    page = open_popup(context)
    page.click("[data-name='audience:young-person']")
    page.click("[data-name='concern:cyberbullying']")
    page.click("[data-name='age:13-17']")
    page.locator("body[data-screen='routes']").wait_for()
    page.close()
    assert worker.evaluate("chrome.storage.local.get(null)") == {}
    page = open_popup(context)
    assert page.locator("body").get_attribute("data-screen") == "audience"


def test_audience_is_remembered_when_turned_on_and_changeable_on_every_screen(browser):
    context, worker, _ = browser
    worker.evaluate("chrome.storage.local.set({remember: true})")
    page = open_popup(context)
    page.click("[data-name='audience:parent-carer']")
    page.close()
    page = open_popup(context)
    assert page.locator("body").get_attribute("data-screen") == "concern"
    path = ["[data-name='concern:cyberbullying']", "[data-name='age:13-17']"]
    for depth, screen in enumerate(("concern", "age", "routes")):
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
    assert set(stored) <= {"audience", "ageBand", "neutralUrl", "clearHistory", "remember"}


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
    page.locator("body[data-screen='concern']").wait_for()
    tab_to("concern:cyberbullying")
    page.locator("body[data-screen='age']").wait_for()
    tab_to("age:13-17")
    page.locator("body[data-screen='routes']").wait_for()
    assert "childline" in route_ids(page)


def test_back_walks_one_answer_at_a_time(browser):
    context, _, _ = browser
    page = open_popup(context)
    page.click("[data-name='audience:professional']")
    page.click("[data-name='concern:grooming']")
    page.click("[data-name='age:not-sure']")
    page.locator("body[data-screen='routes']").wait_for()
    for screen in ("age", "concern", "audience"):
        page.click("[data-name='back']")
        assert page.locator("body").get_attribute("data-screen") == screen


def test_a_concern_about_an_adult_does_not_ask_the_childs_age(browser):
    context, _, _ = browser
    page = open_popup(context)
    page.click("[data-name='audience:professional']")
    page.click("[data-name='concern:colleague-allegation']")
    page.locator("body[data-screen='routes']").wait_for()
    assert "lado" in route_ids(page)
    page.click("[data-name='back']")
    assert page.locator("body").get_attribute("data-screen") == "concern"


def test_every_phone_number_shown_is_a_link_that_calls(browser):
    context, _, _ = browser
    page = open_popup(context)
    assert page.locator(".top a#call-999").get_attribute("href") == "tel:999"
    for audience, concern, band in (
        ("young-person", "sextortion", "13-17"),
        ("parent-carer", "grooming", "under-8"),
        ("professional", "extremist-content", "13-17"),
    ):
        if page.locator("[data-name='change-audience']").count():
            page.click("[data-name='change-audience']")
        page.click(f"[data-name='audience:{audience}']")
        page.click(f"[data-name='concern:{concern}']")
        page.click(f"[data-name='age:{band}']")
        page.locator("body[data-screen='routes']").wait_for()
        phones = page.locator("li.card .phone")
        assert phones.count() > 0
        for phone in phones.all():
            link = phone.locator("a")
            assert link.count() == 1, phone.inner_text()
            digits = "".join(c for c in link.inner_text() if c.isdigit())
            assert link.get_attribute("href") in (f"tel:{digits}", f"sms:{digits}")
        # Outside links say where they go.
        for text in page.locator("li.card a[target='_blank']").all_inner_texts():
            assert text.startswith("Open "), text


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_sideways_scroll_at_360_px_and_the_header_stays_in_view(browser, scheme):
    context, _, _ = browser
    page = open_popup(context)
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": 360, "height": 640})
    page.click("[data-name='audience:professional']")
    page.click("[data-name='concern:nude-image-shared']")
    page.click("[data-name='age:13-17']")
    page.locator("body[data-screen='routes']").wait_for()
    page.locator("details").evaluate_all("ds => ds.forEach(d => { d.open = true; })")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide"
    page.mouse.wheel(0, 5000)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert page.evaluate("window.scrollY") > 300, "the routes did not scroll"
    for selector in ("#quick-exit", "#call-999"):
        box = page.locator(selector).bounding_box()
        assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 640, selector


def test_opened_from_the_menu_it_is_laid_out_for_a_tab(browser):
    context, _, _ = browser
    page = open_popup(context, "?view=tab")
    page.set_viewport_size({"width": 1200, "height": 800})
    box = page.locator("main#screen").bounding_box()
    assert box["width"] > 500, "still a narrow popup column"
    assert box["x"] > 100, "not centred in the tab"

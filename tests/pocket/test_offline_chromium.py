"""The pocket web app on a phone in real Chromium: installable (no installability errors from
the DevTools protocol), controlled by its service worker after the first load, and then, with
the network off and the server stopped, every flow still works from the worker's copy. Nothing
goes to another origin, nothing is left in the phone's storage, and Quick exit leaves nothing
behind Back."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.pocket.phone import (
    CONTROLLED,
    PHONES,
    STORAGE,
    flow,
    installability_errors,
    open_site,
    phone,
    routes,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

EMPTY = {"localStorage": 0, "sessionStorage": 0, "indexedDB": [], "cookie": ""}


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def start_afresh(page) -> None:
    page.reload()
    page.locator("body[data-screen='audience'] main h1").wait_for()


@pytest.mark.parametrize("size", list(PHONES))
def test_installable_then_every_flow_works_offline(served, tmp_path, private_home, size):
    width, height = PHONES[size]
    with phone(tmp_path / "profile", PHONES[size]) as driven:
        page = driven.page
        open_site(driven, served.base)
        assert installability_errors(driven) == []

        driven.context.set_offline(True)
        served.stop()  # and nothing answers at the address any more
        start_afresh(page)
        assert page.evaluate(CONTROLLED).endswith("/sw.js")

        # A young person of 14 being blackmailed over a picture.
        flow(page, "young-person", "sextortion", "13-17")
        assert {"ceop", "report-remove"} <= set(routes(page))
        assert page.evaluate(STORAGE) == EMPTY

        # A parent: the routes, then the guidance for the child's age.
        start_afresh(page)
        flow(page, "parent-carer", "grooming", "8-12")
        guidance = page.locator("section.guidance")
        guidance.wait_for()
        assert guidance.get_attribute("data-band") == "8-12"
        assert guidance.locator("[data-guidance='now'] li").count() > 0
        assert page.evaluate(STORAGE) == EMPTY

        # Someone in danger now: a tap-to-call 999 link on the first screenful of routes.
        start_afresh(page)
        flow(page, "young-person", "grooming", "13-17", danger=True)
        assert routes(page)[0] == "police-999"
        call = page.locator("li.card[data-route='police-999'] a[href='tel:999']")
        box = call.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, box
        assert box["x"] + box["width"] <= width
        header = page.locator("#call-999").bounding_box()  # and the header's, always on screen
        assert (
            header is not None
            and header["y"] >= 0
            and page.locator("#call-999").get_attribute("href") == "tel:999"
        )
        assert page.evaluate(STORAGE) == EMPTY

        own = origin(served.base)
        assert driven.requests, "no request was seen at all"
        assert [url for url in driven.requests if origin(url) != own] == []
        assert driven.problems == []


def test_quick_exit_replaces_the_page_so_back_does_not_return(served, tmp_path, private_home):
    with phone(tmp_path / "profile") as driven:
        page = driven.page
        neutral = "https://www.bbc.co.uk/weather"
        stub = "<!doctype html><html lang='en'><title>stub</title><p>stub</p></html>"
        driven.context.route(
            "https://**/*", lambda route: route.fulfill(content_type="text/html", body=stub)
        )
        page.goto("https://before.test/")  # where the person was before opening the app
        open_site(driven, served.base)
        page.locator("[data-name='audience:young-person']").tap()
        page.locator("[data-name='concern:cyberbullying']").wait_for()
        length = page.evaluate("history.length")
        page.locator("#quick-exit").tap()
        page.wait_for_url(neutral)
        assert page.evaluate("history.length") == length, "Quick exit added a history entry"
        page.go_back()
        assert page.url == "https://before.test/", "Back returned to the app"
        page.go_forward()
        assert page.url == neutral
        # Nothing was written on the way out either.
        check = driven.context.new_page()
        check.goto(served.base)
        check.locator("body[data-screen='audience']").wait_for()
        assert check.evaluate(STORAGE) == EMPTY
        assert driven.problems == []

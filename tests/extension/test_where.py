"""Where it happened: the context menu entry, and platform detection from real host names.
Only the host is used and it is kept in memory (storage.session), never in storage.local."""

from __future__ import annotations

import time

import pytest

from tests.extension.harness import MENU_CLICK, ORIGIN, open_site


def test_context_menu_entry_exists(browser):
    _, worker, _ = browser
    # update() fails for an id that was never created, so success proves the entry is there.
    # The entry is made on install, which may still be running when the test starts.
    exists = "id => chrome.contextMenus.update(id, {}).then(() => true, () => false)"
    for _ in range(50):
        if worker.evaluate(exists, "waymark-get-help"):
            break
        time.sleep(0.1)
    else:
        raise AssertionError("no 'Get help reporting this' menu entry")
    with pytest.raises(Exception, match="menu item"):
        worker.evaluate("chrome.contextMenus.update('no-such-entry', {})")


def menu_popup(context, worker, info: dict, tab_id: int):
    """Use the menu as Chromium would call it; the popup opens (as a tab, headless)."""
    with context.expect_page(lambda p: p.url.startswith(f"{ORIGIN}/popup/")) as opened:
        worker.evaluate(MENU_CLICK, [info, tab_id])
    page = opened.value
    page.locator("body[data-screen]").wait_for()
    return page


@pytest.mark.parametrize(
    ("page_url", "platform", "name"),
    [
        ("https://www.instagram.com/someone/?igsh=private", "instagram", "Instagram"),
        ("https://m.youtube.com/watch?v=abc", "youtube", "YouTube"),
        ("https://www.tiktok.com/@someone/video/1", "tiktok", "TikTok"),
        ("https://discord.com/channels/1/2", "discord", "Discord"),
    ],
)
def test_menu_on_a_known_platform_adds_its_report_route(browser, page_url, platform, name):
    context, worker, _ = browser
    _, tab = open_site(context, worker, page_url)
    page = menu_popup(context, worker, {"menuItemId": "waymark-get-help", "pageUrl": page_url}, tab)
    page.click("[data-name='audience:young-person']")
    page.click("[data-name='concern:cyberbullying']")
    page.click("[data-name='age:13-17']")
    assert f"This page is on {name}." in page.locator(".where").inner_text()
    page.locator(f"li.card[data-route='platform:{platform}']").wait_for()
    card = page.locator(f"li.card[data-route='platform:{platform}']").inner_text()
    assert name in card
    # Never stored: the session copy is consumed, and nothing about the page is in local storage.
    assert worker.evaluate("chrome.storage.session.get('pending')") == {}
    assert "instagram" not in str(worker.evaluate("chrome.storage.local.get(null)"))


def test_link_host_wins_and_the_image_is_never_used(browser):
    context, worker, asked = browser
    _, tab = open_site(context, worker, "https://news.example.org/story")
    info = {
        "menuItemId": "waymark-get-help",
        "pageUrl": "https://news.example.org/story",
        "linkUrl": "https://www.snapchat.com/add/someone",
        "srcUrl": "https://images.example.org/picture.jpg",
        "mediaType": "image",
    }
    asked.clear()
    with context.expect_page(lambda p: p.url.startswith(f"{ORIGIN}/popup/")) as opened:
        worker.evaluate(MENU_CLICK, [info, tab])
    page = opened.value
    page.locator("body[data-screen]").wait_for()
    page.click("[data-name='audience:parent-carer']")
    page.click("[data-name='concern:grooming']")
    assert "Snapchat" in page.locator(".where").inner_text()
    assert not [a for a in asked if "images.example.org" in a], "the image was fetched"


def test_unknown_site_gives_the_general_routes(browser):
    context, worker, _ = browser
    _, tab = open_site(context, worker, "https://forum.example.org/thread/9")
    page = menu_popup(
        context,
        worker,
        {"menuItemId": "waymark-get-help", "pageUrl": "https://forum.example.org/thread/9"},
        tab,
    )
    page.click("[data-name='audience:young-person']")
    page.click("[data-name='concern:harmful-content']")
    page.click("[data-name='age:under-13']")
    assert page.locator(".where").count() == 0
    page.locator("body[data-screen='routes']").wait_for()
    ids = page.locator("li.card").evaluate_all("cs => cs.map(c => c.dataset.route)")
    # No known app's steps: one line on using the app's own report button, evidence first.
    assert ids and [i for i in ids if i.startswith("platform:")] == ["platform:unknown"]
    card = page.locator("li.card[data-route='platform:unknown']")
    assert "report button" in card.inner_text()

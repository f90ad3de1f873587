"""Quick exit: the button and Shift pressed three times both close Waymark, put a neutral page
where the person was (a new tab, so Back cannot return), and forget the session."""

from __future__ import annotations

import json
import time

import pytest

from tests.extension.harness import (
    ORIGIN,
    open_popup,
    open_site,
    packaged_copy,
    service_worker,
    stub_the_web,
)
from tests.support.browser import chromium_context


def wait_until(worker, check, what: str, seconds: float = 15):
    """Poll `check` while letting Playwright handle browser events (the sync API only does so
    inside its own calls, so a bare sleep would stall routing and page events)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        worker.evaluate("new Promise(r => setTimeout(r, 50))")
    raise AssertionError(f"timed out waiting for {what}")


def address_of(context, page) -> str:
    """The address a tab was opened at. Playwright's routing does not see the first load of a
    tab the extension opens, so with no network here that load fails (Chromium's error page,
    chrome-error://); the tab's navigation entry still holds the address it was sent to."""
    session = context.new_cdp_session(page)
    try:
        wait_until(
            page,
            lambda: session.send("Page.getNavigationHistory")["entries"][-1]["url"] != "about:blank",
            "the tab's first navigation",
        )
        return session.send("Page.getNavigationHistory")["entries"][-1]["url"]
    finally:
        session.detach()


def exit_and_check(context, worker, trigger, neutral: str = "https://www.bbc.co.uk/weather"):
    site, tab = open_site(context, worker, "https://www.instagram.com/someone/")
    popup = open_popup(context, f"?tab={tab}")
    popup.click("[data-name='audience:young-person']")
    popup.click("[data-name='concern:cyberbullying']")
    worker.evaluate("chrome.storage.session.set({opened: ['https://www.childline.org.uk/']})")
    trigger(popup)
    neutral_page = wait_until(
        worker,
        lambda: next((p for p in context.pages if p.url.startswith(neutral)), None),
        f"a tab at {neutral}",
    )
    wait_until(worker, lambda: site.is_closed() and popup.is_closed(), "the old tabs to close")
    assert neutral_page.evaluate("history.length") == 1, "Back could return to the old page"
    assert not [p for p in context.pages if p.url.startswith(ORIGIN)]
    assert worker.evaluate("chrome.storage.session.get(null)") == {}


def test_quick_exit_button_replaces_the_tab_and_forgets(browser):
    context, worker, _ = browser
    exit_and_check(context, worker, lambda popup: popup.click("#quick-exit"))


def test_quick_exit_closes_the_help_pages_waymark_opened(browser):
    """The walk-through: blackmailed on Instagram, a young person opens Report Remove from the
    routes, and the help site opens a page of its own; a second route's link is opened with the
    middle button. Quick exit closes every one of those tabs with Instagram's and Waymark's."""
    context, worker, _ = browser
    site, tab = open_site(context, worker, "https://www.instagram.com/someone/")
    popup = open_popup(context, f"?tab={tab}")
    popup.click("[data-name='audience:young-person']")
    popup.click("[data-name='concern:sextortion']")
    popup.click("[data-name='age:13-17']")
    card = "li.card[data-route='{}'] a[target=_blank]"
    with context.expect_page() as opened:
        popup.click(card.format("report-remove"))
    report_remove = opened.value
    assert address_of(context, report_remove) == "https://www.childline.org.uk/remove"
    report_remove.reload()  # now through the stub web, so the page can open one of its own
    with context.expect_page() as opened:
        report_remove.evaluate("window.open('https://www.childline.org.uk/info-advice/', '_blank')")
    from_the_help_site = opened.value
    with context.expect_page() as opened:
        popup.click(card.format("ceop"), button="middle")
    ceop = opened.value
    assert address_of(context, ceop) == "https://www.ceop.police.uk/Safety-Centre/"
    recorded = worker.evaluate("chrome.storage.session.get(null)")
    assert recorded["opened"] == [
        "https://www.childline.org.uk/remove",
        "https://www.ceop.police.uk/Safety-Centre/",
    ]
    assert len(recorded["openedTabs"]) == 2
    help_pages = [report_remove, from_the_help_site, ceop]
    before = list(context.pages)
    with context.expect_page() as opened:
        popup.click("#quick-exit")
    neutral = opened.value
    wait_until(
        worker,
        lambda: all(p.is_closed() for p in [site, popup, *help_pages]),
        "Instagram's, Waymark's and the help pages' tabs to close",
    )
    assert address_of(context, neutral) == "https://www.bbc.co.uk/weather"
    # Nothing else was closed, and nothing else is open but the neutral page.
    others = [p for p in before if p not in (site, popup, *help_pages)]
    assert not [p for p in others if p.is_closed()]
    assert set(context.pages) == {*others, neutral}
    assert worker.evaluate("chrome.storage.session.get(null)") == {}


def test_shift_three_times_is_a_quick_exit(browser):
    context, worker, _ = browser

    def press(popup):
        for _ in range(3):
            popup.keyboard.press("Shift")

    exit_and_check(context, worker, press)


def test_quick_exit_uses_the_neutral_page_from_options(browser):
    context, worker, _ = browser
    worker.evaluate("chrome.storage.local.set({neutralUrl: 'https://www.metoffice.gov.uk/'})")
    exit_and_check(
        context,
        worker,
        lambda popup: popup.click("#quick-exit"),
        neutral="https://www.metoffice.gov.uk/",
    )


@pytest.mark.parametrize("screen", ["audience", "age", "concern", "routes"])
def test_quick_exit_button_is_on_every_young_person_screen(browser, screen):
    context, _, _ = browser
    page = open_popup(context)
    steps = {
        "concern": ["audience:young-person"],
        "age": ["audience:young-person", "concern:grooming"],
        "routes": ["audience:young-person", "concern:grooming", "age:under-13"],
    }.get(screen, [])
    for name in steps:
        page.click(f"[data-name='{name}']")
    page.locator(f"body[data-screen='{screen}']").wait_for()
    button = page.locator("#quick-exit")
    assert button.is_visible()
    box = button.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24


def with_history_granted(data) -> None:
    """Headless Chromium cannot answer the permission prompt, so this copy holds `history` as
    granted from install (as it is once a person says yes); the shipped manifest keeps it
    optional, which test_package checks."""
    manifest_path = data.parent / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["permissions"].append("history")
    manifest["optional_permissions"] = []
    manifest_path.write_text(json.dumps(manifest))


def test_history_option_removes_only_the_pages_waymark_opened(tmp_path, private_home):
    extension = packaged_copy(tmp_path / "extension", mutate_data=with_history_granted)
    help_page = "https://www.childline.org.uk/"
    own_page = "https://www.example.org/homework"
    with chromium_context(tmp_path / "profile", extension) as context:
        stub_the_web(context)
        worker = service_worker(context)
        worker.evaluate("chrome.storage.local.set({clearHistory: true})")
        visited = context.new_page()
        visited.goto(own_page)
        popup = open_popup(context)
        popup.click("[data-name='audience:young-person']")
        popup.click("[data-name='concern:cyberbullying']")
        popup.click("[data-name='age:13-17']")
        with context.expect_page() as opened:
            popup.locator("li.card[data-route='childline'] a[target=_blank]").click()
        opened.value.wait_for_load_state()
        in_history = "url => chrome.history.getVisits({url}).then(v => v.length)"
        visits = lambda url: worker.evaluate(in_history, url)  # noqa: E731
        wait_until(worker, lambda: visits(help_page), "the visit to be recorded")
        popup.click("#quick-exit")
        wait_until(worker, lambda: popup.is_closed(), "the popup to close")
        wait_until(
            worker,
            lambda: visits(help_page) == 0,
            "Waymark's help page to leave the history",
        )
        assert visits(own_page) > 0, "a page Waymark did not open was removed"

"""The options page: remembering is off by default and explained; with it on, audience and age
band are saved and used by the popup; the quick-exit page is saved; a neutral page that is not
https is refused; "Clear everything" forgets it all; the 999 line is on this page too."""

from __future__ import annotations

from tests.extension.harness import ORIGIN, open_popup


def open_options(context):
    page = context.new_page()
    page.goto(f"{ORIGIN}/options/options.html")
    page.locator("#neutral-url[value], #neutral-url").first.wait_for()
    page.locator("#save").filter(has_text="Save").wait_for()
    return page


def test_saved_audience_and_age_take_the_popup_straight_to_the_concern(browser):
    context, worker, _ = browser
    page = open_options(context)
    page.check("#remember")
    page.select_option("#audience", "parent-carer")
    page.select_option("#age-band", "under-8")
    page.fill("#neutral-url", "https://www.metoffice.gov.uk/")
    page.click("#save")
    page.locator("#status").filter(has_text="Saved.").wait_for()
    stored = worker.evaluate("chrome.storage.local.get(null)")
    assert stored == {
        "remember": True,
        "audience": "parent-carer",
        "ageBand": "under-8",
        "neutralUrl": "https://www.metoffice.gov.uk/",
        "clearHistory": False,
    }
    popup = open_popup(context)
    assert popup.locator("body").get_attribute("data-screen") == "concern"
    popup.click("[data-name='concern:grooming']")  # one click to the routes
    popup.locator("body[data-screen='routes']").wait_for()


def test_the_age_choices_follow_who_uses_the_browser(browser):
    context, _, _ = browser
    page = open_options(context)
    page.check("#remember")
    ages = page.locator("#age-band")
    assert ages.is_disabled(), "an age with nobody chosen to be that age"
    page.select_option("#audience", "parent-carer")
    assert ages.locator("option").all_inner_texts() == [
        "Ask each time",
        "7 or under",
        "8 to 12",
        "13 to 17",
        "18 or over (an adult child)",
        "Not sure",
    ]
    page.select_option("#age-band", "under-8")
    page.select_option("#audience", "young-person")
    assert ages.locator("option").all_inner_texts() == [
        "Ask each time",
        "12 or under",
        "13 to 17",
        "18 or over",
    ]
    assert ages.input_value() == "", "a parent's choice kept for a young person"


def test_remembering_is_off_by_default_and_explained(browser):
    context, worker, _ = browser
    page = open_options(context)
    assert page.locator(".top a#call-999").get_attribute("href") == "tel:999"
    assert not page.locator("#remember").is_checked()
    assert page.locator("#audience").is_disabled()
    assert "nobody else" in page.locator("#remember-help").inner_text()
    page.check("#remember")
    page.select_option("#audience", "young-person")
    page.click("#save")
    page.locator("#status").filter(has_text="Saved.").wait_for()
    # Turning it off again forgets what was remembered.
    page.uncheck("#remember")
    page.click("#save")
    page.locator("#status").filter(has_text="Saved.").wait_for()
    stored = worker.evaluate("chrome.storage.local.get(null)")
    assert stored["remember"] is False and stored["audience"] is None


def test_a_neutral_page_that_is_not_https_is_refused(browser):
    context, worker, _ = browser
    page = open_options(context)
    for bad in ("javascript:alert(1)", "http://example.org/", "not a web address"):
        page.fill("#neutral-url", bad)
        page.click("#save")
        page.locator("#status").filter(has_text="not saved").wait_for()
    assert "neutralUrl" not in worker.evaluate("chrome.storage.local.get(null)")


def test_clear_everything_forgets_all(browser):
    context, worker, _ = browser
    worker.evaluate(
        "Promise.all([chrome.storage.local.set({audience: 'professional', ageBand: '13-17'}),"
        " chrome.storage.session.set({opened: ['https://www.childline.org.uk/']})])"
    )
    page = open_options(context)
    page.click("#clear")
    page.locator("#status").filter(has_text="is gone").wait_for()
    assert worker.evaluate("chrome.storage.local.get(null)") == {}
    assert worker.evaluate("chrome.storage.session.get(null)") == {}
    assert page.locator("#audience").input_value() == ""
    assert page.locator("#neutral-url").input_value() == "https://www.bbc.co.uk/weather"


def test_history_option_is_off_by_default_and_history_is_not_granted(browser):
    context, worker, _ = browser
    page = open_options(context)
    assert not page.locator("#clear-history").is_checked()
    granted = worker.evaluate("chrome.permissions.contains({permissions: ['history']})")
    assert granted is False

"""The first screen a person sees (who are you) is drawn as soon as the settings are read: the
knowledge base and the engine are read only after it, while the person reads it, and the next
screen still has every concern when it is chosen at once (the bench's "extension: popup open
to routes" walks the same path with nothing remembered)."""

from __future__ import annotations

from tests.extension.harness import ORIGIN, open_popup, packaged_copy, stub_the_web
from tests.support.browser import chromium_context

def without_concerns(data) -> None:
    (data / "concerns.json").unlink()


def test_who_are_you_is_drawn_without_waiting_for_the_knowledge_base(tmp_path, private_home):
    """With the concern list missing from the package, the first screen is still drawn (it
    needs only the settings); then the popup says it could not load, as before."""
    extension = packaged_copy(tmp_path / "extension", mutate_data=without_concerns)
    with chromium_context(tmp_path / "profile", extension) as context:
        stub_the_web(context)
        page = context.new_page()
        page.goto(f"{ORIGIN}/popup/popup.html")
        page.locator("#screen p.status").wait_for()
        drawn = page.evaluate(
            "() => performance.getEntriesByName('waymark:audience').length"
        )
        assert drawn == 1, "the first screen waited for the knowledge base"


def test_a_person_who_answers_at_once_still_gets_every_concern(browser):
    context, _, _ = browser
    page = open_popup(context)
    page.click("[data-name='audience:parent-carer']")  # as soon as it is there
    page.locator("body[data-screen='concern']").wait_for()
    assert page.locator("[data-name^='concern:']").count() >= 8
    page.click("[data-name='concern:sextortion']")
    page.click("[data-name='age:13-17']")
    page.locator("body[data-screen='routes']").wait_for()
    assert page.locator("li.card").count() > 0


def test_the_first_words_are_calm(browser):
    """Before any question: you are not in trouble, and it is quick."""
    context, _, _ = browser
    page = open_popup(context)
    first = page.locator("main#screen > *").first
    assert first.inner_text() == "You're not in trouble. This takes about a minute."
    assert page.locator("main h1").inner_text() == "Who are you?"

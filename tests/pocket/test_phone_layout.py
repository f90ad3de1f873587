"""The pocket web app is safe to use on a small phone: axe finds nothing serious on any screen in
the light or the dark theme; every control a finger taps is at least 44 x 44 CSS px; no screen
scrolls sideways, at 320 px wide and with the browser's text size at 200 %; Quick exit is always
on screen; every phone number is a link that calls (tel:) or texts (sms:) it. Screenshots go to
test-artifacts/ (the README shows two)."""

from __future__ import annotations

import pytest

from helper.bench.pocket import static_site
from tests.pocket.phone import open_site, phone
from tests.support.screenshots import keep_for_readme

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

# For each screen: the taps that reach it (data-name, or #id).
SCREENS = {
    "audience": [],
    "young-person-concern": ["audience:young-person"],
    "young-person-age": ["audience:young-person", "concern:nude-image-shared"],
    "young-person-routes": ["audience:young-person", "concern:nude-image-shared", "age:13-17"],
    "young-person-self-harm": ["audience:young-person", "concern:self-harm", "age:13-17"],
    "parent-routes": ["audience:parent-carer", "concern:grooming", "age:8-12"],
    "professional-routes": ["audience:professional", "concern:csam-found", "age:not-sure"],
    "professional-record": [
        "audience:professional",
        "concern:csam-found",
        "age:not-sure",
        "record-this",
    ],
    "settings": ["#options"],
}
# The README shows the first screenful of these, in the light theme (docs/screenshots/).
FOR_README = ("audience", "young-person-routes", "parent-routes")

# Everything a finger taps that is on screen: buttons, links, disclosure summaries and the
# labels that carry a tick box (the box itself is inside its label).
SMALL_TARGETS = """() => [...document.querySelectorAll("button, a, summary, label.check, select")]
  .filter((e) => e.offsetParent !== null || e.tagName === "SUMMARY")
  .map((e) => [e.textContent.trim().slice(0, 40) || e.id, e.getBoundingClientRect()])
  .filter(([, r]) => r.width < 44 || r.height < 44)
  .map(([n, r]) => `${n} ${Math.round(r.width)}x${Math.round(r.height)}`)"""
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
PHONE_TEXTS = """() => [...document.querySelectorAll("main .phone")].map((p) => {
  const link = p.querySelector("a");
  return [p.textContent.trim(), link ? link.getAttribute("href") : null];
})"""


def serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


@pytest.fixture(scope="module")
def site(tmp_path_factory, built):
    with static_site(built) as served:
        yield served


@pytest.fixture(scope="module")
def small_phone(site, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        with phone(tmp_path_factory.mktemp("profile"), (360, 640)) as driven:
            open_site(driven, site.base)
            yield driven


def reach(page, base: str, taps: list[str]) -> None:
    page.goto(base)
    page.locator("body[data-screen='audience'] main h1").wait_for()
    for name in taps:
        target = page.locator(name if name.startswith("#") else f"[data-name='{name}']")
        target.wait_for()
        target.tap()
    page.locator("main h1").wait_for()
    if "record-this" in taps:
        page.locator("#helper-elsewhere-title").wait_for()
    if "audience:parent-carer" in taps:
        page.locator("section.guidance").wait_for()
    page.locator("details").evaluate_all("ds => ds.forEach((d) => { d.open = true; })")


def quick_exit_on_screen(page) -> bool:
    box = page.locator("#quick-exit").bounding_box()
    width = page.evaluate("innerWidth")
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_passes_axe_with_big_targets_and_no_sideways_scroll(
    small_phone, site, artifacts, screen, scheme
):
    page = small_phone.page
    page.emulate_media(color_scheme=scheme)
    reach(page, site.base, SCREENS[screen])
    assert serious(page) == []
    assert page.evaluate(SMALL_TARGETS) == []
    assert page.evaluate(SIDEWAYS) <= 0
    assert quick_exit_on_screen(page)
    for text, href in page.evaluate(PHONE_TEXTS):
        assert href and href.startswith(("tel:", "sms:")), text
    page.mouse.wheel(0, 4000)  # Quick exit stays on screen however far the page scrolls
    page.locator("#quick-exit").wait_for()
    assert page.locator("#quick-exit").bounding_box()["y"] >= 0
    suffix = "" if scheme == "light" else "-dark"
    shot = artifacts / f"pocket-{screen}{suffix}.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shot), full_page=True)
    if screen in FOR_README and scheme == "light":
        first = artifacts / f"pocket-{screen}-phone.png"
        page.screenshot(path=str(first))  # what the phone shows before any scrolling
        keep_for_readme(first)
    assert small_phone.problems == []


def test_a_text_line_is_an_sms_link_and_a_helpline_a_tel_link(small_phone, site):
    page = small_phone.page
    reach(page, site.base, SCREENS["young-person-self-harm"])
    hrefs = page.locator("main .phone a").evaluate_all("as => as.map((a) => a.href)")
    assert "sms:85258" in hrefs and "tel:08001111" in hrefs


def test_dark_theme_follows_the_phone(small_phone, site):
    page = small_phone.page
    reach(page, site.base, [])
    background = "getComputedStyle(document.body).backgroundColor"
    page.emulate_media(color_scheme="light")
    light = page.evaluate(background)
    page.emulate_media(color_scheme="dark")
    assert page.evaluate(background) != light
    colours = page.locator("meta[name='theme-color']").evaluate_all(
        "ms => ms.map((m) => [m.media, m.content])"
    )
    assert [media for media, _ in colours] == [
        "(prefers-color-scheme: light)",
        "(prefers-color-scheme: dark)",
    ]

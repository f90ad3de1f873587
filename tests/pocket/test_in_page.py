"""The pocket web app's own behaviour in real Chromium on a phone: the shared vectors pass in the
page itself (the extension's in-page runner, over the site's own engine and data); "Remember" is
off until turned on, and turning it off forgets; the discreet page is installable as "Help";
"Record this concern" says the helper runs on a computer."""

from __future__ import annotations

import json
import shutil

import pytest

from helper.bench.pocket import static_site
from helper.paths import REPO_ROOT, resources_dir
from tests.extension.test_engine_in_browser import RUN_VECTORS
from tests.pocket.phone import STORAGE, flow, installability_errors, open_site, phone, tap

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


@pytest.fixture
def with_vectors(built, tmp_path):
    """The built site plus the vector checker (test code, so only in this test's copy)."""
    site = tmp_path / "site"
    shutil.copytree(built, site)
    shutil.copyfile(REPO_ROOT / "tests/js/vectors.mjs", site / "vectors.mjs")
    with static_site(site) as served:
        yield served


def test_every_vector_passes_in_the_page(with_vectors, tmp_path, private_home):
    vectors = json.loads((resources_dir() / "vectors.json").read_text())
    with phone(tmp_path / "profile") as driven:
        open_site(driven, with_vectors.base)
        outcomes = driven.page.evaluate(RUN_VECTORS, [vectors, "/data/"])
    assert len(outcomes) == len(vectors)
    assert {name: problems for name, problems in outcomes if problems} == {}


def test_remembering_is_off_until_turned_on_and_off_forgets(served, tmp_path, private_home):
    with phone(tmp_path / "profile") as driven:
        page = driven.page
        open_site(driven, served.base)
        flow(page, "young-person", "cyberbullying", "13-17")
        assert page.evaluate(STORAGE)["localStorage"] == 0
        page.reload()
        page.locator("body[data-screen='audience']").wait_for()  # nothing was remembered

        page.locator("#options").tap()
        page.locator("label[for='remember']").tap()
        page.locator("#said").wait_for()
        tap(page, "settings-done")
        flow(page, "young-person", "cyberbullying", "13-17")
        kept = json.loads(page.evaluate("localStorage.getItem('waymark-pocket')"))
        assert kept == {"remember": True, "audience": "young-person", "ageBand": "13-17"}
        page.reload()
        page.locator("body[data-screen='concern']").wait_for()  # who I am was remembered

        page.locator("#options").tap()
        assert page.locator("#remember").is_checked()
        page.locator("label[for='remember']").tap()
        page.locator("#said").wait_for()
        assert page.evaluate(STORAGE)["localStorage"] == 0
        assert driven.problems == []


def test_the_plain_name_is_chosen_before_install_and_is_installable(served, tmp_path, private_home):
    with phone(tmp_path / "profile") as driven:
        page = driven.page
        open_site(driven, served.base)
        length = page.evaluate("history.length")
        page.locator("#options").tap()
        tap(page, "use-plain")
        page.wait_for_url(f"{served.base}help.html")
        page.locator("body[data-screen='audience']").wait_for()
        assert page.evaluate("history.length") == length  # replaced, not added
        assert page.title() == "Help"
        assert page.locator("#brand").inner_text() == "Help"
        assert page.locator("link[rel='manifest']").get_attribute("href") == (
            "manifest-help.webmanifest"
        )
        session = driven.context.new_cdp_session(page)
        manifest = session.send("Page.getAppManifest")
        assert json.loads(manifest["data"])["name"] == "Help"
        assert installability_errors(driven) == []
        page.locator("#options").tap()
        page.locator("[data-name='use-waymark']").wait_for()
        assert "plain name Help" in page.locator("main").inner_text()
        assert page.evaluate(STORAGE)["localStorage"] == 0  # the choice is the page, not storage
        assert driven.problems == []


def test_record_this_concern_says_the_helper_runs_on_a_computer(served, tmp_path, private_home):
    with phone(tmp_path / "profile") as driven:
        page = driven.page
        open_site(driven, served.base)
        flow(page, "professional", "csam-found", "not-sure")
        tap(page, "record-this")
        heading = page.locator("#helper-elsewhere-title")
        heading.wait_for()
        assert "runs on a computer" in heading.inner_text()
        assert page.evaluate("document.activeElement.id") == "helper-elsewhere-title"
        assert page.locator("li.card").count() > 0  # the routes are still there
        assert driven.problems == []

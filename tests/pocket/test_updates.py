"""A newer site replaces the old one the next time the phone opens it online; a half-uploaded or
altered one is refused file by file (its SHA-256 is not the build's), and the version already
kept goes on working, offline too."""

from __future__ import annotations

import json
import shutil

import pytest

from helper import extension_data, pocket
from helper.bench.pocket import static_site
from tests.pocket.phone import flow, open_site, phone, routes

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

CACHES = "() => caches.keys()"
# Ask for an update now and wait until the new worker has either installed or been refused.
UPDATE = """async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  await registration.update().catch(() => {});
  const worker = registration.installing;
  if (worker && worker.state !== "redundant" && worker.state !== "installed") {
    await new Promise((done) => {
      const settled = ["installed", "activated", "redundant"];
      worker.onstatechange = () => settled.includes(worker.state) && done();
    });
  }
  return worker ? worker.state : null;
}"""


# Resolves once this site's only kept version is `version` (the newer worker has activated and
# dropped the older copy). Checked in the page, each time the cache list may have changed.
ONLY = """async (version) => {
  for (;;) {
    const keys = await caches.keys();
    if (keys.length === 1 && keys[0].endsWith(version)) return keys;
    await new Promise((changed) => setTimeout(changed, 50));
  }
}"""


def wait_for_only(page, version: str) -> list[str]:
    """ONLY, again if the page reloads itself into the newer files meanwhile (as it should)."""
    from playwright.sync_api import Error

    for _ in range(3):
        try:
            return page.evaluate(ONLY, version)
        except Error as error:
            if "context was destroyed" not in str(error):
                raise
            page.wait_for_load_state()
    raise AssertionError("the page kept reloading")


def newer_site() -> pocket.Site:
    """The same site with one concern's words changed, as a knowledge-base fix would."""
    data = dict(extension_data.validated())
    concerns = json.loads(data["concerns.json"])
    for concern in concerns["concerns"]:
        if concern["id"] == "cyberbullying":
            concern["label"]["young-person"] = "Someone is bullying me online (newer)"
    data["concerns.json"] = json.dumps(concerns).encode()
    return pocket.build_site(data)


def version_in(folder) -> str:
    text = (folder / "sw.js").read_text()
    return text.split('const VERSION = "', 1)[1].split('"', 1)[0]


def test_a_newer_site_takes_over_on_the_next_visit_online(built, tmp_path, private_home):
    folder = tmp_path / "site"
    shutil.copytree(built, folder)
    old = version_in(folder)
    with static_site(folder) as served, phone(tmp_path / "profile") as driven:
        page = driven.page
        open_site(driven, served.base)
        assert [name.endswith(old) for name in page.evaluate(CACHES)] == [True]

        site = newer_site()
        pocket.write_site(folder, site)
        # Online again: the browser checks sw.js, finds it changed and installs the newer site;
        # nobody has answered anything yet, so it takes over and the page reloads into it.
        loads: list[str] = []
        page.on("load", lambda loaded: loads.append(loaded.url))
        page.reload()
        if len(loads) < 2:
            page.wait_for_event("load", timeout=30_000)  # the reload into the newer files
        wait_for_only(page, site.version)  # and the older copy is gone
        page.locator("body[data-screen='audience'] main h1").wait_for()
        page.locator("[data-name='audience:young-person']").tap()
        newer = page.locator("[data-name='concern:cyberbullying']", has_text="(newer)")
        newer.wait_for()
        assert driven.problems == []


def test_a_half_uploaded_site_is_refused_and_the_old_one_keeps_working(
    built, tmp_path, private_home
):
    folder = tmp_path / "site"
    shutil.copytree(built, folder)
    old = version_in(folder)
    with static_site(folder) as served, phone(tmp_path / "profile") as driven:
        page = driven.page
        open_site(driven, served.base)
        # Only the new worker arrived: every other file is still the old build's.
        (folder / "sw.js").write_bytes(newer_site().files["sw.js"])
        assert page.evaluate(UPDATE) == "redundant"
        caches = page.evaluate(CACHES)
        assert len(caches) == 1 and caches[0].endswith(old)

        driven.context.set_offline(True)
        served.stop()
        page.reload()
        flow(page, "young-person", "cyberbullying", "13-17")
        assert "childline" in routes(page)
        label = page.locator("body").inner_text()
        assert "(newer)" not in label

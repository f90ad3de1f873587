"""The extension in real Firefox (Debian's Firefox ESR, headless, over WebDriver BiDi with
puppeteer-core; no geckodriver): every audience's popup flow to its routes, quick exit by button
and by Shift three times, the options page, the JS engine passing resources/vectors.json, and a
native-messaging round trip to the real helper installed with `install-native-host --browser
firefox` into a private HOME.

Each run is one Firefox launch driven by tests/firefox/drive.mjs, once for the Firefox package
that `waymark build-extension --zip` writes and once for the plain source folder."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helper import __version__, extension_package
from helper.paths import REPO_ROOT, resources_dir
from tests.extension.harness import source_copy
from tests.support.hostproc import (
    kill_groups,
    processes_with_home,
    recorder,
    wait_for_address,
)
from tests.support.tools import require

pytestmark = [pytest.mark.firefox, pytest.mark.timeout(300)]

FIREFOX = "/usr/lib/firefox-esr/firefox-esr"
DRIVER = Path(__file__).with_name("drive.mjs")
FLOWS = {
    "young-person": ["ceop", "childline"],
    "parent-carer": ["ceop", "nspcc-helpline"],
    "professional": ["dsl", "iwf"],
}


def firefox_binary() -> str:
    launcher = require("firefox-esr", "real Firefox (tests/run.sh installs it)")
    return FIREFOX if Path(FIREFOX).exists() else launcher


def firefox_version(binary: str) -> tuple[int, ...]:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60).stdout
    match = re.search(r"(\d+)\.(\d+)", out)
    assert match, out
    return tuple(int(part) for part in match.groups())


def test_firefox_is_new_enough_for_the_manifest():
    manifest = extension_package.read_manifest()
    minimum = manifest["browser_specific_settings"]["gecko"]["strict_min_version"]
    wanted = tuple(int(part) for part in minimum.split(".")[:2])
    assert firefox_version(firefox_binary()) >= wanted


def extension_folder(variant: str, root: Path) -> Path:
    """The Firefox package unpacked, or the source folder with fresh data; plus the test-only
    vector checker (test code never ships)."""
    target = root / variant
    if variant == "package":
        program = extension_package.esbuild()
        assert program or os.environ.get("CI") != "true", "esbuild is not installed"
        (archive,) = extension_package.build_zips(root / "zips", bundler=program)[1:]
        assert archive.name.endswith("-firefox.zip")
        zipfile.ZipFile(archive).extractall(target)
    else:
        source_copy(target)
    shutil.copyfile(REPO_ROOT / "tests" / "js" / "vectors.mjs", target / "vectors.mjs")
    return target


@pytest.fixture(scope="module", params=["package", "source"])
def run(request, tmp_path_factory) -> dict:
    binary = firefox_binary()
    node = require("node", "Node.js runs the puppeteer-core driver")
    root = tmp_path_factory.mktemp(f"firefox-{request.param}")
    extension = extension_folder(request.param, root)
    home = root / "home"
    home.mkdir()
    waymark_home = home / "waymark"
    browser, urls = recorder(root)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(HOME=str(home), WAYMARK_HOME=str(waymark_home), BROWSER=str(browser))
    installed = subprocess.run(
        [sys.executable, "-m", "helper", "install-native-host", "--browser", "firefox"],
        capture_output=True, text=True, timeout=60, cwd=REPO_ROOT, env=env,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    env.update(
        EXT_DIR=str(extension),
        FIREFOX_BIN=binary,
        VECTORS=str(resources_dir() / "vectors.json"),
        XDG_CACHE_HOME=str(home / ".cache"),
    )
    try:
        done = subprocess.run(
            [node, str(DRIVER)], capture_output=True, text=True, timeout=240, cwd=REPO_ROOT, env=env
        )
        # The helper started by open-note lives on after the host; it must not outlive the test.
        try:
            opened = [wait_for_address(urls, waymark_home, timeout=30)]
        except AssertionError:
            opened = []
    finally:
        kill_groups(processes_with_home(waymark_home))
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["opened"] = opened
    return result


def scenario(run: dict, name: str):
    outcome = run["scenarios"][name]
    assert outcome["ok"], outcome.get("error")
    return outcome["value"]


def test_the_extension_installs_and_runs_without_console_errors(run):
    assert run["installed"] == "waymark@waymark.local"
    assert run["problems"] == []


def test_every_audience_reaches_its_routes(run):
    flows = scenario(run, "flows")
    assert [flow["audience"] for flow in flows] == list(FLOWS)
    for flow in flows:
        assert flow["first"] == "audience"
        assert set(FLOWS[flow["audience"]]) <= set(flow["routes"]), flow
        # Outside links are https; phone numbers are tap-to-call (tel:) or text (sms:) links.
        assert flow["links"] and all(
            link.startswith(("https://", "tel:", "sms:")) for link in flow["links"]
        )
        assert any(link.startswith("https://") for link in flow["links"])
        professional = flow["audience"] == "professional"
        assert (flow["procedure"] > 0) is professional
        assert (flow["record"] == 1) is professional


@pytest.mark.parametrize("trigger", ["button", "shift"])
def test_quick_exit_replaces_the_tab_and_forgets(run, trigger):
    """From the routes, Report Remove was opened in a new tab; quick exit closed it with the
    site's tab and Waymark's (the driver waits for all three to be gone)."""
    exited = scenario(run, "quick-exit")[trigger]
    assert exited["opened"] == ["https://www.childline.org.uk/remove"]
    assert exited["neutral"] == "https://www.bbc.co.uk/weather"
    assert exited["session"] == {}
    assert exited["history"] == 1, "Back could return to the old page"


def test_options_page_saves_and_clears(run, request):
    options = scenario(run, "options")
    assert options["title"] == "Waymark settings"
    assert options["saved"]["audience"] == "professional"
    assert options["saved"]["neutralUrl"] == "https://www.metoffice.gov.uk/"
    # Firefox runs background.scripts as an event page; the package leaves service_worker out.
    assert options["background"]["scripts"]
    if "package" in request.node.callspec.id:
        assert not options["background"]["service_worker"]


def test_js_engine_passes_every_vector_inside_firefox(run):
    vectors = scenario(run, "vectors")
    assert vectors["count"] == len(json.loads((resources_dir() / "vectors.json").read_text()))
    assert {name: problems for name, problems in vectors["outcomes"] if problems} == {}


def test_native_messaging_round_trip_to_the_real_helper(run):
    native = scenario(run, "native")
    assert native["hello"] == {
        "v": 1,
        "ok": True,
        "type": "hello",
        "helper": f"waymark {__version__}",
    }
    assert native["opened"] == {"state": "opened"}
    assert run["opened"] and "/pro/notes/new" in run["opened"][0]
    assert "discord.com" in run["opened"][0]

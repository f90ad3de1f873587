"""The pocket web app in real Firefox ESR (headless, desktop Firefox at a phone-sized window of
360 x 640: Firefox for Android is not run here), driven over WebDriver BiDi by
tests/pocket/firefox.mjs: the worker takes control, the server goes away, and the main flows,
the shared vectors and Quick exit all work from the worker's copy, with nothing stored and
nothing asked of another origin."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from helper import pocket
from helper.paths import REPO_ROOT, resources_dir
from tests.firefox.test_firefox import firefox_binary
from tests.support.tools import require

pytestmark = [pytest.mark.firefox, pytest.mark.timeout(300)]

DRIVER = Path(__file__).with_name("firefox.mjs")


@pytest.fixture(scope="module")
def run(built, tmp_path_factory) -> dict:
    node = require("node", "Node.js runs the puppeteer-core driver")
    binary = firefox_binary()
    root = tmp_path_factory.mktemp("pocket-firefox")
    site = root / "site"
    shutil.copytree(built, site)
    shutil.copyfile(REPO_ROOT / "tests/js/vectors.mjs", site / "vectors.mjs")
    home = root / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(
        HOME=str(home),
        SITE_DIR=str(site),
        MIME_TYPES=json.dumps(pocket.MIME_TYPES),
        FIREFOX_BIN=binary,
        VECTORS=str(resources_dir() / "vectors.json"),
        XDG_CACHE_HOME=str(home / ".cache"),
    )
    done = subprocess.run(
        [node, str(DRIVER)], capture_output=True, text=True, timeout=240, cwd=REPO_ROOT, env=env
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "error" not in result, result["error"]
    return result


def test_the_worker_controls_the_page(run):
    assert run["controlledBy"] == f"{run['base']}sw.js"


def test_the_main_flows_work_offline(run):
    young, parent, danger = run["flows"]
    assert {"ceop", "report-remove"} <= set(young["routes"])
    assert parent["guidance"] == "8-12"
    assert danger["routes"][0] == "police-999"
    box = danger["call999"]
    assert box and box["top"] >= 0 and box["bottom"] <= box["viewport"]
    for flow in run["flows"]:
        assert flow["sideways"] <= 0
        assert flow["storage"] == {"localStorage": 0, "indexedDB": [], "cookie": ""}
        assert all(link.startswith(("https://", "tel:", "sms:")) for link in flow["links"])


def test_the_vectors_pass_in_firefox(run):
    count = len(json.loads((resources_dir() / "vectors.json").read_text()))
    assert len(run["vectors"]) == count
    assert {name: problems for name, problems in run["vectors"] if problems} == {}


def test_quick_exit_replaces_the_page(run):
    exited = run["quickExit"]
    assert "bbc.co.uk/weather" in exited["url"]
    assert exited["history"] in (None, exited["before"])


def test_nothing_asked_of_another_origin_and_no_errors(run):
    own = urlsplit(run["base"]).netloc
    # Requests that reach a network (not data: URLs, which Firefox's own error page uses); the
    # neutral page is where Quick exit goes, because the person pressed it.
    network = [u for u in run["requests"] if urlsplit(u).scheme in ("http", "https")]
    assert [u for u in network if urlsplit(u).netloc not in (own, "www.bbc.co.uk")] == []
    assert run["problems"] == []

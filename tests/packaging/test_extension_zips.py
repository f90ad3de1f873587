"""`waymark build-extension --zip DIR`: one package for the Chromium family and one for Firefox,
each with manifest.json at its root and only what the extension runs; the Chromium one loads and
works in real Chromium (the Firefox one is loaded and driven in tests/firefox); Mozilla's linters
find no error and no warning PERMISSIONS.md does not explain; the icons are what the committed
drawing script draws."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from helper import __version__, extension_data, extension_package
from helper.paths import REPO_ROOT, extension_dir, resources_dir
from tests.extension.harness import source_copy
from tests.support.browser import chromium_context
from tests.support.cli import waymark
from tests.support.tools import require

ALLOWED = {".json", ".js", ".mjs", ".html", ".css", ".png"}


@pytest.fixture(scope="module")
def zips(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("zips")
    result = waymark("build-extension", "--zip", str(out), cwd=out)
    assert result.returncode == 0, result.stderr
    return {
        target: out / f"waymark-{__version__}-{target}.zip" for target in ("chromium", "firefox")
    }


def unpacked(archive: Path, folder: Path) -> Path:
    zipfile.ZipFile(archive).extractall(folder)
    return folder


def manifest_of(archive: Path) -> dict:
    return json.loads(zipfile.ZipFile(archive).read("manifest.json"))


def test_both_packages_are_named_by_version_with_the_manifest_at_the_root(zips):
    source = extension_package.read_manifest()
    assert source["version"] == __version__, "extension and helper versions differ"
    for archive in zips.values():
        names = zipfile.ZipFile(archive).namelist()
        assert names[0] == "manifest.json"
        assert all(Path(n).suffix in ALLOWED for n in names), names
        assert not any(n.startswith(".") or "/." in n for n in names)
        for name in extension_data.SHIPPED:
            data = zipfile.ZipFile(archive).read(f"data/{name}.json")
            assert data == (resources_dir() / f"{name}.json").read_bytes()
        assert "vectors.json" not in " ".join(names)


def test_no_test_hook_is_in_either_package(zips):
    for archive in zips.values():
        with zipfile.ZipFile(archive) as package:
            for name in package.namelist():
                assert b"globalThis.waymark" not in package.read(name), (archive.name, name)
            assert "test-hooks.js" not in package.namelist()


def test_each_manifest_keeps_only_what_its_browser_reads(zips):
    chromium, firefox = manifest_of(zips["chromium"]), manifest_of(zips["firefox"])
    assert "key" not in chromium and "key" not in firefox
    assert "browser_specific_settings" not in chromium
    assert chromium["background"] == {"service_worker": "background.js", "type": "module"}
    assert firefox["background"] == {"scripts": ["background.js"], "type": "module"}
    assert firefox["browser_specific_settings"]["gecko"]["id"] == "waymark@waymark.local"
    for manifest in (chromium, firefox):
        for size, path in manifest["icons"].items():
            assert path == f"icons/icon-{size}.png"


def bundler() -> str:
    """esbuild, which tests/run.sh installs from package-lock.json (fails in CI if missing)."""
    program = extension_package.esbuild()
    if program is None:
        if os.environ.get("CI") == "true":
            pytest.fail("esbuild is not installed (run `make test`)")
        pytest.skip("esbuild is not installed (run `make test`)")
    return program


def test_packages_bundle_each_entry_point_and_keep_the_plain_modules(zips):
    bundler()
    names = zipfile.ZipFile(zips["chromium"]).namelist()
    popup = zipfile.ZipFile(zips["chromium"]).read("popup/popup.js").decode()
    assert 'from "../lib/' not in popup and "function route(" in popup
    assert "lib/engine.js" in names  # still there for anything importing it by name


def test_packages_are_the_same_bytes_every_time(zips, tmp_path):
    again = extension_package.build_zips(tmp_path, bundler=bundler())
    for path in again:
        assert path.read_bytes() == zips[path.stem.rsplit("-", 1)[1]].read_bytes()


@pytest.mark.browser
def test_the_chromium_package_loads_and_works_in_chromium(zips, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))  # Chromium writes crash reports under HOME
    extension = unpacked(zips["chromium"], tmp_path / "extension")
    with chromium_context(tmp_path / "profile", extension) as context:
        worker = context.service_workers[0] if context.service_workers else None
        worker = worker or context.wait_for_event("serviceworker", timeout=15_000)
        origin = worker.url.rsplit("/", 1)[0]  # no key: the id comes from the folder's path
        page = context.new_page()
        page.goto(f"{origin}/popup/popup.html")
        page.click("[data-name='audience:young-person']")
        page.click("[data-name='concern:sextortion']")
        page.click("[data-name='age:13-17']")
        page.locator("body[data-screen='routes'] li.card").first.wait_for()
        routes = page.locator("li.card").evaluate_all("cs => cs.map(c => c.dataset.route)")
        assert "ceop" in routes and "childline" in routes
        size = page.evaluate(
            """url => new Promise((done) => { const i = new Image();
               i.onload = () => done([i.naturalWidth, i.naturalHeight]);
               i.onerror = () => done(null); i.src = url; })""",
            f"{origin}/icons/icon-16.png",
        )
        assert size == [16, 16]


def lint(*command: str) -> dict:
    require("node", "Mozilla's linters run on Node")
    result = subprocess.run(
        ["npx", "--no-install", *command, "--output", "json"],
        capture_output=True, text=True, timeout=300, cwd=REPO_ROOT,
    )  # fmt: skip
    return json.loads(result.stdout[result.stdout.index("{") :])


def test_addons_linter_passes_the_firefox_package_cleanly(zips):
    report = lint("addons-linter", str(zips["firefox"]))
    assert report["summary"] == {"errors": 0, "notices": 0, "warnings": 0}, report


def test_web_ext_lint_on_the_source_has_no_errors_and_only_explained_warnings():
    report = lint("web-ext", "lint", "--source-dir", str(extension_dir()))
    assert report["errors"] == [], report["errors"]
    explained = (extension_dir() / "PERMISSIONS.md").read_text()
    for warning in report["warnings"]:
        assert f"`{warning['code']}`" in explained, warning


def test_icons_are_what_the_drawing_script_draws(tmp_path):
    from PIL import Image

    spec = importlib.util.spec_from_file_location("draw_icons", REPO_ROOT / "tools/draw_icons.py")
    draw_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(draw_icons)
    for size in draw_icons.SIZES:
        committed = Image.open(extension_dir() / "icons" / f"icon-{size}.png")
        assert committed.size == (size, size)
        assert draw_icons.pixels(committed) == draw_icons.pixels(draw_icons.draw(size))


FLOWS = [
    ("young-person", "13-17", "sextortion"),
    ("parent-carer", "under-8", "grooming"),
    ("professional", "not-sure", "csam-found"),
]


def screens_seen(folder: Path, profile: Path) -> list[str]:
    """The text of every screen on each audience's way to its routes."""
    seen = []
    with chromium_context(profile, folder) as context:
        worker = context.service_workers[0] if context.service_workers else None
        worker = worker or context.wait_for_event("serviceworker", timeout=15_000)
        origin = worker.url.rsplit("/", 1)[0]
        for audience, band, concern in FLOWS:
            worker.evaluate("chrome.storage.local.clear()")
            page = context.new_page()
            page.goto(f"{origin}/popup/popup.html")
            for step, screen in (
                (f"audience:{audience}", "concern"),  # what happened comes before the age
                (f"concern:{concern}", "age"),
                (f"age:{band}", "routes"),
            ):
                page.locator(f"[data-name='{step}']").wait_for()
                seen.append(page.locator("#screen").inner_text())
                page.click(f"[data-name='{step}']")
                page.locator(f"body[data-screen='{screen}']").wait_for()
            page.locator("li.card").first.wait_for()
            # A parent's guidance is read after the routes are drawn: wait until it is in.
            page.wait_for_function("!document.getElementById('guidance-slot')")
            seen.append(page.locator("body").inner_text())
            page.close()
    return seen


@pytest.mark.browser
def test_bundled_package_shows_exactly_what_the_source_shows(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    built = extension_package.write_unpacked("chromium", tmp_path / "built", bundler())
    source = source_copy(tmp_path / "source")
    assert screens_seen(built, tmp_path / "p1") == screens_seen(source, tmp_path / "p2")

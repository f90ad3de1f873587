"""`waymark build-web DIR`: a complete static site built from the extension's own modules and
the checked knowledge base (never a committed copy), refused for an invalid knowledge base as
build-extension refuses it, with two web app manifests, icons drawn at build, and a service
worker that lists every file with its SHA-256 under a version made of the knowledge base's hash
and the other files' hash."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from helper import extension_data, pocket
from helper.paths import REPO_ROOT, extension_dir
from tests.support.cli import waymark

PAGES = ("index.html", "help.html")


def sw_listing(site: Path) -> tuple[str, dict[str, str]]:
    text = (site / "sw.js").read_text()
    version = re.search(r'const VERSION = "([^"]+)";', text).group(1)
    files = json.loads(re.search(r"const FILES = (\{.*?\});", text, re.S).group(1))
    return version, files


def test_the_site_has_every_file_a_phone_needs(built):
    names = {p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file()}
    assert {*PAGES, "sw.js", "app.js", "popup/screens.js", "lib/engine.js", "lib/ui.css"} <= names
    assert {"manifest.webmanifest", "manifest-help.webmanifest", "messages.json"} <= names
    assert {f"data/{name}.json" for name in extension_data.SHIPPED} <= names
    assert not any(name.startswith(".") or "/." in name for name in names)


def test_modules_and_data_are_the_extensions_own_bytes(built):
    for path in built.glob("lib/*"):
        assert path.read_bytes() == (extension_dir() / "lib" / path.name).read_bytes(), path
    assert (built / "popup/screens.js").read_bytes() == (
        extension_dir() / "popup/screens.js"
    ).read_bytes()
    for name, data in extension_data.validated().items():
        assert (built / "data" / name).read_bytes() == data


def test_nothing_of_the_site_is_committed_as_a_copy():
    tracked = set((REPO_ROOT / "pocket").iterdir())
    assert not any(p.name in ("lib", "popup", "data", "icons") for p in tracked)
    assert not list((REPO_ROOT / "pocket").glob("*.png"))


def test_the_worker_lists_every_file_with_its_hash(built):
    version, files = sw_listing(built)
    on_disk = {
        p.relative_to(built).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in built.rglob("*")
        if p.is_file() and p.name != "sw.js"
    }
    assert files == on_disk
    assert re.fullmatch(r"kb-[0-9a-f]{16}-files-[0-9a-f]{16}", version)


def test_the_version_follows_the_knowledge_base_and_the_files():
    data = extension_data.validated()
    first = pocket.build_site(data)
    changed_data = {**data, "routes.json": data["routes.json"] + b"\n"}
    second = pocket.build_site(changed_data)
    kb1, files1 = first.version.split("-files-")
    kb2, files2 = second.version.split("-files-")
    assert kb1 != kb2 and files1 == files2
    assert pocket.build_site(data).version == first.version  # the same source, the same site


def test_each_page_has_a_strict_csp_and_links_its_own_manifest(built):
    manifests = ("manifest.webmanifest", "manifest-help.webmanifest")
    for page, manifest in zip(PAGES, manifests, strict=True):
        html = (built / page).read_text()
        assert '<meta http-equiv="Content-Security-Policy" content="default-src \'self\';' in html
        assert f'<link rel="manifest" href="{manifest}"' in html
        assert "{{" not in html
        assert re.findall(r'(?:src|href)="(https?:)?//', html) == []


def test_manifests_name_the_app_and_its_icons(built):
    main = json.loads((built / "manifest.webmanifest").read_text())
    plain = json.loads((built / "manifest-help.webmanifest").read_text())
    assert main["short_name"] == "Waymark" and main["name"].startswith("Waymark")
    assert plain["name"] == plain["short_name"] == "Help" and "description" not in plain
    for manifest, page in ((main, "index.html"), (plain, "help.html")):
        assert manifest["start_url"] == page and manifest["scope"] == "./"
        assert manifest["display"] == "standalone"
        assert manifest["theme_color"] and manifest["background_color"]
        assert set(manifest["color_scheme_dark"]) == {"theme_color", "background_color"}
        sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
        assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
        for icon in manifest["icons"]:
            assert (built / icon["src"]).is_file()
    assert not set(map(str, (i["src"] for i in main["icons"]))) & {i["src"] for i in plain["icons"]}


def test_icons_are_the_sizes_they_claim_and_maskable_ones_are_full_bleed(built):
    image = pytest.importorskip("PIL.Image")
    for manifest in ("manifest.webmanifest", "manifest-help.webmanifest"):
        for icon in json.loads((built / manifest).read_text())["icons"]:
            with image.open(built / icon["src"]) as picture:
                width, height = (int(n) for n in icon["sizes"].split("x"))
                assert picture.size == (width, height) and picture.format == "PNG"
                alpha = picture.convert("RGBA").getchannel("A")
                if icon["purpose"] == "maskable":
                    assert alpha.getextrema() == (255, 255)  # nothing transparent to crop
                else:
                    assert (
                        alpha.getpixel((0, 0)) == 0
                        and alpha.getpixel((width // 2, width // 10)) == 255
                    )


def test_no_module_reaches_for_another_origin(built):
    for path in built.rglob("*.js"):
        text = path.read_text()
        assert not re.search(r"""(?:import\s*\(|from)\s*["'](?:https?:)?//""", text), path
        assert 'fetch("http' not in text and "fetch('http" not in text, path
        assert "XMLHttpRequest" not in text and "sendBeacon" not in text and "WebSocket" not in text


def test_strings_are_the_extensions_with_the_pockets_over_them(built):
    messages = json.loads((built / "messages.json").read_text())
    ours = json.loads((REPO_ROOT / "pocket/messages.json").read_text())
    theirs = json.loads((extension_dir() / "_locales/en/messages.json").read_text())
    assert set(messages) == set(theirs) | set(ours)
    assert messages["audience_intro"]["message"] == ours["audience_intro"]["message"]
    assert messages["quick_exit"]["message"] == theirs["quick_exit"]["message"]
    assert all("description" not in entry for entry in messages.values())


@pytest.fixture
def invalid_resources(tmp_path) -> Path:
    root = tmp_path / "resources"
    shutil.copytree(REPO_ROOT / "resources", root)
    (root / ".checked.json").unlink(missing_ok=True)
    services = json.loads((root / "services.json").read_text())
    services["services"][0]["url"] = "http://not-https.example/"
    (root / "services.json").write_text(json.dumps(services))
    return root


def test_an_invalid_knowledge_base_is_refused_and_nothing_is_written(invalid_resources, tmp_path):
    env = {**os.environ, "WAYMARK_RESOURCES": str(invalid_resources)}
    out = tmp_path / "site"
    result = waymark("build-web", str(out), env=env)
    assert result.returncode == 1, result.stdout
    assert "the knowledge base is invalid, so nothing was written" in result.stderr
    assert "services.json" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()
    # The same refusal, word for word, as build-extension's.
    theirs = waymark("build-extension", "--out", str(tmp_path / "data"), env=env)
    assert theirs.returncode == result.returncode and theirs.stderr == result.stderr


def test_a_second_build_over_the_first_gives_the_same_files(built, tmp_path):
    again = tmp_path / "again"
    shutil.copytree(built, again)
    result = waymark("build-web", str(again))
    assert result.returncode == 0, result.stderr
    for path in built.rglob("*"):
        if path.is_file():
            assert (again / path.relative_to(built)).read_bytes() == path.read_bytes(), path


def test_the_pockets_own_words_read_at_about_age_nine():
    """The same bar as the extension's young-person strings (tests/extension/test_package.py)."""
    from tests.resources.readability import grade, plain

    ours = json.loads((REPO_ROOT / "pocket/messages.json").read_text())
    shown = [m["message"] for m in ours.values() if m.get("description", "").startswith("[yp]")]
    assert len(shown) == len(ours), "every pocket string is read by young people too"
    text = " ".join(s if s.rstrip().endswith((".", "?", "!")) else f"{s}." for s in shown)
    assert grade(plain(text)) <= 4
    for sentence in shown:
        assert len(sentence.split()) <= 20, sentence


def test_every_string_the_app_uses_is_there(built):
    messages = json.loads((built / "messages.json").read_text())
    used = set(
        re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']""", (REPO_ROOT / "pocket/app.js").read_text())
    )
    used |= set(
        re.findall(r'data-i18n="([a-z0-9_]+)"', (REPO_ROOT / "pocket/page.html").read_text())
    )
    assert used and used <= set(messages), used - set(messages)

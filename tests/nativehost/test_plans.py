"""What `install-native-host` writes on each system, as data: Windows (a batch launcher, a
manifest in the data folder, and the HKEY_CURRENT_USER key naming it), macOS folders, and what it
says for sandboxed Linux builds (Snap, Flatpak). Applying a plan is tested for real on Linux in
test_install.py and tests/packaging; the registry is only ever written on Windows."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from helper.nativehost import manifests
from helper.nativehost.identity import GECKO_ID, HOST_NAME
from tests.support.cli import waymark as run_waymark
from tests.support.hostproc import REPO

EXT_ID = "hnjoammhjfbmjbpfllkmjegekdjlkjgi"


def plan(browser, system, sandboxes=None, **extra):
    windows = system == "win32"
    return manifests.plan_install(
        browser,
        system=system,
        home=PureWindowsPath("C:/Users/pat") if windows else Path("/home/pat"),
        env={},
        data_folder=(
            PureWindowsPath("C:/Users/pat/AppData/Local/waymark")
            if windows
            else Path("/home/pat/.local/share/waymark")
        ),
        python="C:\\Python312\\python.exe" if windows else "/usr/bin/python3",
        package_parent=(
            PureWindowsPath("C:/Python312/Lib/site-packages")
            if windows
            else PurePosixPath("/usr/lib/python3/dist-packages")
        ),
        ext_id=EXT_ID,
        sandboxes=sandboxes,
        **extra,
    )


@pytest.mark.parametrize(
    ("browser", "key"),
    [
        ("chrome", "Software\\Google\\Chrome\\NativeMessagingHosts\\uk.waymark.helper"),
        ("chromium", "Software\\Chromium\\NativeMessagingHosts\\uk.waymark.helper"),
        ("edge", "Software\\Microsoft\\Edge\\NativeMessagingHosts\\uk.waymark.helper"),
        ("firefox", "Software\\Mozilla\\NativeMessagingHosts\\uk.waymark.helper"),
    ],
)
def test_windows_plan_is_a_batch_launcher_a_manifest_and_one_hkcu_key(browser, key):
    p = plan(browser, "win32")
    (launcher, script, _), (manifest, text, _) = p.files
    assert (
        str(launcher)
        == "C:\\Users\\pat\\AppData\\Local\\waymark\\native-host\\waymark-native-host.bat"
    )
    assert str(manifest) == (
        f"C:\\Users\\pat\\AppData\\Local\\waymark\\native-host\\{HOST_NAME}.{browser}.json"
    )
    assert script.startswith("@echo off\r\n") and script.endswith(
        '"C:\\Python312\\python.exe" -m helper native-host %*\r\n'
    )
    data = json.loads(text)
    assert data["path"] == str(launcher) and data["name"] == HOST_NAME and data["type"] == "stdio"
    if browser == "firefox":
        assert data["allowed_extensions"] == [GECKO_ID]
    else:
        assert data["allowed_origins"] == [f"chrome-extension://{EXT_ID}/"]
    (entry,) = p.registry
    assert (entry.hive, entry.key, entry.value) == ("HKEY_CURRENT_USER", key, str(manifest))


def test_windows_plan_is_never_applied_elsewhere(tmp_path):
    if sys.platform == "win32":
        pytest.skip("this checks the refusal off Windows")  # never the case in CI (Linux)
    from helper.errors import BadInput

    with pytest.raises(BadInput):
        manifests.apply(plan("chrome", "win32"))


@pytest.mark.parametrize(
    ("browser", "folder"),
    [
        ("chrome", "Library/Application Support/Google/Chrome/NativeMessagingHosts"),
        ("firefox", "Library/Application Support/Mozilla/NativeMessagingHosts"),
    ],
)
def test_macos_plan_writes_the_manifest_in_the_browsers_folder(browser, folder):
    p = manifests.plan_install(
        browser, system="darwin", home=Path("/Users/pat"), env={},
        data_folder=Path("/Users/pat/Library/Application Support/waymark"),
        python="/usr/local/bin/python3", package_parent=Path("/opt/w"), ext_id=EXT_ID,
    )  # fmt: skip
    assert p.manifest == Path("/Users/pat") / folder / f"{HOST_NAME}.json"
    assert p.registry == () and p.refusal is None


def test_snap_firefox_is_written_with_a_note_about_the_portal():
    p = plan("firefox", "linux", manifests.Sandboxes(snap=True, native=False))
    assert p.refusal is None
    assert p.manifest == Path(f"/home/pat/.mozilla/native-messaging-hosts/{HOST_NAME}.json")
    assert len(p.notes) == 1 and "portal" in p.notes[0]


def test_flatpak_firefox_alone_is_written_with_what_it_needs():
    p = plan("firefox", "linux", manifests.Sandboxes(flatpak=True, native=False))
    assert p.refusal is None and p.files
    assert "xdg-native-messaging-proxy" in p.notes[0]


@pytest.mark.parametrize("browser", ["chromium", "chrome", "edge"])
def test_sandboxed_chromium_family_alone_is_refused_in_one_line(browser):
    kinds = {"snap": browser == "chromium", "flatpak": browser != "chromium"}
    p = plan(browser, "linux", manifests.Sandboxes(native=False, **kinds))
    assert p.files == () and p.refusal
    assert "\n" not in p.refusal and "Firefox" in p.refusal


def test_sandboxed_chromium_beside_an_ordinary_one_is_written_with_a_note():
    p = plan("chromium", "linux", manifests.Sandboxes(snap=True, native=True))
    assert p.refusal is None and p.files and "Snap" in p.notes[0]


def test_detection_looks_where_snap_and_flatpak_install():
    home = Path("/home/pat")

    def only(*present):
        return lambda path: str(path) in present

    assert manifests.detect_sandboxes("chromium", home, only("/snap/chromium")) == (
        manifests.Sandboxes(snap=True, flatpak=False, native=False)
    )
    found = manifests.detect_sandboxes(
        "firefox", home, only("/home/pat/.var/app/org.mozilla.firefox", "/usr/lib/firefox/firefox")
    )
    assert found == manifests.Sandboxes(snap=False, flatpak=True, native=True)
    assert manifests.detect_sandboxes("edge", home, only()) == manifests.Sandboxes()


def test_doctor_reports_installed_hosts_and_a_broken_one(tmp_path):
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k != "XDG_CONFIG_HOME"}
    env.update(HOME=str(home), WAYMARK_HOME=str(home / "waymark"), PYTHONPATH=str(REPO))

    def waymark(*args):
        return run_waymark(*args, env=env, cwd=tmp_path)

    assert "no browser is set up" in waymark("doctor").stdout
    assert waymark("install-native-host", "--browser", "chromium").returncode == 0
    report = waymark("doctor").stdout
    assert "[ok] browser helper" in report and "Chromium: ready" in report
    (home / "waymark" / "native-host" / "waymark-native-host").unlink()
    broken = waymark("doctor")
    assert broken.returncode == 1
    assert "[PROBLEM] browser helper" in broken.stdout and "launcher" in broken.stdout

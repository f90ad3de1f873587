"""`waymark install-native-host` for each browser, in throwaway HOMEs, and the installed
launcher answering a real hello exactly as a browser would start it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from helper import __version__
from helper.nativehost.identity import EXTENSION_KEY, extension_id, extension_id_from_key
from helper.nativehost.manifests import manifest_folder
from tests.support.cli import waymark as run_waymark
from tests.support.hostproc import ORIGIN, REPO, frame, parse_frames
from tests.support.modes import assert_mode

FIXED_ID = "hnjoammhjfbmjbpfllkmjegekdjlkjgi"

LINUX_FOLDERS = {
    "chrome": ".config/google-chrome/NativeMessagingHosts",
    "chromium": ".config/chromium/NativeMessagingHosts",
    "edge": ".config/microsoft-edge/NativeMessagingHosts",
    "firefox": ".mozilla/native-messaging-hosts",
}


def waymark(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "XDG_CONFIG_HOME"}
    env.update(HOME=str(home), WAYMARK_HOME=str(home / "waymark"))
    return run_waymark(*args, env=env)


def test_extension_id_is_computed_from_the_key():
    assert extension_id_from_key(EXTENSION_KEY) == FIXED_ID


def test_extensions_manifest_carries_the_same_key():
    manifest = json.loads((REPO / "extension" / "manifest.json").read_text())
    assert manifest["key"] == EXTENSION_KEY
    assert extension_id() == FIXED_ID


@pytest.mark.parametrize("browser", ["chrome", "chromium", "edge", "firefox"])
def test_install_writes_the_manifest_in_the_browsers_own_folder_and_uninstall_removes_it(
    tmp_path, browser
):
    home = tmp_path / "home"
    home.mkdir()
    result = waymark(home, "install-native-host", "--browser", browser)
    assert result.returncode == 0, result.stderr
    manifest_path = home / LINUX_FOLDERS[browser] / "uk.waymark.helper.json"
    assert str(manifest_path) in result.stdout
    manifest = json.loads(manifest_path.read_text())
    assert manifest["name"] == "uk.waymark.helper"
    assert manifest["type"] == "stdio"
    if browser == "firefox":
        assert manifest["allowed_extensions"] == ["waymark@waymark.local"]
        assert "allowed_origins" not in manifest
    else:
        assert manifest["allowed_origins"] == [f"chrome-extension://{FIXED_ID}/"]
        assert "allowed_extensions" not in manifest
    launcher = Path(manifest["path"])
    assert launcher.is_absolute()
    assert launcher.is_relative_to(home / "waymark")
    assert_mode(launcher, 0o755)

    again = waymark(home, "install-native-host", "--browser", browser)
    assert again.returncode == 0, "installing twice is fine"

    removed = waymark(home, "install-native-host", "--browser", browser, "--uninstall")
    assert removed.returncode == 0
    assert not manifest_path.exists()
    assert str(manifest_path) in removed.stdout
    nothing = waymark(home, "install-native-host", "--browser", browser, "--uninstall")
    assert nothing.returncode == 0 and "Nothing to remove" in nothing.stdout


def test_installed_launcher_answers_hello_when_started_like_a_browser_does(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    profile = tmp_path / "profile"
    result = waymark(
        home, "install-native-host", "--browser", "chromium", "--user-data-dir", str(profile)
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((profile / "NativeMessagingHosts" / "uk.waymark.helper.json").read_text())
    # Browsers start the host from their own folder with a minimal environment.
    reply = subprocess.run(
        [manifest["path"], ORIGIN],
        input=frame({"v": 1, "type": "hello"}),
        capture_output=True,
        timeout=30,
        cwd="/",
        env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
    )
    assert parse_frames(reply.stdout) == [
        {"v": 1, "ok": True, "type": "hello", "helper": f"waymark {__version__}"}
    ]
    assert reply.returncode == 0 and reply.stderr == b""


def test_firefox_has_no_profile_folder_and_says_so(tmp_path):
    result = waymark(
        tmp_path, "install-native-host", "--browser", "firefox", "--user-data-dir", "x"
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_browser_is_bad_usage(tmp_path):
    result = waymark(tmp_path, "install-native-host", "--browser", "netscape")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_unwritable_folder_is_one_clear_line(tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    result = waymark(
        tmp_path, "install-native-host", "--browser", "chrome", "--user-data-dir", str(blocked)
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("waymark: Cannot write")


@pytest.mark.parametrize(
    ("browser", "folder"),
    [
        ("chrome", "Library/Application Support/Google/Chrome/NativeMessagingHosts"),
        ("chromium", "Library/Application Support/Chromium/NativeMessagingHosts"),
        ("edge", "Library/Application Support/Microsoft Edge/NativeMessagingHosts"),
        ("firefox", "Library/Application Support/Mozilla/NativeMessagingHosts"),
    ],
)
def test_macos_folders(browser, folder):
    home = Path("/Users/pat")
    assert manifest_folder(browser, home, system="darwin", env={}) == home / folder


def test_linux_chromium_follows_xdg_config_home():
    folder = manifest_folder("chromium", Path("/home/pat"), "linux", {"XDG_CONFIG_HOME": "/cfg"})
    assert folder == Path("/cfg/chromium/NativeMessagingHosts")
    firefox = manifest_folder("firefox", Path("/home/pat"), "linux", {"XDG_CONFIG_HOME": "/cfg"})
    assert firefox == Path("/home/pat/.mozilla/native-messaging-hosts")


def test_windows_is_refused_plainly():
    from helper.errors import BadInput

    with pytest.raises(BadInput):
        manifest_folder("chrome", Path("C:/Users/pat"), "win32", {})

"""Installing the host: a launcher script, and the host manifest in each browser's per-user
folder that names the launcher and allows exactly one extension.

Browsers start the manifest's `path` with no arguments of ours, so it must be an absolute
executable: a tiny shell launcher that runs this very interpreter with `-m helper native-host`.
Folders: https://developer.chrome.com/docs/extensions/develop/concepts/native-messaging#native-messaging-host-location
and https://developer.mozilla.org/en-US/docs/Mozilla/Add-ons/WebExtensions/Native_manifests"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path

from helper.errors import BadInput, StorageError
from helper.nativehost.identity import GECKO_ID, HOST_NAME, chromium_origin, extension_id
from helper.paths import data_dir

BROWSERS = ("chrome", "chromium", "edge", "firefox")
CHROMIUM_FAMILY = ("chrome", "chromium", "edge")

# Per-user folders, relative to the config home (Linux) or ~/Library/Application Support (macOS).
LINUX_CHROMIUM_DIRS = {
    "chrome": "google-chrome",
    "chromium": "chromium",
    "edge": "microsoft-edge",
}
MACOS_DIRS = {
    "chrome": "Google/Chrome/NativeMessagingHosts",
    "chromium": "Chromium/NativeMessagingHosts",
    "edge": "Microsoft Edge/NativeMessagingHosts",
    "firefox": "Mozilla/NativeMessagingHosts",
}


def manifest_folder(
    browser: str,
    home: Path,
    system: str = sys.platform,
    env: Mapping[str, str] | None = None,
    user_data_dir: Path | None = None,
) -> Path:
    """Where `browser` looks for per-user host manifests."""
    env = os.environ if env is None else env
    if browser not in BROWSERS:
        raise BadInput(f"Unknown browser {browser!r}; choose one of {', '.join(BROWSERS)}.")
    if user_data_dir is not None:
        if browser == "firefox":
            raise BadInput("Firefox has no per-profile host folder; leave out --user-data-dir.")
        # Chromium reads <user data dir>/NativeMessagingHosts when started with a custom one.
        return user_data_dir / "NativeMessagingHosts"
    if system == "darwin":
        return home / "Library" / "Application Support" / MACOS_DIRS[browser]
    if system.startswith("linux") or "bsd" in system:
        if browser == "firefox":
            return home / ".mozilla" / "native-messaging-hosts"
        # Chromium's user data dir follows XDG_CONFIG_HOME when it is set.
        xdg = env.get("XDG_CONFIG_HOME", "")
        config = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".config"
        return config / LINUX_CHROMIUM_DIRS[browser] / "NativeMessagingHosts"
    raise BadInput("Installing the native host is only supported on Linux and macOS so far.")


def host_manifest(browser: str, launcher: Path, ext_id: str) -> dict[str, object]:
    """The manifest: our launcher, and only this extension allowed to start it."""
    manifest: dict[str, object] = {
        "name": HOST_NAME,
        "description": "Waymark helper: opens a new concern note from the Waymark extension",
        "path": str(launcher),
        "type": "stdio",
    }
    if browser == "firefox":
        manifest["allowed_extensions"] = [GECKO_ID]
    else:
        manifest["allowed_origins"] = [chromium_origin(ext_id)]
    return manifest


def launcher_script(python: str, package_parent: Path) -> str:
    """The shell launcher. PYTHONPATH makes `-m helper` importable from whatever folder the
    browser starts us in, even when the helper is run from a source checkout."""
    parent = shlex.quote(str(package_parent))
    return (
        "#!/bin/sh\n"
        "# Written by `waymark install-native-host`. Browsers start this to talk to Waymark.\n"
        f"PYTHONPATH={parent}${{PYTHONPATH:+:$PYTHONPATH}}\n"
        "export PYTHONPATH\n"
        f'exec {shlex.quote(python)} -m helper native-host "$@"\n'
    )


def _write_atomically(path: Path, text: str, mode: int) -> None:
    """Write beside the target and rename, so a browser never reads half a file."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        temporary.chmod(mode)
        os.replace(temporary, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise StorageError(f"Cannot write {path}: {err.strerror or err}.") from err


def launcher_path() -> Path:
    return data_dir() / "native-host" / "waymark-native-host"


def install(browser: str, user_data_dir: Path | None = None) -> list[Path]:
    """Write the launcher and this browser's host manifest; return the files written."""
    folder = manifest_folder(browser, Path.home(), user_data_dir=user_data_dir)
    launcher = launcher_path()
    package_parent = Path(__file__).resolve().parent.parent.parent
    _write_atomically(launcher, launcher_script(sys.executable, package_parent), 0o755)
    manifest = folder / f"{HOST_NAME}.json"
    text = json.dumps(host_manifest(browser, launcher, extension_id()), indent=2) + "\n"
    _write_atomically(manifest, text, 0o644)
    return [launcher, manifest]


def uninstall(browser: str, user_data_dir: Path | None = None) -> list[Path]:
    """Remove this browser's host manifest; return what was removed (empty if nothing was).

    The launcher stays: another browser's manifest may still point at it."""
    folder = manifest_folder(browser, Path.home(), user_data_dir=user_data_dir)
    manifest = folder / f"{HOST_NAME}.json"
    try:
        manifest.unlink()
    except FileNotFoundError:
        return []
    except OSError as err:
        raise StorageError(f"Cannot remove {manifest}: {err.strerror or err}.") from err
    return [manifest]

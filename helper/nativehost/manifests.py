"""Installing the host: a launcher script, and the host manifest in each browser's per-user
folder that names the launcher and allows exactly one extension.

Browsers start the manifest's `path` with no arguments of ours, so it must be an absolute
executable: a tiny shell launcher that runs this very interpreter with `-m helper native-host`.
Folders: https://developer.chrome.com/docs/extensions/develop/concepts/native-messaging#native-messaging-host-location
and https://developer.mozilla.org/en-US/docs/Mozilla/Add-ons/WebExtensions/Native_manifests

Windows has no such folder: the manifest lives in our data folder and a registry key under
HKEY_CURRENT_USER names it. What to write is worked out first as a plan (plain data, tested on
any system); only applying it touches the disk, and the registry only on Windows (winreg).

Sandboxed Linux builds are detected from where they install: Firefox from Snap reads the usual
~/.mozilla folder through the desktop's WebExtensions portal; Chromium-family browsers from Snap
or Flatpak cannot start a program outside their sandbox, and that is said in one line."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath, PureWindowsPath

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
    raise BadInput(
        "On Windows the host manifest has no fixed folder: it is named by a registry key "
        "(see plan_install)."
    )


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


# Windows: HKEY_CURRENT_USER\Software\<this>\NativeMessagingHosts\<host name>, default value
# = the manifest's full path. Chrome's and Firefox's keys are from their own documentation and
# Firefox's source; Edge's and Chromium's follow the same pattern (docs/DEPLOY.md).
WINDOWS_KEYS = {
    "chrome": "Google\\Chrome",
    "chromium": "Chromium",
    "edge": "Microsoft\\Edge",
    "firefox": "Mozilla",
}
# Sandboxed Linux builds: the snap's name, and the Flatpak application id.
SNAPS = {"firefox": "firefox", "chromium": "chromium"}
FLATPAKS = {
    "firefox": "org.mozilla.firefox",
    "chromium": "org.chromium.Chromium",
    "chrome": "com.google.Chrome",
    "edge": "com.microsoft.Edge",
}
# Where each browser's ordinary (unsandboxed) Linux build puts its program.
NATIVE_BINARIES = {
    "firefox": ("/usr/lib/firefox/firefox", "/usr/lib/firefox-esr/firefox-esr",
                "/usr/lib64/firefox/firefox", "/opt/firefox/firefox"),
    "chromium": ("/usr/lib/chromium/chromium", "/usr/lib64/chromium-browser/chromium-browser"),
    "chrome": ("/opt/google/chrome/chrome",),
    "edge": ("/opt/microsoft/msedge/msedge",),
}  # fmt: skip
NAMES = {"chrome": "Chrome", "chromium": "Chromium", "edge": "Edge", "firefox": "Firefox"}


@dataclass(frozen=True)
class RegistryValue:
    """A registry key's default value (Windows only)."""

    hive: str
    key: str
    value: str


@dataclass(frozen=True)
class InstallPlan:
    """Everything `install-native-host` would do for one browser, as data."""

    browser: str
    system: str
    files: tuple[tuple[PurePath, str, int], ...] = ()  # (path, text, mode)
    registry: tuple[RegistryValue, ...] = ()
    notes: tuple[str, ...] = ()  # one plain line each, printed after installing
    refusal: str | None = None  # set when this browser build cannot start the helper at all

    @property
    def manifest(self) -> PurePath | None:
        return next((path for path, _, _ in self.files if path.suffix == ".json"), None)


@dataclass(frozen=True)
class Sandboxes:
    """Which builds of one browser are on this Linux machine."""

    snap: bool = False
    flatpak: bool = False
    native: bool = True


def detect_sandboxes(
    browser: str, home: Path, exists: Callable[[Path], bool] = Path.exists
) -> Sandboxes:
    """Look for the Snap, Flatpak and ordinary builds of `browser` where each installs."""
    snap = browser in SNAPS and exists(Path("/snap") / SNAPS[browser])
    app = FLATPAKS.get(browser)
    flatpak = app is not None and any(
        exists(folder / app)
        for folder in (
            Path("/var/lib/flatpak/app"),
            home / ".local/share/flatpak/app",
            home / ".var/app",
        )
    )
    native = any(exists(Path(binary)) for binary in NATIVE_BINARIES[browser])
    if not (snap or flatpak):
        native = True  # nothing sandboxed found: assume an ordinary build
    return Sandboxes(snap=snap, flatpak=flatpak, native=native)


def sandbox_lines(browser: str, found: Sandboxes) -> tuple[str | None, tuple[str, ...]]:
    """(refusal, notes) for the sandboxed builds found. Pure."""
    name = NAMES[browser]
    if browser == "firefox":
        notes = []
        if found.snap:
            notes.append(
                "Firefox from Snap reaches the helper through the desktop's WebExtensions "
                "portal (Ubuntu 22.04 and later); if the extension says the helper is missing, "
                "update the system."
            )
        if found.flatpak and not (found.snap or found.native):
            notes.append(
                "Firefox from Flatpak can start the helper only from Firefox 157 on, with "
                "xdg-native-messaging-proxy installed and running; if it cannot, install Firefox "
                "from your distribution or from Mozilla."
            )
        return None, tuple(notes)
    kinds = " or ".join(k for k, on in (("Snap", found.snap), ("Flatpak", found.flatpak)) if on)
    if not kinds:
        return None, ()
    if not found.native:
        return (
            f"{name} from {kinds} cannot start programs outside its sandbox, so it cannot open "
            f"the Waymark helper: install {name} from its .deb or .rpm package, or use Firefox.",
            (),
        )
    return None, (
        f"{name} from {kinds} is also installed: it cannot start the helper from its sandbox, "
        f"so recording a concern works only in the other {name}.",
    )


def windows_launcher_script(python: str, package_parent: PurePath) -> str:
    """The Windows launcher: a batch file (browsers start it through cmd.exe)."""
    return (
        "@echo off\r\n"
        "rem Written by `waymark install-native-host`. Browsers start this to talk to Waymark.\r\n"
        f'set "PYTHONPATH={package_parent};%PYTHONPATH%"\r\n'
        f'"{python}" -m helper native-host %*\r\n'
    )


def plan_install(
    browser: str,
    *,
    system: str,
    home: PurePath,
    env: Mapping[str, str],
    data_folder: PurePath,
    python: str,
    package_parent: PurePath,
    ext_id: str,
    user_data_dir: Path | None = None,
    sandboxes: Sandboxes | None = None,
) -> InstallPlan:
    """What installing the host for `browser` on `system` writes. Pure: no disk, no registry."""
    if browser not in BROWSERS:
        raise BadInput(f"Unknown browser {browser!r}; choose one of {', '.join(BROWSERS)}.")
    if system == "win32":
        if user_data_dir is not None:
            raise BadInput("--user-data-dir is not used on Windows: the registry names the host.")
        folder = PureWindowsPath(data_folder) / "native-host"
        launcher = folder / "waymark-native-host.bat"
        manifest = folder / f"{HOST_NAME}.{browser}.json"
        text = json.dumps(host_manifest(browser, launcher, ext_id), indent=2) + "\n"
        key = f"Software\\{WINDOWS_KEYS[browser]}\\NativeMessagingHosts\\{HOST_NAME}"
        return InstallPlan(
            browser,
            system,
            files=(
                (launcher, windows_launcher_script(python, PureWindowsPath(package_parent)), 0o755),
                (manifest, text, 0o644),
            ),
            registry=(RegistryValue("HKEY_CURRENT_USER", key, str(manifest)),),
        )
    folder = manifest_folder(browser, Path(home), system, env, user_data_dir)
    refusal, notes = None, ()
    if system.startswith("linux") and user_data_dir is None and sandboxes is not None:
        refusal, notes = sandbox_lines(browser, sandboxes)
    launcher = Path(data_folder) / "native-host" / "waymark-native-host"
    manifest = folder / f"{HOST_NAME}.json"
    text = json.dumps(host_manifest(browser, launcher, ext_id), indent=2) + "\n"
    files = (
        (launcher, launcher_script(python, Path(package_parent)), 0o755),
        (manifest, text, 0o644),
    )
    return InstallPlan(
        browser, system, files=() if refusal else files, notes=notes, refusal=refusal
    )


def _write_atomically(path: Path, text: str, mode: int) -> None:
    """Write beside the target and rename, so a browser never reads half a file."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        temporary.chmod(mode)
        os.replace(temporary, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise StorageError(f"Cannot write {path}: {err.strerror or err}.") from err


def _set_registry(entry: RegistryValue) -> None:  # pragma: no cover - Windows only
    import winreg  # type: ignore[import-not-found]

    hive = getattr(winreg, entry.hive)
    try:
        with winreg.CreateKeyEx(hive, entry.key, 0, winreg.KEY_WRITE) as key:
            winreg.SetValueEx(key, "", 0, winreg.REG_SZ, entry.value)
    except OSError as err:
        raise StorageError(f"Cannot set the registry key {entry.key}: {err}.") from err


def _delete_registry(entry: RegistryValue) -> bool:  # pragma: no cover - Windows only
    import winreg  # type: ignore[import-not-found]

    try:
        winreg.DeleteKey(getattr(winreg, entry.hive), entry.key)
    except FileNotFoundError:
        return False
    except OSError as err:
        raise StorageError(f"Cannot remove the registry key {entry.key}: {err}.") from err
    return True


def current_plan(browser: str, user_data_dir: Path | None = None) -> InstallPlan:
    """The plan for this machine, this interpreter and this user."""
    home = Path.home()
    system = sys.platform
    return plan_install(
        browser,
        system=system,
        home=home,
        env=os.environ,
        data_folder=data_dir(),
        python=sys.executable,
        package_parent=Path(__file__).resolve().parent.parent.parent,
        ext_id=extension_id(),
        user_data_dir=user_data_dir,
        sandboxes=detect_sandboxes(browser, home) if system.startswith("linux") else None,
    )


def install(browser: str, user_data_dir: Path | None = None) -> list[Path]:
    """Write the launcher and this browser's host manifest (and on Windows the registry key);
    return the files written."""
    return apply(current_plan(browser, user_data_dir))


def apply(plan: InstallPlan) -> list[Path]:
    if plan.refusal:
        raise Unsupported(plan.refusal)
    if plan.registry and sys.platform != "win32":
        raise BadInput("This plan sets Windows registry keys; apply it on Windows.")
    written = []
    for path, text, mode in plan.files:
        _write_atomically(Path(path), text, mode)
        written.append(Path(path))
    for entry in plan.registry:  # pragma: no cover - Windows only
        _set_registry(entry)
    return written


def uninstall(browser: str, user_data_dir: Path | None = None) -> list[Path]:
    """Remove this browser's host manifest (and registry key); return what was removed.

    The launcher stays: another browser's manifest may still point at it."""
    plan = current_plan(browser, user_data_dir)
    if plan.refusal:
        return []
    for entry in plan.registry:  # pragma: no cover - Windows only
        _delete_registry(entry)
    manifest = plan.manifest
    assert manifest is not None
    try:
        Path(manifest).unlink()
    except FileNotFoundError:
        return []
    except OSError as err:
        raise StorageError(f"Cannot remove {manifest}: {err.strerror or err}.") from err
    return [Path(manifest)]


class Unsupported(StorageError):
    """This browser build cannot start the helper (a sandbox); the message says what to do."""


def check_installed(browser: str) -> tuple[bool | None, str]:
    """(ok, line) for one browser's installed host: None when it is not installed at all."""
    plan = current_plan(browser)
    if plan.refusal:
        return None, f"{NAMES[browser]}: {plan.refusal}"
    manifest = Path(plan.manifest) if plan.manifest else None
    if manifest is None or not manifest.exists():
        return None, f"{NAMES[browser]}: not set up"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False, f"{NAMES[browser]}: {manifest} cannot be read; run install-native-host again"
    expected = json.loads(dict((str(p), t) for p, t, _ in plan.files)[str(manifest)])
    launcher = Path(str(data.get("path", "")))
    if data != expected:
        return False, (
            f"{NAMES[browser]}: {manifest} is not what this Waymark would write (moved or "
            f"updated?); run `waymark install-native-host --browser {browser}` again"
        )
    if not (launcher.is_file() and os.access(launcher, os.X_OK)):
        return False, f"{NAMES[browser]}: the launcher {launcher} is missing; run install again"
    return True, f"{NAMES[browser]}: ready ({manifest})"


def doctor_check(today: object = None) -> object:
    """`waymark doctor`'s line about the browsers that may start the helper."""
    from helper.cli.doctor import Check

    results = [check_installed(browser) for browser in BROWSERS]
    if all(ok is None for ok, _ in results):
        return Check(
            "browser helper",
            True,
            (
                "no browser is set up to open notes from the extension yet "
                "(`waymark install-native-host --browser NAME` does it)",
            ),
        )
    return Check(
        "browser helper",
        all(ok is not False for ok, _ in results),
        tuple(line for _, line in results),
    )

"""Where Waymark keeps its files. One place, so tests and users can redirect all of it with
WAYMARK_HOME and nothing is ever written somewhere surprising.

The knowledge base (`resources/`), the extension (`extension/`) and the pocket web app
(`pocket/`) are top-level folders of the source tree. An installed wheel carries them inside the
package as `helper/_resources`, `helper/_extension` and `helper/_pocket` (setup.py maps them),
found here through importlib.resources. A source checkout has no such folders inside `helper/`,
so the top-level ones are used."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

import platformdirs

# The source checkout's root; inside an installed wheel this is site-packages and unused.
REPO_ROOT = Path(__file__).resolve().parent.parent


APP_NAME = "waymark"
RUNTIME_FOLDER = "runtime"  # launch pages and the one-helper lock (helper/server.py)
WINDOW_FOLDER = "window"  # the window's web storage (helper/window.py)


def data_dir() -> Path:
    """The user's Waymark data folder (the vault lives here). Owner-only (0700) on POSIX; on
    Windows the mode does nothing and the user profile's access rules protect it
    (docs/SECURITY.md, "Files on Windows")."""
    override = os.environ.get("WAYMARK_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as err:
        from helper.errors import StorageError

        raise StorageError(
            f"Waymark could not make its data folder {path} ({err.strerror or 'refused'})."
        ) from None
    return private(path)


def private(folder: Path) -> Path:
    """`folder`, made owner-only (0700) if it is ours, or StorageError if it is not.

    Why: mkdir's mode only applies to a folder it makes. One that already existed (made by
    hand, by an older version, restored from a backup) could be 0755, showing every file name
    in it to other accounts; it is closed here. One owned by another account is refused
    outright: its owner could read or replace whatever we put there (docs/SECURITY.md, "The
    data folder is private"). POSIX only; Windows has the profile's access rules instead."""
    if os.name != "posix":
        return folder
    from helper.errors import StorageError

    info = folder.stat()
    if info.st_uid != os.geteuid():
        raise StorageError(
            f"The folder {folder} belongs to another account, so Waymark will not keep its "
            "files there (set WAYMARK_HOME to a folder of your own)."
        )
    if info.st_mode & 0o077:
        try:
            os.chmod(folder, 0o700)
        except OSError:
            raise StorageError(
                f"The folder {folder} is open to other accounts and could not be made private, "
                "so Waymark will not keep its files there."
            ) from None
    return folder


def cache_dir() -> Path:
    """Things Waymark can always rebuild (compiled page templates): the user's cache folder,
    or WAYMARK_HOME/cache when that is set, so a test's files stay in its own folder. Owner-only
    like the data folder. Nothing about a person is ever kept here."""
    override = os.environ.get("WAYMARK_HOME")
    path = (
        Path(override) / "cache" if override else Path(platformdirs.user_cache_dir(APP_NAME, False))
    )
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _packaged(name: str) -> Path | None:
    """`helper/<name>` as installed from a wheel, when it is a real folder on disk."""
    try:
        folder = importlib_resources.files("helper").joinpath(name)
    except (ModuleNotFoundError, TypeError):
        return None
    if isinstance(folder, Path) and folder.is_dir():
        return folder
    return None


def resources_dir() -> Path:
    """The knowledge base. WAYMARK_RESOURCES lets tests point at a planted copy."""
    override = os.environ.get("WAYMARK_RESOURCES")
    if override:
        return Path(override)
    return _packaged("_resources") or REPO_ROOT / "resources"


def extension_dir() -> Path:
    """The extension's source folder (with its generated data/)."""
    return _packaged("_extension") or REPO_ROOT / "extension"


def pocket_dir() -> Path:
    """The pocket web app's own files (`waymark build-web` builds the site from them and the
    extension's modules)."""
    return _packaged("_pocket") or REPO_ROOT / "pocket"


def installed_from_wheel() -> bool:
    """True when the knowledge base comes from inside the installed package."""
    return _packaged("_resources") is not None


@dataclass(frozen=True)
class Placement:
    """Where Waymark's files go on one system, and what keeps other accounts out of them."""

    data: PurePath
    runtime: PurePath
    window: PurePath
    protected_by: str


POSIX_MODES = "owner-only modes: 0700 folders, 0600 files"
WINDOWS_ACLS = (
    "the user profile's access rules (ACLs), which the folder inherits; file modes do nothing"
)


def placement(system: str, env: Mapping[str, str], home: PurePath) -> Placement:
    """The default folders for `system` (a sys.platform value), as platformdirs picks them
    (user data folder, no author folder), worked out as data so every system's answer can be
    tested on any machine. WAYMARK_HOME moves all of it."""
    if env.get("WAYMARK_HOME"):
        flavour = PureWindowsPath if system == "win32" else PurePosixPath
        data: PurePath = flavour(env["WAYMARK_HOME"])
    elif system == "win32":
        home = PureWindowsPath(home)
        data = PureWindowsPath(env.get("LOCALAPPDATA") or home / "AppData" / "Local") / APP_NAME
    elif system == "darwin":
        data = PurePosixPath(home) / "Library" / "Application Support" / APP_NAME
    else:
        xdg = env.get("XDG_DATA_HOME", "").strip()
        base = PurePosixPath(xdg) if xdg else PurePosixPath(home) / ".local" / "share"
        data = base / APP_NAME
    return Placement(
        data=data,
        runtime=data / RUNTIME_FOLDER,
        window=data / WINDOW_FOLDER,
        protected_by=WINDOWS_ACLS if system == "win32" else POSIX_MODES,
    )


def current_placement() -> Placement:
    return placement(sys.platform, os.environ, Path.home())

"""Where Waymark keeps its files. One place, so tests and users can redirect all of it with
WAYMARK_HOME and nothing is ever written somewhere surprising.

The knowledge base (`resources/`) and the extension (`extension/`) are top-level folders of the
source tree. An installed wheel carries them inside the package as `helper/_resources` and
`helper/_extension` (setup.py maps them), found here through importlib.resources. A source
checkout has no such folders inside `helper/`, so the top-level ones are used."""

from __future__ import annotations

import os
from importlib import resources as importlib_resources
from pathlib import Path

import platformdirs

# The source checkout's root; inside an installed wheel this is site-packages and unused.
REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The user's Waymark data folder (the vault lives here); created private (0700)."""
    override = os.environ.get("WAYMARK_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir("waymark", False))
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


def installed_from_wheel() -> bool:
    """True when the knowledge base comes from inside the installed package."""
    return _packaged("_resources") is not None

"""Where Waymark keeps its files. One place, so tests and users can redirect all of it with
WAYMARK_HOME and nothing is ever written somewhere surprising."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The user's Waymark data folder (the vault lives here); created private (0700)."""
    override = os.environ.get("WAYMARK_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir("waymark", False))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def resources_dir() -> Path:
    """The knowledge base. WAYMARK_RESOURCES lets tests point at a planted copy."""
    override = os.environ.get("WAYMARK_RESOURCES")
    return Path(override) if override else REPO_ROOT / "resources"


def extension_dir() -> Path:
    return REPO_ROOT / "extension"

"""README screenshots. Tests always write theirs to test-artifacts/; the few the README shows
are copied into docs/screenshots/ only when WAYMARK_UPDATE_SCREENSHOTS=1, so an ordinary test
run (and CI) never changes the working tree."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def keep_for_readme(shot: Path) -> None:
    """Refresh docs/screenshots/<same name> from `shot` when asked to."""
    if os.environ.get("WAYMARK_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, DOCS / shot.name)

"""File modes are a POSIX promise. On Windows `os.chmod` can only set the read-only flag and
the user profile's access rules (ACLs) protect Waymark's files (docs/SECURITY.md, "Files on
Windows"), so tests that check a mode run on POSIX only; on Linux CI they always run."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

POSIX = os.name == "posix"
posix_only = pytest.mark.skipif(
    not POSIX, reason="POSIX file modes; on Windows the user profile's ACLs protect the files"
)


def assert_mode(path: Path, expected: int) -> None:
    """`path` (not followed if a link) has exactly the permission bits `expected`, on POSIX.
    A test with more to check than the mode calls this instead of being skipped whole."""
    if POSIX:
        found = stat.S_IMODE(os.lstat(path).st_mode)
        assert found == expected, f"{path}: mode {oct(found)}, expected {oct(expected)}"

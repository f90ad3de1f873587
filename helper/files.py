"""Putting a finished file in place without ever replacing one that is already there.

The safe way is a hard link: it fails if anything (even a dangling link) has the name. Some
drives have no hard links at all (FAT and exFAT memory sticks, some network shares), and
Windows refuses them there too. Then the name is claimed first with an exclusive create (which
fails just as the link would if anything is there) and the finished file is renamed over that
empty placeholder of ours. Either way the name never shows a half-written file, and a file
someone else made is never touched."""

from __future__ import annotations

import os
from pathlib import Path


def place_without_replacing(temp: Path, target: Path) -> None:
    """Move the finished `temp` to `target`; FileExistsError if `target` exists. `temp` may be
    left behind (the caller removes it); other OSErrors are the disk's own refusal."""
    try:
        os.link(temp, target)  # `temp` is our own plain file, never a link
        return
    except FileExistsError:
        raise
    except OSError:
        pass  # no hard links on this drive: claim the name instead
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    os.close(os.open(target, flags, 0o600))  # FileExistsError if anything has the name
    try:
        os.replace(temp, target)  # over our own empty placeholder only
    except BaseException:
        target.unlink(missing_ok=True)
        raise

"""Putting a finished file in place without ever replacing one that is already there.

The safe way is a hard link: it fails if anything (even a dangling link) has the name. Some
drives have no hard links at all (FAT and exFAT memory sticks, some network shares), and
Windows refuses them there too. Then the name is claimed first with an exclusive create (which
fails just as the link would if anything is there) and the finished file is renamed over that
empty placeholder of ours. Either way the name never shows a half-written file, and a file
someone else made is never touched."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from helper.errors import BadInput, StorageError


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


def check_private_target(output: Path, force: bool) -> None:
    """Refuse a symbolic link (it could point at someone else's file), anything that is not a
    plain file, and an existing file without --force. Callers may check before unlocking; the
    write checks again, and never follows a link."""
    try:
        found = os.lstat(output)
    except FileNotFoundError:
        return
    except OSError as err:
        raise StorageError(f"Cannot write {output}: {err.strerror or 'refused'}.") from None
    if stat.S_ISLNK(found.st_mode):
        raise BadInput(f"{output} is a symbolic link; Waymark will not write through it.")
    if not stat.S_ISREG(found.st_mode):
        raise BadInput(f"{output} is not a plain file; choose another name.")
    if not force:
        raise BadInput(f"{output} already exists; use --force to replace it.")


def write_private(output: Path, data: bytes, force: bool) -> None:
    """Write a new owner-only (0600 on POSIX) temporary file beside the target (created exclusively,
    never through a link), flush it to disk, then move it into place in one step: a reader
    sees the old file or the whole new one, and an existing file's looser mode is not kept.
    Without --force the move refuses to replace anything."""
    check_private_target(output, force)
    folder = output.parent if str(output.parent) else Path(".")
    temp = folder / f".{output.name}.{os.urandom(6).hex()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(temp, flags, 0o600)
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        check_private_target(output, force)  # nothing planted while we wrote
        if force:
            os.replace(temp, output)  # replaces a link itself, never what it points at
        else:
            place_without_replacing(temp, output)
    except FileExistsError:
        raise BadInput(f"{output} already exists; use --force to replace it.") from None
    except OSError as err:
        raise StorageError(f"Cannot write {output}: {err.strerror or 'refused'}.") from None
    finally:
        temp.unlink(missing_ok=True)

"""Compiled page templates kept between starts, trusted only when we can tell they are ours.

Jinja compiles each template to Python code the first time a page uses it, about 20 ms of the
helper's ~200 ms start. Keeping that code on disk saves the work, as Python keeps `.pyc` files.
This is a cache of work, never a place for data: a missing, unwritable, full or damaged cache
only means compiling again, never a failed page (a person reporting a concern must not see an
error because the disk is full).

Why the checks (docs/SECURITY.md, "Compiled templates"): an entry is Jinja's own format, a
pickle and a marshal'd code object, so reading one planted by someone else runs their code in
the helper that holds the vault key. The cache folder can sit under a shared, writable
XDG_CACHE_HOME where another account made it first. So:
- a cache folder (and the folder it sits in) must be owned by us and writable by nobody else,
  whether or not we made it; otherwise there is no cache at all and every page is compiled;
- an entry file must be a plain file owned by us and writable by nobody else, else it is a
  miss (and is replaced by our own);
- every entry carries an HMAC-SHA256 tag under a random key kept in the private data folder
  (0600, made once), over the entry's name and bytes, checked in constant time BEFORE Jinja
  reads any of it; a wrong tag is a miss. A planted file cannot carry a good tag without the
  key, which only this account can read.
The tag costs microseconds per entry, so starts stay as fast as before."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from jinja2.bccache import Bucket, BytecodeCache

from helper import paths
from helper.errors import WaymarkError

FOLDER = "templates"
KEY_FILE = "template-cache.key"
KEY_BYTES = 32
TAG_BYTES = 32  # SHA-256
SUFFIX = ".cache"
MAX_ENTRY_BYTES = 4 * 1024 * 1024  # our largest entry is a few tens of KB
CONTEXT = b"waymark template cache v1\0"
_POSIX = os.name == "posix"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH
OTHERS_ANY = 0o077


def ours_alone(info: os.stat_result, forbidden: int = OTHERS_WRITE) -> bool:
    """Owned by this account and without the `forbidden` mode bits (by default: writable by
    no one else). On Windows modes and owners mean nothing here; the user profile's access
    rules protect the folders (docs/SECURITY.md, "Files on Windows")."""
    if not _POSIX:
        return True
    return info.st_uid == os.geteuid() and not info.st_mode & forbidden


def private_folder(folder: Path) -> bool:
    """A real folder that is ours alone (see ours_alone)."""
    try:
        info = folder.stat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and ours_alone(info)


def seal(key: bytes, name: str, payload: bytes) -> bytes:
    """The entry as stored: its tag, then Jinja's bytes. The name is bound too, so one of our
    entries cannot be passed off as another's."""
    return tag(key, name, payload) + payload


def tag(key: bytes, name: str, payload: bytes) -> bytes:
    return hmac.new(key, CONTEXT + name.encode() + b"\0" + payload, hashlib.sha256).digest()


def _read_private(path: Path, limit: int, forbidden: int = OTHERS_WRITE) -> bytes | None:
    """The bytes of a plain file that is ours alone (see ours_alone) and at most `limit` long,
    else None. The checks are made on the open file itself, never on a name that could be
    swapped after the check."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _BINARY)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not ours_alone(info, forbidden):
            return None
        if info.st_size > limit:
            return None
        data = handle.read(limit + 1)
    return data if len(data) <= limit else None


def _write_private(folder: Path, name: str, data: bytes) -> Path:
    """A new owner-only file in `folder` with `data`, under a random temporary name (never
    following or reusing an existing path); the caller moves it into place."""
    temp = folder / f".{name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return temp


def cache_key(folder: Path) -> bytes | None:
    """The cache's HMAC key from `folder` (the private data folder), made on first use. A key
    file that is ours but damaged or readable by others is replaced by a new one (the old
    entries then fail their tags and are compiled again); one owned by another account means
    no cache."""
    path = folder / KEY_FILE
    key = _read_private(path, KEY_BYTES, OTHERS_ANY)  # nobody else may even read it
    if key is not None and len(key) == KEY_BYTES:
        return key
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    if info is not None and _POSIX and info.st_uid != os.geteuid():
        return None
    fresh = secrets.token_bytes(KEY_BYTES)
    temp = _write_private(folder, KEY_FILE, fresh)
    try:
        if info is None:
            try:
                os.link(temp, path)  # never over a key another start made meanwhile
            except FileExistsError:
                theirs = _read_private(path, KEY_BYTES, OTHERS_ANY)
                return theirs if theirs is not None and len(theirs) == KEY_BYTES else None
        else:
            os.replace(temp, path)
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
    return fresh


class TemplateCache(BytecodeCache):
    """Jinja's bytecode cache on disk, each entry tagged with an HMAC (see the module text).
    Any OS error reading or writing an entry is the same as not having it."""

    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder = folder
        self._key = key

    def _entry(self, bucket: Bucket) -> str:
        return f"{bucket.key}{SUFFIX}"

    def load_bytecode(self, bucket: Bucket) -> None:
        name = self._entry(bucket)
        data = _read_private(self.folder / name, MAX_ENTRY_BYTES)
        if data is None or len(data) < TAG_BYTES:
            return
        found, payload = data[:TAG_BYTES], data[TAG_BYTES:]
        if not hmac.compare_digest(found, tag(self._key, name, payload)):
            return  # not written by us under this key: compile afresh, read nothing of it
        try:
            bucket.bytecode_from_string(payload)
        except Exception:  # our own entry from another Jinja or Python: compile it again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        # A full disk, a read-only or vanished folder: the page renders all the same.
        name = self._entry(bucket)
        with contextlib.suppress(OSError):
            temp = _write_private(
                self.folder, name, seal(self._key, name, bucket.bytecode_to_string())
            )
            try:
                os.replace(temp, self.folder / name)
            finally:
                with contextlib.suppress(OSError):
                    temp.unlink()


def template_cache(
    base: Path | None = None, key_folder: Path | None = None
) -> TemplateCache | None:
    """A cache in `base`/templates (`base` is the user's cache folder unless given; the key
    lives in `key_folder`, the data folder unless given), or None when either folder is not
    ours alone or cannot be made: then every page is compiled, which costs only time."""
    try:
        base = base if base is not None else paths.cache_dir()
        folder = base / FOLDER
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
        if not (private_folder(base) and private_folder(folder)):
            return None
        key = cache_key(key_folder if key_folder is not None else paths.data_dir())
    except (OSError, WaymarkError):
        return None
    return TemplateCache(folder, key) if key is not None else None

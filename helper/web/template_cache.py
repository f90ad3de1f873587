"""Compiled page templates kept between starts.

Jinja compiles each template to Python code the first time a page uses it, about 20 ms of the
helper's ~200 ms start. Jinja's own bytecode cache keeps that compiled code on disk, as Python
keeps `.pyc` files, and checks each entry against a checksum of the template's source, so an
edited template is compiled afresh and never served stale. This is a cache of work, never a
place for data: a missing, unwritable, full or damaged cache only means compiling again, never
a failed page (a person reporting a concern must not see an error because the disk is full).
Who can write the cache folder can change what the helper runs, exactly as whoever can write
the installed package or its `.pyc` files can (docs/SECURITY.md, "Compiled templates")."""

from __future__ import annotations

import contextlib
from pathlib import Path

from jinja2.bccache import Bucket, FileSystemBytecodeCache

from helper import paths

FOLDER = "templates"


class TemplateCache(FileSystemBytecodeCache):
    """Jinja's file-system bytecode cache, made best-effort: any OS error reading or writing
    an entry is the same as not having it."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        # A full disk, a read-only or vanished folder: the page renders all the same.
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def template_cache(base: Path | None = None) -> TemplateCache | None:
    """A cache in `base`/templates (owner-only; `base` is the user's cache folder unless
    given), or None when that folder cannot be made."""
    try:
        folder = (base if base is not None else paths.cache_dir()) / FOLDER
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return TemplateCache(str(folder))

"""Launching the real system Chromium through Playwright, with or without the real extension.

Never Playwright's own browser download: it fetches a browser build, which cannot work here.
We drive Debian's /usr/bin/chromium. The flags below stop Chromium reaching for the network (it
would be refused and spam errors) and keep each run in its own profile."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from helper.bench.extension import CHROMIUM_FLAGS
from tests.support.tools import require

QUIET_FLAGS = CHROMIUM_FLAGS


@contextlib.contextmanager
def chromium_context(user_data_dir: Path, extension: Path | None = None) -> Iterator[object]:
    """A persistent Chromium context; with `extension`, that unpacked extension is loaded."""
    executable = require("chromium", "the real browser")
    from playwright.sync_api import sync_playwright

    args = list(QUIET_FLAGS)
    if extension is not None:
        args += [f"--disable-extensions-except={extension}", f"--load-extension={extension}"]
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(user_data_dir), executable_path=executable, headless=True, args=args
        )
        try:
            yield ctx
        finally:
            ctx.close()

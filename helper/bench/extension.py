"""Extension figures, measured in the real headless Chromium with the extension loaded.

"Popup open to routes shown" is what a person waits for, without their own thinking time: from
navigation start to the first screen drawn (performance mark `waymark:<screen>`), plus from the
last answer (`waymark:answer`) to the routes drawn (`waymark:routes`). The yardstick is a blank
page of the same extension that runs one module script, so the figure shows what our code and
data add on top of the browser opening any extension page. Package size is the deflated zip a
store would receive. Both are measured on the Chromium package as `waymark build-extension --zip`
builds it (bundled with esbuild when it is installed; the figure says which)."""

from __future__ import annotations

import io
import os
import shutil
import statistics
import tempfile
import zipfile
from pathlib import Path

from helper import extension_package
from helper.bench import Figure

# Flags that keep headless Chromium off the network (it would be refused, noisily) and in its own
# profile. tests/support/browser.py uses the same list.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]
BLANK_HTML = (
    '<!doctype html><html lang="en"><title>blank</title>'
    '<script type="module" src="blank.js"></script></html>'
)
BLANK_JS = 'performance.mark("blank:shown");\n'
MARK = "name => performance.getEntriesByName(name)[0]?.startTime ?? null"


def package_kib(folder: Path) -> float:
    """Size of the extension zipped as for a store upload, in KiB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return len(buffer.getvalue()) / 1024


def _packaged(target: Path, bundler: str | None) -> Path:
    return extension_package.write_unpacked("chromium", target, bundler)


def _measure(ext: Path, profile: Path, rounds: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    popup_ms: list[float] = []
    blank_ms: list[float] = []
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            headless=True,
            args=[*CHROMIUM_FLAGS, f"--disable-extensions-except={ext}", f"--load-extension={ext}"],
        )
        try:
            worker = (
                context.service_workers[0]
                if context.service_workers
                else (context.wait_for_event("serviceworker"))
            )
            # The package has no `key` (stores refuse one), so its id comes from the folder.
            origin = worker.url.rsplit("/", 1)[0]
            # A returning young person: audience and age remembered, one answer to give.
            worker.evaluate(
                "chrome.storage.local.set({audience: 'young-person', ageBand: '13-17'})"
            )
            page = context.new_page()
            for round_number in range(rounds + 1):
                page.goto(f"{origin}/bench-blank.html")
                page.locator("html").wait_for(state="attached")
                blank = page.evaluate(MARK, "blank:shown")
                page.goto(f"{origin}/popup/popup.html")
                page.locator("body[data-screen='concern']").wait_for()
                first = page.evaluate(MARK, "waymark:concern")
                page.click("[data-name='concern:sextortion']")
                page.locator("body[data-screen='routes']").wait_for()
                answer, routes = (
                    page.evaluate(MARK, "waymark:answer"),
                    page.evaluate(MARK, "waymark:routes"),
                )
                if round_number == 0 or None in (blank, first, answer, routes):
                    continue  # the first round warms the browser's caches
                blank_ms.append(blank)
                popup_ms.append(first + (routes - answer))
        finally:
            context.close()
    return popup_ms, blank_ms


def run(quick: bool) -> list[Figure]:
    rounds = 3 if quick else 9
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="waymark-bench-") as temporary:
        root = Path(temporary)
        bundler = extension_package.esbuild()
        ext = _packaged(root / "extension", bundler)
        size = package_kib(ext)
        figures.append(
            Figure("extension: package size (zip)", size, "KiB", "<= 300 KiB", size <= 300)
        )
        (ext / "bench-blank.html").write_text(BLANK_HTML)
        (ext / "blank.js").write_text(BLANK_JS)
        if not shutil.which("chromium"):
            return figures
        old_home = os.environ.get("HOME")
        os.environ["HOME"] = str(root)  # Chromium writes crash reports under HOME
        try:
            popup_ms, blank_ms = _measure(ext, root / "profile", rounds)
        finally:
            if old_home is not None:
                os.environ["HOME"] = old_home
    popup = statistics.median(popup_ms)
    blank = statistics.median(blank_ms)
    ratio = popup / blank
    figures += [
        Figure("extension: blank extension page shown", blank, "ms"),
        Figure("extension: popup open to routes shown", popup, "ms", "< 100 ms", popup < 100),
        Figure(
            f"extension: popup / blank page ({'bundled' if bundler else 'plain modules'})",
            ratio,
            "x",
            "<= 1.5x",
            ratio <= 1.5,
        ),
    ]
    return figures

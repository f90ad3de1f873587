"""Extension figures, measured in the real headless Chromium with the extension loaded.

"Extension: popup open to routes" is what a person waits for the first time they open it, with
nothing remembered, without their own thinking time: from navigation start to the first screen
drawn (performance mark `waymark:audience`), plus, for each answer (who you are, what happened,
the age), from the click to the next screen drawn (`waymark:concern`, `waymark:age`,
`waymark:routes`). The yardstick is a blank
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


# The walk a person takes the first time: each click and the screen it leads to.
WALK = (
    ("[data-name='audience:parent-carer']", "concern"),
    ("[data-name='concern:sextortion']", "age"),
    ("[data-name='age:13-17']", "routes"),
)
CLICK = (
    "selector => { const t = performance.now(); document.querySelector(selector).click(); "
    "return t; }"
)
LAST_MARK = "name => performance.getEntriesByName(name).at(-1)?.startTime ?? null"
POPUP = "extension: popup open to routes"


class MarkMissing(Exception):
    """The popup did not set a performance mark the figure is made of."""


def _walk(page, origin: str) -> float:
    """One first-time walk of the popup; ms the person waited."""
    page.goto(f"{origin}/popup/popup.html")
    page.locator("body[data-screen='audience']").wait_for()
    waited = page.evaluate(MARK, "waymark:audience")  # the first drawing of it
    if waited is None:
        raise MarkMissing("waymark:audience")
    for selector, screen in WALK:
        clicked = page.evaluate(CLICK, selector)
        page.locator(f"body[data-screen='{screen}']").wait_for()
        drawn = page.evaluate(LAST_MARK, f"waymark:{screen}")
        if drawn is None or drawn < clicked:
            raise MarkMissing(f"waymark:{screen}")
        waited += drawn - clicked
    return waited


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
            page = context.new_page()
            for round_number in range(rounds + 1):
                # Nothing remembered, as a person first opens it (and as the settings default).
                worker.evaluate("chrome.storage.local.clear()")
                page.goto(f"{origin}/bench-blank.html")
                page.locator("html").wait_for(state="attached")
                blank = page.evaluate(MARK, "blank:shown")
                if blank is None:
                    raise MarkMissing("blank:shown")
                waited = _walk(page, origin)
                if round_number == 0:
                    continue  # the first round warms the browser's caches
                blank_ms.append(blank)
                popup_ms.append(waited)
        finally:
            context.close()
    return popup_ms, blank_ms


def run(quick: bool) -> list[Figure]:
    from helper.bench import unmeasured_ratio

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
        why = "" if shutil.which("chromium") else "Chromium is not installed"
        if not why:
            old_home = os.environ.get("HOME")
            os.environ["HOME"] = str(root)  # Chromium writes crash reports under HOME
            try:
                popup_ms, blank_ms = _measure(ext, root / "profile", rounds)
            except MarkMissing as err:
                why = f"the page did not set the performance mark {err}"
            except Exception as err:  # any browser failure is reported, not lost
                why = f"the browser run failed: {type(err).__name__}: {str(err)[:120]}"
            finally:
                if old_home is not None:
                    os.environ["HOME"] = old_home
    if why:
        return [*figures, *unmeasured_ratio(POPUP, "blank extension page", why)]
    popup = statistics.median(popup_ms)
    blank = statistics.median(blank_ms)
    ratio = popup / blank
    kind = "bundled" if bundler else "plain modules"
    return [
        *figures,
        Figure(POPUP, popup, "ms", "< 100 ms", popup < 100),
        Figure(f"{POPUP}: floor (blank extension page)", blank, "ms"),
        Figure(f"{POPUP}: vs floor", ratio, "x", "<= 1.5", ratio <= 1.5),
        Figure(f"extension: popup package ({kind})", 1.0 if bundler else 0.0, ""),
    ]

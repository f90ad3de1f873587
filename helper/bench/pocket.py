"""The pocket web app's figures, and the small static server they (and the tests) serve it with.

- transfer: the whole built site as a phone downloads it the first time, each file compressed
  with gzip at level 9 as a static host would send it (goal ≤ 200 KiB).
- offline open: the time from navigation to the first question, with the network off and the site
  served by its service worker, over the same for an empty page served by the same worker from
  the same cache (goal ≤ 1.3×): what the app's own start costs beyond a page appearing at all.
- route: one route computation in the JS engine, in the page (goal < 1 ms).
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import os
import shutil
import statistics
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from helper import extension_package, pocket
from helper.bench import Figure


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files from one folder, with the site's own Content-Types, and nothing logged."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        **pocket.MIME_TYPES,
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


class Served:
    """A folder served on 127.0.0.1 at a free port, in a thread, until stop()."""

    def __init__(self, folder: Path) -> None:
        def handler(*args: object, **kwargs: object) -> _Handler:
            return _Handler(*args, directory=str(folder), **kwargs)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.stopped = False

    def stop(self) -> None:
        """Take the site off the network: nothing answers at its address any more."""
        if not self.stopped:
            self.stopped = True
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=10)


@contextlib.contextmanager
def static_site(folder: Path) -> Iterator[Served]:
    """Serve `folder` on loopback, which browsers treat as a secure context, so service workers
    work as they would over HTTPS; stopped on leaving."""
    served = Served(folder)
    try:
        yield served
    finally:
        served.stop()


def transfer_kib(site: pocket.Site) -> float:
    """The site's files as a first visit downloads them, each gzip-compressed (level 9)."""
    return sum(len(gzip.compress(data, 9, mtime=0)) for data in site.files.values()) / 1024


TRANSFER = "pocket: site transfer (gzip)"
OPEN = "pocket: offline open to the first question"
ROUTE = "pocket: route computation"
# The floor: an empty page kept by the same worker in the same cache, so the ratio is what the
# app's own start costs beyond a page appearing at all.
BLANK_HTML = (
    b'<!doctype html><html lang="en"><title>blank</title>'
    b'<script type="module" src="bench-blank.js"></script></html>'
)
BLANK_JS = b'performance.mark("blank:shown");\ndocument.documentElement.dataset.shown = "1";\n'
MARK = "name => performance.getEntriesByName(name)[0]?.startTime ?? null"
# One route computation in the page's own engine, timed over batches (the browser's clock is
# coarse), for a young person of 14 being blackmailed: the median batch time per call, in ms.
TIME_ROUTE = """async ([batches, size]) => {
  const { route } = await import("./lib/engine.js");
  const { loadKnowledgeBase } = await import("./lib/knowledge.js");
  const kb = await loadKnowledgeBase("data/");
  const answers = { audience: "young-person", age: 14, concern: "sextortion", platform: null,
    danger_now: false, taken_under_18: null };
  for (let i = 0; i < size; i += 1) route(answers, kb);
  const each = [];
  for (let b = 0; b < batches; b += 1) {
    const start = performance.now();
    for (let i = 0; i < size; i += 1) route(answers, kb);
    each.push((performance.now() - start) / size);
  }
  each.sort((a, b) => a - b);
  return each[Math.floor(each.length / 2)];
}"""
CONTROLLED = """async () => {
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((done) => { navigator.serviceWorker.oncontrollerchange = done; });
  }
  return true;
}"""


class MarkMissing(Exception):
    """A page did not set the performance mark a figure is made of."""


def _open_ms(page, url: str, ready: str, mark: str) -> float:
    page.goto(url)
    page.locator(ready).wait_for(state="attached")
    value = page.evaluate(MARK, mark)
    if value is None:
        raise MarkMissing(mark)
    return float(value)


def _measure(folder: Path, profile: Path, rounds: int) -> tuple[list[float], list[float], float]:
    from playwright.sync_api import sync_playwright

    from helper.bench.extension import CHROMIUM_FLAGS

    app_ms: list[float] = []
    blank_ms: list[float] = []
    with static_site(folder) as served, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 360, "height": 640},
            is_mobile=True,
            has_touch=True,
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(served.base)
            page.evaluate(CONTROLLED)
            context.set_offline(True)
            served.stop()
            app, blank = served.base, f"{served.base}bench-blank.html"
            for round_number in range(rounds + 1):
                shown = _open_ms(page, blank, "html[data-shown]", "blank:shown")
                drawn = _open_ms(page, app, "body[data-screen='audience']", "waymark:audience")
                if round_number == 0:
                    continue  # the first round warms the browser
                blank_ms.append(shown)
                app_ms.append(drawn)
            route_ms = float(page.evaluate(TIME_ROUTE, [15, 40 if rounds < 5 else 200]))
        finally:
            context.close()
    return app_ms, blank_ms, route_ms


def run(quick: bool) -> list[Figure]:
    from helper.bench import unmeasured, unmeasured_ratio

    extra = {"bench-blank.html": BLANK_HTML, "bench-blank.js": BLANK_JS}
    bundler = extension_package.esbuild()
    site = pocket.build_site(extra=extra, bundler=bundler)
    real = {name: data for name, data in site.files.items() if name not in extra}
    size = transfer_kib(pocket.Site(real, site.version))
    figures = [Figure(TRANSFER, size, "KiB", "<= 200 KiB", size <= 200)]
    why = "" if shutil.which("chromium") else "Chromium is not installed"
    if not why:
        with tempfile.TemporaryDirectory(prefix="waymark-bench-pocket-") as temporary:
            root = Path(temporary)
            pocket.write_site(root / "site", site)
            old_home = os.environ.get("HOME")
            os.environ["HOME"] = str(root)  # Chromium writes crash reports under HOME
            try:
                app_ms, blank_ms, route_ms = _measure(
                    root / "site", root / "profile", 3 if quick else 9
                )
            except MarkMissing as err:
                why = f"the page did not set the performance mark {err}"
            except Exception as err:  # any browser failure is reported, not lost
                why = f"the browser run failed: {type(err).__name__}: {str(err)[:120]}"
            finally:
                if old_home is not None:
                    os.environ["HOME"] = old_home
    if why:
        return [
            *figures,
            *unmeasured_ratio(OPEN, "empty page from the same worker", why),
            unmeasured(ROUTE, why, "ms"),
        ]
    opened, floor = statistics.median(app_ms), statistics.median(blank_ms)
    ratio = opened / floor
    return [
        *figures,
        Figure(OPEN, opened, "ms"),
        Figure(f"{OPEN}: floor (empty page from the same worker)", floor, "ms"),
        Figure(f"{OPEN}: vs floor", ratio, "x", "<= 1.3", ratio <= 1.3),
        Figure(ROUTE, route_ms, "ms", "< 1 ms", route_ms < 1),
        Figure("pocket: app.js bundled", 1.0 if bundler else 0.0, ""),
    ]

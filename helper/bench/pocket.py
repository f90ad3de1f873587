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
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from helper import pocket


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

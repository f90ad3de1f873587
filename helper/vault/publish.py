"""Keeping the audit chain head in the OS keyring without making every save wait for it.

A keyring write is a D-Bus round trip to gnome-keyring (or a Keychain / Credential Manager call):
about 27 ms, ten times a whole durable SQLite save. So a save hands the new head to this
publisher and returns; one background thread writes it. Heads are coalesced (only the latest
waiting one is written: the keyring needs the newest head, not each one) and written in save
order, one write at a time, so the keyring never goes backwards.

Why this is exactly as safe: rollback detection asks "is the head the keyring holds still in
this file?". A keyring that lags the file names an entry the file still has (the chain only
grows), so a lagging head is never a false alarm, and every head is in the keyring before the
vault is locked or closed (`flush`, and at interpreter exit), which is when a file can be
swapped behind the helper's back. The only new case is a crash between a save and its write:
the keyring then holds the head of a few milliseconds earlier, as it would have had the crash
come just before the save."""

from __future__ import annotations

import atexit
import os
import threading
import weakref
from typing import Any

IDLE_EXIT_S = 5.0  # the thread ends after this long with nothing to write; the next save starts one


class HeadPublisher:
    """Writes `text` under (service, name) in the keyring current at the time of the save."""

    def __init__(self, service: str, name: str) -> None:
        self.service = service
        self.name = name
        self._cond = threading.Condition()
        self._pending: tuple[Any, str] | None = None  # (keyring backend, head text)
        self._writing = False
        self._thread: threading.Thread | None = None
        self.writes = 0  # keyring writes done (tests and the bench read it)
        _LIVE.add(self)

    def submit(self, text: str) -> None:
        """Queue the newest head and return at once."""
        import keyring

        backend = keyring.get_keyring()
        with self._cond:
            self._pending = (backend, text)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="waymark-keyring-head", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def flush(self) -> None:
        """Return once every head submitted so far is in the keyring (or the write failed)."""
        with self._cond:
            while self._writing:
                self._cond.wait()
            if self._pending is None:
                return
            job, self._pending = self._pending, None
            self._writing = True
        self._write(job)

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._pending is None or self._writing:
                    if not self._cond.wait(timeout=IDLE_EXIT_S) and self._pending is None:
                        self._thread = None
                        return
                job, self._pending = self._pending, None
                self._writing = True
            self._write(job)

    def _write(self, job: tuple[Any, str]) -> None:
        backend, text = job
        try:
            backend.set_password(self.service, self.name, text)
            self.writes += 1
        except Exception:  # noqa: S110 - a missing or locked keyring never stops a save
            pass
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


_LIVE: weakref.WeakSet[HeadPublisher] = weakref.WeakSet()


@atexit.register
def _flush_all() -> None:
    """A command that ends without closing its vault still leaves the newest head behind."""
    for publisher in list(_LIVE):
        publisher.flush()


def _forget_in_child() -> None:
    """A forked child has none of the parent's threads: start its publishers afresh, so a
    writer thread that was mid-write at the fork cannot leave flush() waiting forever."""
    for publisher in list(_LIVE):
        publisher._cond = threading.Condition()
        publisher._pending = None
        publisher._writing = False
        publisher._thread = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)

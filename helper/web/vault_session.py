"""The one vault this helper has open, and when its key must be dropped.

Why a single holder: the vault key may live only in this process's memory and only while the
professional is using it (docs/SECURITY.md, "Keys in memory after locking"). Every page
reaches the vault through `VaultSession.use()`, which (a) drops the key first if the person has
been idle too long, (b) counts the request as activity, and (c) holds a lock for the whole
operation, so an idle timeout or "lock now" from another waitress thread can never pull the key
out from under a save. After each lock `on_locked` runs: the server then starts the helper
afresh, so nothing else of the unlocked time stays in memory either (helper/relaunch.py).

Idle time is measured with an injectable clock so tests prove auto-lock without sleeping; a
small watchdog thread enforces it even when no request arrives (an unattended screen).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from flask import Flask, current_app

from helper import paths
from helper.errors import BadInput, StorageError, VaultLocked

if TYPE_CHECKING:
    from helper.vault import Vault
    from helper.vault.notes import Note, NoteSummary, VerifyReport

P = ParamSpec("P")
T = TypeVar("T")

# 15 minutes: a teacher writing down a disclosure stops to think, to read back, to check a
# date; 5 locked twice in the middle of one note. Still short enough that a screen left alone
# in a classroom locks within a lesson change. Shown beside the setting (IDLE_REASON).
DEFAULT_IDLE_MINUTES = 15
IDLE_REASON = (
    "15 minutes gives you time to stop and think while writing a note, and still locks a "
    "screen left alone. Before it locks, the page warns you a minute ahead, and a note you "
    "were writing is saved as a draft first."
)
IDLE_LIMITS = (1, 60)
SETTINGS_FILE = "pro-settings.json"
WATCHDOG_SECONDS = 10.0
# Tests of the real process cannot move its clock: they may shorten the idle time instead.
# Honoured only inside the test suite (WAYMARK_TESTING=1), like the fast KDF.
TEST_IDLE_ENV = "WAYMARK_TEST_IDLE_SECONDS"
EXTENSION_KEY = "waymark.vault"
LOG = logging.getLogger(__name__)


def check_idle_minutes(raw: object) -> int:
    """A whole number of minutes within IDLE_LIMITS, or BadInput saying what is allowed."""
    low, high = IDLE_LIMITS
    try:
        minutes = int(str(raw).strip())
    except ValueError:
        minutes = 0
    if not low <= minutes <= high:
        raise BadInput(f"Auto-lock must be a whole number of minutes from {low} to {high}.")
    return minutes


def min_passphrase_length() -> int:
    """The vault's own minimum, so the web form and `waymark notes` never disagree."""
    from helper.vault import MIN_PASSPHRASE

    return MIN_PASSPHRASE


def check_new_passphrase(passphrase: str, again: str) -> str:
    """Long enough and typed the same twice. Length is the only rule: paste and password
    managers are welcome (WCAG 2.2 accessible authentication), so no composition rules."""
    if len(passphrase) < min_passphrase_length():
        raise BadInput(f"Use a passphrase of at least {min_passphrase_length()} characters.")
    if passphrase != again:
        raise BadInput("The two passphrases are not the same. Type them again.")
    return passphrase


class PinnedVault:
    """The vault, with every call run on the one thread that opened it.

    Why: a sqlite3 connection refuses to be used from any thread but its creator's, while
    waitress answers each request on whichever of its threads is free. Routing every call
    through one worker keeps the vault single-threaded without the vault knowing about it.
    Each method below is the Vault method of the same name; modules that work on the vault's
    tables themselves (casework, hand-over) pass their function to `call`."""

    def __init__(self, vault: Vault, run: Callable[[Callable[[], Any]], Any]) -> None:
        self._vault = vault
        self._run = run

    def call(
        self, work: Callable[Concatenate[Vault, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`work(vault, *args, **kwargs)`, run whole on the vault's own thread."""
        return self._run(lambda: work(self._vault, *args, **kwargs))

    # ---- state ---------------------------------------------------------------------------------
    @property
    def is_unlocked(self) -> bool:
        return self.call(lambda vault: vault.is_unlocked)

    @property
    def vault_id(self) -> str:
        return self.call(lambda vault: vault.vault_id)

    def take_notices(self) -> list[str]:
        """What the vault wants said once (no keyring, read-only file), then forgotten."""

        def drain(vault: Vault) -> list[str]:
            found = [str(n) for n in vault.notices]
            vault.notices.clear()
            return found

        return self.call(drain)

    # ---- unlocking and keys --------------------------------------------------------------------
    def unlock(self, passphrase: str) -> None:
        self.call(lambda vault: vault.unlock(passphrase))

    def unlock_on_device(self) -> bool:
        return self.call(lambda vault: vault.unlock_on_device())

    def recover(self, recovery_code: str, new_passphrase: str) -> str:
        return self.call(lambda vault: vault.recover(recovery_code, new_passphrase))

    def device_unlock_available(self) -> bool:
        return self.call(lambda vault: vault.device_unlock_available())

    def device_unlock_enabled(self) -> bool:
        return self.call(lambda vault: vault.device_unlock_enabled())

    def set_device_unlock(self, enabled: bool) -> None:
        self.call(lambda vault: vault.set_device_unlock(enabled))

    def change_passphrase(self, old: str, new: str) -> None:
        self.call(lambda vault: vault.change_passphrase(old, new))

    def lock(self) -> None:
        self.call(lambda vault: vault.lock())

    def close(self) -> None:
        self.call(lambda vault: vault.close())

    # ---- notes ---------------------------------------------------------------------------------
    def new_note(self, fields: Mapping[str, Any], signed_by: str) -> str:
        return self.call(lambda vault: vault.new_note(fields, signed_by))

    def revise(self, note_id: str, fields: Mapping[str, Any], signed_by: str) -> int:
        return self.call(lambda vault: vault.revise(note_id, fields, signed_by))

    def delete_note(self, note_id: str, reason: str, signed_by: str) -> None:
        self.call(lambda vault: vault.delete_note(note_id, reason, signed_by))

    def list_notes(self) -> list[NoteSummary]:
        return self.call(lambda vault: vault.list_notes())

    def note(self, note_id: str) -> Note:
        return self.call(lambda vault: vault.note(note_id))

    def search(self, text: str) -> list[str]:
        return self.call(lambda vault: vault.search(text))

    def export(self, note_ids: Sequence[str], fmt: str = "text") -> str:
        return self.call(lambda vault: vault.export(note_ids, fmt))

    def verify(self, paper_head: tuple[int, str] | None = None) -> VerifyReport:
        return self.call(lambda vault: vault.verify(paper_head))


class VaultSession:
    """Holds the vault (opened lazily), its unlocked state and the idle timer."""

    def __init__(
        self,
        path: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
        watchdog_seconds: float | None = WATCHDOG_SECONDS,
        idle_seconds: float | None = None,
        on_locked: Callable[[], None] | None = None,
    ) -> None:
        self._idle_seconds = idle_seconds  # tests only: overrides the minutes setting
        self._on_locked = on_locked
        self._path = path
        self._clock = clock
        self._lock = threading.RLock()
        self._vault: PinnedVault | None = None
        self._worker = concurrent.futures.ThreadPoolExecutor(1, "waymark-vault")
        self._last_used = clock()
        self._idle_minutes: int | None = None  # read from disk on first use
        self._watchdog_seconds = watchdog_seconds
        self._stop = threading.Event()
        self._watchdog: threading.Thread | None = None

    # ---- where things live -------------------------------------------------------------------

    def vault_path(self) -> Path:
        from helper.vault import Vault

        return Path(self._path) if self._path is not None else Path(Vault.default_path())

    def _settings_path(self) -> Path:
        """Beside the vault; not secret (a number of minutes), so kept in clear."""
        folder = Path(self._path).parent if self._path is not None else paths.data_dir()
        return folder / SETTINGS_FILE

    def _load_idle_minutes(self) -> int:
        """The saved setting; a missing or damaged file means the safe default, not a crash."""
        try:
            saved = json.loads(self._settings_path().read_text(encoding="utf-8"))
            return check_idle_minutes(saved.get("idle_minutes"))
        except (OSError, ValueError, AttributeError, BadInput):
            return DEFAULT_IDLE_MINUTES

    # ---- state ---------------------------------------------------------------------------------

    def exists(self) -> bool:
        from helper.vault import Vault

        return bool(Vault.exists(self.vault_path()))

    @property
    def idle_seconds(self) -> float:
        """The idle limit in force: the setting, or the test suite's shorter one."""
        return self._idle_seconds or self.idle_minutes * 60

    @property
    def idle_minutes(self) -> int:
        if self._idle_minutes is None:
            self._idle_minutes = self._load_idle_minutes()
        return self._idle_minutes

    def set_idle_minutes(self, raw: object) -> int:
        minutes = check_idle_minutes(raw)
        path = self._settings_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            path.write_text(json.dumps({"idle_minutes": minutes}), encoding="utf-8")
        except OSError as err:
            raise StorageError("Could not save the setting: the disk refused.") from err
        self._idle_minutes = minutes
        return minutes

    def is_unlocked(self) -> bool:
        with self._lock:
            self.expire_if_idle()
            return self._vault is not None and bool(self._vault.is_unlocked)

    def expire_if_idle(self) -> bool:
        """Auto-lock: if the person has been away longer than the setting, lock exactly as
        "Lock now" does (the same method, so the key material is zeroed the same way)."""
        with self._lock:
            unlocked = self._vault is not None and self._vault.is_unlocked
            limit = self.idle_seconds
            if unlocked and self._clock() - self._last_used >= limit:
                self.lock()
                return True
            return False

    def touch(self) -> None:
        with self._lock:
            if not self.expire_if_idle():
                self._last_used = self._clock()

    # ---- opening and unlocking -----------------------------------------------------------------

    def _on_vault_thread(self, call: Callable[[], object]) -> object:
        return self._worker.submit(call).result()

    def opened(self) -> PinnedVault:
        """The vault file opened (still locked unless unlocked before). Caller holds no key."""
        from helper.vault import Vault

        with self._lock:
            if self._vault is None:
                vault = self._on_vault_thread(lambda: Vault.open(self.vault_path()))
                self._vault = PinnedVault(vault, self._on_vault_thread)
            return self._vault

    def create(self, passphrase: str, again: str) -> str:
        """Make the vault (first run), leave it unlocked, and return the recovery code."""
        from helper.vault import Vault

        check_new_passphrase(passphrase, again)
        with self._lock:
            if self.exists():
                raise BadInput("A vault already exists here. Unlock it instead.")
            vault, code = self._on_vault_thread(lambda: Vault.create(passphrase, self.vault_path()))
            self._vault = PinnedVault(vault, self._on_vault_thread)
            self._started()
            return code

    def unlock(self, passphrase: str) -> None:
        with self._lock:
            self.opened().unlock(passphrase)
            self._started()

    def unlock_on_device(self) -> bool:
        with self._lock:
            done = bool(self.opened().unlock_on_device())
            if done:
                self._started()
            return done

    def recover(self, code: str, passphrase: str, again: str) -> str:
        """Recovery code + new passphrase → unlocked vault and a NEW recovery code (shown once)."""
        check_new_passphrase(passphrase, again)
        with self._lock:
            vault = self.opened()
            new_code = vault.recover(code.strip(), passphrase)
            if not vault.is_unlocked:
                vault.unlock(passphrase)
            self._started()
            return new_code

    def _started(self) -> None:
        self._last_used = self._clock()
        self._start_watchdog()

    @contextlib.contextmanager
    def use(self) -> Iterator[PinnedVault]:
        """The unlocked vault for one operation, or VaultLocked. Counts as activity."""
        with self._lock:
            self.expire_if_idle()
            if self._vault is None or not self._vault.is_unlocked:
                raise VaultLocked("The vault is locked.")
            self._last_used = self._clock()
            yield self._vault

    def take_notices(self) -> list[str]:
        """What the vault wants said once (no keyring, read-only file), then forgotten."""
        with self._lock:
            if self._vault is None:
                return []
            return self._vault.take_notices()

    def lock(self) -> None:
        """The one lock path ("Lock now", auto-lock): the vault zeroes its keys, then
        `on_locked` runs (the server starts the helper afresh: docs/SECURITY.md, "Keys in
        memory after locking"). Closing locks through close() instead, without it."""
        with self._lock:
            if self._vault is None or not self._vault.is_unlocked:
                return
            self._vault.lock()
        if self._on_locked is not None:
            try:
                self._on_locked()
            except Exception:  # the vault is locked whatever a hook does; no detail logged
                LOG.warning("an after-lock hook failed")

    def close(self) -> None:
        """On exit: drop the key, close the file, stop the watchdog. Safe to call twice."""
        self._stop.set()
        with self._lock:
            if self._vault is not None:
                try:
                    self._vault.lock()
                finally:
                    self._vault.close()
                    self._vault = None
        self._worker.shutdown(wait=False)

    # ---- the watchdog --------------------------------------------------------------------------

    def _start_watchdog(self) -> None:
        if self._watchdog_seconds is None or self._watchdog is not None:
            return
        self._watchdog = threading.Thread(target=self._watch, name="waymark-auto-lock", daemon=True)
        self._watchdog.start()

    def _watch(self) -> None:
        while not self._stop.wait(self._watchdog_seconds):
            try:
                self.expire_if_idle()
            except Exception:  # the watchdog must outlive one bad check; no detail logged
                LOG.warning("an auto-lock check failed")


def install(app: Flask) -> VaultSession:
    """Give the app its vault holder and make closing the app lock the vault."""
    watchdog = app.config.get("VAULT_WATCHDOG_SECONDS", WATCHDOG_SECONDS)
    idle_seconds = None
    if os.environ.get("WAYMARK_TESTING") == "1" and os.environ.get(TEST_IDLE_ENV):
        idle_seconds = float(os.environ[TEST_IDLE_ENV])
        watchdog = min(watchdog or WATCHDOG_SECONDS, idle_seconds / 4)
    after_lock = app.extensions.setdefault("waymark.on_lock", [])

    def locked() -> None:
        for hook in list(after_lock):
            hook()

    holder = VaultSession(
        path=app.config.get("VAULT_PATH"),
        clock=app.config.get("VAULT_CLOCK") or time.monotonic,
        watchdog_seconds=watchdog,
        idle_seconds=idle_seconds,
        on_locked=locked,
    )
    app.extensions[EXTENSION_KEY] = holder
    app.extensions["waymark.on_close"].append(holder.close)
    return holder


def current() -> VaultSession:
    """The running app's vault holder."""
    return current_app.extensions[EXTENSION_KEY]

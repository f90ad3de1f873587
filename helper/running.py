"""One helper per user: a private lock and a handshake in the runtime folder.

Why: every `open-note` from the browser without a display used to start a whole new helper
that never ended. Now the first helper holds an exclusive lock on `runtime/helper.lock` for as
long as it runs and writes `runtime/helper.json` (0600: its port and a random hand-over key).
A second launch that cannot take the lock hands its request (which page to open) to the
running helper over loopback and exits. The request is signed with the hand-over key (HMAC,
the key itself never travels), and the running helper proves it knows the key in its answer,
so neither side trusts whatever happens to listen on a port. Only processes of this user can
read the key (the folder is 0700 on POSIX; on Windows the user profile's access rules)."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HANDOFF_PATH = "/_waymark/hand-over"
LOCK_FILE = "helper.lock"
RECORD_FILE = "helper.json"
HANDOFF_WAIT_S = 15.0  # a helper that is still starting gets this long to answer
MAX_HANDOFF_BYTES = 4096


def sign(key: bytes, purpose: bytes, nonce: bytes, body: bytes = b"") -> str:
    return hmac.new(key, purpose + b"\0" + nonce + b"\0" + body, hashlib.sha256).hexdigest()


def _lock(fd: int) -> bool:
    """An exclusive, non-blocking lock that the OS drops when the process dies."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


@dataclass
class Instance:
    """This process is the user's helper while it holds the lock."""

    folder: Path
    fd: int
    key: bytes

    def publish(self, port: int) -> None:
        """Say where we listen: written to a temp file and renamed, so a reader never sees
        half a record."""
        record = json.dumps({"pid": os.getpid(), "port": port, "key": self.key.hex()})
        temp = self.folder / f".{RECORD_FILE}.{secrets.token_hex(4)}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(temp, flags, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(record)
        os.replace(temp, self.folder / RECORD_FILE)

    def release(self) -> None:
        with contextlib.suppress(OSError):
            (self.folder / RECORD_FILE).unlink()
        with contextlib.suppress(OSError):
            os.close(self.fd)


def claim(folder: Path) -> Instance | None:
    """Become the user's helper, or None when another one is running."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(folder / LOCK_FILE, flags, 0o600)
    if not _lock(fd):
        os.close(fd)
        return None
    return Instance(folder, fd, secrets.token_bytes(32))


def _read_record(folder: Path) -> dict | None:
    try:
        record = json.loads((folder / RECORD_FILE).read_text(encoding="utf-8"))
        return record if isinstance(record, dict) else None
    except (OSError, ValueError):
        return None


def hand_over(folder: Path, path: str, query: dict[str, str]) -> bool:
    """Ask the running helper to show `path`; True once it has said yes (and proved itself)."""
    record = _read_record(folder)
    if record is None:
        return False
    try:
        key = bytes.fromhex(str(record["key"]))
        port = int(record["port"])
    except (KeyError, ValueError):
        return False
    nonce = secrets.token_bytes(16)
    body = json.dumps({"path": path, "query": query}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{HANDOFF_PATH}",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Waymark-Nonce": nonce.hex(),
            "X-Waymark-Proof": sign(key, b"request", nonce, body),
        },
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=5) as response:
            proof = response.headers.get("X-Waymark-Proof", "")
            ok = response.status == 204
    except (OSError, urllib.error.URLError):
        return False
    return ok and hmac.compare_digest(proof, sign(key, b"reply", nonce))


def claim_or_hand_over(
    folder: Path, path: str, query: dict[str, str], wait: float = HANDOFF_WAIT_S
) -> Instance | None:
    """Our own Instance if no helper runs; None if the running one took the request. Raises
    TimeoutError if a helper holds the lock but never answers (bounded by `wait`)."""
    deadline = time.monotonic() + wait
    while True:
        instance = claim(folder)
        if instance is not None:
            return instance
        if hand_over(folder, path, query):
            return None
        if time.monotonic() >= deadline:
            raise TimeoutError
        time.sleep(0.2)

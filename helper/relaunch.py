"""Locking ends the process image that held the secrets: the helper starts itself afresh.

Why (docs/SECURITY.md, "Keys in memory after locking"): the vault key is zeroed at lock, but
the passphrase and the words of every note read or written pass through Python strings, and
through the web server's and the template engine's buffers, which no Python code can wipe or
even find. An outside review found the passphrase and note text in the helper's memory after
Lock and after auto-lock in every run. The one way to drop every copy is to end the process
that has them. So when the vault locks, the helper replaces itself (os.execv, same process id)
with a fresh Python that has never seen a secret.

What the fresh image keeps, so the person notices nothing but the unlock page: the listening
socket (same port, so the address, the cookie name and connections waiting to be accepted stay
valid), the signed-in sessions (cookie, CSRF token, the choices made in them), unspent launch
tokens and their launch pages, the time of the last request, and in browser mode the one-helper
lock and hand-over key. They travel in an anonymous in-memory file (memfd) whose descriptor, with
the socket's, is all the new image is given; its command line carries only descriptor numbers
and how many times it has locked (for the person reading `ps`, and for the tests), never a
token, a key or a session id, and nothing is put in its environment.

Linux only: elsewhere the lock zeroes the keys as before and docs/SECURITY.md says what that
leaves in memory. The window (`waymark open` with a display) is not relaunched: its web engine
lives in the same process and would close with it."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field

from helper.errors import StorageError

STATE_VERSION = 1
STATE_NAME = "waymark-carried"
NOTHING_TO_RESUME = "There is nothing to resume: --resume is only for Waymark's own use."
MAX_STATE_BYTES = 64 * 1024 * 1024  # sessions are small; a drafted note is at most 1 MiB
SERVE = "serve"
BROWSER = "browser"
COMMANDS = {SERVE: "serve", BROWSER: "open"}  # which `waymark` command carries on


def available() -> bool:
    """True where a lock can end the process image: Linux, with memfd_create and execv."""
    return sys.platform.startswith("linux") and hasattr(os, "memfd_create")


@dataclass
class Carried:
    """What one image of the helper hands the next. No key, passphrase or note is ever here;
    a session's own data is, as the person left it (docs/SECURITY.md says what that holds)."""

    mode: str
    listen_fd: int
    port: int
    secret_key: bytes
    locks: int
    last_activity: float
    sessions: dict[str, dict] = field(default_factory=dict)
    tokens: list[tuple[str, str | None]] = field(default_factory=list)  # token, launch page
    instance: dict | None = None  # browser mode: the one-helper lock (folder, fd, key)

    def encode(self) -> bytes:
        return json.dumps(
            {
                "version": STATE_VERSION,
                "mode": self.mode,
                "listen_fd": self.listen_fd,
                "port": self.port,
                "secret_key": self.secret_key.hex(),
                "locks": self.locks,
                "last_activity": self.last_activity,
                "sessions": self.sessions,
                "tokens": self.tokens,
                "instance": self.instance,
            }
        ).encode()

    @classmethod
    def decode(cls, raw: bytes) -> Carried:
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise ValueError("unknown state")
        mode = data["mode"]
        if mode not in COMMANDS:
            raise ValueError("unknown mode")
        instance = data.get("instance")
        if instance is not None and not (
            isinstance(instance, dict) and {"folder", "fd", "key"} <= instance.keys()
        ):
            raise ValueError("bad instance")
        return cls(
            mode=mode,
            listen_fd=int(data["listen_fd"]),
            port=int(data["port"]),
            secret_key=bytes.fromhex(data["secret_key"]),
            locks=int(data["locks"]),
            last_activity=float(data["last_activity"]),
            sessions={str(k): dict(v) for k, v in dict(data["sessions"]).items()},
            tokens=[(str(t), None if p is None else str(p)) for t, p in data["tokens"]],
            instance=instance,
        )

    def descriptors(self) -> list[int]:
        """Every descriptor the next image needs open (the state's own aside)."""
        found = [self.listen_fd]
        if self.instance is not None:
            found.append(int(self.instance["fd"]))
        return found


def command_line(carried: Carried, state_fd: int) -> list[str]:
    """How the next image is started: descriptor numbers and a count, nothing secret."""
    return [
        sys.executable,
        "-m",
        "helper",
        COMMANDS[carried.mode],
        f"--resume={state_fd}",
        f"--locks={carried.locks}",
    ]


def start_afresh(carried: Carried) -> None:
    """Replace this process with a fresh helper that carries on with `carried`. Returns only if
    that cannot be done (raising OSError): the caller then carries on as it was."""
    state = os.memfd_create(STATE_NAME, os.MFD_CLOEXEC)
    try:
        data = memoryview(carried.encode())
        while data:
            data = data[os.write(state, data) :]
        os.lseek(state, 0, os.SEEK_SET)
        for fd in (*carried.descriptors(), state):
            os.set_inheritable(fd, True)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        os.execv(sys.executable, command_line(carried, state))  # noqa: S606 - our own Python
    except BaseException:
        for fd in carried.descriptors():
            os.set_inheritable(fd, False)
        os.close(state)
        raise


def take(state_fd: int) -> Carried:
    """In the new image: read what the last one carried, then close it. The socket and lock
    descriptors are made non-inheritable again, so no browser or child ever gets them. Anything
    but our own carried state (a terminal, a closed descriptor) is one sentence, never a wait."""
    try:
        if not os.readlink(f"/proc/self/fd/{state_fd}").startswith(f"/memfd:{STATE_NAME}"):
            raise ValueError("not ours")
        chunks = []
        total = 0
        while chunk := os.read(state_fd, 1024 * 1024):
            total += len(chunk)
            if total > MAX_STATE_BYTES:
                raise ValueError("too big")
            chunks.append(chunk)
        os.close(state_fd)
        carried = Carried.decode(b"".join(chunks))
        for fd in carried.descriptors():
            os.set_inheritable(fd, False)
    except (OSError, ValueError, TypeError, KeyError):
        raise StorageError(NOTHING_TO_RESUME) from None
    return carried

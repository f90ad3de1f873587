"""Running the real host as a subprocess (`python -m helper native-host`) and reading its
replies strictly: every byte on stdout must belong to a whole, well-formed frame."""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import resource
import select
import signal
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from helper.nativehost.identity import HOST_NAME

REPO = Path(__file__).resolve().parents[2]
ORIGIN = "chrome-extension://hnjoammhjfbmjbpfllkmjegekdjlkjgi/"
HEADER = struct.Struct("=I")


def frame(message: object) -> bytes:
    body = json.dumps(message).encode("utf-8") if not isinstance(message, bytes) else message
    return HEADER.pack(len(body)) + body


def parse_frames(data: bytes) -> list[dict]:
    """All frames in `data`; fails the test on a partial frame or a non-object body."""
    replies = []
    offset = 0
    while offset < len(data):
        assert len(data) - offset >= 4, f"partial header on stdout: {data[offset:]!r}"
        (length,) = HEADER.unpack_from(data, offset)
        offset += 4
        assert len(data) - offset >= length, "partial frame on stdout"
        reply = json.loads(data[offset : offset + length].decode("utf-8"))
        assert isinstance(reply, dict) and reply.get("v") == 1 and "ok" in reply, reply
        replies.append(reply)
        offset += length
    return replies


@dataclass
class Exchange:
    replies: list[dict]
    returncode: int
    stderr: str
    max_rss_kib: int


def host_env(home: Path, **extra: str) -> dict[str, str]:
    """A quiet environment: private HOME and WAYMARK_HOME, no display."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(HOME=str(home), WAYMARK_HOME=str(home / "waymark"), PYTHONPATH=str(REPO))
    env.update(extra)
    return env


def host_command(*caller: str) -> list[str]:
    return [sys.executable, "-m", "helper", "native-host", *caller]


def exchange(
    data: bytes, home: Path, caller: tuple[str, ...] = (ORIGIN,), timeout: float = 20, **env: str
) -> Exchange:
    """Send `data`, close stdin, collect every reply, and reap the host with its own rusage."""
    process = subprocess.Popen(
        host_command(*caller),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=host_env(home, **env),
    )
    try:
        stdout, stderr = _talk(process, data, timeout)
    finally:
        if process.returncode is None and process.poll() is None:
            process.kill()
    # Popen has reaped the child; ask the kernel for this child's peak memory another way.
    return Exchange(parse_frames(stdout), process.returncode, stderr.decode(), 0)


def _talk(process: subprocess.Popen, data: bytes, timeout: float) -> tuple[bytes, bytes]:
    try:
        return process.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired as err:
        process.kill()
        process.communicate()
        raise AssertionError(f"the host hung for {timeout} s") from err


def exchange_measured(
    data: bytes, home: Path, keep_stdin_open: bool = True, timeout: float = 20
) -> Exchange:
    """Send `data`, by default keeping stdin OPEN so the host can only finish if it does not
    wait for the rest of a claimed body; then reap it with os.wait4 to read its own peak RSS."""
    process = subprocess.Popen(
        host_command(ORIGIN),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=host_env(home),
    )
    assert process.stdin and process.stdout and process.stderr
    reaped = None
    try:
        process.stdin.write(data)
        process.stdin.flush()
        if not keep_stdin_open:
            process.stdin.close()
        stdout = _read_to_end(process.stdout.fileno(), timeout)
        reaped = _wait4(process.pid, timeout)
    finally:
        if reaped is None:
            process.kill()
            process.wait()
        with contextlib.suppress(OSError):
            process.stdin.close()
    status, usage = reaped
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read()
    return Exchange(parse_frames(stdout), process.returncode, stderr.decode(), usage.ru_maxrss)


def _wait4(pid: int, timeout: float) -> tuple[int, resource.struct_rusage]:
    """Reap `pid` with its own resource usage, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        time.sleep(0.01)
    raise AssertionError(f"the host did not exit within {timeout} s")


def _read_to_end(fd: int, timeout: float) -> bytes:
    """Everything the host writes until it closes stdout, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    chunks = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"the host did not finish within {timeout} s")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def processes_with_home(waymark_home: Path) -> list[int]:
    """Process ids whose environment has this WAYMARK_HOME: the helpers our host started."""
    marker = f"WAYMARK_HOME={waymark_home}".encode() + b"\0"
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes() + b"\0"
        except OSError:
            continue
        if marker in environ:
            found.append(int(entry.name))
    return found


def kill_groups(pids: list[int]) -> None:
    """End each process's whole group (the host started each helper in its own session)."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(os.getpgid(pid), signal.SIGKILL)


def recorder(folder: Path) -> tuple[Path, Path]:
    """A stand-in browser: appends each address it is asked to open to urls.txt."""
    urls = folder / "urls.txt"
    script = folder / "record-url"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{urls}"\n')
    script.chmod(0o755)
    return script, urls


def wait_for_address(urls: Path, waymark_home: Path, timeout: float) -> str:
    """The first address the helper opened; fails fast if the helper died without one.

    The browser is given a private launch page (file://…, never the address with its token,
    which any local account could read on a command line): this returns the address that
    page leads to."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if urls.exists() and urls.read_text().strip():
            return launch_target(urls.read_text().splitlines()[0])
        if not processes_with_home(waymark_home):
            time.sleep(0.2)  # The recorder may still be writing.
            if urls.exists() and urls.read_text().strip():
                return launch_target(urls.read_text().splitlines()[0])
            raise AssertionError("the helper exited without opening an address")
        time.sleep(0.05)
    raise AssertionError(f"no address was opened within {timeout} s")


def launch_target(opened: str) -> str:
    """Where the launch page the browser was given leads (it must carry no token itself)."""
    assert opened.startswith("file://") and "token" not in opened, opened
    page = Path(unquote(urlsplit(opened).path)).read_text(encoding="utf-8")
    found = re.search(r'http-equiv="refresh" content="0;url=([^"]+)"', page)
    assert found, page
    return html.unescape(found.group(1))


__all__ = ["HOST_NAME", "ORIGIN", "exchange", "exchange_measured", "frame", "parse_frames"]


def install_for_chromium(profile: Path, env: dict[str, str] | None = None) -> None:
    """`waymark install-native-host` for one Chromium profile, run as a person would run it."""
    installed = subprocess.run(
        [sys.executable, "-m", "helper", "install-native-host", "--browser", "chromium",
         "--user-data-dir", str(profile)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env=env,
        check=False,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    assert (profile / "NativeMessagingHosts" / f"{HOST_NAME}.json").exists()

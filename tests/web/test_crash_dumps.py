"""An unlocked helper that crashes leaves no core file (its memory holds the vault key, the
passphrase and note text). The helper and the native host make themselves non-dumpable
(Linux: prctl PR_SET_DUMPABLE 0) and set RLIMIT_CORE to 0 at start-up.

How it is shown here: the kernel's core pattern on this kind of machine is `core` (a file in
the crashing process's working folder), so each process runs in its own temp folder under
`ulimit -c unlimited`. A control process that does not harden itself leaves a core there, which
proves the machine really writes cores; the real, unlocked helper hit by SIGABRT must not.
Where cores go to a crash handler or another folder (e.g. apport on Ubuntu), the tests check the
real process instead: no core size in /proc/PID/limits and, for a non-root user, /proc/PID
files owned by root, which is how the kernel marks a non-dumpable process."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.web.live import LiveSession

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux core files"),
]


def unlimited_cores() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def cores_in(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith("core")]


def core_pattern() -> str:
    return Path("/proc/sys/kernel/core_pattern").read_text().strip()


def core_limit(pid: int) -> str:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max core file size"):
            return line.split()[4]
    raise AssertionError("no core limit listed")


def wait_gone(proc: subprocess.Popen, timeout: float = 20) -> int:
    return proc.wait(timeout=timeout)


def cores_go_elsewhere() -> bool:
    """A crash handler (`|apport …`) or an absolute folder: we cannot see the core file."""
    return core_pattern().startswith("|") or "/" in core_pattern()


def assert_not_dumpable(pid: int) -> None:
    """The other way to see it when the core file cannot be watched: the real process has no
    core size, and (seen by any user but root, as on a CI runner) the kernel hands a
    non-dumpable process's /proc files to root."""
    assert core_limit(pid) == "0"
    if os.getuid() != 0:
        assert os.stat(f"/proc/{pid}/environ").st_uid == 0, "the process is still dumpable"


def test_a_sigabrt_of_an_unlocked_helper_leaves_no_core_file(tmp_path):
    if cores_go_elsewhere():
        live = LiveSession(tmp_path / "home", preexec=unlimited_cores)
        try:
            live.create_vault_and_note()
            assert_not_dumpable(live.pid)
        finally:
            live.stop()
        return
    control_dir = tmp_path / "control"
    control_dir.mkdir()
    control = subprocess.Popen(
        [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGABRT)"],
        cwd=control_dir,
        preexec_fn=unlimited_cores,
    )
    assert wait_gone(control) == -signal.SIGABRT
    assert cores_in(control_dir), "this machine writes no core files, so the test proves nothing"

    helper_dir = tmp_path / "helper"
    helper_dir.mkdir()
    live = LiveSession(tmp_path / "home", cwd=helper_dir, preexec=unlimited_cores)
    try:
        live.create_vault_and_note()
        os.kill(live.pid, signal.SIGABRT)
        assert wait_gone(live.proc) == -signal.SIGABRT
    finally:
        live.stop()
    time.sleep(0.5)  # the kernel writes a core before the parent sees the exit; be generous
    assert not cores_in(helper_dir), "a core file of the unlocked helper was written"


def test_a_sigabrt_of_the_native_host_leaves_no_core_file(tmp_path):
    from tests.support.hostproc import ORIGIN, frame, host_command, host_env, parse_frames

    folder = tmp_path / "host"
    folder.mkdir()
    proc = subprocess.Popen(
        host_command(ORIGIN),
        env=host_env(tmp_path),
        cwd=folder,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=unlimited_cores,
    )
    try:
        proc.stdin.write(frame({"v": 1, "type": "no-such-action"}))
        proc.stdin.flush()
        header = proc.stdout.read(4)  # one reply: the host is past its start-up
        assert parse_frames(header + proc.stdout.read(int.from_bytes(header, "little")))
        assert_not_dumpable(proc.pid)
        if cores_go_elsewhere():
            return
        os.kill(proc.pid, signal.SIGABRT)
        assert wait_gone(proc) == -signal.SIGABRT
    finally:
        proc.kill()
        proc.communicate(timeout=20)
    time.sleep(0.5)
    assert not cores_in(folder), "a core file of the native host was written"


def test_the_running_helper_has_no_core_limit(tmp_path):
    live = LiveSession(tmp_path / "home", preexec=unlimited_cores)
    try:
        assert core_limit(live.pid) == "0"
    finally:
        live.stop()

"""Peak memory reads one unit (bytes) on every platform: the unit conversion is data, and the
real measurement is checked against a child that is known to hold a large buffer."""

from __future__ import annotations

import subprocess
import sys

from helper.bench.memory import own_peak_bytes, ru_maxrss_bytes, wait_peak_bytes


def test_ru_maxrss_is_kib_on_linux_and_bytes_on_macos():
    assert ru_maxrss_bytes(2048, "linux") == 2 * 1024 * 1024
    assert ru_maxrss_bytes(2048, "freebsd14") == 2 * 1024 * 1024
    assert ru_maxrss_bytes(2 * 1024 * 1024, "darwin") == 2 * 1024 * 1024


def test_own_peak_is_at_least_a_few_mebibytes():
    assert own_peak_bytes() > 4 * 1024 * 1024


def test_a_child_holding_64_mib_peaks_above_64_mib_and_its_exit_code_is_kept():
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "b = bytearray(64 << 20)\nb[::4096] = b'x' * len(b[::4096])\nraise SystemExit(3)",
        ]
    )
    peak = wait_peak_bytes(child)
    assert peak > 64 * 1024 * 1024
    assert child.returncode == 3

"""Peak memory of a process, the same figure on Linux, macOS and Windows.

`getrusage().ru_maxrss` is KiB on Linux but bytes on macOS, and neither `resource` nor
`os.wait4` exists on Windows, where the peak working set (GetProcessMemoryInfo) is the
equivalent. Everything here returns bytes, so the benchmarks read one unit everywhere.
"""

from __future__ import annotations

import os
import subprocess
import sys


def ru_maxrss_bytes(value: int, platform: str = sys.platform) -> int:
    """`ru_maxrss` in bytes: macOS reports bytes already, Linux and the BSDs KiB."""
    return value if platform == "darwin" else value * 1024


def own_peak_bytes() -> int:
    """This process's peak resident memory so far."""
    if sys.platform == "win32":
        return _windows_peak(None)
    import resource

    return ru_maxrss_bytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def wait_peak_bytes(process: subprocess.Popen) -> int:
    """Wait for `process` to end and return its peak resident memory."""
    if sys.platform == "win32":
        process.wait()
        return _windows_peak(process)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return ru_maxrss_bytes(usage.ru_maxrss)


def _windows_peak(process: subprocess.Popen | None) -> int:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    class Counters(ctypes.Structure):
        _fields_ = [  # the ctypes layout of PROCESS_MEMORY_COUNTERS
            ("cb", wintypes.DWORD),
            ("PageFaultCount", wintypes.DWORD),
            ("PeakWorkingSetSize", ctypes.c_size_t),
            ("WorkingSetSize", ctypes.c_size_t),
            ("QuotaPeakPagedPoolUsage", ctypes.c_size_t),
            ("QuotaPagedPoolUsage", ctypes.c_size_t),
            ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
            ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
            ("PagefileUsage", ctypes.c_size_t),
            ("PeakPagefileUsage", ctypes.c_size_t),
        ]

    counters = Counters()
    counters.cb = ctypes.sizeof(Counters)
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    # A finished child's handle stays valid while its Popen object lives (subprocess keeps it).
    handle = kernel32.GetCurrentProcess() if process is None else int(process._handle)  # type: ignore[attr-defined]
    if not ctypes.windll.psapi.GetProcessMemoryInfo(  # type: ignore[attr-defined]
        handle, ctypes.byref(counters), counters.cb
    ):
        raise OSError("GetProcessMemoryInfo failed")
    return int(counters.PeakWorkingSetSize)

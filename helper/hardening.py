"""Process hardening at start-up: no core dumps of a process that may hold the vault key.

A core file of an unlocked helper holds the passphrase, the vault key and note text in clear,
and lands wherever the system puts crash dumps (often a folder other people can read, or a
crash reporter that uploads it). So, before anything secret is in memory:
- Linux: prctl(PR_SET_DUMPABLE, 0) makes the process non-dumpable (no core file, and another
  process of the same user can no longer attach a debugger or read /proc/PID/mem), and
  RLIMIT_CORE is set to 0.
- macOS: RLIMIT_CORE 0, so no core file is written. PT_DENY_ATTACH is not used: it would also
  stop the person's own crash reporter from saying where a bug is, and the rlimit already
  keeps the memory off the disk. (Written for macOS; only run on Linux so far.)
- Windows: nothing is changed. Microsoft's page "Collecting User-Mode Dumps" (checked
  2026-11-30) says Windows Error Reporting keeps no local dump unless an administrator turns
  on "LocalDumps"; when they do, the default is a mini dump (which can hold parts of memory)
  in %LOCALAPPDATA%\\CrashDumps, or a full dump if they choose it. docs/SECURITY.md says so.
Failure to harden is never fatal: the helper still runs, it just cannot promise this."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:
        return None


def no_core_limit() -> bool:
    """RLIMIT_CORE to 0, soft and hard (hard too, so nothing later in the process raises it)."""
    try:
        import resource
    except ImportError:  # Windows
        return False
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (OSError, ValueError):
        return False
    return True


def not_dumpable() -> bool:
    """Linux only: mark the process non-dumpable. True when the kernel confirms it."""
    if not sys.platform.startswith("linux"):
        return False
    libc = _libc()
    if libc is None:
        return False
    if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        return False
    return libc.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0


def forbid_core_dumps() -> dict[str, bool]:
    """Call first thing in every process that may hold key material. Returns what held."""
    return {"core_limit": no_core_limit(), "not_dumpable": not_dumpable()}


def release_freed_memory() -> bool:
    """Hand freed heap pages back to the system (glibc's malloc_trim), so memory that held a
    key and has since been freed is no longer part of the process at all.

    Why: dropping the note cipher at lock frees OpenSSL's copy of the key (its AES key
    schedule, which starts with the key itself), but OpenSSL does not always clear it first,
    and a memory scan after auto-lock still found the notes key in freed memory. Pages given
    back are zero-filled if ever used again. Linux with glibc only; elsewhere (musl, macOS,
    Windows) this does nothing and says so by returning False."""
    if not sys.platform.startswith("linux"):
        return False
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None) if libc is not None else None
    if trim is None:
        return False
    trim(0)
    return True

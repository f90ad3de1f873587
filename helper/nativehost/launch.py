"""Starting the helper window for `open-note`. The host must answer the browser at once and may
be killed as soon as it has, so the helper runs detached: its own session (a browser killing the
host's process group does not take the window with it), stdio on /dev/null (nothing it prints
can reach the browser's channel), no shell (the platform host is an argument, never a command)."""

from __future__ import annotations

import subprocess
import sys

from helper.nativehost.messages import ErrorCode, OpenNote, ProtocolError

# Seconds to watch a new helper for an immediate failure before answering the browser.
EARLY_FAILURE_WINDOW = 0.4


def new_note_command(note: OpenNote, python: str | None = None) -> list[str]:
    """The helper's command line. `--opt=value` so no value can ever be read as an option."""
    command = [python or sys.executable, "-m", "helper", "open", "--new-note"]
    if note.platform is not None:
        command.append(f"--platform={note.platform}")
    command.append(f"--at={note.at}")
    if note.concern is not None:
        command.append(f"--concern={note.concern}")
    if note.age is not None:
        command.append(f"--age={note.age}")
    return command


def start_new_note(note: OpenNote, python: str | None = None) -> int:
    """Start the helper at a new note and return its process id without waiting for it."""
    try:
        process = subprocess.Popen(
            new_note_command(note, python),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except OSError as err:
        raise ProtocolError(ErrorCode.HELPER_NOT_STARTED) from err
    # A helper that refuses its command line dies within a few hundred milliseconds; catching
    # that here lets the popup say "could not start" instead of "opened" when nothing opens.
    try:
        if process.wait(timeout=EARLY_FAILURE_WINDOW) != 0:
            raise ProtocolError(ErrorCode.HELPER_NOT_STARTED)
    except subprocess.TimeoutExpired:
        pass  # Still running: the window is on its way.
    # Not waited for on purpose: the helper outlives this host, which is usually gone within a
    # second; when the host exits first, the helper is handed to init like any orphan.
    return process.pid

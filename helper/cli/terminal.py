"""What the notes commands print goes through one rule on its way to the terminal.

Notes, follow-ups, contacts and the record of where a note came from can hold text that an older
Waymark let in: a C1 control (U+009B starts a terminal escape sequence), DEL, a bidirectional
control that makes a child reference read backwards. The vault refuses them now (notes.py, the
one text rule), but a vault keeps what it was given. So for the `notes` and `verify` commands,
standard output and standard error are wrapped for the whole command, and every character that
rule refuses (tab and newline apart) is written as a visible \\uXXXX escape. Nothing printed can
forget it, and printed JSON reads back exactly (the escape is JSON's own)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from helper.vault.notes import shown_safely


class SafeStream:
    """A text stream that writes everything through `shown_safely`; all else is the stream's."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(shown_safely(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:  # flush, fileno, buffer, encoding, isatty…
        return getattr(self._stream, name)


@contextlib.contextmanager
def safe_output(enabled: bool = True) -> Iterator[None]:
    """Wrap stdout and stderr while a command runs (and prints its error, if any)."""
    if not enabled:
        yield
        return
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err

"""Native messaging's wire format: a 4-byte length in the machine's own byte order, then that
many bytes of UTF-8 JSON. The browser and the host speak it over stdin/stdout.

Why the caps: a sender controls the length field, so we check it against MAX_REQUEST before we
read (or allocate) a single byte of the body. KeePassXC's proxy once reserved whatever length
the sender claimed; we never do. Chromium refuses replies over 1 MB from a host
(https://developer.chrome.com/docs/extensions/develop/concepts/native-messaging), so we never
send one: a reply that would be too big is swapped for a short error before it is written."""

from __future__ import annotations

import json
import struct
from typing import BinaryIO

# "=I": native byte order, standard 4-byte size, no alignment padding. Chrome and Firefox both
# use the host machine's byte order for the length.
HEADER = struct.Struct("=I")

# Our requests are a few hundred bytes; 64 KiB leaves room and still bounds memory tightly.
MAX_REQUEST = 64 * 1024
MAX_REPLY = 1024 * 1024


class FrameTooLarge(Exception):
    """The claimed length is over MAX_REQUEST. The stream cannot be resynchronised after this:
    we have not read the body, so the next bytes are not a header."""

    def __init__(self, claimed: int) -> None:
        super().__init__(f"claimed length {claimed} is over the cap of {MAX_REQUEST} bytes")
        self.claimed = claimed


class ReplyTooLarge(Exception):
    """A reply would be over MAX_REPLY once encoded. Raised before anything is written."""


def read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    """Read `size` bytes, or None if the stream ends first (a truncated frame or closed stdin:
    the browser has gone, so there is nobody left to answer)."""
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(stream: BinaryIO) -> bytes | None:
    """The next frame's body as raw bytes, or None at a clean or truncated end of input.

    Raises FrameTooLarge before reading the body when the claimed length is over the cap."""
    header = read_exactly(stream, HEADER.size)
    if header is None:
        return None
    (length,) = HEADER.unpack(header)
    if length > MAX_REQUEST:
        raise FrameTooLarge(length)
    return read_exactly(stream, length)


def encode_frame(message: dict[str, object]) -> bytes:
    """Header plus compact UTF-8 JSON, ready for one write. Raises ReplyTooLarge over the cap."""
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(body) > MAX_REPLY:
        raise ReplyTooLarge(f"reply of {len(body)} bytes is over the cap of {MAX_REPLY} bytes")
    return HEADER.pack(len(body)) + body


def write_frame(stream: BinaryIO, message: dict[str, object]) -> None:
    """Send one frame as a single write and flush, so a reader never sees half a frame."""
    stream.write(encode_frame(message))
    stream.flush()

"""JSON from outside (a hand-over bundle, a file a person names), read within bounds.

`json.loads` recurses once per level of nesting (a few thousand levels is an uncaught
RecursionError) and builds one Python object per value, at 50 to 100 bytes each, so 14 MiB of
`[0,0,0,…]` became hundreds of megabytes. Here the bytes are measured first, in C-speed passes
that allocate no more than a copy of the input: how many values parsing would build (keys
included) and whether the nesting goes deeper than allowed. Only then is the text parsed.

The measure never counts fewer values or levels than `json.loads` would build before it stops
at a fault (an empty container counts one value more than it holds): outside strings, every
value is a container or is separated from the next by a comma or a colon, and strings are
found the way the parser finds them (an unescaped quote to the next unescaped quote), left to
right, up to the first fault."""

from __future__ import annotations

import json
import re
from typing import Any

# A JSON string: a quote, then anything but a quote or a backslash, or a backslash and the
# character it escapes, up to the closing quote. Written "unrolled" so matching stays linear.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_INNERMOST = re.compile(rb"\[\]|\{\}")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


class TooComplex(ValueError):
    """The JSON is outside the bounds: refused before it was parsed."""


class TooDeep(TooComplex):
    pass


class TooMany(TooComplex):
    pass


def _bare(raw: bytes) -> bytes:
    """The JSON with every string cut down to `""`: what is left is structure and scalars."""
    return _STRING.sub(b'""', raw)


def values(raw: bytes) -> int:
    """How many values (keys included) parsing `raw` would build, at most."""
    return _count(_bare(raw))


def _count(bare: bytes) -> int:
    containers = bare.count(b"[") + bare.count(b"{")
    return containers + bare.count(b",") + bare.count(b":") + 1


def deeper_than(raw: bytes, max_depth: int) -> bool:
    """Whether containers nest more than `max_depth` levels (ValueError if the brackets do not
    even pair up, which no JSON text does)."""
    return _deeper(_bare(raw).translate(None, _NOT_BRACKETS), max_depth)


def _deeper(brackets: bytes, max_depth: int) -> bool:
    """Each pass removes the innermost pairs, so at most `max_depth` passes (and one more to
    tell) over the brackets alone. A pass that removes nothing leaves brackets that do not
    pair up: not JSON, refused here so the parser is never asked to descend into them."""
    for _ in range(max_depth + 1):
        if not brackets:
            return False
        paired = _INNERMOST.sub(b"", brackets)
        if len(paired) == len(brackets):
            raise ValueError("brackets that do not pair up")
        brackets = paired
    return True


def loads(raw: bytes, *, max_depth: int, max_values: int) -> Any:
    """`json.loads(raw)` once `raw` is known to be within the bounds: TooDeep or TooMany if it
    is not, ValueError (UnicodeDecodeError included) if it is not UTF-8 JSON."""
    text = raw.decode("utf-8")  # the one encoding: never json's guess at UTF-16 or 32
    bare = _bare(raw)
    if _count(bare) > max_values:
        raise TooMany(f"more than {max_values:,} values")
    if _deeper(bare.translate(None, _NOT_BRACKETS), max_depth):
        raise TooDeep(f"nested more than {max_depth} levels")
    del bare
    return json.loads(text)

"""Refusing images. Waymark is text only: copying, saving or forwarding an image of a child can
itself be an offence (Protection of Children Act 1978), even when the aim is to report it. So
any text that carries an image (a data: URI, base64 that decodes to image or video bytes, raw
magic bytes, inline SVG) is refused with a message saying what to record instead."""

from __future__ import annotations

import base64
import binascii
import re

from helper.errors import BadInput

IMAGE_REFUSED = (
    "This looks like an image. Waymark never stores images: copying an image of a child can "
    "itself be a crime, even to report it. Instead, write down where you saw it, when, who sent "
    "or posted it, their usernames and any links, as text."
)


_DATA_IMAGE = re.compile(r"data\s*:\s*image/", re.IGNORECASE)
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{16,}")
_RAW_MAGIC = re.compile(
    r"\x89PNG|\xff\xd8\xff|GIF8[79]a|RIFF.{4}WEBP|ftyp(?:heic|heix|mif1|avif|isom|mp4|qt)|<svg\b",
    re.IGNORECASE | re.DOTALL,
)
_IMAGE_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
    b"\x00\x00\x01\x00",
)


def _decodes_to_image(run: str) -> bool:
    """Whether a base64-looking run starts with an image or video file's magic bytes."""
    head = run[: (len(run) // 4) * 4][:32]
    try:
        raw = base64.b64decode(head, validate=True)
    except (binascii.Error, ValueError):
        return False
    if any(raw.startswith(m) for m in _IMAGE_MAGIC[:4]) or raw[:4] in _IMAGE_MAGIC[5:]:
        return True
    if raw.startswith(b"RIFF") and raw[8:12] == b"WEBP":
        return True
    return raw[4:8] == b"ftyp"


def refuse_images(text: str) -> None:
    """Refuse text that carries an image: a data: URI, base64 image bytes, or raw magic bytes."""
    if _DATA_IMAGE.search(text) or _RAW_MAGIC.search(text):
        raise BadInput(IMAGE_REFUSED)
    if any(_decodes_to_image(m.group()) for m in _BASE64_RUN.finditer(text)):
        raise BadInput(IMAGE_REFUSED)

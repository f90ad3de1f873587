"""The pocket web app's home-screen icons, drawn when the site is built (`waymark build-web`).

The same waymark as the extension's toolbar icon (tools/draw_icons.py: a white arrow-shaped sign
on a short post, on a calm blue rounded square), plus a neutral icon for the discreet install
("Help": a plain ring on grey, which says nothing about what the app is for). Each comes at 192
and 512 px, and as a maskable icon: a full square with the drawing inside the central safe circle
(radius 40 %), which Android crops to its own shape.

Drawn here in plain Python, not with Pillow, because build-web runs from an installed wheel and
Pillow is only a test tool. Every shape is a signed distance (in pixels) from its edge, and a
pixel's coverage is 0.5 minus that distance, clamped: one-pixel anti-aliasing, the same bytes on
every machine. A distance also says how many pixels further along the row are surely the same
colour, so only pixels near an edge are computed (a build takes a fraction of a second)."""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

RGB = tuple[int, int, int]
WAYMARK_BLUE: RGB = (38, 84, 124)  # tools/draw_icons.py BACKGROUND; white on it is above 8:1
NEUTRAL_GREY: RGB = (84, 91, 99)
WHITE: RGB = (255, 255, 255)
SAFE_SCALE = 0.72  # the drawing shrunk about the centre so it stays inside the safe circle

# A shape is a function of a point in the 128-unit design grid giving the signed distance to its
# edge in design units (negative inside).
Shape = Callable[[float, float], float]


def rounded_box(x0: float, y0: float, x1: float, y1: float, radius: float) -> Shape:
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    hx, hy = (x1 - x0) / 2 - radius, (y1 - y0) / 2 - radius

    def distance(x: float, y: float) -> float:
        qx, qy = abs(x - cx) - hx, abs(y - cy) - hy
        outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
        return outside + min(max(qx, qy), 0.0) - radius

    return distance


def convex_polygon(points: list[tuple[float, float]]) -> Shape:
    """Points in clockwise order on screen (y down). The distance is exact outside near edges
    and inside, which is all anti-aliasing needs."""
    edges = []
    for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1], strict=True):
        length = math.hypot(bx - ax, by - ay)
        # Outward normal of a clockwise (screen) polygon.
        edges.append((ax, ay, bx, by, (by - ay) / length, -(bx - ax) / length, length))

    def distance(x: float, y: float) -> float:
        worst = max((x - ax) * nx + (y - ay) * ny for ax, ay, _, _, nx, ny, _ in edges)
        if worst <= 0:
            return worst
        best = math.inf
        for ax, ay, bx, by, _, _, length in edges:
            t = max(0.0, min(1.0, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / length**2))
            best = min(best, math.hypot(x - ax - t * (bx - ax), y - ay - t * (by - ay)))
        return best

    return distance


def circle(cx: float, cy: float, radius: float) -> Shape:
    return lambda x, y: math.hypot(x - cx, y - cy) - radius


def ring(cx: float, cy: float, outer: float, inner: float) -> Shape:
    return lambda x, y: max(math.hypot(x - cx, y - cy) - outer, inner - math.hypot(x - cx, y - cy))


def union(*shapes: Shape) -> Shape:
    return lambda x, y: min(shape(x, y) for shape in shapes)


def scaled(shape: Shape, factor: float, centre: float = 64.0) -> Shape:
    """`shape` shrunk by `factor` about the grid's centre (distances shrink with it)."""
    return lambda x, y: (
        shape(centre + (x - centre) / factor, centre + (y - centre) / factor) * factor
    )


def waymark_sign() -> Shape:
    post = rounded_box(56, 60, 72, 110, 0.001)
    plate = convex_polygon([(22, 24), (82, 24), (108, 44), (82, 64), (22, 64)])
    return union(post, plate)


def neutral_mark() -> Shape:
    return ring(64, 64, 34, 20)


@dataclass(frozen=True)
class Icon:
    """One home-screen icon: a file name, its size in pixels and how it is drawn."""

    name: str
    size: int
    background: RGB
    mark: Shape
    maskable: bool

    def png(self) -> bytes:
        return encode_png(self.size, self.rows())

    def rows(self) -> list[bytes]:
        size = self.size
        unit = 128 / size  # design units per pixel
        plate = (lambda x, y: -1.0) if self.maskable else rounded_box(4, 4, 124, 124, 26)
        mark = scaled(self.mark, SAFE_SCALE) if self.maskable else self.mark
        br, bgc, bb = self.background
        rows = []
        for py in range(size):
            y = (py + 0.5) * unit
            row = bytearray()
            px = 0
            while px < size:
                x = (px + 0.5) * unit
                edge_back = plate(x, y) / unit  # signed distances in pixels
                edge_mark = mark(x, y) / unit
                back = min(1.0, max(0.0, 0.5 - edge_back))
                cover = min(1.0, max(0.0, 0.5 - edge_mark))
                pixel = bytes(
                    (
                        round(br + (255 - br) * cover),
                        round(bgc + (255 - bgc) * cover),
                        round(bb + (255 - bb) * cover),
                        round(255 * max(back, cover)),
                    )
                )
                # Every distance moves by at most one pixel per pixel, so the next `same` pixels
                # lie wholly on the same side of every edge: the same colour, no need to compute.
                same = int(min(abs(edge_back), abs(edge_mark)) - 0.5)
                count = max(1, min(same + 1, size - px))
                row += pixel * count
                px += count
            rows.append(bytes(row))
        return rows


def encode_png(size: int, rows: list[bytes]) -> bytes:
    """An 8-bit RGBA PNG (each row unfiltered), written by hand: signature, IHDR, IDAT, IEND."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    raw = b"".join(b"\0" + row for row in rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def icons(variant: str) -> list[Icon]:
    """The icons of one install variant: "waymark" (the app's own) or "help" (the discreet one)."""
    if variant == "waymark":
        background, mark = WAYMARK_BLUE, waymark_sign()
    elif variant == "help":
        background, mark = NEUTRAL_GREY, neutral_mark()
    else:
        raise ValueError(f"unknown icon variant {variant!r}")
    return [
        Icon(f"{variant}-192.png", 192, background, mark, maskable=False),
        Icon(f"{variant}-512.png", 512, background, mark, maskable=False),
        Icon(f"{variant}-maskable-512.png", 512, background, mark, maskable=True),
    ]

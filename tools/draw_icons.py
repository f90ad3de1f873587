"""Draw the extension's toolbar and store icons (extension/icons/icon-{16,32,48,128}.png).

A waymark is a sign that shows the way: a white arrow-shaped sign on a short post, on a calm
blue rounded square. No people, no faces, no text, so it stays readable at 16 px. Each size is
drawn large and scaled down with a fixed filter, so the output depends only on this script and
Pillow; `tests/extension/test_icons.py` redraws them and compares pixels.

Run: `python tools/draw_icons.py` (needs Pillow)."""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

SIZES = (16, 32, 48, 128)
BACKGROUND = (38, 84, 124, 255)  # calm blue; white on it has a contrast ratio above 8:1
SIGN = (255, 255, 255, 255)
CANVAS = 512  # drawn at this size, then scaled down
OUT = Path(__file__).resolve().parent.parent / "extension" / "icons"


def draw(size: int) -> Image.Image:
    """The icon at `size` x `size` pixels (RGBA)."""
    scale = CANVAS / 128
    image = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)

    def box(*xy: float) -> list[float]:
        return [v * scale for v in xy]

    pen.rounded_rectangle(box(4, 4, 124, 124), radius=26 * scale, fill=BACKGROUND)
    # The post: a plain upright bar under the sign.
    pen.rectangle(box(56, 60, 72, 110), fill=SIGN)
    # The sign: a wide plate ending in a point to the right.
    plate = [(22, 24), (82, 24), (108, 44), (82, 64), (22, 64)]
    pen.polygon([(x * scale, y * scale) for x, y in plate], fill=SIGN)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def pixels(image: Image.Image) -> bytes:
    return image.convert("RGBA").tobytes()


def main(out: Path = OUT) -> int:
    out.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        path = out / f"icon-{size}.png"
        draw(size).save(path, format="PNG", optimize=True)
        print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))

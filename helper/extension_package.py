"""The extension as stores and school IT teams receive it: one zip for the Chromium family
(Chrome Web Store, Edge Add-ons, enterprise policy) and one for Firefox (addons.mozilla.org).

Each zip has `manifest.json` at its root and only what the extension runs: its scripts, pages,
styles, icons, messages and a fresh copy of the knowledge-base files it reads (data/). Notes for
people (*.md) and anything hidden stay out, as `web-ext build` leaves them out. The two
manifests differ only where the browsers do:
- Chromium runs `background.service_worker` and has no use for the gecko settings. The `key` that
  fixes the id of the unpacked source folder stays out: the Chrome Web Store refuses an upload
  that has one and gives the item its own id (docs/DEPLOY.md says how the helper is told it).
- Firefox runs `background.scripts` as an event page, names the extension by its gecko id, and
  has no use for `key` or `service_worker`.
Entries are sorted and dated 1980-01-01, so the same source gives the same bytes."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from pathlib import Path

from helper.errors import BadInput, StorageError
from helper.nativehost import bundle
from helper.paths import extension_dir

TARGETS = ("chromium", "firefox")
# What an extension package may hold; everything else in extension/ is for people or tools.
PACKAGED_SUFFIXES = {".json", ".js", ".mjs", ".html", ".css", ".png"}
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def read_manifest(source: Path | None = None) -> dict:
    path = (source or extension_dir()) / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise BadInput(f"No extension manifest at {path}.") from err
    except (OSError, ValueError) as err:
        raise BadInput(f"Cannot read the extension manifest at {path}: {err}.") from err


def manifest_for(target: str, manifest: dict) -> dict:
    """The manifest as `target` wants it (a new dict; the source is not changed)."""
    if target not in TARGETS:
        raise BadInput(f"Unknown target {target!r}; choose one of {', '.join(TARGETS)}.")
    out = copy.deepcopy(manifest)
    background = out.get("background", {})
    out.pop("key", None)
    if target == "chromium":
        out.pop("browser_specific_settings", None)
        background.pop("scripts", None)
    else:
        background.pop("service_worker", None)
    return out


def packaged_files(source: Path | None = None) -> list[str]:
    """The extension's own files that a package carries (relative, sorted), data/ excluded:
    data/ is always written fresh from the knowledge base."""
    source = source or extension_dir()
    names = []
    for path in source.rglob("*"):
        relative = path.relative_to(source)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        if relative.parts[0] == "data" or path.suffix not in PACKAGED_SUFFIXES:
            continue
        names.append(relative.as_posix())
    return sorted(names)


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def package_bytes(target: str, source: Path | None = None) -> bytes:
    """The zip for `target`, in memory."""
    source = source or extension_dir()
    manifest = manifest_for(target, read_manifest(source))
    contents: dict[str, bytes] = {}
    for name in packaged_files(source):
        contents[name] = (source / name).read_bytes()
    contents["manifest.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    for name in bundle.SHIPPED:
        contents[f"data/{name}"] = bundle.source_bytes(name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        # manifest.json first, as web-ext does, then everything else in order.
        for name in sorted(contents, key=lambda n: (n != "manifest.json", n)):
            archive.writestr(_entry(name), contents[name])
    return buffer.getvalue()


def package_name(target: str, version: str) -> str:
    return f"waymark-{version}-{target}.zip"


def build_zips(out: Path, source: Path | None = None) -> list[Path]:
    """Write both packages into `out`; return their paths."""
    version = read_manifest(source).get("version")
    if not isinstance(version, str) or not version:
        raise BadInput("The extension manifest has no version.")
    packages = {target: package_bytes(target, source) for target in TARGETS}
    written = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for target, data in packages.items():
            path = out / package_name(target, version)
            path.write_bytes(data)
            written.append(path)
    except OSError as err:
        raise StorageError(f"Cannot write to {out}: {err.strerror or err}.") from err
    return written

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
Entries are sorted and dated 1980-01-01, so the same source gives the same bytes.

The popup opens faster when its modules arrive as one file: each module an extension page imports
is a separate load. So when esbuild (npm) is at hand, every entry point — each page's
`<script type="module" src>` and the background script — is bundled in place with its imports
(dynamic ones too). The source stays plain ES modules; the package also keeps the plain modules
for anything that imports them by name. Entry points are found, not listed, so this works
whatever the pages contain."""

from __future__ import annotations

import copy
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from helper import extension_data
from helper.errors import BadInput, StorageError
from helper.paths import REPO_ROOT, extension_dir

TARGETS = ("chromium", "firefox")
# What an extension package may hold; everything else in extension/ is for people or tools.
PACKAGED_SUFFIXES = {".json", ".js", ".mjs", ".html", ".css", ".png"}
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
MODULE_SCRIPT = re.compile(r"""<script\b[^>]*\btype=["']module["'][^>]*\bsrc=["']([^"']+)["']""")


def esbuild() -> str | None:
    """The esbuild program: WAYMARK_ESBUILD, the checkout's node_modules, or one on PATH."""
    override = os.environ.get("WAYMARK_ESBUILD")
    if override:
        return override
    local = REPO_ROOT / "node_modules" / ".bin" / "esbuild"
    return str(local) if local.exists() else shutil.which("esbuild")


def entry_points(contents: dict[str, bytes], manifest: dict) -> list[str]:
    """The scripts that pages and the manifest start: what gets bundled. Found, not listed."""
    entries = set()
    for name, data in contents.items():
        if name.endswith(".html"):
            for src in MODULE_SCRIPT.findall(data.decode("utf-8")):
                if "://" not in src:
                    joined = PurePosixPath(name).parent / src
                    entries.add(os.path.normpath(joined.as_posix()))
    background = manifest.get("background", {})
    if background.get("type") == "module":
        entries.update(background.get("scripts", []))
        if background.get("service_worker"):
            entries.add(background["service_worker"])
    return sorted(e for e in entries if e in contents)


def bundled(contents: dict[str, bytes], manifest: dict, program: str) -> dict[str, bytes]:
    """`contents` with each entry point replaced by its esbuild bundle."""
    entries = entry_points(contents, manifest)
    if not entries:
        return contents
    with tempfile.TemporaryDirectory(prefix="waymark-bundle-") as temporary:
        root = write_tree(contents, Path(temporary))
        out = root / ".bundled"
        result = subprocess.run(
            [program, *entries, "--bundle", "--format=esm", "--target=es2022",
             "--charset=utf8", "--legal-comments=none", f"--outdir={out}", f"--outbase={root}",
             "--log-level=error"],
            cwd=root, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise BadInput(f"esbuild could not bundle the extension: {result.stderr.strip()}")
        return {**contents, **{name: (out / name).read_bytes() for name in entries}}


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


def package_contents(
    target: str,
    source: Path | None = None,
    bundler: str | None = None,
    data: Mapping[str, bytes] | None = None,
) -> dict[str, bytes]:
    """Every file of the package for `target`, by name. With `bundler` (esbuild), entry points
    are bundled. `data` is extension_data.validated() when already read; otherwise the knowledge
    base is loaded and checked here, before anything is packaged."""
    data = extension_data.validated() if data is None else data
    source = source or extension_dir()
    manifest = manifest_for(target, read_manifest(source))
    contents: dict[str, bytes] = {}
    for name in packaged_files(source):
        contents[name] = (source / name).read_bytes()
    contents["manifest.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    for name, shipped in data.items():
        contents[f"data/{name}"] = shipped
    if bundler:
        contents = bundled(contents, manifest, bundler)
    return contents


def write_unpacked(target: str, folder: Path, bundler: str | None = None) -> Path:
    """The package for `target` as a folder (what a browser loads unpacked)."""
    return write_tree(package_contents(target, bundler=bundler), folder)


def write_tree(contents: Mapping[str, bytes], folder: Path) -> Path:
    """Every file of `contents` (relative names) under `folder`; returns `folder`."""
    for name, data in contents.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def package_bytes(
    target: str,
    source: Path | None = None,
    bundler: str | None = None,
    data: Mapping[str, bytes] | None = None,
) -> bytes:
    """The zip for `target`, in memory."""
    contents = package_contents(target, source, bundler, data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        # manifest.json first, as web-ext does, then everything else in order.
        for name in sorted(contents, key=lambda n: (n != "manifest.json", n)):
            archive.writestr(_entry(name), contents[name])
    return buffer.getvalue()


def package_name(target: str, version: str) -> str:
    return f"waymark-{version}-{target}.zip"


def build_zips(out: Path, source: Path | None = None, bundler: str | None = None) -> list[Path]:
    """Write both packages into `out`; return their paths. `bundler` is the esbuild program
    (None: the plain modules, as in the source)."""
    version = read_manifest(source).get("version")
    if not isinstance(version, str) or not version:
        raise BadInput("The extension manifest has no version.")
    data = extension_data.validated()  # checked once, before anything is written
    packages = {target: package_bytes(target, source, bundler, data) for target in TARGETS}
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

"""The pocket web app: Waymark as an installable, offline site for a phone (`waymark build-web`).

Chromium on Android has no extensions, so a web app is the one way onto every phone. It is built
from the same files as the extension, never from a copy kept in the repository:
- the popup's screens and the engine are the extension's own modules (`extension/popup`,
  `extension/lib`), copied byte for byte; which ones is found by following the imports from the
  pocket's `app.js`, so a module the popup starts to import comes along by itself;
- data/ is the extension's checked copy of the knowledge base (extension_data.validated), so an
  invalid knowledge base is refused exactly as `build-extension` refuses it, before anything is
  written;
- the strings are the extension's messages.json, with the pocket's own few (pocket/messages.json)
  over them;
- the icons are drawn at build (helper/pocket_icons.py), so no picture is committed;
- sw.js is written from its template with the site's version (the knowledge base's hash and the
  other files' hash) and every file's SHA-256, which the worker checks before it keeps a file.

Two entry pages share everything else: index.html (named Waymark) and help.html (named "Help",
with a neutral icon), each linking its own web app manifest. A browser installs whichever page is
open, so the discreet name is chosen by opening help.html before installing: nothing about the
choice is stored on the phone (docs/DEPLOY.md says what it cannot hide).

The site makes no request to another origin: its pages carry a Content-Security-Policy of
`default-src 'self'`, and nothing in it fetches anything but its own files."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from helper import extension_data, extension_package, pocket_icons
from helper.errors import BadInput, StorageError
from helper.paths import extension_dir, pocket_dir

ENTRY = "app.js"
WORKER = "sw.js"
STYLES = ("lib/ui.css", "pocket.css")
MESSAGES = "messages.json"
# Built paths under these folders come from the extension's folder of the same name.
FROM_EXTENSION = ("lib/", "popup/")
# A relative module specifier in `import … from "…"`, `import "…"`, `export … from "…"` or
# `import("…")`. Only relative ones: the site loads nothing from anywhere else.
IMPORT = re.compile(
    r"""(?:\bimport\s*\(\s*|\bfrom\s*|\bimport\s+)["'](\.{1,2}/[^"'\s]+)["']""",
)
STATIC_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s+)["'](\.{1,2}/[^"'\s]+)["']""")
THEME = {"light": "#f3f2f1", "dark": "#24282c"}  # the header bar's colour (lib/ui.css --calm)
# What each file must be served as. A service worker is refused unless it comes as JavaScript,
# and module scripts are too; docs/DEPLOY.md gives hosts the same table.
MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".png": "image/png",
}


@dataclass(frozen=True)
class Variant:
    """One way the app appears on a home screen: its entry page, manifest, name and icons."""

    key: str
    page: str
    manifest: str
    name: str
    short_name: str
    description: str | None


def variants(messages: Mapping[str, dict]) -> tuple[Variant, Variant]:
    def text(key: str) -> str:
        return str(messages[key]["message"])

    return (
        Variant(
            "waymark", "index.html", "manifest.webmanifest", text("ext_name"), text("brand"),
            text("ext_description"),
        ),
        Variant(
            "help", "help.html", "manifest-help.webmanifest", text("pocket_brand_plain"),
            text("pocket_brand_plain"), None,
        ),
    )  # fmt: skip


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise BadInput(f"Cannot read {path}: {err.strerror or err}.") from err


def source_of(name: str, pocket: Path, extension: Path) -> Path:
    """Where a built file comes from: the extension's lib/ and popup/, else pocket/."""
    if name.startswith(FROM_EXTENSION):
        return extension / name
    return pocket / name


def modules(pocket: Path, extension: Path) -> dict[str, bytes]:
    """app.js and every module it imports, directly or not, by built path."""
    found: dict[str, bytes] = {}
    waiting = [ENTRY]
    while waiting:
        name = waiting.pop()
        if name in found:
            continue
        data = _read(source_of(name, pocket, extension))
        found[name] = data
        for specifier in IMPORT.findall(data.decode("utf-8")):
            joined = os.path.normpath((PurePosixPath(name).parent / specifier).as_posix())
            if joined.startswith("..") or os.path.isabs(joined):
                raise BadInput(f"{name} imports {specifier}, which is outside the site.")
            waiting.append(joined)
    return found


def merged_messages(pocket: Path, extension: Path) -> dict[str, dict]:
    """The extension's strings with the pocket's over them. Descriptions (for translators and
    reviewers) stay out: a phone downloads only what it shows."""
    try:
        base = json.loads(_read(extension / "_locales" / "en" / "messages.json"))
        own = json.loads(_read(pocket / "messages.json"))
    except ValueError as err:
        raise BadInput(f"A messages.json is not valid JSON: {err}.") from err
    merged = {**base, **own}
    return {
        key: {k: v for k, v in entry.items() if k in ("message", "placeholders")}
        for key, entry in merged.items()
    }


def manifest_for(variant: Variant, template: dict) -> dict:
    manifest = copy.deepcopy(template)
    manifest["name"] = variant.name
    manifest["short_name"] = variant.short_name
    if variant.description:
        manifest["description"] = variant.description
    manifest["start_url"] = variant.page
    manifest["icons"] = [
        {
            "src": f"icons/{icon.name}",
            "sizes": f"{icon.size}x{icon.size}",
            "type": "image/png",
            "purpose": "maskable" if icon.maskable else "any",
        }
        for icon in pocket_icons.icons(variant.key)
    ]
    return manifest


@cache
def _icon_files() -> tuple[tuple[str, bytes], ...]:
    """Every icon's PNG (the same bytes every time, so drawn once per process)."""
    return tuple(
        (f"icons/{icon.name}", icon.png())
        for key in ("waymark", "help")
        for icon in pocket_icons.icons(key)
    )


def static_imports(files: Mapping[str, bytes]) -> list[str]:
    """The modules app.js needs before its first screen: everything reached by static imports
    (not the ones it loads later with import()), in the order found."""
    found: list[str] = []
    waiting = [ENTRY]
    while waiting:
        name = waiting.pop(0)
        if name in found:
            continue
        found.append(name)
        for specifier in STATIC_IMPORT.findall(files[name].decode("utf-8")):
            waiting.append(os.path.normpath((PurePosixPath(name).parent / specifier).as_posix()))
    return found[1:]


def preloads(files: Mapping[str, bytes]) -> str:
    """<link> tags that start every file the first screen needs at once, while the page is
    still being read, rather than each only after the module that imports it has arrived."""
    links = [f'  <link rel="modulepreload" href="{name}">' for name in static_imports(files)]
    links += [f'  <link rel="preload" href="{MESSAGES}" as="fetch" crossorigin>']
    return "\n".join(links)


def page_for(variant: Variant, template: str, files: Mapping[str, bytes]) -> bytes:
    icon = f"icons/{pocket_icons.icons(variant.key)[0].name}"
    values = {
        "TITLE": variant.short_name,
        "BRAND": variant.short_name,
        "MANIFEST": variant.manifest,
        "ICON": icon,
        "VARIANT": variant.key,
        "THEME_LIGHT": THEME["light"],
        "THEME_DARK": THEME["dark"],
        "PRELOAD": preloads(files),
    }
    page = template
    for key, value in values.items():
        page = page.replace("{{" + key + "}}", value)
    if "{{" in page:
        raise BadInput("pocket/page.html has a placeholder build-web does not know.")
    return page.encode("utf-8")


def mime_type(name: str) -> str | None:
    """The Content-Type for a file of the site, or None for a name the site never has."""
    return MIME_TYPES.get(PurePosixPath(name).suffix)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def version_of(files: Mapping[str, bytes]) -> str:
    """ "kb-<hash of data/>-files-<hash of everything else>": a change to either is a new site."""

    def combined(names: list[str]) -> str:
        lines = "".join(f"{name}\0{digest(files[name])}\n" for name in sorted(names))
        return digest(lines.encode())[:16]

    data = [n for n in files if n.startswith("data/")]
    other = [n for n in files if not n.startswith("data/")]
    return f"kb-{combined(data)}-files-{combined(other)}"


def worker_for(files: Mapping[str, bytes], template: str) -> tuple[bytes, str]:
    version = version_of(files)
    listing = json.dumps({name: digest(files[name]) for name in sorted(files)}, indent=1)
    if "__WAYMARK_VERSION__" not in template or "__WAYMARK_FILES__" not in template:
        raise BadInput("pocket/sw.js has lost its __WAYMARK_VERSION__ or __WAYMARK_FILES__.")
    text = template.replace("__WAYMARK_VERSION__", version).replace("__WAYMARK_FILES__", listing)
    return text.encode("utf-8"), version


@dataclass(frozen=True)
class Site:
    """The built site: every file by its path in the site, and its version."""

    files: dict[str, bytes]
    version: str

    def total_bytes(self) -> int:
        return sum(len(data) for data in self.files.values())


def build_site(
    data: Mapping[str, bytes] | None = None,
    pocket: Path | None = None,
    extension: Path | None = None,
    extra: Mapping[str, bytes] | None = None,
    bundler: str | None = None,
) -> Site:
    """The whole site in memory. The knowledge base is loaded and checked first (as
    build-extension does), so an invalid one is refused before anything is built. With
    `bundler` (esbuild), app.js is bundled with its imports. `extra` adds files the worker
    keeps too (the bench's empty page; never a real site's)."""
    data = extension_data.validated() if data is None else data
    pocket = pocket or pocket_dir()
    extension = extension or extension_dir()
    messages = merged_messages(pocket, extension)
    try:
        template = json.loads(_read(pocket / "manifest.json"))
    except ValueError as err:
        raise BadInput(f"pocket/manifest.json is not valid JSON: {err}.") from err
    page = _read(pocket / "page.html").decode("utf-8")

    files: dict[str, bytes] = dict(modules(pocket, extension))
    if bundler:
        # As the extension's packages do (extension_package.bundled): the page's entry module
        # with everything it imports as one file, so a phone opens one script, not a dozen.
        # The plain modules stay too, for anything that imports one by name.
        entry = f'<script type="module" src="{ENTRY}"></script>'.encode()
        bundle = extension_package.bundled({**files, "index.html": entry}, {}, bundler)
        files[ENTRY] = bundle[ENTRY]
    for name in STYLES:
        files[name] = _read(source_of(name, pocket, extension))
    files[MESSAGES] = json.dumps(messages, ensure_ascii=False, separators=(",", ":")).encode()
    for variant in variants(messages):
        files[variant.page] = page_for(variant, page, files)
        manifest = manifest_for(variant, template)
        files[variant.manifest] = (
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        ).encode()
    files.update(_icon_files())
    for name, shipped in data.items():
        files[f"data/{name}"] = shipped
    files.update(extra or {})
    worker, version = worker_for(files, _read(pocket / WORKER).decode("utf-8"))
    files[WORKER] = worker
    return Site(files=files, version=version)


def write_site(out: Path, site: Site | None = None) -> list[Path]:
    """Write the site into `out` (made if missing); return the paths written. Each file goes in
    whole (written aside, then renamed), and sw.js last: a phone that sees the new worker finds
    every file it lists already in place. Other files in `out` are left alone."""
    site = site or build_site()
    names = [*sorted(n for n in site.files if n != WORKER), WORKER]
    written = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name in names:
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.tmp")
            temporary.write_bytes(site.files[name])
            os.replace(temporary, target)
            written.append(target)
    except OSError as err:
        raise StorageError(f"Cannot write to {out}: {err.strerror or err}.") from err
    return written

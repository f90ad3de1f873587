"""The pocket web app inside the helper: `/pocket/` serves the built site for trying it out on
this computer, and `/phone` is where a teacher sets the school's own pocket address (https only)
and shows it as a QR code for a pupil to scan.

The site is built on demand, the first time `/pocket/` is asked for in a helper's life, into the
user cache folder (cache_dir()/pocket/VERSION: something that can always be rebuilt, holding
nothing about a person), then served from there. Only the names the build wrote are served, each
looked up whole in that list, so no path can reach any other file (no `..`, no encoded slashes,
no links). Each file goes with the Content-Type the site needs (helper.pocket.MIME_TYPES), and
the worker with `Service-Worker-Allowed: /pocket/`, the folder it is kept to.

The helper's own locks still apply to every request (security.py): sign-in, the Host allow-list,
the CSP. So this copy is for seeing the screens; a phone gets the app from a real HTTPS host
(docs/DEPLOY.md, "The pocket web app")."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from helper import extension_package, paths, pocket
from helper.errors import BadInput, StorageError
from helper.files import write_private
from helper.web.security import no_store

bp = Blueprint("pocket_site", __name__)

PREFIX = "/pocket/"
ADDRESS_FILE = "pocket-address.json"  # in the data folder: the school's address, nothing else
MAX_ADDRESS = 500

_lock = threading.Lock()
BUILT = "waymark.pocket"  # app.extensions key: (folder, names) once built


def built_site() -> tuple[Path, frozenset[str]]:
    """(folder, names) of the site, built once per app (one helper's life). The folder is named
    by the site's version, so a folder already there from an earlier start holds these very
    files; a new one is written aside and renamed into place whole."""
    with _lock:
        built = current_app.extensions.get(BUILT)
        if built is not None:
            return built
        try:
            site = pocket.build_site(bundler=extension_package.esbuild())
        except BadInput:
            # esbuild there but failing (half installed): the plain modules work the same.
            site = pocket.build_site()
        root = paths.cache_dir() / "pocket"
        folder = root / site.version
        if not folder.is_dir():
            aside = root / f".{site.version}.{os.urandom(6).hex()}"
            try:
                pocket.write_site(aside, site)
                os.replace(aside, folder)
            except OSError:
                shutil.rmtree(aside, ignore_errors=True)
                if not folder.is_dir():
                    raise
            for old in root.iterdir():  # earlier versions: nothing else uses them
                if old.name != site.version and not old.name.startswith("."):
                    shutil.rmtree(old, ignore_errors=True)
        built = (folder, frozenset(site.files))
        current_app.extensions[BUILT] = built
        return built


@bp.get("/pocket")
def pocket_root():
    return redirect(PREFIX, code=308)


@bp.get("/pocket/", defaults={"name": "index.html"})
@bp.get("/pocket/<path:name>")
def pocket_file(name: str):
    folder, names = built_site()
    if name not in names:
        abort(404)
    mime = pocket.mime_type(name)
    if mime is None:
        abort(404)
    response = current_app.response_class((folder / name).read_bytes(), mimetype=mime)
    response.headers["Content-Type"] = mime
    if name == pocket.WORKER:
        response.headers["Service-Worker-Allowed"] = PREFIX
    return response


def clean_address(text: str) -> str:
    """The pocket address as typed, if it is a plain https address; BadInput otherwise."""
    text = text.strip()
    if not text:
        return ""
    if len(text) > MAX_ADDRESS:
        raise BadInput("That address is too long.")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise BadInput("That is not a web address.") from None
    if parts.scheme != "https" or not parts.hostname:
        raise BadInput("The pocket address must start with https:// (phones install only those).")
    if parts.username or parts.password or any(c.isspace() for c in text):
        raise BadInput("The pocket address must be a plain https:// address.")
    return text


def saved_address() -> str:
    try:
        data = json.loads((paths.data_dir() / ADDRESS_FILE).read_text(encoding="utf-8"))
        return clean_address(str(data.get("address", "")))
    except (OSError, ValueError, AttributeError, BadInput):
        return ""


def save_address(address: str) -> None:
    target = paths.data_dir() / ADDRESS_FILE
    if not address:
        target.unlink(missing_ok=True)
        return
    try:
        write_private(target, json.dumps({"address": address}).encode(), force=True)
    except OSError as err:
        raise StorageError(f"Cannot save the address: {err.strerror or err}.") from err


def qr_svg(text: str) -> str:
    """An inline SVG QR code: no script, no style attribute, nothing fetched (CSP-safe)."""
    import segno

    svg = segno.make(text, error="m").svg_inline(
        scale=6, title=f"QR code for {text}", dark="#000", light="#fff", svgclass="qr"
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)


@bp.get("/phone")
@no_store
def phone():
    address = saved_address()
    return render_template(
        "phone.html",
        address=address,
        qr=qr_svg(address) if address else None,
        saved=request.args.get("saved"),
        error=None,
    )


@bp.post("/phone")
def save_phone():
    typed = request.form.get("address", "")
    try:
        address = clean_address(typed)
    except BadInput as err:
        return render_template(
            "phone.html", address=typed[:MAX_ADDRESS], qr=None, saved=None, error=str(err)
        ), 400
    save_address(address)
    return redirect(url_for("pocket_site.phone", saved="yes"), code=303)

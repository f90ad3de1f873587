"""The helper's web app (Flask tutorial style: an app factory and one blueprint per area).

`create_app` builds a locked-down app for one launch: it knows its port (for the Host allow-list)
and its one-time launch token. helper/server.py serves it with waitress; tests use its client.
See README.md in this folder for how an area's blueprint gets CSRF, headers and no-store."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping

from flask import Flask

from helper import paths
from helper.web import errors, security
from helper.web.sessions import MemorySessionInterface, SessionStore
from helper.web.template_cache import template_cache


def create_app(config: Mapping | None = None) -> Flask:
    """Build the app. `config` may set TESTING, LAUNCH_TOKEN and PORT (the port the server
    listens on: it fixes the allowed Host names, so set it before serving)."""
    app = Flask(__name__, instance_path=str(paths.data_dir() / "instance"))
    app.config.from_mapping(
        SECRET_KEY=secrets.token_bytes(32),
        LAUNCH_TOKEN=secrets.token_urlsafe(32),
        PORT=0,
        MAX_CONTENT_LENGTH=1024 * 1024,  # Notes are text; nothing big is ever posted.
        MAX_FORM_MEMORY_SIZE=512 * 1024,
        TEMPLATES_AUTO_RELOAD=False,
    )
    if config:
        app.config.from_mapping(config)
    cache = template_cache()
    if cache is not None:
        app.jinja_options = {**app.jinja_options, "bytecode_cache": cache}

    store = SessionStore()
    app.extensions["waymark.sessions"] = store
    app.extensions["waymark.launch_token"] = security.LaunchToken(app.config["LAUNCH_TOKEN"])
    on_close: list[Callable[[], None]] = []
    app.extensions["waymark.on_close"] = on_close
    # Run each time the vault locks (helper/server.py starts the helper afresh from one).
    app.extensions["waymark.on_lock"] = []
    app.session_interface = MemorySessionInterface(store, security.cookie_name(app.config["PORT"]))

    security.install(app)
    errors.install(app)

    from helper.web import notes, pocket_site, public, signposting

    app.register_blueprint(public.bp)
    app.register_blueprint(signposting.bp)
    app.register_blueprint(notes.bp)
    app.register_blueprint(pocket_site.bp)
    return app


def close(app: Flask) -> None:
    """Run the on_close hooks (lock the vault, …) then forget every session. Called on window
    close and server stop; safe to call twice; one failing hook does not stop the others."""
    for hook in list(app.extensions["waymark.on_close"]):
        try:
            hook()
        except Exception:  # closing must finish whatever one hook does
            app.logger.error("an on-close hook failed")
    app.extensions["waymark.sessions"].drop_all()

"""The local server's locks, in the order a request meets them (Jupyter's model, done strictly).

Why each one (docs/SECURITY.md, "Requests from other pages and sites"): any web page the person
visits can send requests to 127.0.0.1. Cookies are not isolated by port, and another port on
127.0.0.1 counts as the *same site*, so SameSite=Strict alone does not stop a hostile local page.
Hence:
1. Host allow-list (DNS rebinding: evil.test resolving to 127.0.0.1 sends `Host: evil.test`).
2. Sec-Fetch-Site: a browser tells us when a request comes from another origin; refuse it.
3. Launch token → session cookie, exchanged once; no cookie → 403.
4. State changes: an Origin that is not ours (including `null`) → 403; then a CSRF token bound
   to the session, compared in constant time.
5. Headers on every response: strict CSP, no framing, no referrer, no sniffing, no CORS ever.
Also here: a cookie bomb from another local port gets a page that clears it, and a second launch
of ours hands its request over with a signed hand-over (helper/running.py), never a token.
"""

from __future__ import annotations

import functools
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from urllib.parse import urlencode

from flask import Flask, abort, current_app, g, redirect, request, session
from markupsafe import Markup, escape

from helper.running import HANDOFF_PATH

SAFE_METHODS = frozenset({"GET", "HEAD"})
# Sec-Fetch-Site values a request from our own pages (or typed / opened by the window) carries.
OWN_FETCH_SITES = frozenset({"same-origin", "none"})
CSP = (
    "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def allowed_hosts(port: int) -> frozenset[str]:
    """Exactly these Host values; no suffix or prefix matching (Jupyter's bypass)."""
    return frozenset({f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"})


def allowed_origins(port: int) -> frozenset[str]:
    return frozenset(f"http://{host}" for host in allowed_hosts(port))


def cookie_name(port: int) -> str:
    """Cookies ignore ports, so two helpers on different ports must not overwrite each other."""
    return f"waymark-{port}"


class LaunchToken:
    """The per-launch secrets, each usable once. The first is made with the app; a second
    launch handed over to this helper gets a fresh one (`issue`). Compared with
    hmac.compare_digest so a value cannot be guessed a character at a time from timings.
    `on_spent` runs once a token is redeemed (it removes the launch page that carried it)."""

    def __init__(self, value: str) -> None:
        self._live: dict[bytes, Callable[[], None] | None] = {value.encode(): None}
        self._lock = threading.Lock()

    def issue(self, value: str | None = None, on_spent: Callable[[], None] | None = None) -> str:
        value = value or secrets.token_urlsafe(32)
        with self._lock:
            self._live[value.encode()] = on_spent
        return value

    def live(self) -> list[str]:
        """The tokens not yet spent, for the helper's next image (helper/relaunch.py)."""
        with self._lock:
            return [value.decode() for value in self._live]

    def revoke(self, value: str) -> None:
        """Forget a token that was never handed out (the next image's own first one)."""
        with self._lock:
            self._live.pop(value.encode(), None)

    def on_spent(self, value: str, hook: Callable[[], None]) -> None:
        with self._lock:
            if value.encode() in self._live:
                self._live[value.encode()] = hook

    def redeem(self, offered: str) -> bool:
        offered_bytes = offered.encode()
        with self._lock:
            match = None
            for live in self._live:  # every one compared, in constant time each
                if hmac.compare_digest(offered_bytes, live):
                    match = live
            if match is None:
                return False
            hook = self._live.pop(match)
        if hook is not None:
            hook()
        return True


def no_store(view: Callable) -> Callable:
    """Mark a view whose page must never be kept by the browser. Every non-static response is
    already no-store (see add_headers); this marker documents intent and survives a refactor."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        g.no_store = True
        return view(*args, **kwargs)

    return wrapper


def csrf_token() -> str:
    """The current session's CSRF token, for forms and for fetch() (header X-CSRF-Token)."""
    return str(session.get("csrf", ""))


def csrf_field() -> Markup:
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(escape(csrf_token()))


class Activity:
    """When the last request we accepted arrived (a helper in browser mode exits after a long
    quiet spell). Refused requests do not count, so a hostile page cannot keep it alive."""

    def __init__(self) -> None:
        self.last = time.monotonic()

    def touch(self) -> None:
        self.last = time.monotonic()


# Our own cookies are a few short values. Far more than this means pages on other local ports
# have filled the jar (a "cookie bomb"): answer with a page that clears theirs. Counted in bytes
# only, so a developer's ordinary cookies from other local tools are left alone.
COOKIE_BOMB_BYTES = 32 * 1024


def check_request() -> object | None:
    """Flask before_request hook: refuse anything that is not the launching person's own page."""
    port = current_app.config["PORT"]
    if request.host not in allowed_hosts(port):
        abort(403)
    header = request.headers.get("Cookie", "")
    if len(header) > COOKIE_BOMB_BYTES:
        return clear_foreign_cookies(port)
    if request.path == HANDOFF_PATH:
        return receive_hand_over()
    if "token" in request.args:
        return exchange_token()
    if request.headers.get("Sec-Fetch-Site", "none") not in OWN_FETCH_SITES:
        abort(403)
    if not getattr(session, "authenticated", False):
        abort(403)
    current_app.extensions["waymark.activity"].touch()
    if request.method == "OPTIONS":
        abort(405)  # No preflight answers: there is no cross-origin use of this server.
    if request.method not in SAFE_METHODS:
        check_state_change(port)
    return None


def clear_foreign_cookies(port: int):
    """Expire every cookie that is not our session cookie, at "/" and at each folder of this
    address (a cookie is only cleared by a Set-Cookie with its own path). Nothing else runs."""
    keep = cookie_name(port)
    response = current_app.response_class(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Waymark</title>'
        "</head><body><p>Other pages on this computer had stored too many cookies for this "
        'address. They have been cleared. <a href="/">Carry on</a></p></body></html>',
        status=400,
        mimetype="text/html",
    )
    parts = [p for p in request.path.split("/") if p][:8]
    paths = ["/"] + ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]
    for name in sorted(set(request.cookies.keys()) - {keep})[:400]:
        for path in paths:
            response.delete_cookie(name, path=path)
    return response


def from_launch_page() -> bool:
    """A top-level navigation from our private launch page (a file:// page, which browsers
    call cross-site). Never a frame, an image or a fetch: only the whole tab may sign in."""
    return (
        request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site")
        and request.headers.get("Sec-Fetch-Mode") == "navigate"
        and request.headers.get("Sec-Fetch-Dest") == "document"
    )


def exchange_token():
    """Swap the launch token for a session cookie, then send the browser on so the token leaves
    the address bar (and the history, and any Referer) straight away. Only GET: a token in a
    POST would be a form another page could submit."""
    if request.method not in SAFE_METHODS:
        abort(403)
    own = request.headers.get("Sec-Fetch-Site", "none") in OWN_FETCH_SITES
    if not own and not from_launch_page():
        abort(403)
    token: LaunchToken = current_app.extensions["waymark.launch_token"]
    if not token.redeem(request.args.get("token", "")):
        abort(403)
    current_app.extensions["waymark.activity"].touch()
    new = current_app.extensions["waymark.sessions"].create()
    rest = [(k, v) for k, v in request.args.items(multi=True) if k != "token"]
    # "//host/…" would be read as another site by the browser: keep the redirect on ours.
    target = "/" + request.path.lstrip("/") + ("?" + urlencode(rest) if rest else "")
    if own:
        response = redirect(target, code=303)
    else:
        # A redirect would keep the navigation "cross-site", and the browser would then hold
        # back the Strict cookie. A page of ours that moves on is a same-origin navigation.
        response = current_app.response_class(handoff_page(target), mimetype="text/html")
    response.set_cookie(
        cookie_name(current_app.config["PORT"]),
        new.sid,
        httponly=True,
        samesite="Strict",
        path="/",
    )
    return response


def handoff_page(target: str) -> str:
    """The tiny page that carries a browser on to `target`: from the launch page into the app,
    and the launch page itself (helper/server.py), so the address is never on a command line."""
    where = escape(target)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0;url={where}"><title>Waymark</title></head>'
        f'<body><p><a href="{where}">Open Waymark</a></p></body></html>'
    )


# A second launch hands its request to this helper (helper/running.py): only these pages, and
# only these query values, may be asked for: what `waymark open --new-note` itself passes on
# (helper/cli/app.py start_point), each checked again by the new-note form.
HANDOFF_PAGES = frozenset({"/", "/pro/notes/new"})
HANDOFF_QUERY = frozenset({"platform", "at", "concern", "age"})


def receive_hand_over():
    """Another launch of ours asks us to show a page. It must be a plain POST from a program
    (a browser always sends Sec-Fetch-Site and Origin, so no page can make this request), signed
    with the hand-over key that only this user's processes can read; we prove the key back."""
    from helper.running import MAX_HANDOFF_BYTES, sign

    handler = current_app.extensions.get("waymark.hand_over")
    if handler is None or request.method != "POST":
        abort(403)
    if "Sec-Fetch-Site" in request.headers or "Origin" in request.headers:
        abort(403)
    key, show = handler
    body = request.get_data(cache=False)[: MAX_HANDOFF_BYTES + 1]
    try:
        nonce = bytes.fromhex(request.headers.get("X-Waymark-Nonce", ""))
    except ValueError:
        abort(403)
    offered = request.headers.get("X-Waymark-Proof", "")
    if len(nonce) != 16 or len(body) > MAX_HANDOFF_BYTES:
        abort(403)
    if not hmac.compare_digest(offered, sign(key, b"request", nonce, body)):
        abort(403)
    try:
        wanted = json.loads(body)
        path, query = wanted["path"], wanted["query"]
    except (ValueError, KeyError, TypeError):
        abort(400)
    if path not in HANDOFF_PAGES or not isinstance(query, dict):
        abort(400)
    clean = {
        k: v for k, v in query.items() if k in HANDOFF_QUERY and isinstance(v, str) and len(v) < 300
    }
    current_app.extensions["waymark.activity"].touch()
    show(path, clean)
    response = current_app.response_class(status=204)
    response.headers["X-Waymark-Proof"] = sign(key, b"reply", nonce)
    return response


def check_state_change(port: int) -> None:
    """POST (the only state-changing method we route) needs our Origin and the CSRF token."""
    origin = request.headers.get("Origin")
    if origin is not None and origin not in allowed_origins(port) and not own_null_origin(origin):
        abort(403)  # Includes "null" from sandboxed frames, file:// pages and other tools.
    offered = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = csrf_token()
    if not expected or not hmac.compare_digest(offered.encode(), expected.encode()):
        abort(403)


def own_null_origin(origin: str) -> bool:
    """Our own form posts carry `Origin: null`, because we send `Referrer-Policy: no-referrer`
    (the Fetch standard then hides the origin of non-CORS requests). The browser's
    Sec-Fetch-Site, which no page can forge, tells us it really is our own page."""
    return origin == "null" and request.headers.get("Sec-Fetch-Site") == "same-origin"


def add_headers(response):
    """Flask after_request hook: runs for every response, error pages included."""
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    for name in list(response.headers.keys()):
        if name.lower().startswith("access-control-"):
            del response.headers[name]
    if g.get("no_store") or not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    else:
        response.headers["Cache-Control"] = "private, no-cache"
    return response


def install(app: Flask) -> None:
    app.extensions["waymark.activity"] = Activity()
    app.before_request(check_request)
    app.after_request(add_headers)
    app.add_template_global(csrf_token)
    app.add_template_global(csrf_field)

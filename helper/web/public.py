"""The pages anyone who launched the helper can see: start, quick exit, platforms, about.

Quick exit is a safety feature for a child who may be watched: one press (or Shift three times)
swaps the page for a neutral one, the server forgets the answers, and every page behind Back
redirects to the neutral page until the person chooses to start again."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for

from helper.web.security import no_store

bp = Blueprint("public", __name__)

AUDIENCES = {
    "young-person": "I am a young person",
    "parent-carer": "I am a parent or carer",
    "professional": "I work with children (for example a teacher or social worker)",
}
REMEMBER_COOKIE = "waymark-audience"
REMEMBER_DAYS = 180
# Keys of a session that survive quick exit: the sign-in itself, nothing the person told us.
KEPT_ON_EXIT = ("csrf",)


def shows_quick_exit() -> bool:
    """Everyone but professionals gets the button: a parent may be watched too."""
    return session.get("audience") != "professional"


def exited_redirect():
    """After quick exit every public page, including those behind Back, shows the neutral page."""
    if session.get("exited"):
        return redirect(url_for("public.away"))
    return None


@bp.before_app_request
def keep_exit_closed():
    if request.endpoint in (None, "static", "public.away", "public.resume", "public.quick_exit"):
        return None
    if request.blueprint in ("public", "help"):
        return exited_redirect()
    return None


@bp.get("/")
@no_store
def start():
    remembered = request.cookies.get(REMEMBER_COOKIE)
    chosen = session.get("audience") or (remembered if remembered in AUDIENCES else None)
    return render_template(
        "start.html",
        audiences=AUDIENCES,
        chosen=chosen,
        remembered=remembered in AUDIENCES,
        # Only the person's own choice in this session hides Quick exit, never a cookie:
        # a page on another local port can set any cookie it likes.
        quick_exit=shows_quick_exit(),
    )


@bp.post("/")
def choose_audience():
    audience = request.form.get("audience", "")
    if audience not in AUDIENCES:
        return render_template(
            "start.html",
            audiences=AUDIENCES,
            chosen=None,
            remembered=False,
            quick_exit=True,
            error="Choose one of the options to carry on.",
        ), 400
    session.pop("answers", None)
    session["audience"] = audience
    response = redirect(url_for("help.question", step="danger"), code=303)
    # Remembering is off unless the person turned it on in settings (a shared family computer
    # must not tell the next person what was looked at); when on, it follows the last choice.
    if request.cookies.get(REMEMBER_COOKIE) in AUDIENCES:
        remember(response, audience)
    return response


def remember(response, audience: str) -> None:
    response.set_cookie(
        REMEMBER_COOKIE,
        audience,
        max_age=REMEMBER_DAYS * 24 * 3600,
        httponly=True,
        samesite="Strict",
    )


def forget(response) -> None:
    response.delete_cookie(REMEMBER_COOKIE, httponly=True, samesite="Strict")


@bp.get("/settings")
@no_store
def settings():
    remembered = request.cookies.get(REMEMBER_COOKIE)
    return render_template(
        "settings.html",
        audiences=AUDIENCES,
        remembered=remembered if remembered in AUDIENCES else None,
        saved=request.args.get("saved"),
        quick_exit=shows_quick_exit(),
    )


@bp.post("/settings")
def save_settings():
    """Remember who you are on this computer, or (the default) remember nothing."""
    audience = request.form.get("remember", "")
    response = redirect(url_for("public.settings", saved="yes"), code=303)
    if audience in AUDIENCES:
        remember(response, audience)
    else:
        forget(response)
    return response


@bp.post("/exit")
def quick_exit():
    """Quick exit: forget everything the person told us and go to the neutral page."""
    for key in [k for k in session if k not in KEPT_ON_EXIT]:
        del session[key]
    session["exited"] = True
    response = redirect(url_for("public.away"), code=303)
    forget(response)
    return response


@bp.get("/away")
@no_store
def away():
    return render_template("neutral.html")


@bp.post("/resume")
def resume():
    session.pop("exited", None)
    return redirect(url_for("public.start"), code=303)


@bp.get("/favicon.ico")
def favicon():
    """No icon (and no 404 noise in the console for the one browsers ask for)."""
    return "", 204


@bp.get("/platforms")
@no_store
def platforms():
    from helper import resources

    res = resources.default()
    return render_template("platforms.html", platforms=res.platforms, quick_exit=shows_quick_exit())


@bp.get("/about")
@no_store
def about():
    from helper import resources

    return render_template(
        "about.html", facts=fact_rows(resources.default()), quick_exit=shows_quick_exit()
    )


def fact_rows(res) -> list[dict]:
    """One row per file and per entry: what it is, where it comes from, when it was checked."""
    rows = []
    for name, document in res.documents.items():
        rows.append(fact_row(f"All of {name}.json", document))
        for value in document.values():
            for item in value if isinstance(value, list) else []:
                if isinstance(item, dict) and "last_reviewed" in item:
                    label = item.get("name") or item.get("title") or item.get("id") or ""
                    label = label or item.get("domain", "")
                    rows.append(fact_row(str(label), item))
    return rows


def fact_row(label: str, entry: dict) -> dict:
    sources = entry.get("source") or []
    return {
        "label": label,
        "sources": [sources] if isinstance(sources, str) else list(sources),
        "last_reviewed": entry.get("last_reviewed", ""),
        "unverified": entry.get("verified") is False,
    }


@bp.app_template_filter("https_only")
def https_only(url: object) -> str:
    """Outside links must be https. The loader already refuses anything else; this second
    lock means a bad entry (say `javascript:`) can never become a live link on a page."""
    return url if isinstance(url, str) and url.startswith("https://") else ""


@bp.app_template_filter("phone_digits")
def phone_digits(phone: object) -> str:
    """A phone number as the digits of a tel:/sms: link (a leading + kept); "" if it has none.
    Nothing but digits can reach the link, whatever the knowledge base holds."""
    text = str(phone or "")
    digits = "".join(c for c in text if c.isdigit() and c.isascii())
    if not 3 <= len(digits) <= 15:
        return ""
    return ("+" if text.strip().startswith("+") else "") + digits


@bp.app_template_filter("site")
def site_filter(url: str) -> str:
    """The site a link goes to, as people say it: "childline.org.uk"."""
    host = urlsplit(str(url)).hostname or ""
    return host.removeprefix("www.")


@bp.app_template_filter("host")
def host_filter(url: str) -> str:
    """Show a source link as its site name: shorter, and easier to trust at a glance."""
    return urlsplit(url).hostname or url

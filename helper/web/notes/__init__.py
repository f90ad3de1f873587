"""The professional area (/pro): the encrypted concern notes, from unlocking the vault to export.

One blueprint, split by idea: access.py (create, unlock, recover, lock), records.py (list, write,
read, revise, tick, delete, export), settings.py, and form.py (the note form generated from
helper.vault.notes.FIELDS, so the vault's field list is the one source of truth).

Every page here may show note content, so every response is no-store; every state change is a
POST that the core (helper/web/security.py) has already checked for Origin and CSRF token.
When the vault is locked (never opened, locked by hand, or auto-locked while idle) a page sends
the person to unlock and back again; a form that was being posted is kept in this process's
memory meanwhile, so an auto-lock mid-sentence loses nothing.
"""

from __future__ import annotations

import re

from flask import Blueprint, redirect, request, session, url_for

from helper.errors import VaultLocked
from helper.web import vault_session

bp = Blueprint("notes", __name__, url_prefix="/pro")

DRAFT_KEY = "pro_draft"
# Where unlocking may send the person back to: our own pages only, never another site.
_SAFE_NEXT = re.compile(r"^/pro/[A-Za-z0-9/_.-]*(\?[A-Za-z0-9_.~%&=+:-]*)?$")


@bp.record_once
def _install(state) -> None:
    vault_session.install(state.app)


@bp.after_request
def _never_cache(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _pro_context() -> dict:
    from helper.web.notes import form
    from helper.web.notes.checklist import concern_label

    holder = vault_session.current()
    return {
        "pro_unlocked": holder.is_unlocked(),
        "idle_seconds": holder.idle_minutes * 60,
        "quick_exit": False,  # professionals: no quick-exit bar (see public.shows_quick_exit)
        "shown_time": form.shown_time,
        "label": concern_label,
        "status_label": lambda s: form.STATUS_LABELS.get(s, s),
        "who_label": lambda w: form.TOLD_WHO_LABELS.get(w, w),
        "who_labels": form.TOLD_WHO_LABELS,
        "reading_label": form.reading_label,
    }


def safe_next(target: str | None) -> str:
    """A local /pro page to return to after unlocking, or the note list."""
    if target and _SAFE_NEXT.match(target) and "//" not in target and ".." not in target:
        return target
    return url_for("notes.note_list")


@bp.errorhandler(VaultLocked)
def _locked(_err: VaultLocked):
    """Locked: unlock first, then come back here. A posted note form is kept for that trip."""
    holder = vault_session.current()
    back = request.full_path.rstrip("?") if request.method == "GET" else request.path
    if not holder.exists():  # first run, e.g. opened from the extension: set up, then back
        return redirect(url_for("notes.create", next=safe_next(back)), code=303)
    if request.method == "POST" and request.endpoint in KEEPS_DRAFT:
        session[DRAFT_KEY] = {
            "path": request.path,
            "form": {k: request.form.getlist(k) for k in request.form if k != "csrf_token"},
        }
    return redirect(url_for("notes.unlock", next=safe_next(back)), code=303)


def take_draft() -> dict[str, list[str]] | None:
    """The form kept when the vault locked during a post to this very page, once."""
    draft = session.get(DRAFT_KEY)
    if draft and draft.get("path") == request.path:
        session.pop(DRAFT_KEY, None)
        return draft["form"]
    return None


KEEPS_DRAFT = frozenset({"notes.save_new_note", "notes.save_revision", "notes.save_step"})

# casework and hand-over (HANDOVER.md) pages also route onto bp
from helper.web.notes import access, casework, handover, records, settings  # noqa: E402, F401

"""Settings: auto-lock after idle minutes, unlock on this device, change passphrase, lock now.

"Unlock on this device" is offered only when the OS keyring answers: with no keyring the vault
asks for the passphrase, always, and never keeps a key in clear (docs/SECURITY.md, "The OS
keyring never holds a key in clear")."""

from __future__ import annotations

from collections.abc import Callable

from flask import redirect, render_template, request, url_for

from helper.errors import BadInput, StorageError, WaymarkError, WrongPassphrase
from helper.web import vault_session
from helper.web.notes import bp

SAVED = {
    "idle": "Auto-lock saved.",
    "device-on": "This device can now unlock the vault.",
    "device-off": "This device will no longer unlock the vault.",
    "passphrase": "Passphrase changed. Use the new one from now on.",
}


@bp.get("/settings")
def settings():
    return _page(SAVED.get(request.args.get("saved", "")), None)


def _page(message: str | None, error: str | None, status: int = 200):
    holder = vault_session.current()
    with holder.use() as vault:
        available = _safely(vault.device_unlock_available)
        enabled = available and _safely(vault.device_unlock_enabled)
    page = render_template(
        "notes/settings.html",
        idle_minutes=holder.idle_minutes,
        limits=vault_session.IDLE_LIMITS,
        default_idle=vault_session.DEFAULT_IDLE_MINUTES,
        idle_reason=vault_session.IDLE_REASON,
        device_available=available,
        device_enabled=enabled,
        min_length=vault_session.min_passphrase_length(),
        message=message,
        error=error,
    )
    return page, status


def _safely(ask: Callable[[], bool]) -> bool:
    """Ask the vault a yes/no question; a vault that refuses (locked meanwhile, damaged) is no."""
    try:
        return bool(ask())
    except WaymarkError:
        return False


@bp.post("/settings/idle")
def set_idle():
    holder = vault_session.current()
    with holder.use():
        try:
            holder.set_idle_minutes(request.form.get("idle_minutes", ""))
        except (BadInput, StorageError) as err:
            return _page(None, str(err), 400)
    return redirect(url_for("notes.settings", saved="idle"), code=303)


@bp.post("/settings/device")
def set_device():
    holder = vault_session.current()
    wanted = request.form.get("device") == "on"
    with holder.use() as vault:
        if wanted and not _safely(vault.device_unlock_available):
            return _page(None, "No keyring is available on this device.", 400)
        try:
            vault.set_device_unlock(wanted)
        except StorageError:
            return _page(None, "The keyring refused. Nothing was changed.", 400)
    return redirect(url_for("notes.settings", saved="device-on" if wanted else "device-off"), 303)


@bp.post("/settings/passphrase")
def change_passphrase():
    holder = vault_session.current()
    form = request.form
    with holder.use() as vault:
        try:
            new = vault_session.check_new_passphrase(form.get("new", ""), form.get("again", ""))
            vault.change_passphrase(form.get("old", ""), new)
        except BadInput as err:
            return _page(None, str(err), 400)
        except WrongPassphrase:
            return _page(None, "Your current passphrase was not right. Nothing was changed.", 400)
    return redirect(url_for("notes.settings", saved="passphrase"), code=303)

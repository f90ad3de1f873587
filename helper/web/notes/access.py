"""Getting into the vault and out again: first-run create, unlock, recovery, lock.

The passphrase fields accept paste and password managers (autocomplete new-password /
current-password; WCAG 2.2 SC 3.3.8 accessible authentication). A wrong passphrase gets one calm
line that says nothing about what was wrong (docs/SECURITY.md, "Wrong passphrase"). A recovery code
is shown once, on the page that answers the POST, and is never stored by the web app.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from helper.errors import BadInput, StorageError, WaymarkError, WrongPassphrase
from helper.web import vault_session
from helper.web.notes import bp, safe_next

CANNOT_UNLOCK = "Cannot unlock the vault with that passphrase. Check it and try again."


@bp.get("/")
def home():
    holder = vault_session.current()
    if not holder.exists():
        return redirect(url_for("notes.create"), code=303)
    if not holder.is_unlocked():
        return redirect(url_for("notes.unlock"), code=303)
    return redirect(url_for("notes.note_list"), code=303)


@bp.get("/create")
def create():
    if vault_session.current().exists():
        return redirect(url_for("notes.unlock"), code=303)
    target = safe_next(request.args.get("next"))
    return render_template(
        "notes/create.html", error=None, min_length=_min_length(), next=target, card=""
    )


@bp.post("/create")
def create_vault():
    holder = vault_session.current()
    if holder.exists():
        return redirect(url_for("notes.unlock"), code=303)
    target = safe_next(request.form.get("next"))
    from helper.web.notes.handover import posted_card

    try:
        # "Who is your DSL?" is optional, and read before the vault is made: a bad card
        # creates nothing, and says so in one sentence.
        dsl = posted_card(request, required=False)
        code = holder.create(request.form.get("passphrase", ""), request.form.get("again", ""))
    except BadInput as err:
        page = render_template(
            "notes/create.html",
            error=str(err),
            min_length=_min_length(),
            next=target,
            card=request.form.get("card", ""),
        )
        return page, 400
    if dsl is not None:
        from helper.vault import contacts

        with holder.use() as vault:
            vault.call(contacts.add, dsl.name, dsl.recipient, dsl.fingerprint)
    return render_template("notes/recovery_code.html", code=code, first=True, next=target, dsl=dsl)


@bp.get("/unlock")
def unlock():
    holder = vault_session.current()
    if not holder.exists():
        return redirect(url_for("notes.create"), code=303)
    target = safe_next(request.args.get("next"))
    if holder.is_unlocked():
        return redirect(target, code=303)
    return _unlock_page(target, None)


@bp.post("/unlock")
def unlock_vault():
    holder = vault_session.current()
    target = safe_next(request.form.get("next"))
    if request.form.get("method") == "device":
        try:
            done = holder.unlock_on_device()
        except (WrongPassphrase, StorageError):
            done = False
        if not done:
            message = "This device could not unlock the vault. Use your passphrase instead."
            return _unlock_page(target, message), 400
        return redirect(target, code=303)
    try:
        holder.unlock(request.form.get("passphrase", ""))
    except WrongPassphrase:
        return _unlock_page(target, CANNOT_UNLOCK), 400
    return redirect(target, code=303)


def _unlock_page(target: str, error: str | None) -> str:
    return render_template("notes/unlock.html", next=target, error=error, device=_device_offered())


def _device_offered() -> bool:
    """Offer "unlock on this device" only when it is switched on and a keyring answers. A vault
    that cannot be opened (missing, damaged, refused) offers nothing; the keyring's own
    troubles already read as "no keyring" (helper/vault/keys.py)."""
    try:
        vault = vault_session.current().opened()
        return bool(vault.device_unlock_available() and vault.device_unlock_enabled())
    except WaymarkError:
        return False


@bp.get("/recover")
def recover():
    return render_template("notes/recover.html", error=None, min_length=_min_length())


@bp.post("/recover")
def recover_vault():
    holder = vault_session.current()
    form = request.form
    try:
        code = holder.recover(
            form.get("code", ""), form.get("passphrase", ""), form.get("again", "")
        )
    except (BadInput, WrongPassphrase) as err:
        message = str(err) if isinstance(err, BadInput) else _bad_code()
        page = render_template("notes/recover.html", error=message, min_length=_min_length())
        return page, 400
    return render_template("notes/recovery_code.html", code=code, first=False)


def _bad_code() -> str:
    return "That recovery code did not work. Check it against what you wrote down."


@bp.post("/lock")
def lock():
    vault_session.current().lock()
    return redirect(url_for("notes.unlock", locked="1"), code=303)


@bp.post("/alive")
def alive():
    """The page's script says the person is still typing: count it as activity."""
    vault_session.current().touch()
    return "", 204


def _min_length() -> int:
    return vault_session.min_passphrase_length()

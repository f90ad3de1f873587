"""Hand-over in the helper (HANDOVER.md): "Your identity" (recipient, fingerprint and a QR code
for the DSL to show staff), contacts, "Hand over to the DSL" on a note (the browser downloads
the encrypted, signed file; the note gains a "handed over" revision) and "Import a hand-over".

The vault runs on its own thread (vault_session.PinnedVault), and the hand-over modules use the
vault's connection, so each step runs whole on that thread through `PinnedVault.call`.
Uploads are limited by the app's request cap (1 MiB), below the 16 MiB file cap of the CLI."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from flask import Response, redirect, render_template, request, session, url_for

from helper.errors import BadInput, IntegrityError, WaymarkError
from helper.web import vault_session
from helper.web.notes import bp

SAVED = {
    "added": "Contact added.",
    "removed": "Contact removed.",
}
PENDING_IMPORT = "pro_pending_import"  # a file waiting for "yes, that is their fingerprint"


def posted_card(req: Any, required: bool = True) -> Any:
    """The contact card in a form: its file (`card_file`) or its pasted line (`card`); None
    when neither was given and none is required. Anything wrong is BadInput, one sentence."""
    from helper.vault.contact_card import MAX_CARD_BYTES, card_from_bytes, parse_card

    upload = req.files.get("card_file")
    data = upload.read(MAX_CARD_BYTES + 1) if upload else b""
    if data:
        return card_from_bytes(data)
    text = req.form.get("card", "")
    if not text.strip() and not required:
        return None
    return parse_card(text)


def qr_svg(text: str, title: str) -> str:
    """An inline SVG QR code: no script, no style attribute, nothing fetched (CSP-safe)."""
    import segno

    svg = segno.make(text, error="m").svg_inline(
        scale=4, title=title, dark="#000", light="#fff", svgclass="qr"
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)


@bp.app_template_global("note_provenance")
def note_provenance(note_id: str) -> dict[str, Any]:
    """The note page's "Where this note came from" block: the hand-overs a note came through,
    oldest first ([] for a note made in this vault), or the sentence saying that record has
    been damaged (the rest of the note still shows; verify names it too)."""
    from helper.vault import handover

    try:
        with vault_session.current().use() as vault:
            hops = vault.call(handover.shown_provenance, note_id) or []
    except IntegrityError as err:
        return {"hops": [], "error": str(err)}
    return {"hops": hops, "error": None}


# ---- your identity and contacts ------------------------------------------------------------
@bp.get("/identity")
def identity_page():
    return _identity_page(SAVED.get(request.args.get("saved", "")), None)


def _identity_page(
    message: str | None, error: str | None, status: int = 200, card: str | None = None
):
    from helper.vault import contacts, identity

    with vault_session.current().use() as vault:
        me = vault.call(identity.load)
        people = vault.call(contacts.list_contacts)
    page = render_template(
        "notes/handover_identity.html",
        me=me,
        qr=qr_svg(f"{me.recipient} {me.fingerprint}", "QR code of this vault's recipient"),
        people=people,
        message=message,
        error=error,
        values=request.form,
        card=card,
        card_name=request.form.get("card_name") or session.get("pro_name", ""),
    )
    return page, status


def _my_card(name: str) -> str:
    from helper.vault import identity
    from helper.vault.contact_card import card_line

    with vault_session.current().use() as vault:
        me = vault.call(identity.load)
    return card_line(name, me.recipient, me.fingerprint)


@bp.post("/identity/card")
def show_card():
    """Your contact card, under the name staff know you by, to copy or download."""
    try:
        line = _my_card(request.form.get("card_name", ""))
    except BadInput as err:
        return _identity_page(None, str(err), 400)
    return _identity_page(None, None, card=line)


@bp.post("/identity/card.txt")
def card_file():
    """The same card as a small file (waymark-contact.txt) to email or put on a shared drive."""
    try:
        line = _my_card(request.form.get("card_name", ""))
    except BadInput as err:
        return _identity_page(None, str(err), 400)
    return Response(
        line + "\n",
        mimetype="text/plain",
        headers={"Content-Disposition": 'attachment; filename="waymark-contact.txt"'},
    )


@bp.post("/contacts/card")
def check_card():
    """Step 1 of adding someone from their card: show who it is and their fingerprint."""
    try:
        card = posted_card(request)
    except BadInput as err:
        return _identity_page(None, str(err), 400)
    with vault_session.current().use():
        pass  # locked → unlock first
    return render_template("notes/contact_confirm.html", card=card, error=None)


@bp.post("/contacts/card/add")
def add_card():
    """Step 2: the person said the fingerprint matches; add the contact."""
    from helper.vault import contacts
    from helper.vault.contact_card import parse_card

    with vault_session.current().use() as vault:
        try:
            card = parse_card(request.form.get("card", ""))
            vault.call(contacts.add, card.name, card.recipient, card.fingerprint)
        except BadInput as err:  # say, a contact of that name was added meanwhile
            return _identity_page(None, str(err), 400)
    return redirect(url_for("notes.identity_page", saved="added"), code=303)


@bp.post("/contacts")
def add_contact():
    from helper.vault import contacts

    form = request.form
    with vault_session.current().use() as vault:
        try:
            vault.call(
                contacts.add,
                form.get("name", ""),
                form.get("recipient", ""),
                form.get("fingerprint", ""),
            )
        except BadInput as err:
            return _identity_page(None, str(err), 400)
    return redirect(url_for("notes.identity_page", saved="added"), code=303)


@bp.post("/contacts/remove")
def remove_contact():
    from helper.vault import contacts

    with vault_session.current().use() as vault:
        try:
            vault.call(contacts.remove, request.form.get("name", ""))
        except BadInput as err:
            return _identity_page(None, str(err), 400)
    return redirect(url_for("notes.identity_page", saved="removed"), code=303)


# ---- handing a note over ----------------------------------------------------------------------
@bp.get("/notes/<note_id>/handover")
def handover_form(note_id: str):
    return _handover_page(note_id, None)


def _handover_page(note_id: str, error: str | None, status: int = 200):
    from helper.vault import contacts

    with vault_session.current().use() as vault:
        note = vault.note(note_id)
        people = vault.call(contacts.list_contacts)
    page = render_template(
        "notes/handover_form.html",
        action=url_for("notes.handover_file", note_id=note.id),
        back=url_for("notes.note", note_id=note.id),
        back_text="Back to the note",
        count=1,
        ref=None,
        people=people,
        error=error,
        signer=note.latest.fields.get("recorder_name") or note.latest.signed_by,
    )
    return page, status


def _download(vault: Any, note_ids: list[str], form: Any) -> Any:
    """Prepare the bundle for `note_ids`, mark each note handed over, return the download.
    BadInput (an unknown contact, a deleted note…) changes nothing."""
    from helper.vault import contacts, handover

    def work(v):
        to = contacts.find(v, form.get("to", ""))
        ready = handover.prepare(
            v,
            note_ids,
            to=to,
            also_me=form.get("also_me") == "on",
            signed_by=form.get("signed_by") or None,
        )
        handover.mark(v, ready)
        return ready

    ready = vault.call(work)
    name = f"waymark-handover-{ready.bundle_id[:8]}.age"
    return Response(
        ready.data,
        mimetype="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/notes/<note_id>/handover")
def handover_file(note_id: str):
    """The encrypted file as a download; then the note says it was handed over."""
    with vault_session.current().use() as vault:
        if vault.note(note_id).deleted is not None:
            return _handover_page(note_id, "This note has been deleted.", 400)
        try:
            return _download(vault, [note_id], request.form)
        except BadInput as err:
            return _handover_page(note_id, str(err), 400)


# ---- handing a child's chronology over ---------------------------------------------------------
# The child reference comes from the memory-only session (the chronology page keeps it there),
# never from the URL, like every child reference in the helper.


def _child_notes(vault: Any, ref: str) -> list[str]:
    from helper.vault import handover

    return vault.call(handover.child_note_ids, ref)


@bp.get("/chronology/handover")
def chronology_handover_form():
    return _chronology_handover_page(None)


def _chronology_handover_page(error: str | None, status: int = 200):
    from helper.vault import contacts
    from helper.web.notes.casework import CHRONOLOGY_KEY

    ref = session.get(CHRONOLOGY_KEY)
    if not ref:
        return redirect(url_for("notes.chronology_page"), code=303)
    with vault_session.current().use() as vault:
        try:
            ids = _child_notes(vault, ref)
        except BadInput as err:
            ids, error, status = [], str(err), 400
        people = vault.call(contacts.list_contacts)
        signer = ""
        if ids:
            first = vault.note(ids[0]).latest
            signer = first.fields.get("recorder_name") or first.signed_by
    page = render_template(
        "notes/handover_form.html",
        action=url_for("notes.chronology_handover_file"),
        back=url_for("notes.chronology_page"),
        back_text="Back to the chronology",
        count=len(ids),
        ref=ref,
        people=people if ids else [],
        error=error,
        signer=session.get("pro_name") or signer,
    )
    return page, status


@bp.post("/chronology/handover")
def chronology_handover_file():
    """Every live note with the child reference in one file; each note marked handed over."""
    from helper.web.notes.casework import CHRONOLOGY_KEY

    ref = session.get(CHRONOLOGY_KEY)
    if not ref:
        return redirect(url_for("notes.chronology_page"), code=303)
    with vault_session.current().use() as vault:
        try:
            return _download(vault, _child_notes(vault, ref), request.form)
        except BadInput as err:
            return _chronology_handover_page(str(err), 400)


# ---- importing -------------------------------------------------------------------------------
@bp.get("/import")
def import_form():
    with vault_session.current().use():
        pass  # locked → unlock first, then back here
    return render_template("notes/handover_import.html", error=None, done=None)


@bp.post("/import")
def import_file():
    from helper.vault import bundle, handover

    upload = request.files.get("bundle")
    data = upload.read(bundle.MAX_BUNDLE_BYTES + 1) if upload else b""
    held = None if data else _held()
    if held is not None:
        data = held["data"]
    passphrase = request.form.get("passphrase") or None
    new_name = request.form.get("new_name")
    error = done = ask = None
    session.pop(PENDING_IMPORT, None)
    with vault_session.current().use() as vault:
        if not data:
            error = "Choose the hand-over file to import."
        elif passphrase is None and bundle.needs_passphrase(data):
            error = "This file is protected by a passphrase. Type it in and import again."
        elif new_name is not None and request.form.get("confirm") != "on":
            error = "Tick the box to confirm the sender is not your contact of that name."
            ask = held["ask"] if held else None
        else:
            from helper.vault.contact_card import namesake, new_sender

            sender = None if held else vault.call(new_sender, data, passphrase)
            if sender is not None:
                # A first-time sender: one clear step, with their fingerprint, before anything
                # is added. The file waits in this process's memory, never on disk.
                token = secrets.token_urlsafe(16)
                session[PENDING_IMPORT] = {
                    "token": token,
                    "data": data,
                    "passphrase": passphrase,
                    "fingerprint": sender.fingerprint,
                }
                return render_template(
                    "notes/handover_sender.html", sender=sender, token=token, error=None
                )
            # A new sender who signs with a contact's name: the import refuses to guess and asks
            # for a name of their own (NameTaken), holding the file meanwhile.
            clash = held is not None or vault.call(namesake, data, passphrase)
            try:
                done = vault.call(
                    handover.import_bundle,
                    data,
                    passphrase=passphrase,
                    trust_new=clash,
                    new_name=new_name if clash else None,
                )
                session.pop(PENDING_KEY, None)
            except handover.NameTaken as err:  # nothing imported: ask, holding the file
                ask = _ask(err, data, passphrase)
            except WaymarkError as err:  # a refusal (IntegrityError, BadInput…), said in words
                error = str(err)
    status = 400 if error else 200
    page = render_template("notes/handover_import.html", error=error, done=done, ask=ask)
    return page, status


# A file waiting for a namesake to be given a name of their own (a different slot from the
# first-time sender's, so the two steps never clear each other).
PENDING_KEY = "pro_pending_namesake"


def _held() -> dict[str, Any] | None:
    """The file kept for the namesake confirmation step, if this form names it (the form
    carries only the random id of the held file)."""
    held = session.get(PENDING_KEY)
    offered = request.form.get("pending", "")
    if held and offered and hmac.compare_digest(offered, held["ask"]["pending"]):
        return held
    return None


def _ask(err: Any, data: bytes, passphrase: str | None) -> dict[str, Any]:
    """Hold the file and say what the confirmation step asks (the name is another contact's)."""
    ask = {
        "pending": secrets.token_urlsafe(16),
        "name": err.name,
        "contact_fingerprint": err.contact.fingerprint,
        "fingerprint": err.fingerprint,
        "asked": err.asked,
        "passphrase": passphrase is not None,
    }
    session[PENDING_KEY] = {"data": data, "ask": ask}
    return ask


@bp.post("/import/accept")
def accept_sender():
    """The person checked the first-time sender's fingerprint: add them and import the file
    that was waiting. "No" (or a stale page) imports nothing."""
    from helper.vault import handover

    pending = session.pop(PENDING_IMPORT, None)
    form = request.form
    if (
        not pending
        or form.get("token") != pending["token"]
        or form.get("fingerprint") != pending["fingerprint"]
    ):
        error = "That hand-over is no longer waiting. Choose the file and import it again."
        return render_template("notes/handover_import.html", error=error, done=None), 400
    if form.get("answer") != "yes":
        message = "Nothing was imported. Check the fingerprint with the sender, then try again."
        return render_template("notes/handover_import.html", error=message, done=None), 400
    with vault_session.current().use() as vault:
        try:
            done = vault.call(
                handover.import_bundle,
                pending["data"],
                passphrase=pending["passphrase"],
                trust_new=True,
            )
        except WaymarkError as err:
            return render_template("notes/handover_import.html", error=str(err), done=None), 400
    return render_template("notes/handover_import.html", error=None, done=done)

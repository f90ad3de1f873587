"""The notes themselves: list, write, read, revise, tick a checklist step, delete, export.

Notes are append-only in the vault: revising, ticking and deleting each add a record signed by a
named person, so the history a DSL or a court may ask for is always there. The list shows no
child details (date, category, status, revisions only), because it is the page most likely to be
on screen when someone walks past.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Response, redirect, render_template, request, session, url_for

from helper.errors import BadInput, NotFound
from helper.web import vault_session
from helper.web.errors import error_page
from helper.web.notes import autolocking, bp, form, keep_form, locked_away, take_draft
from helper.web.notes.checklist import concern_label, procedure_for, told_offers, told_time
from helper.web.vault_session import PinnedVault

if TYPE_CHECKING:  # types only: the vault's note model loads when a note is first shown
    from helper.vault.notes import NoteSummary, Revision

SIGNER_KEY = "pro_name"


@bp.errorhandler(NotFound)
def _not_found(_err: NotFound):
    return error_page(404, "There is no note with that number in this vault.")


@bp.get("/notes")
def note_list():
    from helper.vault.unlocking import NO_KEYRING  # said in the vault's words; shown in plain ones
    from helper.web.notes.casework import list_view  # casework: search, filters, pages, due

    with vault_session.current().use() as vault:
        view = list_view(vault, request.args.get("page"))
        notices = vault_session.current().take_notices()
    return render_template(
        "notes/list.html",
        notes=view.rows,
        view=view,
        label=concern_label,
        message=request.args.get("done"),
        notices=notices,
        no_keyring=NO_KEYRING,
    )


@bp.get("/notes/new")
def new_note():
    """The guided form's first step (or, with ?form=full, the whole form on one page)."""
    with vault_session.current().use():
        pass  # locked → unlock first, then back here with the same ?platform=&at=
    full = request.args.get("form") == "full"
    draft = take_draft()
    if draft is not None:
        values = form.values_from_form(draft, {})
        if "guided" in draft:
            return _step_page(values, None, form.step_ids()[0])
        return _form_page(values, None, mode="new")
    values = form.values_from_fields({})
    found, dropped = form.prefill(request.args)
    values.update(found)
    values.setdefault("recorder_name", "")
    if not values["recorder_name"]:
        values["recorder_name"] = session.get(SIGNER_KEY, "")
    notice = None
    if dropped:
        notice = f"The link gave {' and '.join(dropped)} in a form we cannot use, so left it blank."
    if full:
        return _form_page(values, None, mode="new", notice=notice)
    whole = url_for("notes.new_note", form="full", **form.known_args(request.args))
    return _step_page(values, None, form.step_ids()[0], notice=notice, whole_form=whole)


def _recorded(raw: dict) -> dict:
    """The record with "Record the concern" ticked now, when it is on this note's checklist."""
    if form.RECORD_STEP in {s.id for s in procedure_for(raw)}:
        checklist = dict(raw.get("checklist") or {})
        checklist.setdefault(form.RECORD_STEP, form.now_iso())
        raw = {**raw, "checklist": checklist}
    return raw


@bp.post("/notes/new")
def save_new_note():
    """The whole form saves the note at once; the guided form's first step saves a draft
    revision and goes on to the next step."""
    values = form.values_from_form(request.form.to_dict(flat=False), {})
    guided = "guided" in request.form
    holder = vault_session.current()
    with holder.use() as vault:
        if autolocking() and not guided:  # a whole note is never saved behind anyone's back
            keep_form()
            return locked_away(request.path)
        try:
            raw = _checked(values)
            signer = str(values.get("recorder_name", "")).strip()
            if not signer:
                raise BadInput("Give your name as the person recording this concern.")
            note_id = vault.new_note(raw if guided else _recorded(raw), signed_by=signer)
        except BadInput as err:
            if autolocking():  # cannot be sealed as a draft yet: kept in memory instead
                keep_form()
                return locked_away(request.path)
            if guided:
                return _step_page(values, str(err), form.step_ids()[0]), 400
            return _form_page(values, str(err), mode="new"), 400
    session[SIGNER_KEY] = signer
    if guided and autolocking():  # sealed as a draft: come back to this same step
        return locked_away(url_for("notes.guided", note_id=note_id, step=form.step_ids()[0]))
    if guided:
        step = form.next_step(form.step_ids()[0])
        return redirect(url_for("notes.guided", note_id=note_id, step=step), code=303)
    return redirect(url_for("notes.note", note_id=note_id, done="saved"), code=303)


def _step_page(
    values: dict,
    error: str | None,
    step: str,
    note_id: str | None = None,
    notice: str | None = None,
    whole_form: str | None = None,
) -> str:
    """One step of the guided note form, with where it sits among the steps (and, on a new
    note's first step, `whole_form`: the link to the whole form with the same prefill)."""
    shown = form.step_specs(step, str(values.get("concern", "")))
    names = {s.name for s in shown}
    # Values given for later steps (the child's age from a routes page) ride along unseen.
    carried = {
        k: v
        for k, v in values.items()
        if note_id is None and k not in names and isinstance(v, str) and v
    }
    if note_id is None:
        action = url_for("notes.save_new_note")
    else:
        action = url_for("notes.save_step", note_id=note_id, step=step)
    return _form_template(
        shown,
        values,
        error,
        mode="guided",
        step=step,
        steps=[(sid, form.step_title(sid)) for sid in form.step_ids()],
        step_number=form.step_ids().index(step) + 1,
        carried=carried,
        action=action,
        note_id=note_id,
        notice=notice,
        signer="",
        whole_form=whole_form or url_for("notes.new_note", form="full"),
    )


def _signer_for(fields: dict, fallback: str) -> str:
    return str(fields.get("recorder_name") or session.get(SIGNER_KEY) or fallback).strip()


@bp.get("/notes/<note_id>/guided/<step>")
def guided(note_id: str, step: str):
    with vault_session.current().use() as vault:
        latest = _latest(vault, note_id)
    if step == form.CHECK_STEP:
        return _check_page(note_id, latest)
    if step not in form.step_ids():
        raise NotFound("No such step.")
    draft = take_draft()
    checklist = latest.fields.get("checklist") or {}
    if draft is not None:
        values = form.merged(
            form.values_from_fields(latest.fields), form.values_from_form(draft, checklist), step
        )
    else:
        values = form.values_from_fields(latest.fields)
    return _step_page(values, None, step, note_id=note_id)


def _check_page(note_id: str, latest: Revision, error: str | None = None) -> str:
    return render_template(
        "notes/check.html",
        note_id=note_id,
        latest=latest,
        specs=form.specs(),
        steps=[(sid, form.step_title(sid)) for sid in form.step_ids()],
        step_of={s.name: sid for sid in form.step_ids() for s in form.step_specs(sid)},
        error=error,
    )


@bp.post("/notes/<note_id>/guided/<step>")
def save_step(note_id: str, step: str):
    """Save one step as a draft revision (append-only, like every save), or on the summary,
    the final save, which ticks "Record the concern" on the note's checklist."""
    with vault_session.current().use() as vault:
        latest = _latest(vault, note_id)
        signer = _signer_for(latest.fields, latest.signed_by)
        if step == form.CHECK_STEP:
            vault.revise(note_id, _recorded(dict(latest.fields)), signed_by=signer)
            session[SIGNER_KEY] = signer
            return redirect(url_for("notes.note", note_id=note_id, done="saved"), code=303)
        if step not in form.step_ids():
            raise NotFound("No such step.")
        checklist = latest.fields.get("checklist") or {}
        typed = form.values_from_form(request.form.to_dict(flat=False), checklist)
        values = form.merged(form.values_from_fields(latest.fields), typed, step)
        try:
            raw = _checked(values)
            if raw != _checked(form.values_from_fields(latest.fields)):
                vault.revise(note_id, raw, signed_by=_signer_for(raw, signer))
        except BadInput as err:
            if autolocking():  # cannot be sealed as a draft yet: kept in memory instead
                keep_form()
                return locked_away(request.path)
            return _step_page(values, str(err), step, note_id=note_id), 400
    if autolocking():  # sealed as a draft revision: come back to this same step
        return locked_away(request.path)
    target = form.next_step(step)
    return redirect(url_for("notes.guided", note_id=note_id, step=target), code=303)


def _checked(values: dict) -> dict:
    from helper.vault.notes import validate_fields

    form.refuse_uploads(len(request.files))
    return validate_fields(form.to_raw(values))


def _form_template(specs: tuple, values: dict, error: str | None, **page: object) -> str:
    """notes/form.html, as the whole form and each guided step both show it."""
    return render_template(
        "notes/form.html",
        specs=specs,
        widget=form.widget,
        values=values,
        told_rows=form.told_rows(values),
        told_parts=form.TOLD_PARTS,
        told_labels=form.TOLD_LABELS,
        error=error,
        **page,
    )


def _form_page(
    values: dict,
    error: str | None,
    mode: str,
    note_id: str | None = None,
    notice: str | None = None,
    signer: str = "",
) -> str:
    """The note form (new or revise), refilled with what the person typed."""
    return _form_template(
        form.typed_specs(),
        values,
        error,
        mode=mode,
        note_id=note_id,
        notice=notice,
        signer=signer or session.get(SIGNER_KEY, ""),
    )


DELETED = "This note was deleted, so it can no longer be changed or exported."


def _latest(vault: PinnedVault, note_id: str) -> Revision:
    """The note's current revision; a deleted note has none left to change."""
    record = vault.note(note_id)
    if record.deleted is not None or not record.revisions:
        raise BadInput(DELETED)
    return record.revisions[-1]


@bp.get("/notes/<note_id>")
def note(note_id: str):
    with vault_session.current().use() as vault:
        record = vault.note(note_id)
    if record.deleted is not None or not record.revisions:
        return render_template("notes/deleted.html", note=record)
    latest = record.revisions[-1]
    steps = procedure_for(latest.fields)
    return render_template(
        "notes/note.html",
        note=record,
        latest=latest,
        earlier=list(reversed(record.revisions[:-1])),
        specs=form.specs(),
        steps=steps,
        ticked=dict(latest.fields.get("checklist") or {}),
        offers=told_offers(latest.fields, latest.fields.get("checklist") or {}),
        label=concern_label,
        signer=session.get(SIGNER_KEY) or latest.signed_by,
        done=request.args.get("done"),
        error=None,
    )


@bp.post("/notes/<note_id>/tick")
def tick(note_id: str):
    signer = request.form.get("signed_by", "").strip()
    # "Tick it, done at 12:00" names the step and the "Who you told" entry that shows it done.
    from_told = request.form.get("from_told", "")
    step, _sep, told_index = (
        from_told.partition(":") if from_told else (request.form.get("step", ""), "", "")
    )
    with vault_session.current().use() as vault:
        latest = _latest(vault, note_id)
        if step not in {s.id for s in procedure_for(latest.fields)}:
            raise BadInput("That step is not on this note's checklist.")
        if not signer:
            raise BadInput("Give your name so the tick is signed.")
        fields = dict(latest.fields)
        checklist = dict(fields.get("checklist") or {})
        checklist[step] = told_time(fields, step, told_index) if from_told else form.now_iso()
        fields["checklist"] = checklist
        vault.revise(note_id, fields, signed_by=signer)
    session[SIGNER_KEY] = signer
    target = url_for("notes.note", note_id=note_id, done="ticked") + f"#step-{step}"
    return redirect(target, code=303)


@bp.get("/notes/<note_id>/revise")
def revise(note_id: str):
    with vault_session.current().use() as vault:
        latest = _latest(vault, note_id)
    draft = take_draft()
    checklist = latest.fields.get("checklist") or {}
    if draft is not None:
        values = form.values_from_form(draft, checklist)
        signer = (draft.get("signed_by") or [""])[0]
    else:
        values = form.values_from_fields(latest.fields)
        signer = ""
    return _form_page(values, None, mode="revise", note_id=note_id, signer=signer)


@bp.post("/notes/<note_id>/revise")
def save_revision(note_id: str):
    signer = request.form.get("signed_by", "").strip()
    with vault_session.current().use() as vault:
        if autolocking():  # a signed revision is never saved behind anyone's back
            keep_form()
            return locked_away(request.path)
        latest = _latest(vault, note_id)
        checklist = latest.fields.get("checklist") or {}
        values = form.values_from_form(request.form.to_dict(flat=False), checklist)
        try:
            raw = _checked(values)
            if not signer:
                raise BadInput("Give your name so this revision is signed.")
            vault.revise(note_id, raw, signed_by=signer)
        except BadInput as err:
            page = _form_page(values, str(err), mode="revise", note_id=note_id, signer=signer)
            return page, 400
    session[SIGNER_KEY] = signer
    return redirect(url_for("notes.note", note_id=note_id, done="revised"), code=303)


@bp.get("/notes/<note_id>/delete")
def delete(note_id: str):
    with vault_session.current().use() as vault:
        summary = _summary(vault, note_id)
        _latest(vault, note_id)
    return _delete_page(summary, None)


def _summary(vault: PinnedVault, note_id: str) -> NoteSummary:
    for summary in vault.list_notes():
        if str(summary.id) == str(note_id):
            return summary
    raise NotFound("No such note.")


def _delete_page(summary: NoteSummary, error: str | None) -> str:
    return render_template(
        "notes/delete.html",
        summary=summary,
        label=concern_label,
        error=error,
        signer=request.form.get("signed_by") or session.get(SIGNER_KEY, ""),
        reason=request.form.get("reason", ""),
    )


@bp.post("/notes/<note_id>/delete")
def confirm_delete(note_id: str):
    reason = request.form.get("reason", "").strip()
    signer = request.form.get("signed_by", "").strip()
    with vault_session.current().use() as vault:
        summary = _summary(vault, note_id)
        problem = None
        if request.form.get("confirm") != "yes":
            problem = "Tick the box to confirm you want to delete this note."
        elif not reason:
            problem = "Give a reason for deleting this note. It is kept in the record."
        elif not signer:
            problem = "Give your name so the deletion is signed."
        if problem:
            return _delete_page(summary, problem), 400
        vault.delete_note(note_id, reason, signed_by=signer)
    session[SIGNER_KEY] = signer
    return redirect(url_for("notes.note_list", done="deleted"), code=303)


@bp.get("/notes/<note_id>/export")
def export(note_id: str):
    """A print-ready page for the DSL or the referral form."""
    with vault_session.current().use() as vault:
        latest = _latest(vault, note_id)
        record = vault.note(note_id)
        # The page is our own template (the vault's HTML carries an inline style our CSP
        # forbids), but showing it is an export all the same: vault.export records it in the
        # audit chain, so the record shows when the note left the vault.
        vault.export([note_id], fmt="text")
        from helper.vault import followups

        items = vault.call(followups.followups, note_id)
    return render_template(
        "notes/export.html",
        followups=items,
        note=record,
        latest=latest,
        specs=form.specs(),
        steps=procedure_for(latest.fields),
        ticked=dict(latest.fields.get("checklist") or {}),
        offers=told_offers(latest.fields, latest.fields.get("checklist") or {}),
        label=concern_label,
    )


DOWNLOADS = {"txt": ("text", "text/plain"), "html": ("html", "text/html")}


@bp.get("/notes/<note_id>/export.<kind>")
def export_file(note_id: str, kind: str):
    """The vault's own export as a file to keep or attach: plain text, or a self-contained
    web page that loads nothing from anywhere (its own CSP says so)."""
    if kind not in DOWNLOADS:
        raise NotFound("No such export.")
    fmt, mimetype = DOWNLOADS[kind]
    with vault_session.current().use() as vault:
        _latest(vault, note_id)  # NotFound or deleted: refused before anything is written
        body = vault.export([note_id], fmt=fmt)
    safe_id = "".join(c for c in str(note_id) if c.isalnum() or c in "-_")[:40]
    name = f"waymark-note-{safe_id}.{kind}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )

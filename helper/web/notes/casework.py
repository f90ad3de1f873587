"""Casework pages of the professional area: what is due, a child's chronology, the
follow-ups panel on a note (with the follow-ups the procedure expects, one click to add), the
referral summary, and the notes list's search, filters and pages.

Routes are on the notes blueprint, so they are no-store and behind the vault lock like every
note page. A child reference or search text never goes into a URL (browser history is kept on
disk in clear): they are posted, and kept in this process's memory-only session."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import abort, redirect, render_template, request, session, url_for

from helper import casework
from helper.errors import BadInput, NotFound
from helper.web import vault_session
from helper.web.notes import bp
from helper.web.vault_session import PinnedVault

PAGE_SIZE = 50
FILTER_KEY = "pro_list_filter"
CHRONOLOGY_KEY = "pro_chronology_ref"
ERROR_KEY = "pro_casework_error"
SIGNER_KEY = "pro_name"  # the same remembered name as records.py
STATUSES = ("open", "referred", "closed", "deleted", "damaged")


def _now() -> datetime:
    from flask import current_app

    clock = current_app.config.get("CASEWORK_NOW")  # tests: a fixed "now"
    return clock() if callable(clock) else datetime.now(UTC)


# ---- the notes list: search, filters, pages --------------------------------------------------


@dataclass
class ListView:
    rows: list
    page: int
    pages: int
    total: int
    shown_from: int
    shown_to: int
    filters: dict[str, str] = field(default_factory=dict)
    due: list[dict[str, Any]] = field(default_factory=list)
    concerns: tuple[str, ...] = ()
    statuses: tuple[str, ...] = STATUSES
    error: str | None = None


def filtered(vault: PinnedVault, summaries: list, filters: Mapping[str, str]) -> list:
    """Pure apart from the vault reads the filters need: search text and a child reference
    open the latest revisions (as search does); concern and status use the summaries."""
    rows = summaries
    if filters.get("concern"):
        rows = [s for s in rows if s.concern == filters["concern"]]
    if filters.get("status"):
        wanted = filters["status"]
        rows = [s for s in rows if ("deleted" if s.deleted else s.status) == wanted]
    if filters.get("q"):
        found = set(vault.search(filters["q"]))
        rows = [s for s in rows if s.id in found]
    if filters.get("child"):
        from helper.vault.chronology import notes_for_ref

        ids = set(
            vault.call(
                lambda v: notes_for_ref(v._conn, v._require_aead(), v.vault_id, filters["child"])
            )
        )
        rows = [s for s in rows if s.id in ids]
    return rows


def list_view(vault: PinnedVault, page_arg: str | None) -> ListView:
    """The page of notes to show, newest first, with the filters in force and what is due.
    Called from records.note_list (a one-line hook). Without filters only the page's own
    records are opened; a filter opens every summary (and search or a child reference every
    latest revision), as it must to know what matches."""
    from helper.engine import CONCERNS
    from helper.vault import followups
    from helper.vault.chronology import page_summaries

    filters = dict(session.get(FILTER_KEY) or {})
    try:
        page = max(1, int(page_arg or 1))
    except ValueError:
        page = 1
    if filters:
        rows = filtered(vault, list(vault.list_notes()), filters)
        rows.sort(key=lambda s: str(s.created_at), reverse=True)
        total = len(rows)
        page = min(page, max(1, -(-total // PAGE_SIZE)))
        shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    else:
        total = vault.call(
            lambda v: page_summaries(v._conn, v._require_aead(), v.vault_id, 0, 0),
        )[0]
        page = min(page, max(1, -(-total // PAGE_SIZE)))
        offset = (page - 1) * PAGE_SIZE
        shown = vault.call(
            lambda v: page_summaries(v._conn, v._require_aead(), v.vault_id, offset, PAGE_SIZE)
        )[1]
    start = (page - 1) * PAGE_SIZE
    now = _now()  # here: the vault's thread has no app context
    due = vault.call(followups.due, now)
    return ListView(
        rows=shown,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        total=total,
        shown_from=start + 1 if shown else 0,
        shown_to=start + len(shown),
        filters=filters,
        due=due,
        concerns=CONCERNS,
        error=take_error(),
    )


@bp.post("/notes/filter")
def set_filter():
    """Keep the list's filters in the memory-only session, then show the list's first page."""
    if request.form.get("clear"):
        session.pop(FILTER_KEY, None)
        return redirect(url_for("notes.note_list"), code=303)
    from helper.engine import CONCERNS
    from helper.vault.notes import clean_text

    form = request.form
    filters = {}
    try:
        q = clean_text("Search", form.get("q", ""), 200, one_line=True)
        child = clean_text("Child reference", form.get("child", ""), 64, one_line=True)
    except BadInput as err:
        session[ERROR_KEY] = str(err)
        return redirect(url_for("notes.note_list"), code=303)
    if q:
        filters["q"] = q
    if child:
        filters["child"] = child
    if form.get("concern") in CONCERNS:
        filters["concern"] = form["concern"]
    if form.get("status") in STATUSES:
        filters["status"] = form["status"]
    session[FILTER_KEY] = filters
    return redirect(url_for("notes.note_list"), code=303)


def take_error() -> str | None:
    return session.pop(ERROR_KEY, None)


# ---- what is due -------------------------------------------------------------------------------


@bp.get("/due")
def due_page():
    from helper.vault import followups

    now = _now()
    with vault_session.current().use() as vault:
        items = vault.call(followups.due, now)
    return render_template("notes/due.html", due=items, now=now)


# ---- a child's chronology ----------------------------------------------------------------------


@bp.post("/chronology")
def choose_chronology():
    from helper.vault.chronology import clean_ref

    try:
        ref = clean_ref(request.form.get("ref", ""))
    except BadInput as err:
        session.pop(CHRONOLOGY_KEY, None)
        session[ERROR_KEY] = str(err)
        return redirect(url_for("notes.chronology_page"), code=303)
    session[CHRONOLOGY_KEY] = ref
    return redirect(url_for("notes.chronology_page"), code=303)


@bp.get("/chronology")
def chronology_page():
    from helper.vault.chronology import chronology

    ref = session.get(CHRONOLOGY_KEY)
    with vault_session.current().use() as vault:
        events = vault.call(chronology, ref) if ref else None
    return render_template(
        "notes/chronology.html", ref=ref, events=events, error=take_error(), kinds=KIND_LABELS
    )


KIND_LABELS = {
    "concern": "Concern",
    "note": "Note recorded",
    "revision": "Revision",
    "checklist": "Step done",
    "follow-up": "Follow-up set",
    "follow-up-done": "Follow-up done",
    "deletion": "Note deleted",
}


# ---- follow-ups on a note ----------------------------------------------------------------------


def panel(vault: PinnedVault, note_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """What the note page's follow-ups section shows: the note's follow-ups, the follow-ups
    the ticked steps propose that are not added yet, and where the borough's numbers are."""
    from helper.vault import followups

    items = vault.call(followups.followups, note_id)
    borough = casework.borough_entry(fields.get("borough"))
    taken = [(f.step, f.what) for f in items if f.step]
    now = _now()
    in_steps, rest = borough_places(fields)
    return {
        "followups": items,
        "proposals": casework.proposals_for(fields, borough, taken),
        "borough": borough,
        "borough_in_steps": in_steps,
        "borough_rest": rest,
        "borough_name": casework.borough_name(fields.get("borough")),
        "child_ref": fields.get("child_ref", ""),
        "overdue": {f.id for f in items if f.overdue(now)},
        "error": take_error(),
    }


def borough_places(fields: Mapping[str, Any]) -> tuple[list[tuple[str, str, str]], str | None]:
    """Where the note page shows its borough's numbers, each once: inside the checklist steps
    that need them (the first social-care step, the first LADO step, as (kind, step id, step
    title)), and, for what no step on this note needs, in the follow-ups panel ("all",
    "social-care", "lado" or None). A bullying note has no LADO step, say: its LADO stays on
    the page, in the panel."""
    from helper.web.notes.checklist import procedure_for

    found: dict[str, tuple[str, str, str]] = {}
    for step in procedure_for(fields):
        kind = borough_step_kind(step.id)
        if kind and kind not in found:
            found[kind] = (kind, step.id, step.title)
    missing = [k for k in ("social-care", "lado") if k not in found]
    rest = "all" if len(missing) == 2 else (missing[0] if missing else None)
    return list(found.values()), rest


@bp.app_template_global("borough_step_kind")
def borough_step_kind(step_id: str) -> str | None:
    """Which of the borough's numbers a checklist step needs: "social-care", "lado" or None."""
    if step_id in casework.SOCIAL_CARE_STEPS:
        return "social-care"
    if step_id in casework.LADO_STEPS:
        return "lado"
    return None


@bp.app_template_global("note_borough")
def note_borough(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The note's borough for its checklist: the directory entry, or outside London, or none."""
    stored = fields.get("borough")
    return {
        "entry": casework.borough_entry(stored),
        "outside": stored == casework.OUTSIDE_LONDON,
        "name": casework.borough_name(stored),
    }


@bp.app_template_global("borough_label")
def borough_label(stored: object) -> str:
    """A stored borough id as people read it ("Tower Hamlets", "Outside London")."""
    return casework.borough_name(str(stored)) if stored else ""


@bp.app_template_global("casework_panel")
def casework_panel(note_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    with vault_session.current().use() as vault:
        return panel(vault, note_id, fields)


def _back(note_id: str, done: str | None = None) -> Any:
    """Back to the note's follow-ups (url_for leaves out a `done` of None)."""
    return redirect(url_for("notes.note", note_id=note_id, done=done) + "#follow-ups", code=303)


def _signed(
    note_id: str, unsigned: str, done: str, work: Callable[..., Any], *args: Any, **kw: Any
):
    """The follow-up forms' one path: `work(vault, note_id, *args, signed_by=…)` on the vault's
    thread, signed by the typed name or else the remembered one (`unsigned` says neither was
    given); then back to the note's follow-ups, with the error for the panel or the name kept."""
    signer = request.form.get("signed_by", "").strip() or session.get(SIGNER_KEY, "")
    with vault_session.current().use() as vault:
        try:
            if not signer:
                raise BadInput(unsigned)
            vault.call(work, note_id, *args, signed_by=signer, **kw)
        except BadInput as err:
            session[ERROR_KEY] = str(err)
            return _back(note_id)
    session[SIGNER_KEY] = signer
    return _back(note_id, done)


@bp.post("/notes/<note_id>/follow-ups")
def add_follow_up(note_id: str):
    from helper.vault import followups

    form = request.form
    what, due, step = form.get("what", ""), form.get("due", ""), form.get("step", "")
    unsigned = "Give your name so the follow-up is signed."
    return _signed(note_id, unsigned, "followup", followups.add, what, due, step=step)


@bp.post("/notes/<note_id>/follow-ups/<followup_id>/done")
def follow_up_done(note_id: str, followup_id: str):
    from helper.vault import followups

    outcome = request.form.get("outcome", "").strip()
    unsigned = "Give your name so the follow-up is signed off."
    return _signed(
        note_id, unsigned, "followup-done", followups.complete, followup_id, outcome=outcome
    )


# ---- referral summary --------------------------------------------------------------------------


@bp.get("/notes/<note_id>/referral")
def referral(note_id: str):
    """The note under the headings London referral forms ask for; printable; sent nowhere.
    Showing it is an export, so it is recorded in the audit chain like the export page."""
    from helper.vault.chronology import summary_for

    with vault_session.current().use() as vault:
        try:
            sections, borough = vault.call(summary_for, note_id)
        except BadInput:
            abort(404)
        vault.call(lambda v: v._append("export", None, 1))
    return render_template(
        "notes/referral.html", note_id=note_id, sections=sections, borough=borough
    )


@bp.errorhandler(NotFound)
def _no_such(_err: NotFound):
    from helper.web.errors import error_page

    return error_page(404, "There is no note or follow-up with that number in this vault.")


@bp.app_template_global("due_shown")
def due_shown(due: str) -> str:
    """A stored due value as the helper's pages show times (the day spelled out, no zone)."""
    from helper.vault.export import due_text  # the vault's modules load on first use
    from helper.web.notes.form import shown_time

    return due_text(due, shown_time, "%a %d %b %Y")

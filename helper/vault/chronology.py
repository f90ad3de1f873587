"""A child's chronology: every event about one child reference, in time order, computed from the
decrypted records each time it is asked for. Nothing about a child is kept in clear (no index of
references): finding a child's notes opens the latest revision of every note, with a cheap byte
test before any JSON is parsed, the same way search works.

Events are `{"at", "kind", "note", "text"}` with `at` in UTC ISO 8601 and `kind` one of:
concern (when it happened or came to light), note (recorded), revision, checklist (a step
ticked), follow-up, follow-up-done, deletion."""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from helper import casework, paths
from helper.errors import BadInput, IntegrityError
from helper.vault import followups, store
from helper.vault.notes import FIELD_BY_NAME, MAX_CHILD_REF
from helper.vault.reading import LATEST
from helper.vault.sealed import revision_ad

if TYPE_CHECKING:
    from helper.vault.vault import Vault

KINDS = ("concern", "note", "revision", "checklist", "follow-up", "follow-up-done", "deletion")


def clean_ref(ref: str) -> str:
    """A reference to look up: the same rules as the note field."""
    from helper.vault.notes import clean_text

    text = clean_text("Child reference", ref, MAX_CHILD_REF, one_line=True)
    if not text:
        raise BadInput("Child reference: give the reference used on the child's notes.")
    return text


def notes_for_ref(conn: sqlite3.Connection, aead: AESGCM, vault_id: str, ref: str) -> list[str]:
    """Ids of live notes whose latest revision carries `ref` (ignoring case)."""
    needle = ref.strip().casefold()
    raw = needle.encode() if needle.isascii() else None
    found = []
    for note_id, number, saved_at, nonce, ct, _created in store.query(
        conn, LATEST.format(columns="nonce, ct")
    ):
        try:
            plain = aead.decrypt(nonce, ct, revision_ad(vault_id, note_id, number, saved_at))
        except (InvalidTag, ValueError, TypeError):
            continue  # damaged: verify names it; it never matches
        if raw is not None:
            if raw not in plain.lower():
                continue
        elif needle not in plain.decode("utf-8", "replace").casefold():
            continue
        try:
            fields = json.loads(plain).get("fields", {})
        except ValueError:
            continue
        if casework.same_ref(fields.get("child_ref"), ref):
            found.append(str(note_id))
    return found


@functools.cache
def step_titles() -> dict[str, str]:
    """Procedure step titles by id, from the knowledge base (an unknown id shows as itself)."""
    try:
        data = json.loads((paths.resources_dir() / "procedure.json").read_text("utf-8"))
        return {s["id"]: s["title"] for s in data["steps"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _utc(value: Any) -> str:
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when.astimezone(UTC).isoformat(timespec="seconds")


def _event(at: Any, kind: str, note: str, text: str) -> dict[str, str]:
    return {"at": _utc(at), "kind": kind, "note": note, "text": text}


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    names = [n for n in FIELD_BY_NAME if n != "checklist" and before.get(n) != after.get(n)]
    return [FIELD_BY_NAME[n].label.lower() for n in names]


def note_events(note: Any, created_at: str | None) -> list[dict[str, str]]:
    """The events one note contributes (without its follow-ups)."""
    from helper.vault.export import concern_labels

    out: list[dict[str, str]] = []
    titles = step_titles()
    if note.revisions:
        first, latest = note.revisions[0], note.revisions[-1]
        concern = latest.fields.get("concern", "")
        label = concern_labels().get(concern, concern)
        if latest.fields.get("concern_at"):
            out.append(
                _event(latest.fields["concern_at"], "concern", note.id,
                       f"The concern happened or came to light: {label}.")
            )  # fmt: skip
        out.append(_event(first.saved_at, "note", note.id, f"Note recorded by {first.signed_by}: "
                          f"{label}."))  # fmt: skip
        previous: Mapping[str, Any] = {}
        for rev in note.revisions:
            if rev.number > 1:
                changed = _changed(previous, rev.fields)
                if changed:
                    out.append(
                        _event(rev.saved_at, "revision", note.id,
                               f"Revision {rev.number} saved by {rev.signed_by}; changed: "
                               f"{', '.join(changed)}.")
                    )  # fmt: skip
            before = previous.get("checklist") or {}
            for step, at in (rev.fields.get("checklist") or {}).items():
                if step not in before:
                    title = titles.get(step, step)
                    out.append(
                        _event(at, "checklist", note.id, f"Step done: {title} (ticked by "
                               f"{rev.signed_by}).")
                    )  # fmt: skip
            previous = rev.fields
    elif created_at:
        out.append(_event(created_at, "note", note.id, "Note recorded (its content was deleted)."))
    if note.deleted is not None:
        out.append(
            _event(note.deleted.deleted_at, "deletion", note.id,
                   f"Note deleted by {note.deleted.signed_by}. Reason: {note.deleted.reason}")
        )  # fmt: skip
    return out


def followup_events(items: list[casework.FollowUp]) -> list[dict[str, str]]:
    out = []
    for f in items:
        out.append(
            _event(f.set_at, "follow-up", f.note,
                   f"Follow-up set by {f.set_by}: {f.what} (due {f.due}).")
        )  # fmt: skip
        if f.done:
            text = f"Follow-up done by {f.done_by}: {f.what}."
            if f.outcome:
                text += f" Outcome: {f.outcome}"
            out.append(_event(f.done_at, "follow-up-done", f.note, text))
    return out


def _created_at(conn: sqlite3.Connection, note_id: str) -> str | None:
    rows = store.query(conn, "SELECT created_at FROM notes WHERE id = ?", (note_id,))
    return str(rows[0][0]) if rows else None


def chronology(vault: Vault, ref: str) -> list[dict[str, str]]:
    """Every event for the child reference `ref`, oldest first."""
    wanted = clean_ref(ref)
    aead = vault._require_aead()
    conn = vault._conn
    ids = notes_for_ref(conn, aead, vault.vault_id, wanted)
    # Only a deleted note can have a note-deleted marker: open those and this child's events.
    deleted = [str(r[0]) for r in store.query(conn, "SELECT note_id FROM deletions")]
    rows = followups.events(conn, aead, vault.vault_id, [*ids, *deleted])
    ids += [
        note
        for note, _at, data in rows
        if data.get("kind") == "note-deleted" and casework.same_ref(data.get("child_ref"), wanted)
    ]
    ids = list(dict.fromkeys(ids))
    out: list[dict[str, str]] = []
    for note_id in ids:
        try:
            note = vault.note(note_id)
        except IntegrityError as err:
            at = _created_at(conn, note_id) or datetime.now(UTC)
            out.append(_event(at, "note", note_id, str(err)))
            continue
        out += note_events(note, _created_at(conn, note_id) if note.deleted else None)
    mine = set(ids)
    out += followup_events(list(casework.fold(r for r in rows if r[0] in mine).values()))
    out.sort(key=lambda e: (e["at"], KINDS.index(e["kind"])))
    return out


def summary_for(vault: Vault, note_id: str) -> tuple[list[casework.Section], dict | None]:
    """A live note's referral summary and its borough's directory entry (None if unknown)."""
    from helper.vault.export import TOLD_LABELS

    record = vault.note(note_id)
    if record.deleted is not None or not record.revisions:
        raise BadInput("This note was deleted, so it can no longer be exported.")
    latest = record.latest
    items = followups.followups(vault, note_id)
    sections = casework.referral_summary(
        latest.fields, latest.signed_by, items, TOLD_LABELS, step_titles()
    )
    return sections, casework.borough_entry(latest.fields.get("borough"))

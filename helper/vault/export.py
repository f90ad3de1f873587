"""Export: a plain, printable record of notes for handing to the DSL or pasting into a referral
form. Times are shown in local time with their offset. HTML is one self-contained page: inline
style, a CSP that forbids every outside resource, and every piece of text escaped."""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from helper import domain
from helper.vault.notes import FIELD_BY_NAME, FIELDS, Note, Revision

# The screen's words, from the one domain module: a DSL's copy says "Recorded by", not "Your name".
TOLD_LABELS = domain.TOLD_WHO_LABELS


CONFIDENTIAL = "Confidential: child protection"


@functools.cache
def concern_labels() -> dict[str, str]:
    """The professional wording of each concern, from the knowledge base (facts are data)."""
    from helper import resources
    from helper.errors import IntegrityError

    try:
        concerns = resources.default().concerns  # loaded once per process, and checked
    except IntegrityError:
        return {}  # the export still works, showing the concern id
    return {c["id"]: c["label"]["professional"] for c in concerns.values()}


def local_time(value: datetime | str) -> str:
    """A stored time in local time with its zone (a document travels); "unreadable time" for a
    damaged or extreme one (helper/vault/times.py)."""
    from helper.vault import times

    return times.shown(value, "%d %b %Y, %H:%M %Z (UTC%z)")


def field_lines(name: str, value: Any) -> list[str]:
    """One field as plain lines of text (without its label)."""
    kind = FIELD_BY_NAME[name].kind
    if kind == "datetime":
        return [local_time(value)]
    if kind == "told":
        lines = []
        for entry in value:
            parts = [TOLD_LABELS.get(entry["who"], entry["who"])]
            if entry.get("name"):
                parts.append(entry["name"])
            if entry.get("at"):
                parts.append(local_time(entry["at"]))
            if entry.get("reference"):
                parts.append(f"reference {entry['reference']}")
            lines.append(" - ".join(parts))
        return lines
    if name == "borough":
        from helper import casework

        return [casework.borough_name(str(value))]  # the name, not the stored id
    if name == "concern":
        label = concern_labels().get(value)
        return [f"{label} ({value})" if label else str(value)]
    if kind == "checklist":
        return [f"{step}: done {local_time(at)}" for step, at in value.items()]
    return str(value).split("\n")


def revision_sections(rev: Revision) -> list[tuple[str, list[str]]]:
    return [
        (domain.reading_label(s.name, s.label), field_lines(s.name, rev.fields[s.name]))
        for s in FIELDS
        if s.name in rev.fields
    ]


def sign_off(rev: Revision) -> str:
    return f"Revision {rev.number}, signed by {rev.signed_by}, saved {local_time(rev.saved_at)}"


FOLLOW_UPS = "Follow-ups"


def due_text(
    due: str, time_words: Callable[[str], str] = local_time, day_format: str = "%d %b %Y"
) -> str:
    """A stored due value for reading: a bare day is due by the end of that day. The export
    writes times with their zone (a document travels); the helper's pages pass their own
    shorter form, so both read a due value the same way. `time_words` never raises (it is
    times.shown underneath), so neither does this."""
    from helper.vault import times

    text = str(due)
    if len(text) == 10:
        day = times.readable_due(text)
        return times.UNREADABLE if day is None else f"{day:{day_format}}, by the end of the day"
    return time_words(text)


def followup_lines(item: Any) -> list[tuple[str, str]]:
    """One follow-up (helper.casework.FollowUp) as labelled lines: what, due, set, done."""
    rows = [
        ("What", str(item.what)),
        ("Due", due_text(item.due)),
        ("Set", f"{local_time(item.set_at)} by {item.set_by}"),
    ]
    if item.done_at:
        rows.append(("Done", f"{local_time(item.done_at)} by {item.done_by}"))
        if item.outcome:
            rows.append(("Outcome", str(item.outcome)))
    else:
        rows.append(("Done", "Not done yet"))
    return rows


def followups_text(items: Sequence[Any]) -> list[str]:
    out = ["", FOLLOW_UPS, "-" * 40]
    if not items:
        return [*out, "None set."]
    for number, item in enumerate(items, 1):
        for i, (label, value) in enumerate(followup_lines(item)):
            lead = f"{number}. " if i == 0 else " " * len(f"{number}. ")
            lines = value.split("\n")
            out.append(f"{lead}{label}: {lines[0]}")
            out += [f"{' ' * len(lead)}    {line}" for line in lines[1:]]
    return out


def followups_html(items: Sequence[Any]) -> str:
    e = html.escape
    if not items:
        return f"<h3>{FOLLOW_UPS}</h3><p>None set.</p>"
    parts = [f'<h3>{FOLLOW_UPS}</h3><ol class="followups">']
    for item in items:
        rows = "".join(
            f"<dt>{e(label)}</dt><dd>{e(value)}</dd>" for label, value in followup_lines(item)
        )
        parts.append(f"<li><dl>{rows}</dl></li>")
    parts.append("</ol>")
    return "".join(parts)


def note_text(
    note: Note, followups: Sequence[Any] | None = None, newest_first: bool = False
) -> str:
    """A note as text. An export reads as a history, oldest first; `notes show` passes
    newest_first, because a person at a terminal wants what the record says now, not to
    scroll past every earlier revision to find it."""
    out = [f"Concern record {note.id}", "=" * 40]
    if note.deleted:
        d = note.deleted
        out.append(f"Deleted {local_time(d.deleted_at)} by {d.signed_by}. Reason: {d.reason}")
    if newest_first and len(note.revisions) > 1:
        out.append("Latest revision first.")
    for rev in reversed(note.revisions) if newest_first else note.revisions:
        out += ["", sign_off(rev), "-" * 40]
        for label, lines in revision_sections(rev):
            out.append(f"{label}:")
            out += [f"    {line}" for line in lines]
    if followups is not None:
        out += followups_text(followups)
    return "\n".join(out) + "\n"


def note_html(note: Note, followups: Sequence[Any] | None = None) -> str:
    e = html.escape
    parts = [f"<section><h2>Concern record {e(note.id)}</h2>"]
    if note.deleted:
        d = note.deleted
        parts.append(
            f"<p><strong>Deleted</strong> {e(local_time(d.deleted_at))} by {e(d.signed_by)}. "
            f"Reason: {e(d.reason)}</p>"
        )
    for rev in note.revisions:
        parts.append(f"<h3>{e(sign_off(rev))}</h3><dl>")
        for label, lines in revision_sections(rev):
            body = "<br>".join(e(line) for line in lines)
            parts.append(f"<dt>{e(label)}</dt><dd>{body}</dd>")
        parts.append("</dl>")
    if followups is not None:
        parts.append(followups_html(followups))
    parts.append("</section>")
    return "".join(parts)


PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>Concern records</title>
<style>
body {{ font: 12pt/1.5 serif; max-width: 45em; margin: 2em auto; color: #000; }}
dt {{ font-weight: bold; margin-top: .6em; }} dd {{ margin-left: 1.5em; white-space: pre-wrap; }}
section {{ page-break-after: always; }} h3 {{ border-bottom: 1px solid #000; }}
</style></head><body>
<p><strong>Confidential: child protection.</strong> A safeguarding record: keep it safe and
share it only with those who need it.</p>
{body}
</body></html>
"""


def render(
    notes: list[Note], fmt: str, followups: Mapping[str, Sequence[Any]] | None = None
) -> str:
    """The notes as text or a self-contained page. With `followups` (note id -> that note's
    follow-ups, helper.casework.FollowUp), each note ends with its follow-ups under their own
    heading: what, due, set when and by whom, done when and by whom (or not done yet)."""

    def of(note: Note) -> Sequence[Any] | None:
        return None if followups is None else followups.get(note.id, [])

    if fmt == "html":
        return PAGE.format(body="\n".join(note_html(n, of(n)) for n in notes))
    header = (
        f"{CONFIDENTIAL.upper()}. A safeguarding record: share it only with those who need it.\n\n"
    )
    return header + "\n\n".join(note_text(n, of(n)) for n in notes)

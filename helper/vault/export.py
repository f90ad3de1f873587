"""Export: a plain, printable record of notes for handing to the DSL or pasting into a referral
form. Times are shown in local time with their offset. HTML is one self-contained page: inline
style, a CSP that forbids every outside resource, and every piece of text escaped."""

from __future__ import annotations

import functools
import html
import json
from datetime import datetime
from typing import Any

from helper import domain, paths
from helper.vault.notes import FIELD_BY_NAME, FIELDS, Note, Revision

# The screen's words, from the one domain module: a DSL's copy says "Recorded by", not "Your name".
TOLD_LABELS = domain.TOLD_WHO_LABELS


CONFIDENTIAL = "Confidential: child protection"


@functools.cache
def concern_labels() -> dict[str, str]:
    """The professional wording of each concern, from the knowledge base (facts are data)."""
    try:
        data = json.loads((paths.resources_dir() / "concerns.json").read_text("utf-8"))
        return {c["id"]: c["label"]["professional"] for c in data["concerns"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # the export still works, showing the concern id


def local_time(value: datetime | str) -> str:
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return when.astimezone().strftime("%d %b %Y, %H:%M %Z (UTC%z)")


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


def note_text(note: Note) -> str:
    out = [f"Concern record {note.id}", "=" * 40]
    if note.deleted:
        d = note.deleted
        out.append(f"Deleted {local_time(d.deleted_at)} by {d.signed_by}. Reason: {d.reason}")
    for rev in note.revisions:
        out += ["", sign_off(rev), "-" * 40]
        for label, lines in revision_sections(rev):
            out.append(f"{label}:")
            out += [f"    {line}" for line in lines]
    return "\n".join(out) + "\n"


def note_html(note: Note) -> str:
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


def render(notes: list[Note], fmt: str) -> str:
    if fmt == "html":
        return PAGE.format(body="\n".join(note_html(n) for n in notes))
    header = (
        f"{CONFIDENTIAL.upper()}. A safeguarding record: share it only with those who need it.\n\n"
    )
    return header + "\n\n".join(note_text(n) for n in notes)

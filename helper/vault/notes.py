"""The note model: which fields a safeguarding record has, what each may hold, and how a saved
note is rendered for export. Pure code, no I/O, so the web form, the CLI and the export all use
one source of truth (FIELDS) and one validator (validate_fields).

Why these fields: a good safeguarding record keeps the child's own words verbatim, keeps facts
apart from opinion, says who was present and who was told when (with reference numbers), and is
signed and dated by the person who wrote it (London Safeguarding Children Procedures, and
Working Together to Safeguard Children). Text only: copying an image of a child can itself be an
offence, so nothing here ever holds one."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from helper.domain import CONCERNS  # the concern ids: one list, the domain module's
from helper.errors import BadInput

# Re-exported: the web form and the API promise them here.
from helper.vault.images import IMAGE_REFUSED as IMAGE_REFUSED
from helper.vault.images import refuse_images as refuse_images

STATUSES = ("open", "referred", "closed")
TOLD_WHO = ("dsl", "line-manager", "police", "social-care", "ceop", "lado", "prevent", "other")

# Limits (documented in FORMAT.md): generous for a real record, small enough that a pasted file
# or a runaway script is refused rather than stored.
MAX_TEXT = 20_000  # characters in one free-text field
MAX_LINE = 200  # characters in a one-line field
MAX_CHILD = 40  # initials or a pseudonym, never a full name and address
MAX_CHILD_REF = 64  # a child reference: initials plus a local number
MAX_NOTE_BYTES = 100_000  # the whole revision, as stored (UTF-8 JSON)
MAX_TOLD = 50
MAX_CHECKLIST = 200
STEP_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


@dataclass(frozen=True)
class FieldSpec:
    """One field of the record: how it is labelled, the prompt shown under it, what it holds."""

    name: str
    label: str
    prompt: str
    kind: str  # "text" | "line" | "int" | "datetime" | "choice" | "told" | "checklist" | "borough"
    max_len: int = 0
    required: bool = False
    choices: tuple[str, ...] = ()


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "concern",
        "Type of concern",
        "Pick the one that fits best.",
        "choice",
        required=True,
        choices=CONCERNS,
    ),
    FieldSpec(
        "concern_at",
        "When it happened or came to light",
        "Date and time, as exactly as you know it.",
        "datetime",
    ),
    FieldSpec("recorder_name", "Your name", "The person writing this record.", "line", MAX_LINE),
    FieldSpec(
        "recorder_role", "Your role", "For example: class teacher, youth worker.", "line", MAX_LINE
    ),
    FieldSpec("recorder_org", "Your organisation", "School, club or service.", "line", MAX_LINE),
    FieldSpec(
        "child",
        "The child",
        "Initials or a pseudonym only. Do not write a full name or an address here.",
        "line",
        MAX_CHILD,
    ),
    # casework: a pseudonymous reference that ties a child's notes together, and
    # the child's borough (an id from helper/boroughs.py, or "outside-london").
    FieldSpec(
        "child_ref",
        "Child reference",
        "Initials and a local number, for example JB-0412. The same reference on every note "
        "about this child puts them in one chronology. Never a full name.",
        "line",
        MAX_CHILD_REF,
    ),
    FieldSpec(
        "borough",
        "The child's borough",
        "The London borough the child lives in, or 'outside London'.",
        "borough",
        MAX_LINE,
    ),
    FieldSpec("child_age", "The child's age", "In years, if you know it.", "int"),
    FieldSpec(
        "narrative",
        "What you saw or heard",
        "In your own words: what happened, in the order it happened.",
        "text",
        MAX_TEXT,
    ),
    FieldSpec(
        "child_words",
        "The child's own words",
        "Write the child's words exactly as they said them, even if they are rude or "
        "unclear. Do not tidy them up.",
        "text",
        MAX_TEXT,
    ),
    FieldSpec(
        "questions_asked",
        "Questions you asked",
        "Write each question as you asked it. Open questions only: what, when, where.",
        "text",
        MAX_TEXT,
    ),
    FieldSpec(
        "present", "Who else was there", "Names or roles of anyone present.", "text", MAX_TEXT
    ),
    FieldSpec(
        "demeanour",
        "How the child seemed",
        "What you noticed about how they looked and acted.",
        "text",
        MAX_TEXT,
    ),
    FieldSpec("facts", "Facts", "Only what you know for certain.", "text", MAX_TEXT),
    FieldSpec(
        "opinion",
        "Your opinion",
        "What you think, kept apart from the facts. Say why you think it.",
        "text",
        MAX_TEXT,
    ),
    FieldSpec("platform", "Where online", "The app, game or website.", "line", MAX_LINE),
    FieldSpec(
        "online_details",
        "Usernames and links",
        "Write usernames, profile links and message times as text. Never copy, save or "
        "forward an image.",
        "text",
        MAX_TEXT,
    ),
    FieldSpec("actions", "What you did", "Every action you took, with the time.", "text", MAX_TEXT),
    FieldSpec(
        "told",
        "Who you told",
        "Each person or service you told, when, and any reference number they gave.",
        "told",
    ),
    FieldSpec(
        "next_steps", "Next steps", "What happens next and who will do it.", "text", MAX_TEXT
    ),
    FieldSpec(
        "checklist",
        "Procedure steps done",
        "Tick each step of the procedure as you complete it.",
        "checklist",
    ),
    FieldSpec(
        "status", "Status", "Open until it is referred or closed.", "choice", choices=STATUSES
    ),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}


@dataclass(frozen=True)
class Revision:
    """One saved version of a note, with its sign-off (who saved it and when, UTC)."""

    number: int
    saved_at: datetime
    signed_by: str
    fields: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """As JSON carries it: `notes show --json` and the hand-over bundle (HANDOVER.md)."""
        return {
            "number": self.number,
            "saved_at": self.saved_at.isoformat(timespec="microseconds"),
            "signed_by": self.signed_by,
            "fields": self.fields,
        }


@dataclass(frozen=True)
class DeletionRecord:
    """What is left of a deleted note: that it existed, when it went, why and who did it."""

    deleted_at: datetime
    reason: str
    signed_by: str


@dataclass(frozen=True)
class Note:
    """A note with every revision, oldest first. `latest` is what the record says now."""

    id: str
    revisions: tuple[Revision, ...]
    deleted: DeletionRecord | None = None

    @property
    def latest(self) -> Revision:
        return self.revisions[-1]


class NoteSummary(NamedTuple):
    """One line of the notes list: enough to find a note without showing its contents.
    A named tuple, not a frozen dataclass: the list builds 10,000 of these, and a frozen
    dataclass's __init__ sets each field through object.__setattr__ (a third of the list's
    own cost)."""

    id: str
    created_at: datetime
    updated_at: datetime
    revisions: int
    concern: str
    status: str
    deleted: bool = False


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of `verify`: ok, or each problem named in a plain sentence."""

    problems: list[str] = field(default_factory=list)
    notes_checked: int = 0
    revisions_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


# ---- validation -----------------------------------------------------------------------------

# The one text rule: the characters no field may hold, wherever a person or a bundle gives text.
# They change what a terminal or a page shows without being seen: the controls (Unicode category
# Cc is exactly U+0000-001F and U+007F-009F; C1 holds the terminal's CSI, U+009B), the
# bidirectional controls (U+202A-202E, U+2066-2069 and the marks U+200E, U+200F, U+061C, which
# can make a child reference or a name read backwards) and the Unicode line and paragraph
# separators (a second line inside a one-line field). Tab and newline are allowed in free text.
# (Lone surrogates are caught by the UTF-8 check before this.)
HIDDEN = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{HIDDEN}]")
_CONTROL_ONE_LINE = re.compile(f"[\t\n{HIDDEN}]")


def shown_safely(text: str) -> str:
    """Stored text with every character the rule above refuses (tab and newline apart) written
    as a visible \\uXXXX escape: how the command line prints what an older Waymark let in.
    Inside JSON that escape is JSON's own, so printed JSON still reads back exactly."""
    return _CONTROL.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def clean_text(label: str, value: Any, max_len: int, one_line: bool = False) -> str:
    """Check one piece of text: a string, valid Unicode, no hidden control characters, in size.

    Line ends are normalised (a browser textarea sends CRLF); tabs and newlines are kept."""
    if not isinstance(value, str):
        raise BadInput(f"{label}: expected text.")
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    refuse_images(text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadInput(f"{label}: the text is not valid UTF-8.") from None
    if "\x00" in text:
        raise BadInput(f"{label}: the text contains a NUL byte, which is not allowed.")
    control = (_CONTROL_ONE_LINE if one_line else _CONTROL).search(text)
    if control:
        code = ord(control.group())
        raise BadInput(f"{label}: the text contains a control character (U+{code:04X}).")
    if len(text) > max_len:
        raise BadInput(f"{label}: too long ({len(text):,} characters; the limit is {max_len:,}).")
    return text.strip() if one_line else text


def parse_time(label: str, value: Any) -> str:
    """An ISO 8601 date-time, stored as UTC. Without an offset it is taken as this machine's
    local time, because that is what a person typing into a form means. Inside the one range
    (helper/vault/times.py), checked before the time is moved to UTC and after."""
    from helper.vault import times

    if not isinstance(value, str) or len(value) > 64:
        raise BadInput(f"{label}: expected a date and time like 2025-03-01T14:30+00:00.")
    text = value.strip()
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(f"{label}: expected a date and time like 2025-03-01T14:30+00:00.") from None
    if not times.in_range(when):
        raise BadInput(times.out_of_range(label, text))
    if when.tzinfo is None:
        when = when.astimezone()
    stored = when.astimezone(UTC)
    if not times.in_range(stored):
        raise BadInput(times.out_of_range(label, text))
    return stored.isoformat(timespec="seconds")


def _told(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list) or len(value) > MAX_TOLD:
        raise BadInput(f"Who you told: expected a list of at most {MAX_TOLD} entries.")
    out = []
    for entry in value:
        if not isinstance(entry, Mapping) or set(entry) - {"who", "at", "reference", "name"}:
            raise BadInput("Who you told: each entry has only who, at, reference and name.")
        who = entry.get("who")
        if who not in TOLD_WHO:
            raise BadInput(f"Who you told: 'who' must be one of {', '.join(TOLD_WHO)}.")
        item = {"who": who}
        if entry.get("at"):
            item["at"] = parse_time("Who you told (time)", entry["at"])
        for key in ("reference", "name"):
            if entry.get(key):
                item[key] = clean_text(f"Who you told ({key})", entry[key], MAX_LINE, True)
        out.append(item)
    return out


def _checklist(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping) or len(value) > MAX_CHECKLIST:
        raise BadInput("Procedure steps: expected step ids with the time each was ticked.")
    out = {}
    for step, at in value.items():
        if not isinstance(step, str) or not STEP_ID.fullmatch(step):
            raise BadInput("Procedure steps: a step id is not valid.")
        out[step] = parse_time("Procedure steps (time)", at)
    return out


def _one(spec: FieldSpec, value: Any) -> Any:
    label = spec.label
    if spec.kind in ("text", "line"):
        return clean_text(label, value, spec.max_len, one_line=spec.kind == "line")
    if spec.kind == "int":
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 25:
            raise BadInput(f"{label}: expected a whole number from 0 to 25.")
        return value
    if spec.kind == "datetime":
        return parse_time(label, value)
    if spec.kind == "borough":  # forgiving names; stored as the directory's id
        from helper.casework import borough_id

        return borough_id(clean_text(label, value, spec.max_len, one_line=True))
    if spec.kind == "choice":
        if value not in spec.choices:
            raise BadInput(f"{label}: must be one of {', '.join(spec.choices)}.")
        return value
    if spec.kind == "told":
        return _told(value)
    return _checklist(value)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def validate_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check and normalise a whole record. Empty fields are dropped; status defaults to open.

    Raises BadInput naming the first field that is wrong, so nothing half-valid is ever stored."""
    if not isinstance(raw, Mapping):
        raise BadInput("A note must be a set of named fields.")
    unknown = sorted(str(k) for k in raw if k not in FIELD_BY_NAME)
    if unknown:
        raise BadInput(f"Unknown field: {unknown[0]}.")
    out: dict[str, Any] = {}
    for spec in FIELDS:
        value = raw.get(spec.name)
        if _blank(value):
            if spec.required:
                raise BadInput(f"{spec.label} is required.")
            continue
        value = _one(spec, value)
        if not _blank(value):
            out[spec.name] = value
    out.setdefault("status", "open")
    return out


def clean_signature(signed_by: str) -> str:
    """The sign-off name on a revision or deletion: one line, not empty."""
    name = clean_text("Signed by", signed_by, MAX_LINE, one_line=True)
    if not name:
        raise BadInput("Signed by: give the name of the person saving this record.")
    return name


def clean_reason(reason: str) -> str:
    """Why a note is being deleted: required, because the record that it existed says why."""
    text = clean_text("Reason for deleting", reason, MAX_TEXT).strip()
    if not text:
        raise BadInput("Give a reason for deleting this note.")
    return text


def searchable_text(fields: Mapping[str, Any]) -> str:
    """All the words of a record, case-folded, for search (the checklist holds only ids)."""
    parts: list[str] = []
    for name, value in fields.items():
        if name == "checklist":
            continue
        if isinstance(value, list):
            parts.extend(str(v) for entry in value for v in entry.values())
        else:
            parts.append(str(value))
    return "\n".join(parts).casefold()

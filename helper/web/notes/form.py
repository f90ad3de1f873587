"""The note form, generated from helper.vault.notes.FIELDS so the vault's field list is the one
source of truth: a field added there appears here with its label, prompt and limits.

Values travel as the plain "raw" mapping that `validate_fields` takes: strings for ordinary
fields, a list of {who, at, reference, name} rows for `told`, and the checklist carried over
untouched (it is ticked on the note page, never typed). The same mapping refills the form after a
refusal, so a person never loses what they wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from helper import domain
from helper.errors import BadInput

NOT_TYPED = frozenset({"checklist"})  # ticked on the note page
TOLD_PARTS = ("who", "at", "reference", "name")
TOLD_LABELS = domain.TOLD_PART_LABELS
MAX_TOLD_ROWS = 20
SPARE_TOLD_ROWS = 2
# The one host rule (helper/domain.py): a bare host name, never a URL, path, port or user info.
WIDGETS = {
    "line": "line",
    "text": "area",
    "int": "number",
    "datetime": "datetime",
    "choice": "select",
    "told": "told",
    "borough": "line",  # casework: a borough name, matched forgivingly by the vault
}
# Who was told, and the labels a reader sees, are the domain's (the export uses the same words).
TOLD_WHO_LABELS = domain.TOLD_WHO_LABELS
READING_LABELS = domain.READING_LABELS

# The guided note form: short steps, each saved as a draft revision, then a summary to check.
# A field of FIELDS not named here goes on the last step, so a new field is never lost.
GUIDED_STEPS = (
    (
        "what",
        "What happened",
        (
            "concern",
            "concern_at",
            "recorder_name",
            "platform",
            "online_details",
            "narrative",
            "present",
        ),
    ),
    (
        "words",
        "The child's own words",
        (
            "child",
            "child_ref",
            "child_age",
            "borough",
            "child_words",
            "questions_asked",
            "demeanour",
        ),
    ),
    ("told", "Who you told", ("actions", "told")),
    (
        "next",
        "What next",
        ("facts", "opinion", "next_steps", "status", "recorder_role", "recorder_org"),
    ),
)
CHECK_STEP = "check"
# Concerns about an adult: the child's age is not asked (as in the signposting flow).
ADULT_CONCERNS = domain.ADULT_CONCERNS
# The procedure step this layer ticks by itself on saving (an id of resources/procedure.json).
RECORD_STEP = "record-concern"
STATUS_LABELS = {"open": "Open", "referred": "Referred", "closed": "Closed"}


def specs() -> tuple:
    from helper.vault.notes import FIELDS

    return tuple(FIELDS)


def typed_specs() -> tuple:
    return tuple(s for s in specs() if s.name not in NOT_TYPED)


def step_ids() -> tuple[str, ...]:
    return tuple(step for step, _, _ in GUIDED_STEPS)


def step_title(step: str) -> str:
    return {sid: title for sid, title, _ in GUIDED_STEPS}.get(step, "Check and save")


def step_specs(step: str, concern: str = "") -> tuple:
    """The fields of one guided step, in FIELDS order; no child's age for an adult concern."""
    named = {name for _, _, names in GUIDED_STEPS for name in names}
    wanted = next(names for sid, _, names in GUIDED_STEPS if sid == step)
    last = step == GUIDED_STEPS[-1][0]
    chosen = [s for s in typed_specs() if s.name in wanted or (last and s.name not in named)]
    order = {name: i for i, name in enumerate(wanted)}
    chosen.sort(key=lambda s: order.get(s.name, len(order)))
    if concern in ADULT_CONCERNS:
        chosen = [s for s in chosen if s.name != "child_age"]
    return tuple(chosen)


def next_step(step: str) -> str:
    ids = step_ids()
    index = ids.index(step)
    return ids[index + 1] if index + 1 < len(ids) else CHECK_STEP


def merged(saved: Mapping[str, Any], typed: Mapping[str, Any], step: str) -> dict[str, Any]:
    """The saved values with this step's fields replaced by what was typed."""
    names = {s.name for s in step_specs(step)}
    return {**saved, **{k: v for k, v in typed.items() if k in names}}


def reading_label(spec: Any) -> str:
    return domain.reading_label(spec.name, spec.label)


def widget(spec: Any) -> str:
    """Which control a field gets, from its kind; unknown kinds get a text box."""
    return WIDGETS.get(str(spec.kind), "area")


def local_input(value: object) -> str:
    """A stored UTC time as the value of a datetime-local box (this machine's local time,
    no offset), because that is what the person sees and types; the vault reads it back as
    local time."""
    from helper.vault import times

    text = "" if value is None else str(value)
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if not times.in_range(when):
        return text  # as stored: the box shows it empty, and saving says why it is refused
    if when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)
    return when.replace(microsecond=0).isoformat(timespec="minutes")


def shown_time(value: object) -> str:
    """A stored time for reading: local, to the minute, with the day spelled out; "unreadable
    time" for a damaged or extreme one (helper/vault/times.py)."""
    from helper.vault import times

    return times.shown(value, "%a %d %b %Y, %H:%M")


def values_from_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A saved revision's fields as form values (for revising)."""
    values: dict[str, Any] = {}
    for spec in specs():
        value = fields.get(spec.name)
        if spec.name == "told":
            values["told"] = [
                {p: _shown_part(p, row.get(p)) for p in TOLD_PARTS} for row in value or []
            ]
        elif spec.name == "checklist":
            values["checklist"] = dict(value or {})
        elif widget(spec) == "datetime" and value:
            values[spec.name] = local_input(value)
        else:
            values[spec.name] = "" if value is None else str(value)
    return values


def _shown_part(part: str, value: object) -> str:
    if value is None:
        return ""
    return local_input(value) if part == "at" else str(value)


def values_from_form(form: Mapping[str, list[str]], checklist: Mapping[str, str]) -> dict:
    """What the person typed, as raw values; `checklist` comes from the note, not the form."""

    def one(name: str) -> str:
        got = form.get(name) or [""]
        return got[0] if isinstance(got, list) else str(got)

    values: dict[str, Any] = {}
    for spec in specs():
        if spec.name == "checklist":
            values["checklist"] = dict(checklist)
        elif widget(spec) == "told":
            rows = []
            for i in range(MAX_TOLD_ROWS):
                row = {p: one(f"told-{i}-{p}").strip() for p in TOLD_PARTS}
                if any(row.values()):
                    rows.append(row)
            values[spec.name] = rows
        else:
            values[spec.name] = one(spec.name).strip()
    return values


def refuse_uploads(uploads: int) -> None:
    """No form here has a file box; a file sent anyway is refused with the vault's explanation
    (text that carries an image is refused by validate_fields itself)."""
    from helper.vault.notes import IMAGE_REFUSED

    if uploads:
        raise BadInput(IMAGE_REFUSED)


def to_raw(values: Mapping[str, Any]) -> dict[str, Any]:
    """Form values as the raw mapping for validate_fields: empty optional fields left out."""
    raw: dict[str, Any] = {}
    for name, value in values.items():
        if name == "told":
            raw[name] = [{k: v for k, v in row.items() if v} for row in value]
        elif name == "checklist":
            raw[name] = dict(value)
        elif value != "":
            raw[name] = value
    return raw


def told_rows(values: Mapping[str, Any]) -> list[dict[str, str]]:
    """The saved rows plus a couple of empty ones to fill in (no JavaScript needed)."""
    rows = list(values.get("told") or [])
    empty = dict.fromkeys(TOLD_PARTS, "")
    return (rows + [dict(empty) for _ in range(SPARE_TOLD_ROWS)])[:MAX_TOLD_ROWS]


# The query values the new-note page reads (prefill below), and so the only ones its links pass
# on: a query is never handed to url_for whole, where a name like `endpoint`, `_anchor` or
# `_external` is one of url_for's own arguments.
PREFILL_ARGS = ("platform", "at", "concern", "age", "borough")


def known_args(args: Mapping[str, str]) -> dict[str, str]:
    """The prefill values of a query, as given (prefill checks them again on the next page)."""
    return {name: str(args[name]) for name in PREFILL_ARGS if args.get(name)}


def prefill(args: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """Values the extension or a routes page passes
    (`?platform=HOST&at=ISO&concern=ID&age=N&borough=ID`), each checked; a value that fails is
    left out and named, so the note still starts and nothing odd gets in."""
    values: dict[str, str] = {}
    dropped: list[str] = []
    host = (args.get("platform") or "").strip().lower()
    if host:
        if domain.is_host(host):
            values["platform"] = host
        else:
            dropped.append("the website")
    concern = (args.get("concern") or "").strip()
    if concern:
        from helper.vault.notes import FIELD_BY_NAME

        if concern in FIELD_BY_NAME["concern"].choices:
            values["concern"] = concern
        else:
            dropped.append("the type of concern")
    age = (args.get("age") or "").strip()
    if age:
        if age.isdigit() and 0 <= int(age) <= 25:
            values["child_age"] = str(int(age))
        else:
            dropped.append("the child's age")
    borough = (args.get("borough") or "").strip()
    if borough:
        shown = borough_prefill(borough)
        if shown:
            values["borough"] = shown
        else:
            dropped.append("the borough")
    moment = (args.get("at") or "").strip()
    if moment:
        when = parse_moment(moment)
        if when is None:
            dropped.append("the time")
        else:
            values["concern_at"] = local_input(when)
    return values, dropped


def borough_prefill(text: str) -> str | None:
    """The borough's name for the form (what a person would type; the vault matches it again
    on saving), from the id the routes page passes; None unless it is a listed borough or
    "outside London"."""
    from helper import casework

    if len(text) > 60:
        return None
    try:
        return casework.borough_name(casework.borough_id(text))
    except BadInput:
        return None


def parse_moment(text: str) -> str | None:
    """An ISO 8601 time with an offset, inside the vault's one range (helper/vault/times.py),
    rewritten to the second; None if it is not one."""
    from helper.vault import times

    if len(text) > 40:
        return None
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None or not times.in_range(when):
        return None
    return when.replace(microsecond=0).isoformat()


def revision_names(revisions: Sequence[Any]) -> dict[int, str]:
    """What each revision is called on the pages: "Revision 1" for the first saved record,
    "Draft 2" for a step of the guided form saved on the way.

    The guided form saves every step as a revision (append-only, so nothing typed is ever
    lost), and only its final save ticks "Record the concern". So the revisions before the
    first one with that tick are drafts of the record, and the record's own revisions are
    counted from there. A note with no such tick (made elsewhere, say `waymark notes new`)
    has no drafts: every revision is a revision."""
    first = next(
        (
            i
            for i, rev in enumerate(revisions)
            if RECORD_STEP in (rev.fields.get("checklist") or {})
        ),
        0,
    )
    return {
        rev.number: f"Draft {i + 1}" if i < first else f"Revision {i - first + 1}"
        for i, rev in enumerate(revisions)
    }


def saved_count(revisions: Sequence[Any]) -> int:
    """How many of a note's revisions are the record's own (drafts not counted)."""
    return sum(1 for name in revision_names(revisions).values() if name.startswith("Revision"))


def now_iso() -> str:
    """The time a checklist step was ticked: UTC, to the second, with its offset."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()

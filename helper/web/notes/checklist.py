"""The referral checklist of a note: the professional procedure steps for its concern, taken from
the engine and resources/procedure.json (never written here), plus the concern's plain label."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from helper.errors import BadInput

if TYPE_CHECKING:
    from helper.engine import ProcedureStep

# The engine and the knowledge base load on first use, not when the app starts: the start page
# needs neither, and the helper's cold start is a measured goal.


def child_age(fields: Mapping[str, Any]) -> int | None:
    """The child's age if the note gives a usable one; the engine treats None as unknown."""
    from helper import engine

    try:
        age = int(str(fields.get("child_age", "")).strip())
    except ValueError:
        return None
    low, high = engine.AGE_LIMITS
    return age if low <= age <= high else None


def procedure_for(fields: Mapping[str, Any]) -> tuple[ProcedureStep, ...]:
    """Steps for this note's concern and age, in the order they are followed (the knowledge
    base puts "Tell the DSL today" first, with recording the concern beside it)."""
    from helper import engine, resources

    answers = engine.Answers("professional", child_age(fields), str(fields.get("concern", "")))
    try:
        steps = engine.route(answers, resources.default()).procedure
    except BadInput:
        return ()
    return tuple(steps)


def concern_label(concern: str) -> str:
    """The professional wording of a concern id, or the id itself if the knowledge base has
    since dropped it (an old note must still show)."""
    from helper import resources

    entry = resources.default().concerns.get(concern)
    if not entry:
        return str(concern)
    return entry["label"].get("professional") or str(concern)


# A checklist step that an entry in "Who you told" can tick, with that entry's time: the step
# id (resources/procedure.json) and who the entry must name (helper.domain.TOLD_WHO_LABELS).
TICKED_BY_TELLING = {"tell-dsl": "dsl"}


def told_offers(fields: Mapping[str, Any], ticked: Mapping[str, str]) -> dict[str, dict]:
    """For each unticked step that the record already shows done (the DSL told, at a time),
    the entry that shows it: {"index", "at", "name"}. The note page offers to tick the step
    from it, so recording "told the DSL at 12:00" is not followed by an empty tick box."""
    offers: dict[str, dict] = {}
    rows = fields.get("told") or []
    for step, who in TICKED_BY_TELLING.items():
        if step in ticked:
            continue
        for index, row in enumerate(rows):
            if isinstance(row, Mapping) and row.get("who") == who and row.get("at"):
                offers[step] = {"index": index, "at": row["at"], "name": row.get("name") or ""}
                break
    return offers


def told_time(fields: Mapping[str, Any], step: str, raw_index: str) -> str:
    """The time to tick `step` with, from the "Who you told" entry the person chose; BadInput
    in one sentence when that entry cannot tick it (gone, someone else, no time)."""
    offer = told_offers(fields, {}).get(step)
    if offer is None or raw_index != str(offer["index"]):
        raise BadInput("That entry in “Who you told” cannot tick this step. Tick it by hand.")
    return str(offer["at"])

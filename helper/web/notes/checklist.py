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

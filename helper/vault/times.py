"""Times in the vault: stored as UTC ISO 8601 text; the front ends show them in local time.

The one range rule. Python's datetime runs from year 1 to year 9999, but a time near either end
cannot be moved to a zone far from UTC, given a day more (a due day lasts until its end) or a
few working days, without raising. So every time a bundle or a person gives is checked against
one sane range on the way in (FIRST_YEAR to LAST_YEAR, in UTC), here and nowhere else: a time
inside it can be shown in every zone and have any deadline Waymark computes added to it. A time
already stored outside it (an older Waymark accepted any), or damaged, is shown as UNREADABLE
by `shown`, never raised."""

from __future__ import annotations

from datetime import UTC, date, datetime

FIRST_YEAR = 1900  # a historic disclosure can be about the 1900s; nothing real is earlier
LAST_YEAR = 2199
UNREADABLE = "unreadable time"
# Everything one of these can raise for a time at an edge or in a damaged form.
TIME_ERRORS = (ValueError, OverflowError, OSError, TypeError)


def now_utc() -> str:
    """Now, as the vault stores it (UTC, microseconds)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text)


def in_range(moment: datetime) -> bool:
    """Whether a time is inside the range. A time without an offset is judged by its own
    year (the caller has not said which zone it is in); one with an offset by its UTC year.
    The year is looked at first, so the conversion can never overflow."""
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        return False
    if moment.tzinfo is None or moment.utcoffset() is None:
        return True
    return FIRST_YEAR <= moment.astimezone(UTC).year <= LAST_YEAR


def day_in_range(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def out_of_range(label: str, text: str) -> str:
    """The one sentence for a time outside the range, wherever a person typed it."""
    shown = "".join(c if c.isprintable() else "?" for c in str(text))[:40]
    return (
        f"{label}: {shown} is outside the dates Waymark can keep; give a date from "
        f"{FIRST_YEAR} to {LAST_YEAR}."
    )


def parse_stored(text: object) -> datetime:
    """A stored (or carried) time: ISO 8601 with an offset, inside the range. ValueError
    otherwise, so every reader of a bundle and every check of a person's input says no in the
    same way."""
    if not isinstance(text, str):
        raise ValueError("not a time")
    try:
        moment = datetime.fromisoformat(text)
    except TIME_ERRORS:
        raise ValueError("not a time") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("time without offset")
    if not in_range(moment):
        raise ValueError("time out of range")
    return moment


def parse_day(text: object) -> date:
    """A day in its one stored form (YYYY-MM-DD), inside the range; ValueError otherwise."""
    if not isinstance(text, str) or len(text) != 10:
        raise ValueError("not a day")
    day = date.fromisoformat(text)
    if day.isoformat() != text or not day_in_range(day):
        raise ValueError("day out of range")
    return day


def readable(value: object) -> datetime | None:
    """A stored time as a datetime, or None when it is damaged or outside the range: every
    place that computes with a stored time (a deadline, a sort, a zone) asks this first."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None and in_range(value) else None
    try:
        return parse_stored(value)
    except ValueError:
        return None


def readable_due(value: object) -> date | datetime | None:
    """A stored due value (a day, or a time with its offset), or None when unreadable."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return parse_day(value)
        except ValueError:
            return None
    return readable(value)


def shown(value: object, fmt: str) -> str:
    """A stored time in this machine's local time, formatted; UNREADABLE for a damaged or
    extreme one. A time without an offset (a form's own value) is shown as it is."""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except TIME_ERRORS:
            return UNREADABLE
    elif isinstance(value, datetime):
        moment = value
    else:
        return UNREADABLE
    if not in_range(moment):
        return UNREADABLE
    try:
        local = moment.astimezone() if moment.tzinfo is not None else moment
        return local.strftime(fmt)
    except TIME_ERRORS:
        return UNREADABLE

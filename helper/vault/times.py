"""Times in the vault: stored as UTC ISO 8601 text; the front ends show them in local time."""

from __future__ import annotations

from datetime import UTC, datetime


def now_utc() -> str:
    """Now, as the vault stores it (UTC, microseconds)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text)

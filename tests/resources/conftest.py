"""The knowledge base the resources tests read, and a planted copy a test may break, one file at
a time (tests/support/planted.py)."""

from __future__ import annotations

from tests.support.planted import RESOURCES, planted

__all__ = ["RESOURCES", "planted"]

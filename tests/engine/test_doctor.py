"""The pure part of `waymark doctor`: which review dates count as stale."""

from __future__ import annotations

import datetime as dt

import pytest

from helper.cli.doctor import CHECKS, Check, review_cutoff, stale_entries

D = dt.date


@pytest.mark.parametrize(
    ("today", "cutoff"),
    [
        (D(2026, 11, 28), D(2025, 11, 28)),
        (D(2028, 2, 29), D(2027, 2, 28)),
        (D(2026, 1, 31), D(2025, 1, 31)),
        (D(2026, 3, 31), D(2025, 3, 31)),
    ],
)
def test_cutoff_is_twelve_months_back(today, cutoff):
    assert review_cutoff(today) == cutoff


def test_review_cutoff_handles_month_ends_for_other_spans():
    assert review_cutoff(D(2026, 3, 31), months=1) == D(2026, 2, 28)


def test_stale_entries_lists_only_older_than_twelve_months_or_future():
    dated = [
        ("services.json", "ceop", "2025-11-28"),  # exactly 12 months: still current
        ("services.json", "iwf", "2025-11-27"),  # a day older: stale
        ("platforms.json", "tiktok", "2026-11-28"),
        ("routes.json", "rule-x", "2026-11-29"),  # in the future: a typo to flag
    ]
    assert stale_entries(dated, D(2026, 11, 28)) == [
        ("services.json", "iwf", "2025-11-27"),
        ("routes.json", "rule-x", "2026-11-29"),
    ]


def test_checks_are_a_list_of_functions_returning_checks():
    for check in CHECKS:
        result = check(D(2026, 11, 30))
        assert isinstance(result, Check) and result.ok and result.lines

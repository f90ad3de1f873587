"""The pure part of `waymark doctor`: which review dates count as stale."""

from __future__ import annotations

import datetime as dt

import pytest

from helper.cli.doctor import CHECKS, Check, evidence_report, review_cutoff, stale_entries

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
        result = check(D(2026, 12, 7))
        assert isinstance(result, Check) and result.lines
        assert result.ok, result.lines


def entry(ident, *checked):
    e = {"id": ident}
    if checked:
        e["evidence"] = [
            {"url": "https://www.gov.uk/", "checked": c, "confirms": "the phone number"}
            for c in checked
        ]
    return e


def test_evidence_report_counts_names_the_missing_and_the_out_of_date():
    services = [entry("ceop", "2026-11-30"), entry("iwf"), entry("nspcc", "2025-01-01")]
    documents = {
        "services": {"services": services},
        "platforms": {"platforms": [entry("tiktok", "2025-06-01", "2026-11-01")]},
    }
    report = evidence_report(documents, D(2026, 11, 30))
    assert report.counts == (("services.json", 2, 3), ("platforms.json", 1, 1))
    assert report.missing == (("services.json", "iwf"),)
    # the newest check counts: tiktok was re-checked this month
    assert report.stale == (("services.json", "nspcc", "2025-01-01"),)


def test_evidence_report_reads_boroughs_when_present_and_flags_future_dates():
    documents = {"boroughs": {"boroughs": [entry("camden", "2027-01-01"), entry("hackney")]}}
    report = evidence_report(documents, D(2026, 11, 30))
    assert report.counts == (("boroughs.json", 1, 2),)
    assert report.missing == (("boroughs.json", "hackney"),)
    assert report.stale == (("boroughs.json", "camden", "2027-01-01"),)


def test_evidence_report_of_a_fully_evidenced_base_is_clean():
    documents = {"services": {"services": [entry("ceop", "2026-11-30")]}}
    report = evidence_report(documents, D(2026, 11, 30))
    assert report.missing == () and report.stale == ()

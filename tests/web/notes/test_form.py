"""The pure parts of the note form: checking what the extension's link passes in, and turning
stored UTC times into what a datetime-local box shows."""

from __future__ import annotations

import pytest

from helper.web.notes import form


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("www.instagram.com", "www.instagram.com"),
        ("Discord.COM", "discord.com"),
        ("my_server.example", None),  # one host grammar everywhere (helper/domain.py)
        ("evil.test/<script>", None),
        ("https://www.tiktok.com/", None),
        ("host:8080", None),
        ("user@host.com", None),
        ("a..b", None),
        ("-lead.example", None),
        ("x" * 254, None),
        ("caf\u00e9.example", None),
    ],
)
def test_prefill_keeps_only_a_bare_host(given, kept):
    values, dropped = form.prefill({"platform": given})
    assert values.get("platform") == kept
    assert dropped == ([] if kept else ["the website"])


@pytest.mark.parametrize(
    ("given", "ok"),
    [
        ("2026-11-29T02:24:04+00:00", True),
        ("2026-11-29T02:24:04.123Z", True),
        ("2026-11-29T02:24:04", False),  # no offset: we cannot know which clock it means
        ("yesterday", False),
        ("2026-13-01T00:00:00Z", False),
        ("2" * 41, False),
    ],
)
def test_prefill_time_needs_an_offset(given, ok):
    values, dropped = form.prefill({"at": given})
    assert ("concern_at" in values) is ok
    assert dropped == ([] if ok else ["the time"])


def test_stored_utc_time_is_shown_in_local_time_to_the_minute(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")
    import time

    time.tzset()
    try:
        assert form.local_input("2026-07-01T12:30:59+00:00") == "2026-07-01T13:30"
        assert form.local_input("2026-12-01T12:30:00+00:00") == "2026-12-01T12:30"
        assert form.local_input("not a time") == "not a time"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_told_rows_always_offer_empty_rows_to_fill():
    rows = form.told_rows({"told": [{"who": "dsl", "at": "", "reference": "", "name": "A"}]})
    assert len(rows) == 1 + form.SPARE_TOLD_ROWS
    assert rows[1] == dict.fromkeys(form.TOLD_PARTS, "")

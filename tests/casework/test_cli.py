"""Casework from the command line as a person or a script runs it: real `waymark` processes, a
real vault under WAYMARK_HOME, exit codes 0 and 2, one-line errors, and nothing saved when the
input is refused."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.vault.test_cli import env as env
from tests.vault.test_cli import init, waymark


def new(env, *extra: str) -> str:
    result = waymark(
        env, "notes", "new", "--concern", "grooming", "--child", "JB", "--age", "14",
        "--when", "2026-11-27T09:00", "--narrative", "A man asked for photos",
        "--signed-by", "Ms Reed", *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[0]


def rows(env, table: str) -> int:
    path = f"{env['WAYMARK_HOME']}/vault.sqlite3"
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_child_ref_and_borough_are_saved_with_forgiving_borough_names(env):
    init(env)
    note = new(env, "--child-ref", "JB-0412", "--borough", "tower  HAMLETS")
    shown = waymark(env, "notes", "show", note)
    assert "JB-0412" in shown.stdout
    assert "Tower Hamlets" in shown.stdout  # the borough by its name, stored by its id
    outside = new(env, "--child-ref", "JB-0412", "--borough", "outside London")
    assert "Outside London" in waymark(env, "notes", "show", outside).stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--borough", "Tower Hamletz"), "Did you mean: Tower Hamlets?"),
        (("--child-ref", "JB\x07-1"), "control character"),
        (("--child-ref", "J" * 65), "the limit is 64"),
        (("--when", "2026-02-30T10:00"), "When it happened"),
    ],
)
def test_bad_note_input_is_refused_and_nothing_is_saved(env, extra, message):
    init(env)
    result = waymark(env, "notes", "new", "--concern", "grooming", "--signed-by", "R", *extra)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert rows(env, "notes") == 0


def test_follow_up_due_and_done(env):
    init(env)
    note = new(env, "--child-ref", "JB-0412")
    empty = waymark(env, "notes", "due", "--json")
    assert empty.returncode == 0 and json.loads(empty.stdout) == []
    assert waymark(env, "notes", "due").stdout.strip() == "Nothing is due."
    later = waymark(env, "notes", "follow-up", note, "--what", "Chase MASH", "--due", "2026-12-09")
    assert later.returncode == 0, later.stderr
    soon = waymark(
        env, "notes", "follow-up", note, "--what", "Send written referral",
        "--due", "2026-12-01T10:30",
    )  # fmt: skip
    first, later_id = soon.stdout.splitlines()[0], later.stdout.splitlines()[0]
    assert len(first) == 8 and all(c in "0123456789abcdef" for c in first)
    env = {**env, "WAYMARK_NOW": "2026-12-05T12:00:00+00:00"}
    due = json.loads(waymark(env, "notes", "due", "--json").stdout)
    assert [d["followup"] for d in due] == [first, later_id]  # most urgent first
    assert set(due[0]) == {"note", "followup", "what", "due", "overdue"}
    assert due[0]["overdue"] is True and due[1]["overdue"] is False
    assert due[0]["note"] == note and due[0]["what"] == "Send written referral"
    assert "OVERDUE" in waymark(env, "notes", "due").stdout
    done = waymark(env, "notes", "follow-up", note, "--done", first, "--outcome", "Emailed")
    assert done.returncode == 0, done.stderr
    assert [d["followup"] for d in json.loads(waymark(env, "notes", "due", "--json").stdout)] == [
        later_id
    ]
    again = waymark(env, "notes", "follow-up", note, "--done", first)
    assert again.returncode == 2 and "already marked done" in again.stderr
    assert waymark(env, "verify").returncode == 0


@pytest.mark.parametrize(
    ("due", "message"),
    [
        ("2026-02-30", "not a real date"),
        ("2026-12-01T25:00", "not a real date"),
        ("next week", "not a date"),
        ("2026-11-26", "before the concern happened"),
    ],
)
def test_bad_follow_ups_are_refused_and_nothing_is_saved(env, due, message):
    init(env)
    note = new(env)
    result = waymark(env, "notes", "follow-up", note, "--what", "Chase", "--due", due)
    assert result.returncode == 2
    assert message in result.stderr
    assert rows(env, "casework") == 0


def test_follow_up_needs_a_live_note_and_what_and_due(env):
    init(env)
    note = new(env)
    assert waymark(env, "notes", "follow-up", note, "--what", "x").returncode == 2
    missing = waymark(env, "notes", "follow-up", "0" * 16, "--what", "x", "--due", "2027-01-01")
    assert missing.returncode == 1 and "no note" in missing.stderr
    unknown = waymark(env, "notes", "follow-up", note, "--done", "abcdef12")
    assert unknown.returncode == 1 and "no follow-up" in unknown.stderr


def test_chronology_shows_every_event_for_one_child_in_order(env):
    init(env)
    first = new(env, "--child-ref", "JB-0412")
    other = new(env, "--child-ref", "ZZ-1")
    second = new(env, "--child-ref", "jb-0412")
    assert waymark(env, "notes", "revise", first, "--status", "referred", "--signed-by", "Mr Lee")
    fid = waymark(
        env, "notes", "follow-up", first, "--what", "Chase MASH", "--due", "2026-12-09"
    ).stdout.splitlines()[0]  # fmt: skip
    waymark(env, "notes", "follow-up", first, "--done", fid, "--signed-by", "Ms Reed")
    gone = waymark(
        env, "notes", "delete", second, "--reason", "Written twice", "--signed-by", "Ms Reed"
    )  # fmt: skip
    assert gone.returncode == 0
    result = waymark(env, "notes", "chronology", "JB-0412", "--json")
    assert result.returncode == 0, result.stderr
    events = json.loads(result.stdout)
    assert all(set(e) == {"at", "kind", "note", "text"} for e in events)
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "concern"
    for kind in ("note", "revision", "follow-up", "follow-up-done", "deletion"):
        assert kind in kinds
    assert {e["note"] for e in events} == {first, second}
    assert other not in result.stdout
    deletion = next(e for e in events if e["kind"] == "deletion")
    assert "Written twice" in deletion["text"] and "Ms Reed" in deletion["text"]
    revision = next(e for e in events if e["kind"] == "revision")
    assert "Mr Lee" in revision["text"] and "status" in revision["text"]
    text = waymark(env, "notes", "chronology", "jb-0412")
    assert "Chase MASH" in text.stdout
    none = waymark(env, "notes", "chronology", "NOBODY-1", "--json")
    assert none.returncode == 0 and json.loads(none.stdout) == []
    bad = waymark(env, "notes", "chronology", "J\x01B")
    assert bad.returncode == 2 and "control character" in bad.stderr
    assert waymark(env, "verify").returncode == 0


def test_nothing_about_the_child_is_stored_in_clear(env):
    init(env)
    note = new(env, "--child-ref", "QX-7781", "--borough", "Camden")
    waymark(env, "notes", "follow-up", note, "--what", "Ring Quillfeather", "--due", "2027-01-04")
    waymark(env, "notes", "chronology", "QX-7781")
    raw = open(f"{env['WAYMARK_HOME']}/vault.sqlite3", "rb").read()  # noqa: SIM115
    for word in (b"QX-7781", b"camden", b"Quillfeather", b"2027-01-04"):
        assert word not in raw


def test_referral_summary_prints_the_headings_and_what_is_missing(env):
    init(env)
    note = new(env, "--child-ref", "JB-0412", "--borough", "Haringey", "--recorder-name", "Ms Reed")
    result = waymark(env, "notes", "referral", note)
    assert result.returncode == 0, result.stderr
    for heading in (
        "The child", "Family and address known", "The concern in the child's words",
        "What was seen", "What has been done and by whom", "Whether parents know",
        "Risks", "The referrer's details",
    ):  # fmt: skip
        assert f"== {heading}" in result.stdout
    assert "STILL MISSING: The child's own words" in result.stdout
    assert "A man asked for photos" in result.stdout
    assert "Nothing has been sent anywhere" in result.stdout


def test_a_follow_up_typed_for_the_very_minute_of_the_concern_is_one_sentence(env):
    """Typed in local time (here Berlin, UTC+1): the concern at 10:00 and a follow-up due at
    10:00 that day is the same moment, refused in one line (exit 2); 10:01 is kept."""
    init(env)
    here = {**env, "TZ": "Europe/Berlin"}
    note = waymark(here, "notes", "new", "--concern", "grooming", "--when", "2026-11-27T10:00",
                   "--signed-by", "Ms Reed").stdout.split()[0]  # fmt: skip
    same = waymark(here, "notes", "follow-up", note, "--what", "Chase", "--due", "2026-11-27T10:00")
    assert same.returncode == 2 and "before the concern happened" in same.stderr
    assert len(same.stderr.strip().splitlines()) == 1 and rows(env, "casework") == 0
    later = waymark(
        here, "notes", "follow-up", note, "--what", "Chase", "--due", "2026-11-27T10:01"
    )
    assert later.returncode == 0, later.stderr

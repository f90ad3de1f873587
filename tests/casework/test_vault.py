"""Follow-up events in a real vault file: verify names a damaged, forged or removed event;
deleting a note takes its follow-ups with it and keeps only a sealed marker for the chronology."""

from __future__ import annotations

import sqlite3

from helper.vault import Vault, followups
from helper.vault.chronology import chronology
from tests.support.vaults import PASSPHRASE


def vault_with_follow_up(tmp_path):
    vault, _ = Vault.create(PASSPHRASE, tmp_path / "v.sqlite3")
    note = vault.new_note({"concern": "grooming", "child_ref": "JB-1"}, "Sam")
    fid = followups.add(vault, note, "Ring the MASH", "2027-01-04", "Sam")
    return vault, note, fid


def test_a_changed_event_is_named_by_verify_and_never_shown(tmp_path):
    vault, _note, _ = vault_with_follow_up(tmp_path)
    assert vault.verify().ok
    with sqlite3.connect(vault.path) as raw:
        ct = raw.execute("SELECT ct FROM casework").fetchone()[0]
        raw.execute("UPDATE casework SET ct = ?", (bytes([ct[0] ^ 1]) + ct[1:],))
    assert any("casework event 1 has been altered" in p for p in vault.verify().problems)
    assert followups.due(vault) == []


def test_a_removed_or_forged_event_is_named_by_verify(tmp_path):
    vault, _note, _ = vault_with_follow_up(tmp_path)
    with sqlite3.connect(vault.path) as raw:
        row = raw.execute("SELECT * FROM casework").fetchone()
        raw.execute("DELETE FROM casework")
    assert any("casework event 1 is missing" in p for p in vault.verify().problems)
    with sqlite3.connect(vault.path) as raw:
        raw.execute("INSERT INTO casework VALUES (?, ?, ?, ?, ?)", (row[0], 2, *row[2:]))
    problems = vault.verify().problems
    assert any("casework event 2 is not in the audit log" in p for p in problems)


def test_deleting_a_note_removes_its_follow_ups_and_keeps_the_chronology_marker(tmp_path):
    vault, note, _ = vault_with_follow_up(tmp_path)
    vault.delete_note(note, "Wrong child", "Sam")
    assert followups.due(vault) == []
    with sqlite3.connect(vault.path) as raw:
        assert raw.execute("SELECT COUNT(*) FROM casework").fetchone()[0] == 1
    kinds = [e["kind"] for e in chronology(vault, "jb-1")]
    assert kinds == ["note", "deletion"]
    assert vault.verify().ok


def test_ticking_the_platform_step_proposes_a_follow_up_a_week_on_that_lands_in_due(tmp_path):
    """Through a real vault: the note's own procedure has the platform step; ticked, it proposes
    Report Harmful Content 7 days later (a 14-year-old, bullying); added, `notes due` lists it."""
    from datetime import datetime, timedelta

    from helper import casework
    from helper.web.notes.checklist import procedure_for

    vault, _ = Vault.create(PASSPHRASE, tmp_path / "v.sqlite3")
    fields = {"concern": "cyberbullying", "child_age": 14, "child_ref": "JB-2"}
    note = vault.new_note(fields, "Sam")
    assert "report-platform" in [s.id for s in procedure_for(fields)]
    ticked_at = "2026-12-01T15:30:00+00:00"
    vault.revise(note, {**fields, "checklist": {"report-platform": ticked_at}}, "Sam")
    stored = vault.note(note).latest.fields
    (proposal,) = casework.proposals_for(stored, None)
    due = datetime.fromisoformat(ticked_at) + timedelta(days=7)
    assert proposal.due == due.isoformat() and "Report Harmful Content" in proposal.what
    fid = followups.add(vault, note, proposal.what, proposal.due, "Sam", proposal.step)
    (item,) = followups.due(vault, datetime.fromisoformat("2026-12-09T15:00:00+00:00"))
    assert (item["followup"], item["due"], item["overdue"]) == (fid, proposal.due, True)
    assert casework.proposals_for(stored, None, [("report-platform", proposal.what)]) == []


def test_a_follow_up_due_exactly_when_the_concern_happened_is_refused(tmp_path):
    """The boundary of "cannot fall due before the concern": due at that very moment is refused
    too (nothing can be followed up before it happened); a minute later is kept."""
    import pytest

    from helper.errors import BadInput

    vault, _ = Vault.create(PASSPHRASE, tmp_path / "v.sqlite3")
    try:
        note = vault.new_note({"concern": "grooming", "concern_at": "2026-11-27T09:00Z"}, "Sam")
        before = vault.path.read_bytes()
        for due in ("2026-11-27T09:00:00+00:00", "2026-11-27T10:00:00+01:00"):
            with pytest.raises(BadInput, match="before the concern happened"):
                followups.add(vault, note, "Ring the MASH", due, "Sam")
        assert vault.path.read_bytes() == before
        followups.add(vault, note, "Ring the MASH", "2026-11-27T09:01:00+00:00", "Sam")
        assert [f.due for f in followups.followups(vault, note)] == ["2026-11-27T09:01:00+00:00"]
    finally:
        vault.close()

"""The helper's pages on a vault that holds years 0001 and 9999 (as an older Waymark imported them
from a signed bundle), in zones near and far from UTC: every page answers, showing "unreadable
time", never a 500. And a time a person types outside the range is refused in one sentence."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

import pytest

from helper.vault import times
from tests.support.notes_pages import holder, write_note
from tests.vault.test_extreme_times import CHILD_REF, EARLY, LATE, ZONES, plant


@pytest.fixture
def zone(monkeypatch) -> Iterator[Callable[[str], None]]:
    """Set the app's time zone (this process's TZ, then tzset); put back afterwards."""

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def test_every_page_answers_on_a_vault_holding_extreme_times(
    app, client, csrf_token, unlocked, zone
):
    write_note(client, csrf_token, child_ref=CHILD_REF)
    with holder(app).use() as vault:
        ids = [vault.call(plant, at) for at in (EARLY, LATE)]
    client.post("/pro/chronology", data={"csrf_token": csrf_token, "ref": CHILD_REF})
    for name in ZONES:
        zone(name)
        for path in ("/pro/notes", "/pro/due", "/pro/chronology"):
            page = client.get(path)
            assert page.status_code == 200, (name, path)
            assert times.UNREADABLE in page.get_data(as_text=True), (name, path)
        for note_id in ids:
            page = client.get(f"/pro/notes/{note_id}")
            assert page.status_code == 200, (name, note_id)
            text = page.get_data(as_text=True)
            assert times.UNREADABLE in text and 'id="provenance"' in text, name
            for tail in ("export", "export.txt", "export.html", "referral", "revise",
                         "guided/what", "handover"):  # fmt: skip
                answer = client.get(f"/pro/notes/{note_id}/{tail}")
                assert answer.status_code == 200, (name, note_id, tail)


@pytest.mark.parametrize("due", ["9999-12-31", "9999-12-31T23:59", "0001-01-01"])
def test_a_follow_up_due_outside_the_range_is_one_sentence_on_the_note(
    app, client, csrf_token, unlocked, zone, due
):
    zone("Europe/Berlin")
    note_id = write_note(client, csrf_token)
    answer = client.post(
        f"/pro/notes/{note_id}/follow-ups",
        data={"csrf_token": csrf_token, "what": "Chase", "due": due, "signed_by": "Sam"},
    )
    assert answer.status_code == 303
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert re.search(r"Due: [0-9T:-]+ is outside the dates Waymark can keep; give a date", page)
    with holder(app).use() as vault:
        assert vault.call(lambda v: v.note(note_id)) is not None
        from helper.vault import followups

        assert vault.call(followups.followups, note_id) == []


def test_a_note_time_outside_the_range_is_refused_and_the_form_kept(
    app, client, csrf_token, unlocked
):
    for field, value in (("concern_at", "9999-12-31T23:59"), ("told-0-at", "0001-01-01T00:00")):
        answer = client.post(
            "/pro/notes/new",
            data={"csrf_token": csrf_token, "concern": "grooming", "recorder_name": "Sam",
                  "narrative": "Kept words", "told-0-who": "dsl", field: value},
        )  # fmt: skip
        assert answer.status_code == 400, field
        page = answer.get_data(as_text=True)
        assert "is outside the dates Waymark can keep" in page and "Kept words" in page
    with holder(app).use() as vault:
        assert vault.list_notes() == []


def test_a_link_giving_a_time_outside_the_range_starts_the_note_without_it(client, unlocked, zone):
    """`?at=` from the extension or a routes page is checked by the same rule: left out and
    said, the note still starts."""
    zone("Pacific/Kiritimati")
    for at in ("0001-01-01T00:00:00%2B14:00", "9999-12-31T23:59:59Z", "2200-01-01T00:00Z"):
        page = client.get(f"/pro/notes/new?form=full&at={at}")
        assert page.status_code == 200, at
        text = page.get_data(as_text=True)
        assert "the time" in text and 'name="concern_at" value=""' in text, at

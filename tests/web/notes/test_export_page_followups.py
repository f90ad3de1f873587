"""The print view of a note lists its follow-ups under their own heading (what, due, set and
done when and by whom); the downloads carry them too. Real app, real vault."""

from __future__ import annotations

import re

from tests.support.notes_pages import write_note


def test_print_view_and_downloads_list_the_follow_ups(client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token, borough="Camden")
    empty = client.get(f"/pro/notes/{note_id}/export").get_data(as_text=True)
    assert re.search(r'<h2 id="export-follow-ups">Follow-ups</h2>\s*<p>None set.</p>', empty)
    for what, due in (("Ring the MASH", "2026-12-28T09:00"), ("Chase the platform", "2026-12-30")):
        added = client.post(
            f"/pro/notes/{note_id}/follow-ups",
            data={"csrf_token": csrf_token, "what": what, "due": due, "signed_by": "Sam"},
        )
        assert added.status_code == 303
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    fid = re.search(r'id="done-([0-9a-f]{8})"', page).group(1)
    done = client.post(
        f"/pro/notes/{note_id}/follow-ups/{fid}/done",
        data={"csrf_token": csrf_token, "signed_by": "Ms Lead", "outcome": "Spoke to duty SW"},
    )
    assert done.status_code == 303
    view = client.get(f"/pro/notes/{note_id}/export").get_data(as_text=True)
    part = view[view.index('id="export-follow-ups"') : view.index("<h2>History</h2>")]
    items = re.findall(r"<li>(.*?)</li>", part, re.S)
    assert len(items) == 2
    assert "Ring the MASH" in items[0] and "by Ms Lead" in items[0]
    assert "Outcome: Spoke to duty SW" in items[0] and "by Sam" in items[0]
    assert "Chase the platform" in items[1] and "Not done yet." in items[1]
    assert "by the end of the day" in items[1]
    text = client.get(f"/pro/notes/{note_id}/export.txt").get_data(as_text=True)
    assert "1. What: Ring the MASH" in text and "2. What: Chase the platform" in text
    page = client.get(f"/pro/notes/{note_id}/export.html").get_data(as_text=True)
    assert "<dt>What</dt><dd>Chase the platform</dd>" in page
    assert "Camden" in text and "<dd>Camden</dd>" in page

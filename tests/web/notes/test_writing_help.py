"""Help while writing a note: a "Who you told" entry for the DSL offers to tick "Tell the DSL
straight away" with its own time; guided-form drafts are called drafts, so the first save is
Revision 1; the chronology reads times as every other page; the keyring notice is in plain
words with what to ask IT; auto-lock keeps what was typed (sealed as a draft, or in memory
for the whole form) and its setting shows the reason for its default."""

from __future__ import annotations

import re

from tests.support.notes_pages import NOTE, holder, write_note


def note_page(client, note_id: str) -> str:
    return client.get(f"/pro/notes/{note_id}").get_data(as_text=True)


def test_telling_the_dsl_offers_to_tick_the_step_with_that_time(client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token, **{"told-0-at": "2026-12-08T12:00"})
    page = note_page(client, note_id)
    assert "Your record says you told Ms Lead on Tue 08 Dec 2026, 12:00." in page
    assert 'id="tick-from-told-tell-dsl"' in page
    response = client.post(
        f"/pro/notes/{note_id}/tick",
        data={"csrf_token": csrf_token, "from_told": "tell-dsl:0", "signed_by": "Sam Teacher"},
    )
    assert response.status_code == 303
    page = note_page(client, note_id)
    step = page[page.index('id="step-tell-dsl"') :]
    assert "Done: ticked Tue 08 Dec 2026, 12:00" in step[: step.index("</li>")]
    assert 'id="tick-from-told-tell-dsl"' not in page


def test_a_bad_told_entry_gets_one_plain_sentence(client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token)
    for bad in ("tell-dsl:5", "tell-dsl:x", "call-999:0", "tell-dsl"):
        response = client.post(
            f"/pro/notes/{note_id}/tick",
            data={"csrf_token": csrf_token, "from_told": bad, "signed_by": "Sam"},
        )
        assert response.status_code == 400, bad
        text = response.get_data(as_text=True)
        assert "cannot tick this step" in text or "not on this note" in text, bad


def test_no_offer_without_a_time_or_for_someone_else(client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token, **{"told-0-who": "police"})
    assert "tick-from-told" not in note_page(client, note_id)


def guided_note(client, csrf_token) -> str:
    """A note through the guided form: the first step, two more, then the final save."""
    data = {k: v for k, v in NOTE.items() if k in ("concern", "concern_at", "recorder_name")}
    data |= {"narrative": NOTE["narrative"], "guided": "1", "csrf_token": csrf_token}
    response = client.post("/pro/notes/new", data=data)
    note_id = re.match(r"^/pro/notes/([0-9a-f]+)/", response.headers["Location"]).group(1)
    for step, extra in (("words", {"child": "J.B."}), ("next", {"facts": "Said on Monday."})):
        client.post(f"/pro/notes/{note_id}/guided/{step}", data={"csrf_token": csrf_token, **extra})
    assert (
        client.post(
            f"/pro/notes/{note_id}/guided/check", data={"csrf_token": csrf_token}
        ).status_code
        == 303
    )
    return note_id


def test_guided_drafts_are_drafts_and_the_first_save_is_revision_one(client, csrf_token, unlocked):
    note_id = guided_note(client, csrf_token)
    page = note_page(client, note_id)
    assert re.search(r'<p class="meta">Revision 1, saved', page)
    summaries = re.findall(r"<summary>((?:Draft|Revision) \d+), saved", page)
    assert summaries == ["Draft 3", "Draft 2", "Draft 1"]
    export = client.get(f"/pro/notes/{note_id}/export").get_data(as_text=True)
    assert "Revision 1 of 1," in export
    # A tick after the save is the record's second revision.
    client.post(
        f"/pro/notes/{note_id}/tick",
        data={"csrf_token": csrf_token, "step": "tell-dsl", "signed_by": "Sam"},
    )
    assert re.search(r'<p class="meta">Revision 2, saved', note_page(client, note_id))


def test_a_note_from_the_whole_form_has_no_drafts(client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token)
    assert re.search(r'<p class="meta">Revision 1, saved', note_page(client, note_id))


def test_the_chronology_reads_a_due_time_as_every_other_page(client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token, child_ref="LAM-204")
    response = client.post(
        f"/pro/notes/{note_id}/follow-ups",
        data={
            "csrf_token": csrf_token,
            "what": "Call the social worker",
            "due": "2026-12-08T12:00",
            "signed_by": "Sam",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:400]
    client.post("/pro/chronology", data={"csrf_token": csrf_token, "ref": "LAM-204"})
    page = client.get("/pro/chronology").get_data(as_text=True)
    table = page[page.index("<tbody") : page.index("</tbody>")]
    assert "(due Tue 08 Dec 2026, 12:00)" in table
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", table)


def test_the_keyring_notice_is_in_plain_words_with_what_to_ask_it(client, csrf_token, unlocked):
    page = client.get("/pro/notes").get_data(as_text=True)
    assert "This computer has no keyring, so you type your passphrase each time." in page
    assert 'href="/pro/settings#device"' in page
    assert "swapped for an older copy" not in page  # said, in plain words, under Settings
    settings = client.get("/pro/settings").get_data(as_text=True)
    assert "ask your IT team to set up a keyring" in settings


def test_auto_lock_seals_a_guided_step_as_a_draft_then_locks(app, client, csrf_token, unlocked):
    data = {
        "csrf_token": csrf_token,
        "guided": "1",
        "concern": "grooming",
        "recorder_name": "Sam Teacher",
        "narrative": "Half a sentence when the bell",
        "autolock": "yes",
    }
    response = client.post("/pro/notes/new", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/pro/unlock?next=/pro/notes/")
    assert "locked=auto" in response.headers["Location"]
    assert not holder(app).is_unlocked()
    unlocked_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="auto-locked"' in unlocked_page and "Half a sentence" not in unlocked_page
    from tests.support.vaults import PASSPHRASE

    back = client.post(
        "/pro/unlock",
        data={
            "csrf_token": csrf_token,
            "passphrase": PASSPHRASE,
            "next": re.search(r'name="next" value="([^"]+)"', unlocked_page).group(1),
        },
    )
    assert re.match(r"^/pro/notes/[0-9a-f]+/guided/what$", back.headers["Location"])
    step = client.get(back.headers["Location"]).get_data(as_text=True)
    assert "Half a sentence when the bell" in step


def test_auto_lock_keeps_the_whole_form_in_memory_and_saves_nothing(
    app, client, csrf_token, unlocked
):
    data = {
        "csrf_token": csrf_token,
        "concern": "grooming",
        "recorder_name": "Sam Teacher",
        "narrative": "Typed into the whole form",
        "autolock": "yes",
    }
    response = client.post("/pro/notes/new", data=data)
    assert response.status_code == 303 and "locked=auto" in response.headers["Location"]
    assert not holder(app).is_unlocked()
    from tests.support.vaults import PASSPHRASE

    client.post("/pro/unlock", data={"csrf_token": csrf_token, "passphrase": PASSPHRASE})
    assert holder(app).is_unlocked()
    with holder(app).use() as vault:
        assert vault.list_notes() == []  # never saved behind the person's back
    page = client.get("/pro/notes/new").get_data(as_text=True)
    assert "Typed into the whole form" in page

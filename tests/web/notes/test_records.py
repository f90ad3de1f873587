"""Writing, reading, revising, ticking, deleting and exporting notes through the pages."""

from __future__ import annotations

import io
import re

from markupsafe import escape

from tests.support.notes_pages import NOTE, holder, write_note

# A real 1x1 PNG, base64-encoded, as someone might paste it.
PNG_BASE64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6"
    "kgAAAABJRU5ErkJggg=="
)


def notes_in(app) -> list:
    with holder(app).use() as vault:
        return vault.list_notes()


def test_new_note_form_is_generated_from_the_vault_fields(client, unlocked):
    from helper.vault.notes import FIELDS
    from helper.web.notes import form

    page = client.get("/pro/notes/new?form=full").get_data(as_text=True)
    for spec in FIELDS:
        if spec.name == "checklist":
            continue
        assert escape(spec.label) in page, spec.name
        assert escape(spec.prompt) in page, spec.name
    assert "Never attach, copy or save an image" in page
    assert 'type="file"' not in page
    # Every field is on exactly one step of the guided form.
    on_steps = [s.name for step in form.step_ids() for s in form.step_specs(step)]
    assert sorted(on_steps) == sorted(s.name for s in FIELDS if s.name != "checklist")
    first = client.get("/pro/notes/new").get_data(as_text=True)
    assert 'aria-current="step"' in first and "Step 1 of 4" in first
    assert "Never attach, copy or save an image" in first


def test_prefill_values_from_the_extension_are_checked(client, unlocked):
    page = client.get("/pro/notes/new?platform=evil.test/<script>&at=yesterday").get_data(
        as_text=True
    )
    assert "<script>" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "the website and the time" in page
    assert 'name="platform" value=""' in page


def test_the_borough_from_the_routes_page_is_filled_in_and_saved(app, client, csrf_token, unlocked):
    """`?borough=ID` (the routes page's "Record this concern") fills in the borough's name, in
    the whole form and through the guided steps to the saved note; anything else is dropped and
    said."""
    full = client.get("/pro/notes/new?form=full&concern=grooming&borough=tower-hamlets")
    assert 'name="borough" value="Tower Hamlets"' in full.get_data(as_text=True)
    page = client.get("/pro/notes/new?concern=grooming&age=15&borough=tower-hamlets")
    html = page.get_data(as_text=True)
    assert 'name="borough" value="Tower Hamlets"' in html
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', html))
    assert fields.get("borough") == "Tower Hamlets"  # carried by the first step, not retyped
    data = {**fields, "guided": "1", "csrf_token": csrf_token, "concern": "grooming",
            "concern_at": "2026-11-28T15:30", "recorder_name": "Sam Teacher",
            "narrative": "Pupil said an adult asked to meet."}  # fmt: skip
    response = client.post("/pro/notes/new", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    note_id = re.match(r"^/pro/notes/([0-9a-f]+)/", response.headers["Location"]).group(1)
    with holder(app).use() as vault:
        record = vault.call(lambda v: v.note(note_id))
    assert record.latest.fields["borough"] == "tower-hamlets"
    for bad in ("atlantis", "x" * 200):
        page = client.get(f"/pro/notes/new?form=full&borough={bad}").get_data(as_text=True)
        assert "the borough" in page and 'name="borough" value=""' in page


def test_saving_a_note_and_listing_it_shows_no_child_details(app, client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token)
    listing = client.get("/pro/notes")
    page = listing.get_data(as_text=True)
    assert listing.headers["Cache-Control"] == "no-store"
    assert "sextortion" in page.lower() and "Open" in page
    main = page.split("<main", 1)[1]
    for private in ("J.B.", "Pupil said", "Sam Teacher", "instagram"):
        assert private not in main, private
    # The child's age (14) as a value of its own; random hex ids and times may contain "14".
    assert not re.search(r"(?<![\w:/.-])14(?![\w:/.-])", main)
    note_page = client.get(f"/pro/notes/{note_id}")
    assert note_page.headers["Cache-Control"] == "no-store"
    assert b"Pupil said an account is demanding money." in note_page.data
    assert b"Designated safeguarding lead (DSL): Ms Lead" in note_page.data


def test_signer_is_required(app, client, csrf_token, unlocked):
    response = client.post(
        "/pro/notes/new", data={**NOTE, "recorder_name": "", "csrf_token": csrf_token}
    )
    assert response.status_code == 400
    assert notes_in(app) == []


def test_image_data_is_refused_with_the_explanation_and_nothing_is_lost(
    app, client, csrf_token, unlocked
):
    narrative = f"Screenshot: data:image/png;base64,{PNG_BASE64}"
    response = client.post(
        "/pro/notes/new",
        data={**NOTE, "narrative": narrative, "csrf_token": csrf_token},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "never stores images" in page
    assert "he said he will send it to everyone" in page  # the rest of the form is kept
    assert notes_in(app) == []
    bare = client.post(
        "/pro/notes/new", data={**NOTE, "online_details": PNG_BASE64, "csrf_token": csrf_token}
    )
    assert bare.status_code == 400 and b"never stores images" in bare.data
    assert notes_in(app) == []


def test_an_uploaded_file_is_refused(app, client, csrf_token, unlocked):
    data = {**NOTE, "csrf_token": csrf_token, "photo": (io.BytesIO(b"\x89PNG\r\n"), "a.png")}
    response = client.post("/pro/notes/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and b"never stores images" in response.data
    assert notes_in(app) == []


def test_bad_fields_get_a_clear_line_and_keep_the_text(app, client, csrf_token, unlocked):
    response = client.post(
        "/pro/notes/new", data={**NOTE, "child_age": "99", "csrf_token": csrf_token}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "whole number from 0 to 25" in page
    assert "Pupil said an account is demanding money." in page
    assert notes_in(app) == []


def test_posting_a_note_without_csrf_changes_nothing(app, client, unlocked):
    assert client.post("/pro/notes/new", data=NOTE).status_code == 403
    assert notes_in(app) == []


def test_revise_adds_a_revision_and_keeps_the_earlier_one(app, client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token)
    form = client.get(f"/pro/notes/{note_id}/revise").get_data(as_text=True)
    assert "Pupil said an account is demanding money." in form
    data = {**NOTE, "narrative": "Updated account of events.", "status": "referred"}
    response = client.post(
        f"/pro/notes/{note_id}/revise",
        data={**data, "signed_by": "Alex DSL", "csrf_token": csrf_token},
    )
    assert response.status_code == 303
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    assert "Updated account of events." in page
    assert "Revision 2" in page and "Alex DSL" in page
    assert "Revision 1, saved" in page and "Pupil said an account is demanding money." in page
    assert notes_in(app)[0].status == "referred"


def test_revise_needs_a_signature(app, client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token)
    response = client.post(
        f"/pro/notes/{note_id}/revise", data={**NOTE, "signed_by": "", "csrf_token": csrf_token}
    )
    assert response.status_code == 400
    assert notes_in(app)[0].revisions == 1


def test_ticking_a_checklist_step_saves_a_revision_with_the_time(app, client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token)
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    assert 'id="tick-tell-dsl"' in page and 'id="tick-ceop-report"' in page
    response = client.post(
        f"/pro/notes/{note_id}/tick",
        data={"step": "tell-dsl", "signed_by": "Sam Teacher", "csrf_token": csrf_token},
    )
    assert response.status_code == 303
    with holder(app).use() as vault:
        note = vault.note(note_id)
    assert len(note.revisions) == 2
    ticked = note.revisions[-1].fields["checklist"]
    assert set(ticked) == {"record-concern", "tell-dsl"}  # recording ticked itself on saving
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$", ticked["tell-dsl"])
    assert note.revisions[-1].fields["narrative"] == NOTE["narrative"]
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    assert 'id="tick-tell-dsl"' not in page and "Done: ticked" in page
    # Revising later keeps the tick.
    client.post(
        f"/pro/notes/{note_id}/revise",
        data={**NOTE, "signed_by": "Sam Teacher", "csrf_token": csrf_token},
    )
    with holder(app).use() as vault:
        assert "tell-dsl" in vault.note(note_id).revisions[-1].fields["checklist"]


def test_a_step_not_on_the_checklist_is_refused(app, client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token)
    response = client.post(
        f"/pro/notes/{note_id}/tick",
        data={"step": "prevent-referral", "signed_by": "Sam", "csrf_token": csrf_token},
    )
    assert response.status_code == 400
    assert notes_in(app)[0].revisions == 1


def test_delete_needs_a_reason_and_confirmation(app, client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token)
    url = f"/pro/notes/{note_id}/delete"
    assert b"Why are you deleting it?" in client.get(url).data
    base = {"csrf_token": csrf_token, "signed_by": "Sam Teacher"}
    no_tick = client.post(url, data={**base, "reason": "Entered twice"})
    assert no_tick.status_code == 400 and b"Tick the box" in no_tick.data
    no_reason = client.post(url, data={**base, "confirm": "yes", "reason": " "})
    assert no_reason.status_code == 400 and b"Give a reason" in no_reason.data
    assert not notes_in(app)[0].deleted
    done = client.post(url, data={**base, "confirm": "yes", "reason": "Entered twice"})
    assert done.status_code == 303
    assert notes_in(app)[0].deleted
    assert b"Deleted" in client.get("/pro/notes").data


def test_export_is_a_print_page_and_a_text_download(client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token)
    printable = client.get(f"/pro/notes/{note_id}/export")
    assert printable.status_code == 200
    assert b"Confidential: child protection" in printable.data
    assert b"Recorded by" in printable.data and b"Your name" not in printable.data
    for kind in ("txt", "html"):
        exported = client.get(f"/pro/notes/{note_id}/export.{kind}").get_data(as_text=True)
        assert "Recorded by" in exported and "Your name" not in exported, kind
        assert "child protection" in exported.lower(), kind
    assert printable.headers["Cache-Control"] == "no-store"
    assert b"Safeguarding concern record" in printable.data
    assert b"Pupil said an account is demanding money." in printable.data
    download = client.get(f"/pro/notes/{note_id}/export.txt")
    assert download.status_code == 200
    assert download.headers["Cache-Control"] == "no-store"
    assert download.mimetype == "text/plain"
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="waymark-note-{note_id}.txt"'
    )
    assert "Pupil said an account is demanding money." in download.get_data(as_text=True)
    page = client.get(f"/pro/notes/{note_id}/export.html")
    assert page.headers["Content-Disposition"] == (
        f'attachment; filename="waymark-note-{note_id}.html"'
    )
    assert "default-src 'none'" in page.get_data(as_text=True)
    assert "Pupil said an account is demanding money." in page.get_data(as_text=True)
    assert client.get(f"/pro/notes/{note_id}/export.pdf").status_code == 404


def test_an_unknown_note_is_a_plain_not_found(client, unlocked):
    response = client.get("/pro/notes/0123456789abcdef")
    assert response.status_code == 404
    assert b"Traceback" not in response.data


def test_a_deleted_note_shows_only_that_it_existed_and_cannot_be_changed(
    app, client, csrf_token, unlocked
):
    note_id = write_note(client, csrf_token)
    client.post(
        f"/pro/notes/{note_id}/delete",
        data={
            "csrf_token": csrf_token,
            "signed_by": "Sam Teacher",
            "confirm": "yes",
            "reason": "Entered twice",
        },
    )
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    assert "This note was deleted" in page and "Entered twice" in page
    assert "Pupil said" not in page
    for url in (f"/pro/notes/{note_id}/export", f"/pro/notes/{note_id}/export.txt"):
        refused = client.get(url)
        assert refused.status_code == 400 and b"was deleted" in refused.data
    tick = client.post(
        f"/pro/notes/{note_id}/tick",
        data={"step": "tell-dsl", "signed_by": "Sam", "csrf_token": csrf_token},
    )
    assert tick.status_code == 400


def test_a_foreign_page_cannot_write_or_lock(app, client, csrf_token, unlocked):
    """Even holding a valid token (it cannot, but suppose), another origin is refused."""
    data = {**NOTE, "csrf_token": csrf_token}
    for headers in (
        {"Origin": "https://evil.test"},
        {"Origin": "http://127.0.0.1:5001"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "cross-site"},
    ):
        assert client.post("/pro/notes/new", data=data, headers=headers).status_code == 403
        lock = client.post("/pro/lock", data={"csrf_token": csrf_token}, headers=headers)
        assert lock.status_code == 403
    assert notes_in(app) == []
    assert holder(app).is_unlocked()
    stranger = app.test_client()
    assert stranger.post("/pro/notes/new", data=data).status_code == 403
    assert notes_in(app) == []


def test_the_vault_verifies_after_everything_the_pages_do(app, client, csrf_token, unlocked):
    keep = write_note(client, csrf_token)
    gone = write_note(client, csrf_token, concern="cyberbullying")
    client.post(
        f"/pro/notes/{keep}/tick",
        data={"step": "tell-dsl", "signed_by": "Sam", "csrf_token": csrf_token},
    )
    client.post(
        f"/pro/notes/{keep}/revise", data={**NOTE, "signed_by": "Sam", "csrf_token": csrf_token}
    )
    client.get(f"/pro/notes/{keep}/export")
    client.get(f"/pro/notes/{keep}/export.txt")
    client.post(
        f"/pro/notes/{gone}/delete",
        data={"csrf_token": csrf_token, "signed_by": "Sam", "confirm": "yes", "reason": "Dup"},
    )
    with holder(app).use() as vault:
        report = vault.verify()
    assert report.ok, report.problems


def step_post(client, csrf_token, path, data):
    response = client.post(path, data={**data, "csrf_token": csrf_token})
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    return response.headers["Location"]


def test_the_guided_form_saves_a_draft_at_each_step_then_checks_and_saves(
    app, client, csrf_token, unlocked
):
    page = client.get("/pro/notes/new?concern=grooming&age=12&platform=www.roblox.com")
    html = page.get_data(as_text=True)
    assert '<option value="grooming" selected>' in html
    assert 'name="platform" value="www.roblox.com"' in html
    assert 'type="hidden" name="child_age" value="12"' in html  # for step 2
    where = step_post(
        client,
        csrf_token,
        "/pro/notes/new",
        {
            "guided": "what",
            "concern": "grooming",
            "recorder_name": "Sam Teacher",
            "narrative": "Told me at break.",
            "platform": "www.roblox.com",
            "child_age": "12",
        },
    )
    note_id = where.split("/")[3]
    assert where == f"/pro/notes/{note_id}/guided/words"
    words = client.get(where).get_data(as_text=True)
    assert "Step 2 of 4" in words and 'name="child_age" value="12"' in words
    where = step_post(
        client,
        csrf_token,
        where,
        {"guided": "words", "child_words": "he keeps asking", "child_age": "12"},
    )
    assert where.endswith("/guided/told")
    where = step_post(
        client, csrf_token, where, {"guided": "told", "told-0-who": "dsl", "told-0-name": "Ms Lead"}
    )
    where = step_post(
        client, csrf_token, where, {"guided": "next", "next_steps": "DSL to call parents"}
    )
    assert where.endswith("/guided/check")
    summary = client.get(where).get_data(as_text=True)
    for text in (
        "Told me at break.",
        "he keeps asking",
        "Ms Lead",
        "DSL to call parents",
        "Recorded by",
    ):
        assert text in summary
    assert 'href="/pro/notes/' + note_id + '/guided/words"' in summary  # change a step
    with holder(app).use() as vault:
        drafts = vault.note(note_id).revisions
    assert len(drafts) == 4  # one draft revision per step, append-only
    assert "record-concern" not in (drafts[-1].fields.get("checklist") or {})
    done = step_post(client, csrf_token, where, {})
    assert done == f"/pro/notes/{note_id}?done=saved"
    with holder(app).use() as vault:
        final = vault.note(note_id).revisions
    assert len(final) == 5 and final[-1].signed_by == "Sam Teacher"
    assert set(final[-1].fields["checklist"]) == {"record-concern"}
    assert final[-1].fields["child_age"] == 12 and final[-1].fields["platform"] == "www.roblox.com"
    note = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    # "Tell the DSL today" leads the checklist; "Record the concern" is already done.
    steps = re.findall(r'<li id="step-([a-z0-9-]+)"', note)
    assert steps[0] == "tell-dsl", steps
    assert 'id="tick-record-concern"' not in note


def test_the_guided_form_does_not_ask_the_age_for_a_concern_about_an_adult(
    client, csrf_token, unlocked
):
    where = step_post(
        client,
        csrf_token,
        "/pro/notes/new",
        {"guided": "what", "concern": "colleague-allegation", "recorder_name": "Sam Teacher"},
    )
    assert "child_age" not in client.get(where).get_data(as_text=True)


def test_a_refused_step_keeps_what_was_typed(client, csrf_token, unlocked):
    response = client.post(
        "/pro/notes/new",
        data={"guided": "what", "narrative": "kept text", "csrf_token": csrf_token},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "kept text" in page and "Step 1 of 4" in page


def _whole_form_link(page: str) -> str:
    found = re.search(r'<a href="([^"]*)">Prefer one long page\?', page)
    assert found, "the guided form links to the whole form"
    return found.group(1).replace("&amp;", "&")


def test_the_whole_form_link_carries_only_the_values_the_page_knows(client, unlocked):
    """The first step's "whole form" link is built from the prefill values the page reads
    (platform, at, concern, age, borough) and nothing else: a query naming one of url_for's
    own arguments (`form`, `endpoint`, `_method`, `_anchor`, `_external`, `_scheme`) once
    gave a 500 or rewrote the link."""
    for query in ("form=guided", "endpoint=notes.unlock", "_method=POST", "_anchor=evil",
                  "_external=1", "_scheme=javascript", "values=1", "next=/pro/lock"):  # fmt: skip
        page = client.get(f"/pro/notes/new?{query}")
        assert page.status_code == 200, query
        assert _whole_form_link(page.get_data(as_text=True)) == "/pro/notes/new?form=full", query
    known = "concern=grooming&age=15&platform=www.roblox.com&borough=camden&at=2026-11-28T10:00Z"
    page = client.get(f"/pro/notes/new?{known}&_external=1&endpoint=x").get_data(as_text=True)
    link = _whole_form_link(page)
    assert link.startswith("/pro/notes/new?") and "_external" not in link and "endpoint" not in link
    for pair in known.split("&"):
        assert pair in link.split("?", 1)[1].split("&"), pair

"""Casework pages through the real app and a real vault: follow-ups proposed by ticked steps and
added in one click, what is due, the chronology, the list's search, filters and pages, and the
referral summary. Every page no-store and behind the vault lock; child references never in a
URL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.notes_pages import holder, write_note


@pytest.fixture
def fixed_now(app):
    app.config["CASEWORK_NOW"] = lambda: datetime(2026, 12, 20, 12, tzinfo=UTC)


def tick(client, csrf_token, note_id, step):
    response = client.post(
        f"/pro/notes/{note_id}/tick",
        data={"csrf_token": csrf_token, "step": step, "signed_by": "Sam Teacher"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)


def test_ticking_the_social_care_step_proposes_the_follow_ups_and_one_click_adds_one(
    app, client, csrf_token, unlocked, fixed_now
):
    note_id = write_note(client, csrf_token, child_ref="JB-0412", borough="Haringey")
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    assert "Follow-ups the procedure expects" not in page
    assert "The child's borough: <strong>Haringey</strong>" in page
    tick(client, csrf_token, note_id, "refer-social-care")
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    assert "Follow-ups the procedure expects" in page
    assert "Haringey asks for the written referral within 24 hours" in page
    assert "within one working day" in page
    form = re.search(
        r'name="what" value="([^"]+)">\s*<input type="hidden" name="due" value="([^"]+)"', page
    )
    assert form, page
    response = client.post(
        f"/pro/notes/{note_id}/follow-ups",
        data={"csrf_token": csrf_token, "what": form.group(1).replace("&#39;", "'"),
              "due": form.group(2), "step": "refer-social-care", "signed_by": "Sam Teacher"},
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#follow-ups")
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    assert "The follow-up was added." not in page  # only after the redirect with done=
    assert page.count("Add this follow-up") == 1  # the one added is no longer proposed
    assert "Overdue:" in page  # 24 hours after the tick is long before the fixed "now"
    with holder(app).use() as vault:
        from helper.vault import followups

        items = vault.call(followups.due)
    assert [i["note"] for i in items] == [note_id]


def test_ticking_the_platform_step_proposes_report_harmful_content_a_week_later(
    app, client, csrf_token, unlocked, fixed_now
):
    """The checklist shows the platform step for bullying; ticking it proposes the follow-up the
    procedure expects, due 7 days after the tick, naming Report Harmful Content (the child is
    14). Added in one click, it is on the due list."""
    note_id = write_note(client, csrf_token, concern="cyberbullying", child_ref="JB-7")
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    assert "Report it to the platform too" in page
    assert "Follow-ups the procedure expects" not in page
    tick(client, csrf_token, note_id, "report-platform")
    with holder(app).use() as vault:
        record = vault.call(lambda v: v.note(note_id))
    ticked_at = datetime.fromisoformat(record.latest.fields["checklist"]["report-platform"])
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    assert "escalate it to Report Harmful Content" in page
    form = re.search(
        r'name="what" value="([^"]+)">\s*<input type="hidden" name="due" value="([^"]+)">'
        r'\s*<input type="hidden" name="step" value="report-platform"',
        page,
    )
    assert form, page
    assert datetime.fromisoformat(form.group(2)) == ticked_at + timedelta(days=7)
    response = client.post(
        f"/pro/notes/{note_id}/follow-ups",
        data={"csrf_token": csrf_token, "what": form.group(1), "due": form.group(2),
              "step": "report-platform", "signed_by": "Sam Teacher"},
    )  # fmt: skip
    assert response.status_code == 303
    with holder(app).use() as vault:
        from helper.vault import followups

        (item,) = vault.call(followups.due)
    assert item["note"] == note_id and "Report Harmful Content" in item["what"]
    assert "Add this follow-up" not in client.get(f"/pro/notes/{note_id}").get_data(as_text=True)


def test_no_platform_step_on_a_nude_image_note(app, client, csrf_token, unlocked):
    """An image of a child goes to the police, the IWF and Report Remove: the checklist never
    asks staff to report the image to the platform themselves."""
    note_id = write_note(client, csrf_token, concern="nude-image-shared")
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    assert "Do not view, copy or keep the image" in page
    assert "report-platform" not in page and "Report it to the platform too" not in page


def test_due_list_on_the_home_and_its_own_page(app, client, csrf_token, unlocked, fixed_now):
    note_id = write_note(client, csrf_token)
    for what, due in (("Ring the MASH", "2026-12-28T09:00"), ("Chase the platform", "2026-12-01")):
        response = client.post(
            f"/pro/notes/{note_id}/follow-ups",
            data={"csrf_token": csrf_token, "what": what, "due": due, "signed_by": "Sam"},
        )
        assert response.status_code == 303
    home = client.get("/pro/notes").get_data(as_text=True)
    assert home.index("What is due") < home.index("Find notes")
    assert home.index("Chase the platform") < home.index("Ring the MASH")
    assert re.search(r"Overdue:</strong>\s*Tue 01 Dec 2026", home)
    due = client.get("/pro/due")
    assert due.headers["Cache-Control"] == "no-store"
    assert "Chase the platform" in due.get_data(as_text=True)
    fid = re.search(
        r'id="done-([0-9a-f]{8})"', client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    )
    response = client.post(
        f"/pro/notes/{note_id}/follow-ups/{fid.group(1)}/done",
        data={"csrf_token": csrf_token, "signed_by": "Sam", "outcome": "Replied"},
    )
    assert response.status_code == 303
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    assert "Done by Sam" in page and "Outcome: Replied" in page


@pytest.mark.parametrize(
    ("due", "message"),
    [("2026-02-30T10:00", "not a real date"), ("2026-11-01T10:00", "before the concern")],
)
def test_bad_follow_ups_are_refused_with_a_clear_message(
    app, client, csrf_token, unlocked, due, message
):
    note_id = write_note(client, csrf_token)
    response = client.post(
        f"/pro/notes/{note_id}/follow-ups",
        data={"csrf_token": csrf_token, "what": "Chase", "due": due, "signed_by": "Sam"},
    )
    assert response.status_code == 303
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    assert message in page and 'role="alert"' in page
    with holder(app).use() as vault:
        from helper.vault import followups

        assert vault.call(followups.followups) == []


def test_bad_borough_on_the_form_is_refused_and_nothing_saved(app, client, csrf_token, unlocked):
    from tests.support.notes_pages import NOTE

    response = client.post(
        "/pro/notes/new", data={**NOTE, "borough": "Narnia", "csrf_token": csrf_token}
    )
    assert response.status_code == 400
    assert "is not a London borough" in response.get_data(as_text=True)
    with holder(app).use() as vault:
        assert vault.list_notes() == []


def test_chronology_is_posted_never_in_the_url_and_lists_the_childs_events(
    app, client, csrf_token, unlocked
):
    first = write_note(client, csrf_token, child_ref="JB-0412")
    write_note(client, csrf_token, child_ref="ZZ-9", narrative="Someone else entirely")
    tick(client, csrf_token, first, "tell-dsl")
    response = client.post("/pro/chronology", data={"csrf_token": csrf_token, "ref": "jb-0412"})
    assert response.status_code == 303
    assert "JB" not in response.headers["Location"] and "jb" not in response.headers["Location"]
    page = client.get("/pro/chronology")
    assert page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert "Chronology for jb-0412" in text
    assert "Step done: Tell the DSL straight away" in text
    assert "Note recorded by Sam Teacher" in text
    assert "Someone else" not in text
    bad = client.post("/pro/chronology", data={"csrf_token": csrf_token, "ref": "J\x07B"})
    assert bad.status_code == 303
    assert "control character" in client.get("/pro/chronology").get_data(as_text=True)


def test_casework_pages_are_behind_the_lock(app, client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token)
    holder(app).lock()
    for path in ("/pro/due", "/pro/chronology", f"/pro/notes/{note_id}/referral"):
        response = client.get(path)
        assert response.status_code == 303 and "/pro/unlock" in response.headers["Location"], path
    response = client.post(
        f"/pro/notes/{note_id}/follow-ups",
        data={"csrf_token": csrf_token, "what": "x", "due": "2027-01-01", "signed_by": "S"},
    )
    assert "/pro/unlock" in response.headers["Location"]


def test_list_search_filters_and_pages(app, client, csrf_token, unlocked):
    from helper.bench.vault import bulk_fill

    with holder(app).use() as vault:
        vault.call(bulk_fill, 120)
    write_note(client, csrf_token, child_ref="QX-1", narrative="The word is Quillfeather")
    page = client.get("/pro/notes").get_data(as_text=True)
    assert "Showing notes 1 to 50 of 121." in page
    assert page.count("<tr>") + page.count("<tr class") <= 50 + 1 + 1
    last = client.get("/pro/notes?page=3").get_data(as_text=True)
    assert "Showing notes 101 to 121 of 121." in last and "Previous page" in last
    assert "Page 3 of 3" in last and "Next page" not in last
    client.post("/pro/notes/filter", data={"csrf_token": csrf_token, "q": "quillfeather"})
    assert "Showing notes 1 to 1 of 1 that match." in client.get("/pro/notes").get_data(
        as_text=True
    )
    client.post("/pro/notes/filter", data={"csrf_token": csrf_token, "child": "qx-1"})
    assert "of 1 that match" in client.get("/pro/notes").get_data(as_text=True)
    client.post("/pro/notes/filter", data={"csrf_token": csrf_token, "concern": "grooming"})
    assert "of 120 that match" in client.get("/pro/notes").get_data(as_text=True)
    client.post("/pro/notes/filter", data={"csrf_token": csrf_token, "status": "closed"})
    assert "No notes match" in client.get("/pro/notes").get_data(as_text=True)
    client.post("/pro/notes/filter", data={"csrf_token": csrf_token, "clear": "1"})
    assert "of 121." in client.get("/pro/notes").get_data(as_text=True)


def test_referral_summary_lays_out_the_note_and_says_what_is_missing(
    app, client, csrf_token, unlocked
):
    note_id = write_note(client, csrf_token, child_ref="JB-0412", borough="Islington")
    response = client.get(f"/pro/notes/{note_id}/referral")
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    for heading in ("The child", "Family and address known", "The concern in the child",
                    "What was seen", "What has been done and by whom",
                    "Whether parents know, and why not", "Risks", "The referrer"):  # fmt: skip
        assert heading in page
    assert "he said he will send it to everyone" in page
    assert "Still missing:" in page and "Whether the parents or carers know" in page
    assert "Borough: Islington" in page
    assert "within 48 hours" in page
    with holder(app).use() as vault:
        actions = vault.call(lambda v: [r[0] for r in v._conn.execute("SELECT action FROM audit")])
    assert actions[-1] == "export"

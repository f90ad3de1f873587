"""Hand-over in the helper, end to end: a real `waymark serve` on the DSL's vault, real
headless Chromium, a second real vault (the member of staff's) made beside it, and axe on every
hand-over page. The DSL shows "Your identity" (text and an inline-SVG QR code, nothing fetched),
hands a note to the member of staff as a downloaded file, and imports one back."""

from __future__ import annotations

import pytest

from helper.vault import Vault, contacts, followups, handover, identity
from helper.web.notes.form import shown_time
from tests.support.browser import chromium_context
from tests.support.pages import axe_clean, base, serving
from tests.support.tools import require
from tests.support.vaults import PASSPHRASE

NARRATIVE = "Pupil said a stranger in a game asked for photos."
pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The DSL's vault (served) and the member of staff's vault, introduced to each other."""
    require("chromium", "the real browser")
    tmp = tmp_path_factory.mktemp("handover-e2e")
    home = tmp / "waymark"
    home.mkdir(mode=0o700)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WAYMARK_KDF_FAST", "1")
        mp.setenv("WAYMARK_TESTING", "1")
        dsl, _ = Vault.create(PASSPHRASE, home / "vault.sqlite3")
        staff, _ = Vault.create(PASSPHRASE, tmp / "staff.sqlite3")
        note_id = dsl.new_note(
            {
                "concern": "grooming",
                "narrative": NARRATIVE,
                "recorder_name": "Alex DSL",
                "child_ref": "JB-0412",
            },
            "Alex DSL",
        )
        staff_id = identity.load(staff)
        contacts.add(dsl, "Sam Teacher", staff_id.recipient, staff_id.fingerprint)
        dsl_id = identity.load(dsl)
        contacts.add(staff, "Alex DSL", dsl_id.recipient, dsl_id.fingerprint)
        staff_note = staff.new_note({"concern": "sextortion", "narrative": "Staff note"}, "Sam")
        incoming = tmp / "from-staff.age"
        handover.hand_over(staff, [staff_note], incoming, to=contacts.find(staff, "Alex DSL"))
        dsl.close()
    with (
        serving(home) as server,
        chromium_context(tmp_path_factory.mktemp("handover-chromium")) as ctx,
    ):
        page = ctx.new_page()
        page.goto(server["url"])
        yield {
            "page": page,
            "base": base(server),
            "staff": staff,
            "note_id": note_id,
            "incoming": incoming,
            "dsl_fingerprint": dsl_id.fingerprint,
            "tmp": tmp,
        }
    staff.close()
    assert "Traceback" not in server["log"].read_text()


def test_your_identity_shows_the_codes_and_a_qr_code(world, artifacts):
    page = world["page"]
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(world["base"] + "/pro/identity")
    if "/pro/unlock" in page.url:
        page.fill("#passphrase", PASSPHRASE)
        page.click("button[type=submit].primary")
    assert page.url.endswith("/pro/identity")
    assert page.inner_text("#fingerprint") == world["dsl_fingerprint"]
    assert page.inner_text("#recipient").startswith("age1")
    assert page.locator("figure.qr-code svg[role=img] title").count() == 1
    assert "Sam Teacher" in page.inner_text(".contacts")
    axe_clean(page, "handover-identity", artifacts)
    assert all(u.startswith(world["base"] + "/") for u in requested)


def test_hand_a_note_over_as_a_download(world, artifacts):
    page = world["page"]
    page.goto(f"{world['base']}/pro/notes/{world['note_id']}/handover")
    axe_clean(page, "handover-form", artifacts)
    page.select_option("#handover-to", "Sam Teacher")
    with page.expect_download() as info:
        page.click("#handover-submit")
    saved = world["tmp"] / "downloaded.age"
    info.value.save_as(saved)
    assert NARRATIVE.encode() not in saved.read_bytes()
    done = handover.import_bundle(world["staff"], saved.read_bytes())
    received = world["staff"].note(done.note_ids[0])
    assert received.latest.fields["narrative"] == NARRATIVE
    page.goto(f"{world['base']}/pro/notes/{world['note_id']}")
    assert "Handed over to Sam Teacher" in page.content()


def test_import_a_hand_over_and_a_refusal(world, artifacts):
    page = world["page"]
    page.goto(world["base"] + "/pro/import")
    axe_clean(page, "handover-import", artifacts)
    page.set_input_files("#import-file", str(world["incoming"]))
    page.click("#import-submit")
    assert "Imported 1 note(s) from Sam Teacher" in page.inner_text("#import-done")
    axe_clean(page, "handover-imported", artifacts)
    page.click("#import-done a")
    assert "Staff note" in page.content()
    # The same file again is refused, with a clear sentence and nothing added.
    page.goto(world["base"] + "/pro/import")
    page.set_input_files("#import-file", str(world["incoming"]))
    page.click("#import-submit")
    assert "already imported" in page.inner_text("#form-error")
    axe_clean(page, "handover-refused", artifacts)


def test_the_links_lead_to_each_hand_over_page(world, artifacts):
    page = world["page"]
    page.goto(f"{world['base']}/pro/notes/{world['note_id']}")
    page.click("#handover")
    assert page.url.endswith(f"/pro/notes/{world['note_id']}/handover")
    page.goto(world["base"] + "/pro/notes")
    page.click("#import-handover")
    assert page.url.endswith("/pro/import")
    page.click("#nav-identity")
    assert page.url.endswith("/pro/identity")
    page.goto(world["base"] + "/pro/settings")
    page.click("#settings-identity")
    assert page.url.endswith("/pro/identity")


def test_hand_over_a_childs_chronology_in_the_browser(world, artifacts):
    page = world["page"]
    page.goto(world["base"] + "/pro/chronology")
    page.fill("#chronology-ref", "jb-0412")
    page.click("#chronology-open")
    page.click("#handover-chronology")
    assert page.url.endswith("/pro/chronology/handover")  # no child reference in the address
    assert "whole chronology for jb-0412: 1 note," in page.inner_text("#handover-what")
    axe_clean(page, "handover-chronology-form", artifacts)
    page.emulate_media(color_scheme="dark")
    axe_clean(page, "handover-chronology-form-dark", artifacts)
    page.emulate_media(color_scheme="light")
    page.select_option("#handover-to", "Sam Teacher")
    with page.expect_download() as info:
        page.click("#handover-submit")
    saved = world["tmp"] / "chronology.age"
    info.value.save_as(saved)
    assert NARRATIVE.encode() not in saved.read_bytes() and b"JB-0412" not in saved.read_bytes()
    done = handover.import_bundle(world["staff"], saved.read_bytes())
    assert [world["staff"].note(n).latest.fields["child_ref"] for n in done.note_ids] == ["JB-0412"]


def test_add_and_remove_a_contact(world, artifacts):
    page = world["page"]
    page.goto(world["base"] + "/pro/identity")
    page.fill("#contact-name", "Bad Codes")
    page.fill("#contact-recipient", "age1nothing")
    page.fill("#contact-fingerprint", "1234")
    page.click("#add-contact")
    assert "age recipient" in page.inner_text("#form-error")
    axe_clean(page, "handover-contact-error", artifacts)
    page.click("text=Remove Sam Teacher")
    assert "Contact removed." in page.content()
    assert page.locator("#no-contacts").count() == 1


def test_an_imported_note_shows_where_it_came_from_and_its_follow_ups(world, artifacts):
    """The note page of a handed-over note says who handed it over, their fingerprint, when and
    from which vault, and lists the follow-ups that came with it (one open, one done, with who
    and when); the DSL's due list has the open one; a note made here has no such block."""
    staff = world["staff"]
    note_id = staff.new_note(
        {"concern": "sextortion", "narrative": "Second staff note", "child_ref": "KT-0001"},
        "Sam Teacher",
    )
    followups.add(staff, note_id, "Ring the MASH back", "2030-01-05", "Sam Teacher")
    done = followups.add(staff, note_id, "Tell the parents", "2030-01-04", "Sam Teacher")
    followups.complete(staff, note_id, done, "Jo Head", "Parents told in person")
    sent = {f.what: f for f in followups.followups(staff, note_id)}
    bundle = world["tmp"] / "with-follow-ups.age"
    handover.hand_over(staff, [note_id], bundle, to=contacts.find(staff, "Alex DSL"))

    page = world["page"]
    page.goto(world["base"] + "/pro/import")
    if "/pro/unlock" in page.url:  # when this test runs on its own
        page.fill("#passphrase", PASSPHRASE)
        page.click("button[type=submit].primary")
        page.goto(world["base"] + "/pro/import")
    page.set_input_files("#import-file", str(bundle))
    page.click("#import-submit")
    page.wait_for_load_state()
    if page.locator("#sender-accept").count():  # an earlier test removed Sam Teacher
        assert page.inner_text("#sender-fingerprint") == identity.load(staff).fingerprint
        axe_clean(page, "handover-new-sender", artifacts)
        page.click("#sender-accept")
    assert page.locator("#import-done").count() == 1, page.inner_text("main")
    page.click("#import-done a")
    block = page.inner_text("#provenance")
    staff_fingerprint = identity.load(staff).fingerprint
    assert "Handed over from Sam Teacher" in block
    assert f"(fingerprint {staff_fingerprint})" in block
    assert staff.vault_id in block and note_id in block
    listed = page.inner_text(".followups")
    assert "Ring the MASH back" in listed and "Tell the parents" in listed
    assert "Done by Jo Head" in listed and "Parents told in person" in listed
    done_at = sent["Tell the parents"].done_at
    assert shown_time(done_at) in listed  # the time it was done in the staff vault, kept
    axe_clean(page, "handover-imported-note", artifacts)
    page.emulate_media(color_scheme="dark")
    axe_clean(page, "handover-imported-note-dark", artifacts)
    page.emulate_media(color_scheme="light")
    page.goto(world["base"] + "/pro/due")
    assert "Ring the MASH back" in page.content() and "Tell the parents" not in page.content()
    page.goto(f"{world['base']}/pro/notes/{world['note_id']}")
    assert page.locator("#provenance").count() == 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_contact_cards_in_the_browser(world, artifacts, tmp_path, scheme):
    """The DSL's card to copy; a colleague's card added after the fingerprint step."""
    from helper.vault.contact_card import card_line

    page = world["page"]
    page.emulate_media(color_scheme=scheme)
    page.goto(world["base"] + "/pro/identity")
    if "/pro/unlock" in page.url:
        page.fill("#passphrase", PASSPHRASE)
        page.click("button[type=submit].primary")
        page.goto(world["base"] + "/pro/identity")
    page.fill("#card-name-field", "Alex DSL")
    page.click("#card-show")
    page.wait_for_selector("#card-line")
    assert page.input_value("#card-line").startswith("waymark-contact:v1:Alex DSL:age1")
    axe_clean(page, f"handover-card-{scheme}", artifacts)
    colleague, _ = Vault.create(PASSPHRASE, tmp_path / f"colleague-{scheme}.sqlite3")
    try:
        me = identity.load(colleague)
        line = card_line(f"Deputy DSL {scheme}", me.recipient, me.fingerprint)
    finally:
        colleague.close()
    page.fill("#card-paste", line)
    page.click("#card-check")
    page.wait_for_selector("#card-fingerprint")
    assert page.inner_text("#card-fingerprint") == me.fingerprint
    axe_clean(page, f"handover-card-confirm-{scheme}", artifacts)
    page.click("#card-add")
    page.wait_for_url("**/pro/identity?saved=added")
    assert f"Deputy DSL {scheme}" in page.inner_text("ul.contacts")
    page.emulate_media(color_scheme="light")

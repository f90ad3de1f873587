"""A note's export lists its follow-ups under their own heading, in the text and the HTML export:
what, due, set when and by whom, done when and by whom (or not done yet), and the outcome. The
borough is shown by name. Real vault on disk; the CLI export too, as a real process."""

from __future__ import annotations

import html
import re

from helper.vault import Vault, followups
from tests.support.vaults import PASSPHRASE, sample_fields


def make(vault_path):
    vault, _ = Vault.create(PASSPHRASE, vault_path)
    note = vault.new_note(sample_fields(borough="tower-hamlets"), "J Smith")
    bare = vault.new_note(sample_fields(concern="sextortion"), "K Jones")
    first = followups.add(vault, note, "Send the written referral", "2030-01-02T09:30", "J Smith")
    followups.add(vault, note, "Chase the platform", "2030-01-09", "J Smith")
    followups.complete(vault, note, first, "R Patel", outcome="MASH confirmed by email")
    return vault, note, bare


def test_text_export_lists_each_follow_up(vault_path):
    vault, note, bare = make(vault_path)
    with vault:
        text = vault.export([note, bare], fmt="text")
    one, two = text.split("Concern record ")[1:]
    section = one[one.index("\nFollow-ups\n") :]
    assert "1. What: Send the written referral" in section
    assert re.search(r"   Due: 02 Jan 2030, 09:30 ", section)
    assert re.search(r"   Set: .* by J Smith", section)
    assert re.search(r"   Done: .* by R Patel", section)
    assert "   Outcome: MASH confirmed by email" in section
    assert "2. What: Chase the platform" in section
    assert "   Due: 09 Jan 2030, by the end of the day" in section
    assert "   Done: Not done yet" in section
    # After every revision, once per note; a note with none says so.
    assert one.count("\nFollow-ups\n") == 1 and one.rindex("Revision ") < one.index("Follow-ups")
    assert "Follow-ups\n----------------------------------------\nNone set." in two
    assert "Tower Hamlets" in one and "tower-hamlets" not in one


def test_html_export_lists_each_follow_up(vault_path):
    vault, note, _bare = make(vault_path)
    with vault:
        page = vault.export([note], fmt="html")
    part = page[page.index("<h3>Follow-ups</h3>") :]
    items = re.findall(r"<li>(.*?)</li>", part, re.S)
    assert len(items) == 2
    assert "<dt>What</dt><dd>Send the written referral</dd>" in items[0]
    assert "<dt>Done</dt><dd>" in items[0] and "by R Patel</dd>" in items[0]
    assert "<dt>Outcome</dt><dd>MASH confirmed by email</dd>" in items[0]
    assert "<dt>Done</dt><dd>Not done yet</dd>" in items[1]
    assert html.escape("09 Jan 2030, by the end of the day") in items[1]
    assert page.index("<h3>Follow-ups</h3>") > page.rindex("<h3>Revision ")
    assert "<dd>Tower Hamlets</dd>" in page


def test_follow_up_text_is_escaped_in_html(vault_path):
    vault, _ = Vault.create(PASSPHRASE, vault_path)
    with vault:
        note = vault.new_note(sample_fields(), "J Smith")
        followups.add(vault, note, "<script>alert(1)</script> check", "2030-01-02", "J <b>")
        page = vault.export([note], fmt="html")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "J &lt;b&gt;" in page


def test_cli_export_has_the_follow_ups(tmp_path):
    from tests.vault.test_handover_cli import make_env, ok

    env = make_env(tmp_path, "staff")
    ok(env, "notes", "init")
    note = ok(env, "notes", "new", "--concern", "grooming", "--narrative", "A note.",
              "--signed-by", "J Smith", "--borough", "Camden").split()[0]  # fmt: skip
    followup = ok(env, "notes", "follow-up", note, "--what", "Ring the LADO",
                  "--due", "2030-03-04T10:00", "--signed-by", "J Smith").split()[0]  # fmt: skip
    ok(env, "notes", "follow-up", note, "--done", followup, "--signed-by", "R Patel")
    out = tmp_path / "note.txt"
    ok(env, "notes", "export", note, "--output", str(out))
    text = out.read_text(encoding="utf-8")
    section = text[text.index("\nFollow-ups\n") :]
    assert "1. What: Ring the LADO" in section and "by R Patel" in section
    assert "Camden" in text

"""The note's borough inside the checklist: the social-care steps show the borough's front door,
its hours, out of hours, the written-referral deadline and the referral page; the LADO steps the
LADO; numbers are links that call; a field the directory left out says it is not confirmed.
The record shows the borough's name, not its id. Real app, real vault."""

from __future__ import annotations

import json
import re

import pytest

from helper import casework
from helper.paths import resources_dir
from tests.support.notes_pages import write_note


def block(page: str, step: str) -> str:
    """The text of one step's borough box (up to the end of its <li>)."""
    start = page.index(f'<li id="step-{step}"')
    return page[start : page.index("</li>", start)]


def test_the_social_care_step_shows_the_boroughs_numbers(client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token, borough="Haringey")
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    step = block(page, "refer-social-care")
    assert 'id="borough-refer-social-care"' in step
    assert "Haringey: children's social care" in step
    assert '<a href="tel:02084894533">020 8489 4533</a>' in step
    assert "Monday to Thursday 8.45am to 5pm" in step
    assert '<a href="tel:02084890000">020 8489 0000</a>' in step
    assert "Within 24 hours" in step
    assert 'href="https://www.haringey.gov.uk/children-and-families/' in step
    assert "LADO" not in step  # the LADO is not this step's business
    # Steps that need no borough show none.
    assert "borough-" not in block(page, "ceop-report")


def test_the_lado_step_shows_the_lado(client, csrf_token, unlocked):
    note_id = write_note(
        client, csrf_token, concern="colleague-allegation", child_age="", borough="tower hamlets"
    )
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    step = block(page, "colleague-lado")
    assert "Tower Hamlets: the LADO" in step
    assert '<a href="tel:02073640677">020 7364 0677</a>' in step
    assert '<a href="mailto:LADO@towerhamlets.gov.uk">' in step
    assert "front door" not in step


def test_every_lado_step_of_the_procedure_shows_the_lado(client, csrf_token, unlocked):
    note_id = write_note(
        client, csrf_token, concern="adult-viewing-csam", child_age="", borough="Camden"
    )
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    assert '<a href="tel:02079744556">' in block(page, "adult-viewing-works-with-children")
    assert '<a href="tel:02079743317">' in block(page, "adult-refer-social-care")


def test_what_the_directory_left_out_is_said_plainly(client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token, borough="Greenwich")  # no confirmed numbers
    step = block(client.get(f"/pro/notes/{note_id}").get_data(as_text=True), "refer-social-care")
    assert step.count("not confirmed: check the council's website") == 4
    assert "tel:" not in step


def test_outside_london_and_no_borough(client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token, borough="outside London")
    step = block(client.get(f"/pro/notes/{note_id}").get_data(as_text=True), "refer-social-care")
    assert 'href="https://www.gov.uk/find-local-council"' in step
    note_id = write_note(client, csrf_token)
    step = block(client.get(f"/pro/notes/{note_id}").get_data(as_text=True), "refer-social-care")
    assert "Add the child's borough to this note" in step


def test_the_record_shows_the_boroughs_name_not_its_id(client, csrf_token, unlocked):
    note_id = write_note(client, csrf_token, borough="tower-hamlets")
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    record = page[page.index("<h2>The record now</h2>") :]
    record = record[: record.index("</dl>")]
    row = re.search(r"<dt>[^<]*[Bb]orough[^<]*</dt>\s*<dd>\s*(.*?)\s*</dd>", record, re.S)
    assert row and row.group(1) == "Tower Hamlets", record


@pytest.mark.parametrize(
    ("service", "steps"),
    [("lado", casework.LADO_STEPS), ("social-care-referral", casework.SOCIAL_CARE_STEPS)],
)
def test_the_borough_steps_are_every_such_step_of_the_procedure(service, steps):
    """Every London step with that service (a London borough's numbers are for London: the other
    nations' and England's other councils' steps have their own front doors)."""
    document = json.loads((resources_dir() / "procedure.json").read_text(encoding="utf-8"))

    def in_london(when: dict) -> bool:
        return "england" in when.get("nations", ["england"]) and when.get("london", True)

    ids = {
        s["id"] for s in document["steps"] if s.get("service") == service and in_london(s["when"])
    }
    assert ids == set(steps)


def numbers(entry: dict) -> list[str]:
    """Every phone number the directory has for a borough, as the page links them."""
    found = [
        (entry.get("mash") or {}).get("phone"),
        (entry.get("out_of_hours") or {}).get("phone"),
        (entry.get("lado") or {}).get("phone"),
    ]
    return [f'href="tel:{n.replace(" ", "")}"' for n in found if n]


@pytest.mark.parametrize(
    ("concern", "borough", "in_steps", "panel_has"),
    [
        ("grooming", "haringey", ["refer-social-care"], "lado"),
        ("colleague-allegation", "tower-hamlets", ["colleague-lado"], "social-care"),
        ("adult-viewing-csam", "camden", ["adult-viewing-works-with-children",
                                          "adult-refer-social-care"], None),
        ("online-hate", "haringey", [], "all"),
    ],
)  # fmt: skip
def test_the_note_page_shows_each_borough_number_once(
    client, csrf_token, unlocked, concern, borough, in_steps, panel_has
):
    """The numbers sit in the steps where the professional acts; the follow-ups panel says where
    they are in one line, and holds only what no step on this note shows (a grooming note has
    no LADO step, so its LADO is there). No number is lost, none is shown twice."""
    from helper import boroughs

    entry = boroughs.find(borough)
    age = "" if concern in ("colleague-allegation", "adult-viewing-csam") else "14"
    note_id = write_note(client, csrf_token, concern=concern, child_age=age, borough=borough)
    page = client.get(f"/pro/notes/{note_id}").get_data(as_text=True)
    main = page.split("<main", 1)[1]
    for number in numbers(entry):
        assert main.count(number) == 1, number
    if entry.get("referral_url"):
        assert main.count(entry["referral_url"]) == 1
    start = main.index('id="borough-contacts"')
    panel = main[start : main.index("</div>", main.index("</dl>", start) if panel_has else start)]
    assert f"The child's borough: <strong>{entry['name']}</strong>" in panel
    for step in in_steps:
        assert f'id="borough-{step}"' in main
    for step in in_steps[:1]:
        assert f'href="#borough-{step}"' in panel
    assert ("borough-numbers" in panel) == (panel_has is not None)
    if panel_has == "lado":
        assert "LADO" in panel and "front door" not in panel
    if panel_has == "social-care":
        assert "front door" in panel and "LADO (allegations" not in panel

"""The London borough directory: 33 authorities, every detail backed by an official page, and a
bad edit refused at load time with a message naming the entry."""

from __future__ import annotations

import pytest

from helper import boroughs, resource_checks, resources
from helper.errors import IntegrityError
from tests.support.planted import RESOURCES, Planted
from tests.support.planted import planted as planted

LONDON = {
    "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "City of London",
    "Croydon", "Ealing", "Enfield", "Greenwich", "Hackney", "Hammersmith and Fulham", "Haringey",
    "Harrow", "Havering", "Hillingdon", "Hounslow", "Islington", "Kensington and Chelsea",
    "Kingston upon Thames", "Lambeth", "Lewisham", "Merton", "Newham", "Redbridge",
    "Richmond upon Thames", "Southwark", "Sutton", "Tower Hamlets", "Waltham Forest",
    "Wandsworth", "Westminster",
}  # fmt: skip


@pytest.fixture(scope="module")
def document() -> dict:
    return boroughs.load(RESOURCES)


def entry(document: dict, ident: str) -> dict:
    return next(e for e in document["boroughs"] if e["id"] == ident)


def test_all_33_london_authorities_once_each(document):
    names = [e["name"] for e in document["boroughs"]]
    assert len(names) == 33 == len(set(names))
    assert set(names) == LONDON
    ids = [e["id"] for e in document["boroughs"]]
    assert len(set(ids)) == 33


def test_the_real_directory_has_no_problems(document):
    kb = resources.load(RESOURCES)
    assert list(boroughs.problems(document, kb.domains)) == []


def test_every_phone_number_is_a_dialable_uk_number(document):
    numbers = [
        e[part]["phone"]
        for e in document["boroughs"]
        for part in ("mash", "out_of_hours", "lado")
        if "phone" in e.get(part, {})
    ]
    assert len(numbers) >= 40
    for number in numbers:
        assert resource_checks.is_uk_phone(number), number
        # London's 020, national non-geographic 03, or the outer-London codes still used by
        # Hillingdon (01895) and Havering (01708).
        assert number.startswith(("020 ", "03", "01895 ", "01708 ")), number


def test_every_link_is_https_on_an_allow_listed_domain(document):
    kb = resources.load(RESOURCES)
    found = list(resource_checks.links(document))
    assert len(found) >= 30
    for place, url in found:
        assert url.startswith("https://"), place
        assert resource_checks.allowed_link(url, kb.domains), (place, url)


def test_every_detail_is_backed_by_an_evidence_page_checked_on_a_real_date(document):
    for e in document["boroughs"]:
        said = " ".join(item["confirms"] for item in e["evidence"])
        for part in ("mash", "out_of_hours", "lado"):
            if "phone" in e.get(part, {}):
                assert e[part]["phone"] in said, (e["id"], part)
        if "referral_url" in e:
            assert e["referral_url"] in {item["url"] for item in e["evidence"]}, e["id"]
        for item in e["evidence"]:
            assert item["checked"] in ("2026-11-30", "2026-12-07")


def test_an_authority_with_nothing_confirmed_keeps_only_its_name(document):
    bare = [e for e in document["boroughs"] if not e["evidence"]]
    for e in bare:
        assert set(e) <= {"id", "name", "aliases", "evidence"}, e["id"]
    gaps = boroughs.evidence_gaps(document)
    for e in bare:
        assert f"boroughs.json {e['id']!r}: no evidence (nothing confirmed)" in gaps


def test_evidence_summary_counts_what_is_confirmed(document):
    summary = boroughs.evidence_summary(document)
    assert summary["authorities"] == 33
    bare = [e["id"] for e in document["boroughs"] if not e["evidence"]]
    assert summary["without_evidence"] == bare
    assert summary["with_evidence"] == 33 - len(bare)
    with_phone = sum(1 for e in document["boroughs"] if "mash" in e)
    assert summary["fields"]["mash.phone"] == with_phone
    assert summary["fields"]["written_confirmation_hours"] == sum(
        1 for e in document["boroughs"] if "written_confirmation_hours" in e
    )


def test_a_deadline_is_only_kept_where_the_page_states_it(document):
    assert entry(document, "haringey")["written_confirmation_hours"] == 24
    assert entry(document, "croydon")["written_confirmation_hours"] == 3
    assert "written_confirmation_hours" not in entry(document, "bromley")


# --- A bad edit is refused, naming the entry --------------------------------------------------


def refused(planted: Planted) -> str:
    with pytest.raises(IntegrityError) as caught:
        boroughs.load(planted.root)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_number_that_is_not_a_uk_number_is_refused(planted):
    def change(doc):
        e = entry(doc, "camden")
        e["mash"]["phone"] = "020 7974 331"
        e["evidence"][0]["confirms"] += " 020 7974 331"

    planted.edit("boroughs", change)
    assert "'camden'" in refused(planted) and "not a valid UK phone number" in refused(planted)


def test_a_number_no_evidence_page_names_is_refused(planted):
    planted.edit("boroughs", lambda doc: entry(doc, "camden")["mash"].update(phone="020 7974 0000"))
    assert "not named by any of its evidence pages" in refused(planted)


def test_a_link_off_the_allow_list_is_refused(planted):
    def change(doc):
        e = entry(doc, "harrow")
        e["referral_url"] = "https://example.com/form"
        e["evidence"][0]["url"] = "https://example.com/form"

    planted.edit("boroughs", change)
    assert "not https on an allow-listed domain" in refused(planted)


def test_a_plain_http_link_is_refused_by_the_schema(planted):
    planted.edit(
        "boroughs",
        lambda doc: entry(doc, "harrow").update(referral_url="http://www.harrow.gov.uk/"),
    )
    assert "harrow" in refused(planted)


def test_a_missing_or_doubled_authority_is_refused(planted):
    planted.edit("boroughs", lambda doc: doc["boroughs"].pop())
    assert "32 entries, expected 33" in refused(planted)


def test_two_entries_answering_to_one_name_are_refused(planted):
    planted.edit("boroughs", lambda doc: entry(doc, "sutton").update(aliases=["Kingston"]))
    assert "matches both" in refused(planted)


def test_details_without_evidence_are_refused(planted):
    # 020 7946 0xxx is Ofcom's range for drama: a real-looking number no page gives.
    planted.edit(
        "boroughs",
        lambda doc: entry(doc, "lambeth").update(out_of_hours={"phone": "020 7946 0000"}),
    )
    message = refused(planted)
    assert "'lambeth'" in message


def test_a_control_character_is_refused(planted):
    planted.edit("boroughs", lambda doc: entry(doc, "bromley")["mash"].update(hours="9am\nto 5pm"))
    assert "control character" in refused(planted)


def test_an_unknown_field_is_refused(planted):
    planted.edit("boroughs", lambda doc: entry(doc, "bromley").update(fax="020 8461 0000"))
    assert "bromley" in refused(planted)

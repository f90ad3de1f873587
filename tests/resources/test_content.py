"""What the knowledge base must hold: every service and platform the issue names, every link on
an official domain, UK numbers, sources and review dates on every entry, and for professionals
a record-keeping step on every concern."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from helper import engine, resource_checks, resources
from tests.resources.conftest import RESOURCES

KB = resources.load(RESOURCES)

REQUIRED_SERVICES = {
    "police-999", "police-101", "childline", "report-remove", "ceop", "iwf", "report-terrorism",
    "act-early", "prevent-spoc", "prevent-referral", "nspcc-helpline", "report-harmful-content",
    "take-it-down", "anti-terrorist-hotline", "professionals-online-safety-helpline",
    "uk-safer-internet-centre", "internet-matters", "revenge-porn-helpline", "stopncii",
    "social-care-referral", "dsl", "lado", "shout", "samaritans", "papyrus-hopeline", "true-vision",
}  # fmt: skip
REQUIRED_PLATFORMS = {
    "instagram", "facebook", "whatsapp", "tiktok", "snapchat", "youtube", "x", "discord",
    "roblox", "twitch", "reddit", "telegram", "fortnite", "minecraft", "xbox", "playstation",
}  # fmt: skip


def test_every_service_the_issue_names_is_present():
    assert set(KB.services) >= REQUIRED_SERVICES


def test_every_platform_the_issue_names_is_present_with_all_steps():
    assert set(KB.platforms) >= REQUIRED_PLATFORMS
    for p in KB.platforms.values():
        for kind in ("report_message", "report_account", "report_post", "block"):
            assert p["steps"][kind], f"{p['id']} has no {kind} steps"


def test_platform_report_pages_are_on_that_platforms_own_help_domain():
    for p in KB.platforms.values():
        host = urlsplit(p["report_url"]).hostname
        owner = next(d for d in KB.domains if host == d or host.endswith("." + d))
        first_word = p["name"].split()[0]
        assert first_word in KB.domains[owner]["owner"], (p["id"], owner)


def test_every_link_is_https_on_an_allow_listed_domain():
    seen = 0
    for document in KB.documents.values():
        for place, url in resource_checks.links(document):
            seen += 1
            assert resource_checks.allowed_link(url, KB.domains), f"{place}: {url}"
    assert seen > 100


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://www.childline.org.uk/", True),
        ("https://childline.org.uk/remove", True),
        ("https://www.gov.uk/report-terrorism", True),
        ("http://www.gov.uk/", False),
        ("https://gov.uk.evil.test/", False),
        ("https://notgov.uk/", False),
        ("https://user@www.gov.uk/", False),
        ("https://www.gov.uk:444/", False),
        ("javascript:alert(1)", False),
        ("https://[::1]/", False),
    ],
)
def test_allow_list_matches_whole_domains_only(url, ok):
    assert resource_checks.allowed_link(url, KB.domains) is ok


def test_every_domain_says_whose_it_is():
    for domain, entry in KB.domains.items():
        assert entry["owner"].strip(), domain


@pytest.mark.parametrize(
    "number",
    ["999", "101", "0800 1111", "0808 800 5000", "0800 789 321", "0800 011 3764",
     "0344 381 4772", "0345 6000 459", "020 7946 0000", "07700 900123", "116 123"],
)  # fmt: skip
def test_real_uk_numbers_are_valid(number):
    assert resource_checks.is_uk_phone(number)


@pytest.mark.parametrize(
    "number",
    ["", "12", "0900 123 456", "0800 12", "020 7946 000", "020 7946 00000", "+44 20 7946 0000",
     "0800-1111", "1234567890", "0600 123 4567"],
)  # fmt: skip
def test_wrong_uk_numbers_are_invalid(number):
    assert not resource_checks.is_uk_phone(number)


def test_every_service_phone_is_a_valid_uk_number():
    phones = [s["phone"] for s in KB.services.values() if "phone" in s]
    assert len(phones) >= 8
    assert all(resource_checks.is_uk_phone(p) for p in phones)


def test_every_file_and_entry_has_a_source_and_a_real_review_date():
    dated = list(resource_checks.dated_entries(KB))
    assert len(dated) > 150
    for document in KB.documents.values():
        assert document["source"] and document["last_reviewed"]
        for value in document.values():
            for item in value if isinstance(value, list) else []:
                if not isinstance(item, dict):
                    continue
                assert item["source"] and item["last_reviewed"], item


def test_verified_is_gone_from_every_file():
    """Services show what was checked with `evidence`; rules, warnings and steps cite a source."""
    for name in ("services", "routes", "procedure", "concerns", "platforms", "domains"):
        assert "verified" not in json.dumps(KB.documents[name]), name


def test_evidence_where_given_names_a_page_a_date_and_what_it_confirms():
    for s in KB.services.values():
        for item in s.get("evidence", []):
            assert set(item) == {"url", "checked", "confirms"}, s["id"]
            assert resource_checks.allowed_link(item["url"], KB.domains), (s["id"], item["url"])


def test_every_service_says_who_it_cannot_help():
    for s in KB.services.values():
        assert s["cannot_help"]["text"].strip(), s["id"]


@pytest.mark.parametrize(
    ("ident", "excluded"),
    [
        ("ceop", {"cyberbullying"}),
        ("report-harmful-content", {"extremist-content", "csam-found"}),
        ("stopncii", set()),
        ("report-remove", set()),
    ],
)
def test_stated_limits_from_the_issue(ident, excluded):
    s = KB.services[ident]
    assert not excluded & set(s["for"]["concerns"])
    if ident == "report-harmful-content":
        assert s["for"]["age_min"] == 13
    if ident == "stopncii":
        assert s["for"]["age_min"] == 18
    if ident == "report-remove":
        assert s["for"]["age_max"] == 17


@pytest.mark.parametrize("concern", engine.CONCERNS)
def test_every_professional_concern_tells_the_dsl_first_and_records_it_beside_that(concern):
    """UKCIS: tell the DSL immediately; the note is written beside that step, not before it."""
    tell = "colleague-senior-manager" if concern == "colleague-allegation" else "tell-dsl"
    for danger in (False, True):
        result = engine.route(
            {"audience": "professional", "age": 14, "concern": concern, "danger_now": danger}, KB
        )
        steps = [p.id for p in result.procedure]
        call = "call-999-allegation" if concern == "colleague-allegation" else "call-999"
        first = [call] if danger else []
        assert steps[: len(first) + 2] == [*first, tell, "record-concern"]
        assert "Waymark's encrypted note" in result.procedure[len(first) + 1].title
        assert steps[-1] == "record-decisions"


def test_the_dsl_duty_cites_kcsie_and_working_together_not_the_adults_section():
    step = next(s for s in KB.procedure if s["id"] == "tell-dsl")
    assert "KCSIE" in step["section"] and "Working Together" in step["section"]
    rule = next(r for r in KB.rules if r["id"] == "pro-dsl")
    assert "(4.2)" not in rule["why"]["professional"]


def test_every_procedure_step_cites_a_section():
    for step in KB.procedure:
        assert step["section"].strip()

"""A bad edit to the knowledge base is refused at load time with a message that names the file
and the entry, before it can reach a person as a broken link, a script or a wrong number."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from helper import resources
from helper.errors import IntegrityError
from tests.resources.conftest import RESOURCES


def refused(planted) -> str:
    with pytest.raises(IntegrityError) as caught:
        resources.load(planted.root)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def service(doc: dict, ident: str) -> dict:
    return next(s for s in doc["services"] if s["id"] == ident)


def test_the_real_knowledge_base_loads_and_matches_every_schema():
    kb = resources.load(RESOURCES)
    assert len(kb.services) >= 23 and len(kb.platforms) >= 15
    assert resources.default() is resources.default()


def test_vectors_file_matches_its_schema():
    schema = json.loads((RESOURCES / "schema" / "vectors.schema.json").read_text())
    vectors = json.loads((RESOURCES / "vectors.json").read_text())
    assert list(Draft202012Validator(schema).iter_errors(vectors)) == []


def test_a_missing_required_field_names_the_file_and_the_entry(planted):
    planted.edit("services", lambda d: service(d, "ceop").pop("name"))
    message = refused(planted)
    assert message.startswith("services.json: services[")
    assert "'ceop'" in message and "'name' is a required property" in message


@pytest.mark.parametrize(
    "evil",
    [
        "<img src=x onerror=alert(1)>",
        "Call us <script>alert(1)</script>",
        "Click javascript:alert(1)",
        "JavaScript :alert(document.cookie)",
    ],
)
def test_markup_or_script_links_in_a_text_are_refused(planted, evil):
    planted.edit(
        "services", lambda d: service(d, "childline")["summary"].update({"young-person": evil})
    )
    message = refused(planted)
    assert message.startswith("services.json:") and "'childline'" in message


def test_markup_in_a_warning_is_refused(planted):
    def plant(d):
        d["warnings"][0]["text"]["parent-carer"] = '<a href="javascript:alert(1)">help</a>'

    planted.edit("routes", plant)
    assert refused(planted).startswith("routes.json: warnings[0]")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "http://www.childline.org.uk/",
        "https://www.childline.org.uk.evil.test/",
        "https://evilchildline.org.uk/",
        "https://user@www.childline.org.uk/",
        "https://www.childline.org.uk:8443/",
        "https://example.com/",
        "data:text/html,<script>alert(1)</script>",
        'https://www.childline.org.uk/"onmouseover=alert(1)',
    ],
)
def test_links_must_be_https_on_an_allow_listed_domain(planted, url):
    planted.edit("services", lambda d: service(d, "childline").update({"url": url}))
    message = refused(planted)
    assert message.startswith("services.json")
    assert "childline" in message


def test_a_platform_link_off_the_allow_list_is_refused(planted):
    planted.edit(
        "platforms",
        lambda d: d["platforms"][0].update({"report_url": "https://instagram.evil.test/"}),
    )
    message = refused(planted)
    assert "platforms.json" in message and "'instagram'" in message and "allow-listed" in message


def test_a_source_off_the_allow_list_is_refused(planted):
    planted.edit(
        "procedure", lambda d: d["steps"][1].update({"source": "https://blog.example.net/"})
    )
    assert "allow-listed" in refused(planted)


@pytest.mark.parametrize("phone", ["0900 123 456", "0800 12", "0207 946 00", "44 20 7946 0000"])
def test_phone_numbers_must_be_valid_uk_numbers(planted, phone):
    planted.edit("services", lambda d: service(d, "nspcc-helpline").update({"phone": phone}))
    message = refused(planted)
    assert "nspcc-helpline" in message


def test_a_rule_naming_an_unknown_service_is_refused(planted):
    planted.edit("routes", lambda d: d["rules"][0].update({"service": "no-such-service"}))
    assert refused(planted) == (
        "routes.json rule 'danger-now-999': unknown service 'no-such-service'"
    )


def test_a_condition_naming_an_unknown_concern_is_refused(planted):
    planted.edit("procedure", lambda d: d["steps"][2]["when"].update({"concerns": ["hacking"]}))
    assert "unknown concern 'hacking'" in refused(planted)


def test_a_procedure_step_naming_an_unknown_service_is_refused(planted):
    planted.edit("procedure", lambda d: d["steps"][0].update({"service": "nobody"}))
    assert "unknown service 'nobody'" in refused(planted)


@pytest.mark.parametrize("date", ["2026-02-30", "2026-13-01", "2025-00-10"])
def test_last_reviewed_must_be_a_real_date(planted, date):
    planted.edit("platforms", lambda d: d["platforms"][3].update({"last_reviewed": date}))
    message = refused(planted)
    assert "not a real date" in message and "tiktok" in message


def test_a_date_in_the_wrong_format_is_refused(planted):
    planted.edit("services", lambda d: d.update({"last_reviewed": "28/11/2026"}))
    assert refused(planted).startswith("services.json: last_reviewed:")


def test_duplicate_ids_are_refused(planted):
    planted.edit("services", lambda d: d["services"].append(dict(d["services"][0])))
    assert "appears twice" in refused(planted)


def test_one_host_in_two_platforms_is_refused(planted):
    planted.edit("platforms", lambda d: d["platforms"][1]["hosts"].append("instagram.com"))
    assert "'instagram.com' is in both" in refused(planted)


def test_a_rule_without_words_for_its_audience_is_refused(planted):
    planted.edit("routes", lambda d: d["rules"][0]["why"].pop("parent-carer"))
    assert refused(planted) == "routes.json rule 'danger-now-999': no 'why' text for parent-carer"


def test_a_limit_naming_an_unknown_platform_is_refused(planted):
    planted.edit(
        "services",
        lambda d: service(d, "report-remove")["limits"][1]["when"].update(
            {"platforms": ["myspace"]}
        ),
    )
    assert "unknown platform 'myspace'" in refused(planted)


def test_a_limit_for_an_audience_the_service_does_not_take_is_refused(planted):
    planted.edit(
        "services",
        lambda d: service(d, "childline")["limits"][0]["text"].update({"professional": "No."}),
    )
    assert "a limit for professional, who it does not take" in refused(planted)


def test_a_condition_without_words_for_its_audience_is_refused(planted):
    def change(d):
        rule = next(r for r in d["rules"] if r["id"] == "pro-adult-lado")
        rule["condition"]["parent-carer"] = "If so"

    planted.edit("routes", change)
    assert "a condition for parent-carer but no 'why' text" in refused(planted)


def test_taken_under_18_must_be_admits_or_refuses(planted):
    planted.edit(
        "services", lambda d: service(d, "stopncii")["for"].update({"taken_under_18": "yes"})
    )
    assert "stopncii" in refused(planted)


def test_evidence_items_need_a_page_a_date_and_what_they_confirm(planted):
    planted.edit(
        "services",
        lambda d: service(d, "ceop").update({"evidence": [{"url": "https://www.ceop.police.uk/"}]}),
    )
    assert "'checked' is a required property" in refused(planted)


def test_concern_ids_must_match_the_engine(planted):
    planted.edit("concerns", lambda d: d["concerns"].pop())
    assert "concerns.json: ids must be exactly" in refused(planted)


def test_an_unknown_field_is_refused(planted):
    planted.edit("services", lambda d: service(d, "iwf").update({"onclick": "x"}))
    assert "Additional properties are not allowed" in refused(planted)


def test_a_missing_file_is_named(planted):
    (planted.root / "platforms.json").unlink()
    assert refused(planted).startswith("platforms.json: missing")


def test_a_file_that_is_not_json_is_named_with_its_line(planted):
    (planted.root / "routes.json").write_text('{\n  "rules": [,]\n}')
    assert refused(planted).startswith("routes.json: not valid JSON at line 2")


def test_a_missing_schema_is_named(planted):
    (planted.root / "schema" / "services.schema.json").unlink()
    assert "services.schema.json" in refused(planted)


def test_resources_dir_can_be_redirected_for_tests(planted, monkeypatch):
    planted.edit("services", lambda d: service(d, "ceop").update({"phone": "0900 000 000"}))
    monkeypatch.setenv("WAYMARK_RESOURCES", str(planted.root))
    with pytest.raises(IntegrityError):
        resources.load()


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("platforms", lambda d: d["platforms"][0]["hosts"].append("evil.test\n")),
        ("services", lambda d: d["services"][0].update({"name": "Police\temergency"})),
        ("routes", lambda d: d["rules"][0].update({"service": "police-999\n"})),
    ],
)
def test_control_characters_anywhere_are_refused(planted, name, change):
    planted.edit(name, change)
    assert name + ".json" in refused(planted)

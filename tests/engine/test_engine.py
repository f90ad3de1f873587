"""The engine's own behaviour beyond the vectors: the safety cases a safeguarding lead checks
first, host matching, input checks, the JSON shape, and purity."""

from __future__ import annotations

import copy
import dataclasses
import itertools
import json

import pytest

from helper import engine, resources
from helper.engine import Answers, route
from helper.errors import BadInput
from helper.paths import REPO_ROOT

KB = resources.load(REPO_ROOT / "resources")
PAIRS = [
    (a, c)
    for a, c in itertools.product(engine.AUDIENCES, engine.CONCERNS)
    if a in KB.concerns[c]["audiences"]
]


def ids(answers) -> list[str]:
    return [r.id for r in route(answers, KB).routes]


def allowed(audience: str, age: int | None) -> bool:
    """A young person must give an age; parents and professionals may leave it unknown."""
    return not (audience == "young-person" and age is None)


@pytest.mark.parametrize(("audience", "concern"), PAIRS)
@pytest.mark.parametrize("age", [None, 0, 9, 12, 13, 15, 17, 18, 30])
def test_danger_now_puts_999_first_for_every_audience_and_concern(audience, concern, age):
    if not allowed(audience, age):
        return
    answers = {"audience": audience, "age": age, "concern": concern, "danger_now": True}
    assert ids(answers)[0] == "police-999"
    answers["platform"] = "https://www.tiktok.com/@someone"
    assert ids(answers)[0] == "police-999"


@pytest.mark.parametrize(("audience", "concern"), PAIRS)
def test_without_danger_999_is_never_offered(audience, concern):
    assert "police-999" not in ids({"audience": audience, "age": 14, "concern": concern})


@pytest.mark.parametrize("age", range(0, 18))
def test_children_are_never_sent_to_adult_only_services(age):
    for audience in engine.AUDIENCES:
        got = ids({"audience": audience, "age": age, "concern": "nude-image-shared"})
        assert "stopncii" not in got and "revenge-porn-helpline" not in got
        if audience == "young-person" or (audience == "parent-carer" and age >= 8):
            assert "report-remove" in got
        if audience != "young-person" and age < 8:
            # A young child cannot make a Report Remove report; anyone can tell the IWF.
            assert "report-remove" not in got and "iwf" in got


@pytest.mark.parametrize("age", [18, 19, 40, 120])
def test_adults_are_never_sent_to_child_only_services(age):
    for audience in engine.AUDIENCES:
        got = ids({"audience": audience, "age": age, "concern": "sextortion"})
        assert not {"report-remove", "take-it-down", "ceop", "social-care-referral"} & set(got)
        assert "stopncii" in got


@pytest.mark.parametrize("age", [18, 19, 40])
def test_an_image_taken_under_18_goes_to_take_it_down_and_the_iwf_never_stopncii(age):
    for audience in engine.AUDIENCES:
        for concern in ("nude-image-shared", "sextortion"):
            answers = {"audience": audience, "age": age, "concern": concern, "taken_under_18": True}
            got = ids(answers)
            assert {"take-it-down", "iwf"} <= set(got) and "stopncii" not in got


@pytest.mark.parametrize("concern", ["grooming", "sextortion", "nude-image-shared"])
@pytest.mark.parametrize("audience", ["parent-carer", "professional"])
def test_unknown_age_keeps_every_under_18_service(audience, concern):
    """Unknown age = a child under 18: CEOP and Report Remove stay, adult services never come."""
    result = route({"audience": audience, "age": None, "concern": concern}, KB)
    got = {r.id: r for r in result.routes}
    if concern != "nude-image-shared":
        assert "ceop" in got
    if concern != "grooming":
        # The child makes a Report Remove report: not a child under 8.
        assert got["report-remove"].condition == "If the child is 8 or over"
    assert not {"stopncii", "revenge-porn-helpline"} & set(got)


def test_unknown_age_offers_the_under_13_routes_with_a_condition():
    result = route({"audience": "professional", "age": None, "concern": "nude-image-shared"}, KB)
    police = next(r for r in result.routes if r.id == "police-101")
    assert police.condition.endswith("; or if the child is under 13")
    assert "under-13-always-refer" in [p.id for p in result.procedure]


@pytest.mark.parametrize(
    ("bound", "says"),
    [
        ((0, 12), "If the child is under 13"),
        ((13, 120), "If the child is 13 or over"),
        ((13, 15), "If the child is 13 to 15"),
        ((16, 16), "If the child is 16"),
        ((0, 120), None),
        ((18, 120), None),
    ],
)
def test_age_conditions_name_the_ages(bound, says):
    unknown = Answers("parent-carer", None, "cyberbullying")
    assert engine.age_condition(unknown, bound) == says
    assert engine.age_condition(Answers("parent-carer", 14, "cyberbullying"), bound) is None


def test_a_young_person_must_give_an_age():
    with pytest.raises(BadInput, match="age is needed"):
        engine.validate({"audience": "young-person", "concern": "grooming"}, KB)


@pytest.mark.parametrize("concern", ["grooming", "sextortion"])
@pytest.mark.parametrize("audience", engine.AUDIENCES)
def test_grooming_and_sextortion_of_a_child_go_to_ceop(audience, concern):
    assert "ceop" in ids({"audience": audience, "age": 14, "concern": concern})


@pytest.mark.parametrize("audience", engine.AUDIENCES)
def test_abuse_images_found_go_to_the_iwf_with_the_never_copy_warning(audience):
    age = 14 if audience == "young-person" else None
    result = route({"audience": audience, "age": age, "concern": "csam-found"}, KB)
    assert "iwf" in [r.id for r in result.routes]
    warning = next(w for w in result.warnings if w.id == "never-copy-image")
    if audience == "young-person":
        # A child is told why not to copy it, without a threat that frightens them off asking.
        assert "crime" not in warning.text and "offence" not in warning.text
        assert "spread" in warning.text
    else:
        assert "crime" in warning.text or "offence" in warning.text


@pytest.mark.parametrize(
    "concern",
    [c for c in engine.CONCERNS if c not in ("colleague-allegation", "self-harm", "online-hate")],
)
def test_professionals_always_get_dsl_then_social_care(concern):
    got = ids({"audience": "professional", "age": 14, "concern": concern})
    assert got[0] == "dsl" and "social-care-referral" in got


@pytest.mark.parametrize("concern", ["nude-image-shared", "sextortion", "grooming"])
@pytest.mark.parametrize("age", range(0, 13))
def test_under_13_sexual_concerns_always_reach_dsl_and_social_care(concern, age):
    result = route({"audience": "professional", "age": age, "concern": concern}, KB)
    got = [r.id for r in result.routes]
    assert got[:2] == ["dsl", "social-care-referral"]
    assert "under-13-always-refer" in [p.id for p in result.procedure]


def test_grooming_procedure_tells_police_and_social_care_before_the_family():
    result = route({"audience": "professional", "age": 14, "concern": "grooming"}, KB)
    step = next(p for p in result.procedure if p.id == "police-and-social-care-before-family")
    assert step.section == "9.4"


def test_extremism_professionals_use_prevent_and_report_with_their_name():
    """Seed 10.2: practitioners should not report anonymously, not "must not report"."""
    result = route({"audience": "professional", "age": 15, "concern": "extremist-content"}, KB)
    pro = [r.id for r in result.routes]
    assert pro.index("prevent-referral") < pro.index("report-terrorism")
    form = next(r for r in result.routes if r.id == "report-terrorism")
    assert any("name and role" in step for step in form.steps)
    assert "not anonymously" in form.why or "not report anonymously" in form.why
    parent = ids({"audience": "parent-carer", "age": 15, "concern": "extremist-content"})
    assert {"act-early", "report-terrorism"} <= set(parent) and "prevent-referral" not in parent


def test_a_known_platform_adds_its_own_report_and_block_steps():
    result = route(
        {
            "audience": "young-person",
            "age": 14,
            "concern": "cyberbullying",
            "platform": "m.tiktok.com",
        },
        KB,
    )
    platform_route = next(r for r in result.routes if r.id == "platform:tiktok")
    assert platform_route.url == KB.platforms["tiktok"]["report_url"]
    assert "TikTok" in platform_route.why and "{platform}" not in platform_route.why
    assert any("Block" in s for s in platform_route.steps)
    assert result.platform == "tiktok"


@pytest.mark.parametrize(
    ("given", "host"),
    [
        ("youtube.com", "youtube.com"),
        ("  YouTube.COM  ", "youtube.com"),
        ("https://m.youtube.com/watch?v=1#t=3", "m.youtube.com"),
        ("HTTP://user:pw@www.Discord.gg:8080/invite", "www.discord.gg"),
        ("instagram.com.", "instagram.com"),
        ("localhost:8080", "localhost"),
        ("youtube.com\\evil", "youtube.com"),
        ("tiktok.com?x=1", "tiktok.com"),
    ],
)
def test_host_of_reads_hosts_and_links(given, host):
    assert engine.host_of(given) == host


@pytest.mark.parametrize(
    "given",
    ["javascript:alert(1)", "ftp://youtube.com", "file:///etc/passwd", "data:text/html,x",
     "not a url", "https://", "", "you_tube.com", "exämple.com", "a..b", "-bad.com",
     "[::1]", "mailto:someone@example.com", "https://youtube.com:port/"],
)  # fmt: skip
def test_host_of_refuses_what_is_not_a_web_address(given):
    with pytest.raises(BadInput) as caught:
        engine.host_of(given)
    assert "host name like youtube.com" in str(caught.value)


@pytest.mark.parametrize(
    ("host", "platform"),
    [
        ("youtube.com", "youtube"),
        ("www.youtube.com", "youtube"),
        ("a.b.youtube.com", "youtube"),
        ("notyoutube.com", None),
        ("youtube.com.evil.test", None),
        ("youtube.co", None),
        ("tube.com", None),
        ("t.me", "telegram"),
        ("at.me", None),
    ],
)
def test_platforms_match_whole_labels_only(host, platform):
    found = engine.match_platform(host, KB)
    assert (found["id"] if found else None) == platform


@pytest.mark.parametrize(
    ("answers", "says"),
    [
        ({"audience": "pupil", "age": 9, "concern": "grooming"}, "young-person, parent-carer"),
        ({"audience": "young-person", "age": 9, "concern": "spam"}, "nude-image-shared"),
        (
            {"audience": "parent-carer", "age": 9, "concern": "colleague-allegation"},
            "cyberbullying",
        ),
        ({"audience": "young-person", "age": 121, "concern": "grooming"}, "0 to 120"),
        ({"audience": "young-person", "age": "9", "concern": "grooming"}, "0 to 120"),
        ({"audience": "young-person", "age": 9, "concern": "grooming", "danger_now": 1}, "true or"),
    ],
)
def test_bad_answers_name_the_valid_choices(answers, says):
    with pytest.raises(BadInput) as caught:
        route(answers, KB)
    assert says in str(caught.value)


def test_answers_dataclass_and_mapping_give_the_same_result():
    as_class = route(Answers("parent-carer", 12, "grooming", "roblox.com", False), KB)
    as_mapping = route(
        {"audience": "parent-carer", "age": 12, "concern": "grooming", "platform": "roblox.com"}, KB
    )
    assert as_class == as_mapping


def test_result_as_dict_is_the_json_contract():
    result = route({"audience": "professional", "age": 14, "concern": "sextortion",
                    "platform": "snapchat.com"}, KB).as_dict()  # fmt: skip
    assert set(result) == {"routes", "warnings", "procedure", "platform", "parent_tools"}
    for r in result["routes"]:
        assert set(r) == {
            "id", "name", "url", "phone", "hours", "why", "steps", "condition", "limits"
        }  # fmt: skip
        assert isinstance(r["steps"], list) and isinstance(r["limits"], list)
        assert r["hours"] is None or isinstance(r["hours"], str)
    assert result["parent_tools"] == []  # only for parents
    for w in result["warnings"]:
        assert set(w) == {"id", "text"}
    for p in result["procedure"]:
        assert set(p) == {"id", "title", "text", "service", "section"}
    assert result["platform"] == "snapchat"
    assert json.loads(json.dumps(result)) == result


def test_procedure_is_only_for_professionals():
    for audience in ("young-person", "parent-carer"):
        assert route({"audience": audience, "age": 14, "concern": "grooming"}, KB).procedure == ()


def test_route_does_not_change_the_knowledge_base():
    before = copy.deepcopy(dict(KB.documents))
    for audience, concern in PAIRS:
        route({"audience": audience, "age": 10, "concern": concern, "platform": "x.com"}, KB)
    assert dict(KB.documents) == before


def test_route_is_deterministic():
    answers = {"audience": "young-person", "age": 15, "concern": "nude-image-shared"}
    assert route(answers, KB) == route(dict(answers), KB)


@pytest.mark.parametrize(("audience", "concern"), PAIRS)
@pytest.mark.parametrize("age", [None, 0, 12, 13, 17, 18, 120])
def test_every_answer_gets_at_least_one_route(audience, concern, age):
    if not allowed(audience, age):
        return
    assert ids({"audience": audience, "age": age, "concern": concern})


def test_parent_tools_come_from_the_matched_platform_for_parents_only():
    tools = [{"name": "Family settings", "url": "https://www.tiktok.com/safety", "what": "Limits"}]
    platforms = {k: dict(v) for k, v in KB.platforms.items()}
    platforms["tiktok"]["parent_tools"] = tools
    kb = dataclasses.replace(KB, platforms=platforms)
    answers = {"age": 12, "concern": "cyberbullying", "platform": "tiktok.com"}
    parent = route({"audience": "parent-carer", **answers}, kb)
    assert [dict(t) for t in parent.parent_tools] == tools
    assert parent.as_dict()["parent_tools"] == tools
    assert route({"audience": "professional", **answers}, kb).parent_tools == ()
    elsewhere = {"audience": "parent-carer", "age": 12, "concern": "cyberbullying"}
    assert route(elsewhere, kb).parent_tools == ()


def test_hours_and_limits_reach_the_route():
    result = route({"audience": "parent-carer", "age": 14, "concern": "sextortion",
                    "platform": "whatsapp.com"}, KB)  # fmt: skip
    by_id = {r.id: r for r in result.routes}
    assert by_id["nspcc-helpline"].hours == KB.services["nspcc-helpline"]["hours"]
    assert by_id["ceop"].hours is None
    assert any("WhatsApp" in text for text in by_id["report-remove"].limits)
    elsewhere = route({"audience": "parent-carer", "age": 14, "concern": "sextortion"}, KB)
    report_remove = next(r for r in elsewhere.routes if r.id == "report-remove")
    assert report_remove.limits and not any("WhatsApp" in t for t in report_remove.limits)

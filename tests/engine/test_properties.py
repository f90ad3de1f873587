"""Properties over all answers (hypothesis, bounded by max_examples): nobody is ever sent to a
service that cannot take them, 999 leads whenever there is danger now, and any text at all as
a platform gives a Result or a BadInput, never a crash."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from helper import engine, resources
from helper.domain import NATIONS
from helper.errors import BadInput
from helper.paths import REPO_ROOT

KB = resources.load(REPO_ROOT / "resources")
HOSTS = [h for p in KB.platforms.values() for h in p["hosts"]]

platforms = st.one_of(
    st.none(),
    st.sampled_from(HOSTS),
    st.builds(
        lambda sub, host: f"https://{sub}.{host}/x",
        st.sampled_from(["m", "www", "a.b"]),
        st.sampled_from(HOSTS),
    ),
    st.builds(
        lambda pre, host: f"{pre}{host}",
        st.sampled_from(["not", "x-", "evil"]),
        st.sampled_from(HOSTS),
    ),
    st.just("https://example.org/"),
)
ages = st.one_of(st.none(), st.integers(0, 120), st.sampled_from([12, 13, 17, 18, 19]))
valid_answers = st.sampled_from(
    [(a, c) for a in engine.AUDIENCES for c in engine.CONCERNS if a in KB.concerns[c]["audiences"]]
).flatmap(
    lambda pair: st.fixed_dictionaries(
        {
            "audience": st.just(pair[0]),
            "concern": st.just(pair[1]),
            # a young person must give an age; the others may leave it unknown
            "age": st.integers(0, 120) if pair[0] == "young-person" else ages,
            "platform": platforms,
            "danger_now": st.booleans(),
            "taken_under_18": st.one_of(st.none(), st.booleans()),
            "nation": st.one_of(st.none(), st.sampled_from(NATIONS)),
            "london": st.one_of(st.none(), st.booleans()),
        }
    )
)


@settings(max_examples=600, deadline=None)
@given(valid_answers)
def test_no_route_ever_goes_to_a_service_that_does_not_admit_the_answers(answers):
    result = engine.route(answers, KB)
    checked = engine.validate(answers, KB)
    for r in result.routes:
        if r.id.startswith("platform:"):
            continue
        service = KB.services[r.id]
        assert engine.admits(service, checked), (r.id, answers)
        who = service["for"]
        assert answers["audience"] in who["audiences"]
        assert answers["concern"] in who["concerns"]
        assert checked.nation in who["nations"], (r.id, answers)
        taken = checked.taken_under_18 is True
        if taken:
            assert who.get("taken_under_18") != "refuses", (r.id, answers)
        if ("age_min" in who or "age_max" in who) and not (
            taken and who.get("taken_under_18") == "admits"
        ):
            # an unknown age is "a child under 18": some age from 0 to 17 must fit
            low, high = (answers["age"],) * 2 if answers["age"] is not None else (0, 17)
            assert max(low, who.get("age_min", 0)) <= min(high, who.get("age_max", 120)), r.id


@settings(max_examples=300, deadline=None)
@given(valid_answers)
def test_danger_now_means_999_first_and_otherwise_never(answers):
    ids = [r.id for r in engine.route(answers, KB).routes]
    assert (ids[0] == "police-999") if answers["danger_now"] else ("police-999" not in ids)
    assert len(ids) == len(set(ids)) and len(ids) >= 1  # never an empty answer


@settings(max_examples=300, deadline=None)
@given(valid_answers)
def test_a_matched_platform_is_a_real_suffix_match(answers):
    result = engine.route(answers, KB)
    if result.platform is None:
        return
    host = engine.host_of(answers["platform"])
    assert any(host == h or host.endswith("." + h) for h in KB.platforms[result.platform]["hosts"])


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80))
def test_any_text_as_platform_is_a_host_or_a_clear_refusal(text):
    try:
        host = engine.host_of(text)
    except BadInput as err:
        assert "\n" not in str(err)
        return
    assert host == host.lower() and " " not in host and host.isascii()


@settings(max_examples=300, deadline=None)
@given(valid_answers)
def test_unknown_age_is_a_child_under_18(answers):
    """Unknown age: never an adult-only service; every child-only route that fits some child's age
    is offered, with a condition exactly when it does not fit every child's age."""
    if answers["age"] is not None:
        return
    result = engine.route(answers, KB)
    for r in result.routes:
        if r.id.startswith("platform:"):
            assert r.condition is None
            continue
        who = KB.services[r.id]["for"]
        assert who.get("age_min", 0) <= 17, r.id
    known = {r.id for age in range(18) for r in engine.route({**answers, "age": age}, KB).routes}
    assert {r.id for r in result.routes} == known


@settings(max_examples=300, deadline=None)
@given(valid_answers, st.sampled_from([18, 19]))
def test_18_and_19_are_adults_with_childline_only_at_18(answers, age):
    if answers["concern"] in ("adult-viewing-csam", "colleague-allegation"):
        return  # about an adult: the age given is not the subject's
    answers = {**answers, "age": age}
    ids = [r.id for r in engine.route(answers, KB).routes]
    assert not {"report-remove", "ceop", "social-care-referral"} & set(ids)
    if age == 19:
        assert "childline" not in ids
    image = answers["concern"] in ("nude-image-shared", "sextortion")
    if image and answers["taken_under_18"] is True and answers["audience"] != "professional":
        assert "take-it-down" in ids and "stopncii" not in ids
    if image and not answers["taken_under_18"]:
        assert "take-it-down" not in ids and "stopncii" in ids
    procedure = [p.id for p in engine.route(answers, KB).procedure]
    assert not {"refer-social-care", "under-13-always-refer", "ceop-report"} & set(procedure)


@settings(max_examples=200, deadline=None)
@given(valid_answers)
def test_python_routes_carry_the_contract_fields(answers):
    for r in engine.route(answers, KB).as_dict()["routes"]:
        assert set(r) == {
            "id", "name", "url", "phone", "hours", "why", "steps", "condition", "limits"
        }  # fmt: skip

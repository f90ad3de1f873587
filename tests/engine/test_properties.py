"""Properties over all answers (hypothesis, bounded by max_examples): nobody is ever sent to a
service that cannot take them, 999 leads whenever there is danger now, and any text at all as
a platform gives a Result or a BadInput, never a crash."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from helper import engine, resources
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
valid_answers = st.sampled_from(
    [(a, c) for a in engine.AUDIENCES for c in engine.CONCERNS if a in KB.concerns[c]["audiences"]]
).flatmap(
    lambda pair: st.fixed_dictionaries(
        {
            "audience": st.just(pair[0]),
            "concern": st.just(pair[1]),
            "age": st.one_of(st.none(), st.integers(0, 120)),
            "platform": platforms,
            "danger_now": st.booleans(),
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
        assert answers["concern"] not in service["cannot_help"]["concerns"]
        if "age_min" in who or "age_max" in who:
            assert answers["age"] is not None
            assert who.get("age_min", 0) <= answers["age"] <= who.get("age_max", 120)


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

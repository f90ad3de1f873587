"""What the guidance must always say, for every concern and every age band."""

from __future__ import annotations

import json
import re

import pytest

from helper import guidance, resource_checks
from tests.guidance.conftest import RESOURCES, document

DOC = document()
BANDS = ("under-8", "8-12", "13-17", "unknown")
AGE_OF = {"under-8": 5, "8-12": 10, "13-17": 15, "unknown": None}
NEW_CONCERNS = ("self-harm", "online-hate", "ai-nude-image", "forwarded-nude-image")
# The concerns about a sexual image of a child (grooming often involves asking for one).
IMAGE_CONCERNS = (
    "nude-image-shared",
    "sextortion",
    "grooming",
    "csam-found",
    "ai-nude-image",
    "forwarded-nude-image",
)
CONCERNS = [c["id"] for c in DOC["concerns"]]
EVERY = [(c, b) for c in CONCERNS for b in BANDS]


def parent_concerns() -> list[str]:
    concerns = json.loads((RESOURCES / "concerns.json").read_text(encoding="utf-8"))["concerns"]
    return [c["id"] for c in concerns if "parent-carer" in c["audiences"]]


def joined(result: dict, key: str) -> str:
    return " ".join(result[key])


def test_every_parent_concern_and_the_new_ones_have_guidance():
    missing = sorted((set(parent_concerns()) | set(NEW_CONCERNS)) - set(CONCERNS))
    assert missing == []


@pytest.mark.parametrize(("concern", "band"), EVERY)
def test_each_answer_has_all_four_parts(concern, band):
    result = guidance.guidance_for(concern, AGE_OF[band], DOC)
    assert result["band"] == band
    for key in guidance.KEYS:
        assert result[key], f"{concern} {band}: {key} is empty"


@pytest.mark.parametrize(("concern", "band"), EVERY)
def test_never_copy_an_image_of_a_child_record_the_details_instead(concern, band):
    """Where the concern is about a sexual image, and only there: a warning about nude images
    inside advice on self-harm or bullying is noise a frightened parent has to read past."""
    avoid = joined(guidance.guidance_for(concern, AGE_OF[band], DOC), "avoid")
    if concern not in IMAGE_CONCERNS:
        assert "nude" not in avoid and "screenshot" not in avoid
        return
    assert "Never forward, save or screenshot" in avoid
    assert "Copying it is a crime" in avoid
    for detail in ("where", "when", "who", "usernames", "links"):
        assert re.search(rf"\b{detail}\b", avoid), detail


@pytest.mark.parametrize(("concern", "band"), EVERY)
def test_how_to_talk_stays_calm_open_and_blame_free(concern, band):
    talk = joined(guidance.guidance_for(concern, AGE_OF[band], DOC), "talk")
    for piece in ("Stay calm", "open questions", "as a punishment"):
        assert piece in talk
    if concern == "forwarded-nude-image":
        # The child who shared another child's image is helped, not blamed, but it is not
        # "not their fault": they are told it was wrong, and that they are not in trouble for
        # telling.
        assert "not their fault" not in talk and "not in trouble for telling you" in talk
    else:
        assert "not their fault" in talk


@pytest.mark.parametrize(("concern", "band"), EVERY)
def test_support_names_the_nspcc_helpline_and_the_school(concern, band):
    support = joined(guidance.guidance_for(concern, AGE_OF[band], DOC), "support")
    assert "NSPCC helpline on 0808 800 5000" in support
    assert "designated safeguarding lead" in support


@pytest.mark.parametrize("concern", CONCERNS)
def test_danger_now_means_999_first(concern):
    for band in BANDS:
        now = guidance.guidance_for(concern, AGE_OF[band], DOC)["now"]
        if concern == "csam-found":  # found images: the report itself comes first
            assert "999" in " ".join(now)
        else:
            assert "999" in now[0], (concern, band)


def test_report_harmful_content_is_only_offered_from_13():
    for concern in CONCERNS:
        for age in (5, 10):
            assert "Report Harmful Content" not in joined(
                guidance.guidance_for(concern, age, DOC), "support"
            )


def test_under_8s_are_not_sent_to_self_service_image_tools():
    for concern in CONCERNS:
        now = joined(guidance.guidance_for(concern, 5, DOC), "now")
        assert "Report Remove" not in now and "Take It Down" not in now


def test_every_source_is_dated_and_says_what_it_confirms():
    sections = [*DOC["general"], *DOC["concerns"]]
    for section in sections:
        assert section["source"], section["id"]
        for source in section["source"]:
            assert "2026-11-30" <= source["checked"] <= DOC["checked"]
            assert source["url"].startswith("https://")
            assert len(source["confirms"]) > 20


def test_general_sections_cover_schools_with_parents_and_filtering():
    sections = {s["id"]: " ".join(s["texts"]) for s in guidance.general(DOC)}
    assert "work together" in sections["schools-and-parents"]
    assert "filter" in sections["filtering-and-monitoring"].lower()
    assert "Talking with your child" in sections["filtering-and-monitoring"]


def test_no_markup_script_links_or_control_characters_anywhere():
    for place, text in resource_checks.strings(DOC):
        assert not re.search(r"[<>\x00-\x1f\x7f]", text), place
        assert "javascript:" not in text.lower(), place

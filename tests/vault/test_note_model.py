"""The note model: what a record may hold, and what it refuses with a clear message."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helper import paths
from helper.errors import BadInput
from helper.vault.notes import (
    CONCERNS,
    FIELDS,
    IMAGE_REFUSED,
    MAX_TEXT,
    refuse_images,
    validate_fields,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(40)
JPEG = b"\xff\xd8\xff\xe0" + bytes(40)


def test_concern_ids_match_the_knowledge_base():
    data = json.loads((paths.resources_dir() / "concerns.json").read_text())
    assert {c["id"] for c in data["concerns"]} == set(CONCERNS)


def test_every_field_has_a_label_and_a_prompt():
    for spec in FIELDS:
        assert spec.label and spec.prompt, spec.name
    assert "exactly" in {f.name: f for f in FIELDS}["child_words"].prompt


def test_concern_is_required_and_status_defaults_to_open():
    with pytest.raises(BadInput, match="required"):
        validate_fields({"narrative": "x"})
    assert validate_fields({"concern": "grooming"})["status"] == "open"


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"concern": "made-up"}, "must be one of"),
        ({"concern": "grooming", "colour": "red"}, "Unknown field: colour"),
        ({"concern": "grooming", "child_age": 40}, "0 to 25"),
        ({"concern": "grooming", "child_age": True}, "0 to 25"),
        ({"concern": "grooming", "child": "A" * 41}, "too long"),
        ({"concern": "grooming", "narrative": "x" * (MAX_TEXT + 1)}, "too long"),
        ({"concern": "grooming", "narrative": "a\x00b"}, "NUL"),
        ({"concern": "grooming", "narrative": "a\x1bb"}, "control character"),
        ({"concern": "grooming", "narrative": "bad \udc80 utf8"}, "UTF-8"),
        ({"concern": "grooming", "child": "two\nlines"}, "control character"),
        ({"concern": "grooming", "concern_at": "yesterday"}, "date and time"),
        ({"concern": "grooming", "told": [{"who": "mum"}]}, "must be one of"),
        ({"concern": "grooming", "checklist": {"Bad Id!": "2025-01-01T00:00Z"}}, "step id"),
        ({"concern": "grooming", "status": "archived"}, "must be one of"),
    ],
)
def test_bad_fields_are_refused_with_a_clear_message(raw, message):
    with pytest.raises(BadInput, match=message):
        validate_fields(raw)


def test_times_are_stored_in_utc():
    out = validate_fields(
        {
            "concern": "grooming",
            "concern_at": "2025-06-01T14:30+01:00",
            "checklist": {"tell-dsl": "2025-06-01T15:00Z"},
        }
    )
    assert out["concern_at"] == "2025-06-01T13:30:00+00:00"
    assert out["checklist"] == {"tell-dsl": "2025-06-01T15:00:00+00:00"}


def test_crlf_from_a_browser_textarea_becomes_lf():
    assert validate_fields({"concern": "grooming", "narrative": "a\r\nb"})["narrative"] == "a\nb"


@pytest.mark.parametrize(
    "text",
    [
        "see data:image/png;base64,iVBORw0KGgo=",
        "DATA : Image/jpeg;base64,xx",
        "pasted " + base64.b64encode(PNG).decode(),
        "pasted " + base64.b64encode(JPEG).decode(),
        "pasted " + base64.b64encode(b"GIF89a" + bytes(30)).decode(),
        "pasted " + base64.b64encode(b"\x00\x00\x00\x18ftypmp42" + bytes(30)).decode(),
        "pasted " + base64.b64encode(b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(30)).decode(),
        PNG.decode("latin-1"),
        JPEG.decode("latin-1"),
        "<svg xmlns='http://www.w3.org/2000/svg'></svg>",
    ],
)
def test_text_carrying_an_image_is_refused_and_says_why(text):
    with pytest.raises(BadInput) as err:
        validate_fields({"concern": "nude-image-shared", "online_details": text})
    assert str(err.value) == IMAGE_REFUSED
    assert "offence" in IMAGE_REFUSED or "crime" in IMAGE_REFUSED
    assert "usernames" in IMAGE_REFUSED


@pytest.mark.parametrize(
    "text",
    [
        "https://www.roblox.com/users/123456789/profile",
        "username: xXdarkknightXx, sent 14:02, said 'send me a pic'",
        "reference CEOP-2025-000123 and Met ref 4455/25",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij0123456789",  # long but not an image
    ],
)
def test_ordinary_text_is_not_mistaken_for_an_image(text):
    refuse_images(text)


printable = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="<")
    | st.sampled_from("\n\t"),
    max_size=300,
)


@settings(max_examples=200, deadline=None)
@given(narrative=printable, words=printable, age=st.none() | st.integers(0, 25))
def test_valid_text_round_trips_unchanged(narrative, words, age):
    raw = {"concern": "grooming", "narrative": narrative, "child_words": words, "child_age": age}
    try:
        out = validate_fields(raw)
    except BadInput as err:
        assert "image" in str(err)  # only an accidental base64 image may be refused
        return
    assert out.get("narrative", "") == narrative
    assert out.get("child_words", "") == words
    assert out.get("child_age") == age

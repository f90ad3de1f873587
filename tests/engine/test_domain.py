"""helper/domain.py: the rules every part imports (the engine, the loader, the vault, the native
host, the note form and the CLI), so none of them restates one."""

from __future__ import annotations

import pytest

from helper import domain, engine, resources
from helper.errors import BadInput
from helper.nativehost import messages
from helper.paths import REPO_ROOT
from helper.vault import export, notes
from helper.web.notes import form


def test_every_part_uses_the_domain_lists_and_labels():
    assert engine.AUDIENCES is domain.AUDIENCES and engine.CONCERNS is domain.CONCERNS
    assert tuple(resources.load(REPO_ROOT / "resources").concerns) == domain.CONCERNS
    assert notes.FIELD_BY_NAME["concern"].choices == domain.CONCERNS
    assert export.TOLD_LABELS is form.TOLD_WHO_LABELS is domain.TOLD_WHO_LABELS
    assert form.READING_LABELS is domain.READING_LABELS


def test_the_export_and_the_screen_name_the_recorder_the_same_way():
    spec = notes.FIELD_BY_NAME["recorder_name"]
    assert form.reading_label(spec) == domain.reading_label(spec.name, spec.label) == "Recorded by"


@pytest.mark.parametrize(
    ("audience", "value", "age"),
    [("parent-carer", None, None), ("professional", None, None), ("young-person", 15, 15),
     ("young-person", 15.0, 15), ("parent-carer", 0, 0), ("professional", 120, 120)],
)  # fmt: skip
def test_ages_that_are_accepted(audience, value, age):
    assert domain.check_age(value, audience) == age


@pytest.mark.parametrize(
    ("audience", "value"),
    [("young-person", None), ("parent-carer", -1), ("parent-carer", 121), ("professional", True),
     ("professional", "15"), ("young-person", 15.5)],
)  # fmt: skip
def test_ages_that_are_refused(audience, value):
    with pytest.raises(BadInput):
        domain.check_age(value, audience)


@pytest.mark.parametrize(
    ("concern", "age", "asked"),
    [("nude-image-shared", 18, True), ("sextortion", 40, True), ("nude-image-shared", 17, False),
     ("nude-image-shared", None, False), ("grooming", 19, False)],
)  # fmt: skip
def test_taken_under_18_is_asked_only_for_adults_and_image_concerns(concern, age, asked):
    assert domain.asks_taken_under_18(concern, age) is asked


@pytest.mark.parametrize(
    ("host", "ok"),
    [("www.instagram.com", True), ("localhost", True), ("xn--bcher-kva.example", True),
     ("my_site.example", False), ("-a.com", False), ("a..b", False), ("a-b.co.uk", True),
     ("caf\u00e9.example", False), ("a" * 64 + ".com", False), ("", False), (None, False)],
)  # fmt: skip
def test_one_host_grammar_for_engine_native_host_and_note_form(host, ok):
    assert domain.is_host(host) is ok
    if isinstance(host, str) and host:
        assert (form.prefill({"platform": host})[0].get("platform") == host) is ok
        try:
            messages.platform_host(host)
            accepted = True
        except messages.ProtocolError:
            accepted = False
        assert accepted is ok
        try:
            accepted = engine.host_of(host) == host
        except BadInput:
            accepted = False
        assert accepted is ok

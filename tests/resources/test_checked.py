"""The knowledge base is schema-checked when it is built (`waymark build-extension` writes
resources/.checked.json, a SHA-256 of exactly what it validated) and a start skips jsonschema
only while the files still hash to that value. A changed, tampered or planted file is fully
validated again, and refused."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helper import resources
from helper.errors import IntegrityError
from tests.resources.conftest import RESOURCES


def schema_checks(monkeypatch) -> list[str]:
    """Record every file the JSON Schema pass looks at."""
    seen: list[str] = []
    real = resources._check_schema

    def counting(name, document, validator):
        seen.append(name)
        return real(name, document, validator)

    monkeypatch.setattr(resources, "_check_schema", counting)
    return seen


def test_the_committed_record_matches_the_knowledge_base():
    """`waymark build-extension` refreshes it; CI fails when an edit forgot to."""
    assert resources.checked_is_current(RESOURCES), (
        "resources/.checked.json is stale: run `waymark build-extension`"
    )


def test_an_unchanged_checked_base_skips_the_schema_pass(planted, monkeypatch):
    resources.write_checked(planted.root)
    seen = schema_checks(monkeypatch)
    kb = resources.load(planted.root)
    assert seen == [] and len(kb.services) >= 23
    resources.load(planted.root, trust_checked=False)
    assert seen == list(resources.FILES)


def test_a_tampered_file_is_fully_validated_and_refused(planted, monkeypatch):
    resources.write_checked(planted.root)
    # A change the cross-file checks would not see: only the schema refuses it.
    planted.edit(
        "services",
        lambda d: next(s for s in d["services"] if s["id"] == "ceop").pop("name"),
    )
    seen = schema_checks(monkeypatch)
    with pytest.raises(IntegrityError, match="'name' is a required property"):
        resources.load(planted.root)
    assert "services" in seen


def test_a_tampered_schema_or_a_forged_record_means_the_full_check(planted, monkeypatch):
    resources.write_checked(planted.root)
    schema = planted.root / "schema" / "services.schema.json"
    schema.write_bytes(schema.read_bytes() + b" ")
    seen = schema_checks(monkeypatch)
    resources.load(planted.root)
    assert seen == list(resources.FILES)
    seen.clear()
    record = planted.root / resources.CHECKED
    for forged in ("not json", json.dumps({"format": "other", "sha256": "0" * 64}), "{}"):
        record.write_text(forged)
        resources.load(planted.root)
        assert seen == list(resources.FILES)
        seen.clear()
    record.unlink()
    resources.load(planted.root)
    assert seen == list(resources.FILES)


def test_write_checked_refuses_a_bad_base_and_writes_nothing(planted):
    (planted.root / resources.CHECKED).unlink()
    planted.edit("services", lambda d: d["services"][0].pop("name"))
    with pytest.raises(IntegrityError):
        resources.write_checked(planted.root)
    assert not (planted.root / resources.CHECKED).exists()


def test_a_fresh_process_loads_the_checked_base_without_importing_jsonschema():
    code = (
        "import sys; from helper import resources; resources.default(); "
        "print('jsonschema' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "False"

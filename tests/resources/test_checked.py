"""The knowledge base is schema-checked when it is built (`waymark build-extension` writes
resources/.checked.json, a SHA-256 of exactly what passed and of the checking code) and a start
skips the checks only while everything still hashes to that value. A changed, tampered or
planted file is fully validated again, and refused."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helper import checked_record, resource_checks, resources
from helper.errors import IntegrityError
from tests.resources.conftest import RESOURCES


def schema_checks(monkeypatch) -> list[str]:
    """Record every file the JSON Schema pass looks at, and "problems" for the cross-file
    checks."""
    seen: list[str] = []
    real, real_problems = resources._check_schema, resource_checks.problems

    def counting(name, document, validator):
        seen.append(name)
        return real(name, document, validator)

    def counting_problems(kb):
        seen.append("problems")
        return real_problems(kb)

    monkeypatch.setattr(resources, "_check_schema", counting)
    monkeypatch.setattr(resource_checks, "problems", counting_problems)
    return seen


FULL = [*resources.FILES, "problems"]


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
    assert seen == FULL


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


def test_a_file_only_the_cross_file_checks_refuse_is_refused(planted):
    """Valid for its schema, but a link to a domain not on the allow-list."""
    resources.write_checked(planted.root)
    planted.edit(
        "services",
        lambda d: next(s for s in d["services"] if s["id"] == "ceop").update(
            url="https://ceop.example.com/report"
        ),
    )
    with pytest.raises(IntegrityError, match="ceop"):
        resources.load(planted.root)


def test_changed_checking_code_means_the_full_check(planted, monkeypatch, tmp_path):
    checker = tmp_path / "checker.py"
    checker.write_text("# version 1\n")
    monkeypatch.setattr(checked_record, "CHECKER_SOURCES", (checker,))
    resources.write_checked(planted.root)
    seen = schema_checks(monkeypatch)
    resources.load(planted.root)
    assert seen == []
    checker.write_text("# version 2\n")
    resources.load(planted.root)
    assert seen == FULL


def test_a_tampered_schema_or_a_forged_record_means_the_full_check(planted, monkeypatch):
    resources.write_checked(planted.root)
    schema = planted.root / "schema" / "services.schema.json"
    schema.write_bytes(schema.read_bytes() + b" ")
    seen = schema_checks(monkeypatch)
    resources.load(planted.root)
    assert seen == FULL
    seen.clear()
    record = planted.root / checked_record.CHECKED
    for forged in ("not json", json.dumps({"format": "other", "sha256": "0" * 64}), "{}"):
        record.write_text(forged)
        resources.load(planted.root)
        assert seen == FULL
        seen.clear()
    record.unlink()
    resources.load(planted.root)
    assert seen == FULL


def test_write_checked_refuses_a_bad_base_and_writes_nothing(planted):
    (planted.root / checked_record.CHECKED).unlink()
    planted.edit("services", lambda d: d["services"][0].pop("name"))
    with pytest.raises(IntegrityError):
        resources.write_checked(planted.root)
    assert not (planted.root / checked_record.CHECKED).exists()


def test_a_fresh_process_loads_the_checked_base_without_importing_jsonschema():
    code = (
        "import sys; from helper import resources; resources.default(); "
        "print('jsonschema' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "False"


def test_every_module_the_checking_code_uses_is_part_of_the_fingerprint():
    """A check moved into a new module must still invalidate the record when it changes."""
    import ast

    covered = {path.stem for path in checked_record.CHECKER_SOURCES}
    outside = {"paths", "errors"}  # where files are and how failures are named: not checks
    for source in checked_record.CHECKER_SOURCES:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "helper":
                used = {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("helper."):
                used = {node.module.split(".")[1]}
            else:
                continue
            assert used - outside <= covered, (source.name, used - outside - covered)

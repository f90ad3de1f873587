"""`waymark build-extension`: the extension ships a byte-for-byte copy of the knowledge base, made
only once the whole knowledge base has loaded (and so passed its checks); `--check` keeps the
committed copy honest; the list of shipped files is written once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from helper import extension_data, resources
from helper.paths import REPO_ROOT
from tests.support.cli import waymark as run_waymark
from tests.support.tools import require

SHIPPED = [f"{name}.json" for name in extension_data.SHIPPED]


def waymark(*args: str, resources: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if resources is not None:
        env["WAYMARK_RESOURCES"] = str(resources)
    return run_waymark(*args, env=env)


def odd_bytes(document: object) -> bytes:
    """Valid JSON no serialiser here would write: a copy that re-serialised would differ."""
    text = json.dumps(document, indent=3, ensure_ascii=True).replace("\n", "\r\n")
    return text.encode() + b"\r\n"


@pytest.fixture
def planted(tmp_path) -> Path:
    """A valid knowledge base (resources/ copied) whose shipped files have odd bytes."""
    root = tmp_path / "resources"
    shutil.copytree(REPO_ROOT / "resources", root)
    for name in SHIPPED:
        document = json.loads((root / name).read_text(encoding="utf-8"))
        (root / name).write_bytes(odd_bytes(document))
    return root


def edit(root: Path, name: str, change: Callable[[dict], object]) -> None:
    document = json.loads((root / name).read_text(encoding="utf-8"))
    change(document)
    (root / name).write_bytes(odd_bytes(document))


def test_every_shipped_file_is_one_the_build_checks():
    """The routing knowledge base and the parents' guidance have loaders that check them; a
    shipped file outside both would reach the browser unchecked."""
    assert set(extension_data.SHIPPED) <= {*resources.FILES, "guidance"}
    assert extension_data.SHIPPED == extension_data.ROUTING + extension_data.LATER


def test_the_extension_names_the_same_files_as_the_python_list():
    node = require("node", "the extension's list is read from its own module")
    code = (
        "const m = await import(process.argv[1]);"
        "console.log(JSON.stringify({files: m.FILES, later: [...m.LATER]}));"
    )
    module = (REPO_ROOT / "extension" / "lib" / "knowledge.js").as_uri()
    out = subprocess.run(
        [node, "--input-type=module", "-e", code, module],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    listed = json.loads(out.stdout)
    assert listed["files"] == list(extension_data.SHIPPED)
    assert listed["later"] == list(extension_data.LATER)


def test_copies_exactly_the_shipped_files_byte_for_byte(planted, tmp_path):
    out = tmp_path / "data"
    result = waymark("build-extension", "--out", str(out), resources=planted)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(SHIPPED)
    for name in SHIPPED:
        assert (out / name).read_bytes() == (planted / name).read_bytes()
    assert b"\r\n" in (out / "services.json").read_bytes()
    assert (
        waymark("build-extension", "--check", "--out", str(out), resources=planted).returncode == 0
    )


def test_check_lists_each_file_that_differs_or_is_missing(planted, tmp_path):
    out = tmp_path / "data"
    waymark("build-extension", "--out", str(out), resources=planted)
    (out / "routes.json").write_bytes(b"{}")
    (out / "services.json").unlink()
    result = waymark("build-extension", "--check", "--out", str(out), resources=planted)
    assert result.returncode == 1
    assert "routes.json" in result.stderr and "services.json" in result.stderr
    assert "concerns.json" not in result.stderr
    assert (out / "routes.json").read_bytes() == b"{}", "--check writes nothing"


def _no_name(document: dict) -> None:
    next(s for s in document["services"] if s["id"] == "ceop").pop("name")


def _unknown_service(document: dict) -> None:
    document["rules"][0]["service"] = "no-such-service"


def _gap_in_bands(document: dict) -> None:
    document["bands"][1]["age_min"] += 1


BROKEN = {
    # A schema error: the message names the file, the entry and the field.
    "schema": ("services.json", _no_name, ["services.json: services[", "'ceop'", "'name'"]),
    # Valid for its schema, refused by the cross-file checks.
    "cross-file": ("routes.json", _unknown_service, ["routes.json rule", "'no-such-service'"]),
    # The parents' guidance is shipped too, and checked by its own loader.
    "guidance": ("guidance.json", _gap_in_bands, ["guidance.json: bands:"]),
}


@pytest.mark.parametrize("kind", BROKEN)
def test_an_invalid_knowledge_base_is_refused_and_the_old_copy_kept(kind, planted, tmp_path):
    out = tmp_path / "data"
    assert waymark("build-extension", "--out", str(out), resources=planted).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    name, change, expected = BROKEN[kind]
    edit(planted, name, change)
    result = waymark("build-extension", "--out", str(out), resources=planted)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "invalid, so nothing was written" in result.stderr
    for part in expected:
        assert part in result.stderr, (part, result.stderr)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_first_build_of_an_invalid_base_writes_nothing_not_even_the_folder(planted, tmp_path):
    out = tmp_path / "data"
    edit(planted, "services.json", _no_name)
    assert waymark("build-extension", "--out", str(out), resources=planted).returncode == 1
    assert not out.exists()


def test_a_missing_file_is_one_clear_line_and_the_old_copy_is_kept(planted, tmp_path):
    out = tmp_path / "data"
    waymark("build-extension", "--out", str(out), resources=planted)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (planted / "platforms.json").unlink()
    result = waymark("build-extension", "--out", str(out), resources=planted)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "platforms.json: missing" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_the_packages_are_refused_too_and_nothing_is_written(planted, tmp_path):
    edit(planted, "routes.json", _unknown_service)
    zips = tmp_path / "zips"
    result = waymark("build-extension", "--zip", str(zips), "--no-bundle", resources=planted)
    assert result.returncode == 1
    assert "nothing was written" in result.stderr and "'no-such-service'" in result.stderr
    assert not zips.exists()


def test_valid_packages_carry_the_same_bytes(planted, tmp_path):
    zips = tmp_path / "zips"
    result = waymark("build-extension", "--zip", str(zips), "--no-bundle", resources=planted)
    assert result.returncode == 0, result.stderr
    archives = sorted(zips.glob("*.zip"))
    assert len(archives) == 2
    for archive in archives:
        with zipfile.ZipFile(archive) as package:
            for name in SHIPPED:
                assert package.read(f"data/{name}") == (planted / name).read_bytes()


def test_the_committed_extension_data_matches_resources():
    result = waymark("build-extension", "--check")
    assert result.returncode == 0, result.stderr + result.stdout

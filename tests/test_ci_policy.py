"""In CI nothing may be skipped: checked by running pytest and node on small planted test files
with and without CI=true. Each case here fails if the policy loses the loophole it closes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.tools import require

ROOT = Path(__file__).resolve().parent.parent

PLANTED = {
    "test_module_skip.py": "import pytest\npytest.skip('no tool', allow_module_level=True)\n",
    "test_inner_skip.py": "import pytest\ndef test_a():\n    pytest.skip('no tool')\n",
    "test_xfail.py": "import pytest\n@pytest.mark.xfail(reason='broken')\n"
    "def test_b():\n    assert False\n",
    "test_xpass.py": "import pytest\n@pytest.mark.xfail(reason='was broken')\n"
    "def test_c():\n    assert True\n",
    "test_fine.py": "def test_d():\n    assert True\n",
}


def env(ci: bool) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    environment["PYTHONPATH"] = str(ROOT)
    if ci:
        environment["CI"] = "true"
    return environment


def run_planted_pytest(folder: Path, name: str, ci: bool) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.support.ci_policy",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(folder),
            str(folder / name),
        ],
        capture_output=True,
        text=True,
        env=env(ci),
        cwd=folder,
        check=False,
        timeout=120,
    )


@pytest.fixture
def planted(tmp_path) -> Path:
    for name, text in PLANTED.items():
        (tmp_path / name).write_text(text)
    return tmp_path


@pytest.mark.parametrize(
    "name", ["test_module_skip.py", "test_inner_skip.py", "test_xfail.py", "test_xpass.py"]
)
def test_a_test_that_does_not_run_fails_in_ci(planted, name):
    result = run_planted_pytest(planted, name, ci=True)
    assert result.returncode in (1, 2), result.stdout  # 2: a collection error interrupts
    assert "not allowed" in result.stdout


@pytest.mark.parametrize("name", ["test_module_skip.py", "test_inner_skip.py", "test_xfail.py"])
def test_outside_ci_a_skip_or_xfail_is_still_reported_but_passes(planted, name):
    result = run_planted_pytest(planted, name, ci=False)
    assert result.returncode in (0, 5), result.stdout  # 5: the module skip collected nothing


def test_a_passing_test_passes_in_ci(planted):
    assert run_planted_pytest(planted, "test_fine.py", ci=True).returncode == 0


def run_planted_node(folder: Path, body: str, ci: bool) -> subprocess.CompletedProcess:
    (folder / "planted.test.mjs").write_text('import test from "node:test";\n' + body)
    return subprocess.run(
        [sys.executable, "-m", "tests.support.node_tests", str(folder)],
        capture_output=True,
        text=True,
        env=env(ci),
        cwd=ROOT,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize("option", ["skip", "todo"])
def test_a_node_test_that_does_not_run_fails_in_ci(tmp_path, option):
    require("node", "the extension's unit tests run in Node")
    body = f'test("a", () => {{}});\ntest("b", {{ {option}: "no tool" }}, () => {{}});\n'
    result = run_planted_node(tmp_path, body, ci=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "not allowed" in result.stderr
    assert run_planted_node(tmp_path, body, ci=False).returncode == 0


def test_failing_node_tests_still_fail(tmp_path):
    require("node", "the extension's unit tests run in Node")
    result = run_planted_node(tmp_path, 'test("a", () => { throw new Error("x"); });\n', ci=False)
    assert result.returncode != 0

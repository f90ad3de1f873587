"""`waymark bench` produces every figure the issues name, each with a number, or fails: a figure
that cannot be measured (no Chromium, no keyring, no display, a missing mark, a missing area
module) is shown as failed and makes the run exit 1; it never silently disappears. The goals
are not asserted here (wall-clock goals are judged by `waymark bench` on a quiet machine, not
by timed tests on a busy 2-core CI box); that every figure is produced is."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

from helper.bench import AREAS, Figure, complete, expected_names, run_all, run_area

REPO = Path(__file__).resolve().parents[2]
# Named as in issues 12 and 14, so they can be found.
ISSUE_FIGURES = [
    "vault: save with the real keyring: vs floor",
    "web: notes list page, 10,000 notes: vs floor",
    "web: cold start to the first question: vs floor",
    "web: waymark open (window) to the first question: vs floor",
    "web: p99 under a concurrent flood",
    "extension: popup open to routes",
    "casework: notes list (every note), 1,000 notes: vs floor",
    "casework: notes due, 1,000 notes: vs floor",
    "casework: chronology of one child (200 notes), 1,000 notes: vs floor",
]


def bench(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "helper", "bench", "--json", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )


def test_every_expected_figure_is_produced_with_a_number():
    """One real quick run of every area (keyring, Xvfb and Chromium come from tests/run.sh)."""
    done = bench("--quick", timeout=900)
    figures = [Figure(**item) for item in json.loads(done.stdout)]
    by_name = {f.name: f for f in figures}
    expected = [name for area in AREAS for name in expected_names(quick=True)[area]]
    assert set(ISSUE_FIGURES) <= set(expected)
    unmeasured = {f.name: f.missing for f in figures if f.missing}
    assert unmeasured == {}, unmeasured
    for name in expected:
        assert name in by_name, f"{name!r} was not produced"
        value = by_name[name].value
        assert isinstance(value, int | float) and math.isfinite(value) and value > 0, name
    # Exit 1 only for a missed goal, which this test does not judge; never for anything else.
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert done.returncode == (1 if any(f.ok is False for f in figures) else 0)


def test_an_unknown_or_missing_area_fails_the_run_and_says_why():
    done = bench("--only", "nosuch", "--only", "engine")
    assert done.returncode == 1
    figures = [Figure(**item) for item in json.loads(done.stdout)]
    failed = [f for f in figures if f.missing]
    assert [f.name for f in failed] == ["nosuch: benchmark"]
    assert failed[0].ok is False and "no such area" in failed[0].missing
    assert any(f.name.startswith("engine:") for f in figures)


def test_a_missing_area_module_is_a_failed_figure_not_nothing():
    (figure,) = run_area("no_such_module", quick=True)
    assert figure.ok is False and "helper.bench.no_such_module" in figure.missing


def test_a_figure_an_area_did_not_return_is_added_as_unmeasured():
    partial = [Figure("web: p99 under a concurrent flood", 12.0, "ms", "<= 50 ms", True)]
    figures = complete("web", partial, quick=True)
    lost = {f.name for f in figures if f.missing}
    assert "web: cold start to the first question: vs floor" in lost
    assert "web: p99 under a concurrent flood" not in lost
    assert all(f.ok is False for f in figures if f.missing)


def test_an_unknown_area_alone_is_not_an_empty_success():
    (figure,) = run_all(only=["nosuch"], quick=True)
    assert figure.ok is False and figure.missing

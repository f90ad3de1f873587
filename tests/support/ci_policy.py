"""The CI policy as a pytest plugin: with CI=true nothing may be skipped, and no test may be
marked as expected to fail. A skip in CI usually means a tool that tests/run.sh should have
installed is missing, and an xfail hides a broken promise behind a green run; both must show.

It covers the three ways a test can avoid running: a skip inside a test (or its fixture), a
module-level `pytest.skip(allow_module_level=True)` at collection, and `xfail` (strict or not).
"""

from __future__ import annotations

import os

import pytest


def _in_ci() -> bool:
    return os.environ.get("CI") == "true"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not _in_ci():
        return
    if hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.wasxfail or "no reason"
        del report.wasxfail  # pytest counts a failure with `wasxfail` as expected, not failed
        report.longrepr = f"xfail in CI, which is not allowed: {reason}"
    elif report.skipped:
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which is not allowed: {report.longrepr}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    report = outcome.get_result()
    if _in_ci() and report.skipped:
        report.outcome = "failed"
        report.longrepr = (
            f"a whole module was skipped in CI, which is not allowed: {report.longrepr}"
        )

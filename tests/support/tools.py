"""Real tools or nothing: locally a missing tool skips its tests with a reason; in CI
(CI=true) a missing tool is a failure, because tests/run.sh must have installed it."""

from __future__ import annotations

import os
import shutil

import pytest

IN_CI = os.environ.get("CI") == "true"


def require(executable: str, why: str = "") -> str:
    """Return the absolute path of `executable`, or skip (fail in CI) when it is not installed."""
    path = shutil.which(executable)
    if path:
        return path
    message = f"{executable} is not installed{': ' + why if why else ''} (run `make test`)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)
    raise AssertionError("unreachable")

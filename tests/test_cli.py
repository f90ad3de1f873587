"""The `waymark` front end itself: help, version, and errors as one line with the right code."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "helper", *args], capture_output=True, text=True, timeout=60
    )


def test_help_lists_the_commands():
    result = run("--help")
    assert result.returncode == 0
    assert "bench" in result.stdout


def test_unknown_command_is_bad_usage():
    result = run("no-such-command")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr

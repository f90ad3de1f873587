"""Run the extension's Node tests, and in CI (CI=true) fail when any was skipped or left as
todo: node's test runner exits 0 for both, so without this a missing tool or an unfinished test
would pass quietly. Used by tests/run.sh: `python -m tests.support.node_tests tests/js/`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path


def not_run(tap: str) -> dict[str, int]:
    """The skipped and todo counts from node's TAP summary (`# skipped N`, `# todo N`)."""
    counts = {"skipped": 0, "todo": 0}
    for name in counts:
        found = re.findall(rf"^# {name} (\d+)$", tap, flags=re.MULTILINE)
        if found:
            counts[name] = int(found[-1])
    return counts


def main(paths: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tap_file = Path(tmp) / "node-tests.tap"
        command = [
            "node",
            "--test",
            "--test-reporter=spec",
            "--test-reporter-destination=stdout",
            "--test-reporter=tap",
            f"--test-reporter-destination={tap_file}",
            *paths,
        ]
        code = subprocess.run(command, check=False).returncode
        tap = tap_file.read_text() if tap_file.exists() else ""
    if code != 0:
        return code
    counts = not_run(tap)
    if os.environ.get("CI") == "true" and any(counts.values()):
        print(
            f"Node tests not run in CI, which is not allowed: {counts['skipped']} skipped, "
            f"{counts['todo']} todo.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

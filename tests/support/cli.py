"""Running `waymark` as a person does: a fresh `python -m helper` process from the source tree,
text in and out. The one runner every CLI test uses; each area passes its own environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from helper.paths import REPO_ROOT


def waymark(
    *args: str,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    cwd: Path = REPO_ROOT,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """`waymark ARGS` with `env` (default: this process's environment) and the source tree
    importable from any `cwd`. A traceback on stderr is always a failure."""
    environment = dict(os.environ if env is None else env)
    environment.setdefault("PYTHONPATH", str(REPO_ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "helper", *args],
        cwd=cwd,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def private_env(home: Path, passphrase: str) -> dict[str, str]:
    """A person's environment for the notes commands: their own HOME, data folder and TMPDIR,
    the passphrase in a file, the fast test KDF, no keyring and no desktop session."""
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    secret = home / "pass.txt"
    secret.write_text(passphrase + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY")}
    env.update(
        WAYMARK_HOME=str(home / "waymark"),
        HOME=str(home),
        TMPDIR=str(home / "tmp"),
        WAYMARK_KDF_FAST="1",
        WAYMARK_TESTING="1",
        WAYMARK_PASSPHRASE_FILE=str(secret),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    return env

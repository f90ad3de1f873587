"""One wheel and one sdist built from this checkout, and one fresh venv outside the repository
with the wheel installed, shared by every packaging test in the session."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Installed:
    dist: Path  # the built wheel and sdist
    wheel: Path
    sdist: Path
    venv: Path
    waymark: Path  # the console script the wheel installed

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


def _pip_cache() -> Path:
    """Keep pip's downloads between runs (tests/run.sh gives each run a fresh HOME)."""
    cache = Path(os.environ.get("WAYMARK_PIP_CACHE", ROOT / "test-artifacts" / "pip-cache"))
    cache.mkdir(parents=True, exist_ok=True)
    return cache


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PIP_CACHE_DIR": str(_pip_cache()), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env, **kwargs)
    assert result.returncode == 0, f"{command[:4]} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Installed:
    root = tmp_path_factory.mktemp("packaging")
    dist = root / "dist"
    # `python -m build` makes the sdist, then the wheel from that sdist: both are checked at once.
    _run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], cwd=root)
    (wheel,) = dist.glob("waymark-*.whl")
    (sdist,) = dist.glob("waymark-*.tar.gz")
    target = root / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(target)
    _run([str(target / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], cwd=root)
    return Installed(dist, wheel, sdist, target, target / "bin" / "waymark")


@pytest.fixture
def elsewhere(tmp_path) -> Path:
    """A folder with no source tree anywhere above it to run commands from."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


@pytest.fixture
def user_env(tmp_path) -> dict[str, str]:
    """A person's environment: private HOME and data folder, nothing pointing at the repo."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "WAYMARK_RESOURCES", "WAYMARK_ROOT", "DISPLAY", "VIRTUAL_ENV")
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        WAYMARK_HOME=str(home / "waymark"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    return env

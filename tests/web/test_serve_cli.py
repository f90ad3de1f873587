"""`waymark serve`: the first stdout line is the address with its token; Ctrl-C and SIGTERM
stop it with exit 0; a non-loopback address is refused in one line."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def serve(tmp_path: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "WAYMARK_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "helper", "serve", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("stop_with", [signal.SIGINT, signal.SIGTERM])
def test_first_line_is_the_address_and_a_signal_stops_it_cleanly(tmp_path, stop_with):
    proc = serve(tmp_path)
    try:
        line = proc.stdout.readline()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[A-Za-z0-9_-]{43}\n", line)
        port = int(line.split(":")[2].split("/")[0])
        # It is really serving (and refusing a request without the cookie).
        with pytest.raises(urllib.request.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/about", timeout=10)
        assert refused.value.code == 403
    finally:
        proc.send_signal(stop_with)
        _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "It works once: the first visit signs you in" in err


def test_each_launch_has_its_own_token_and_port(tmp_path):
    first, second = serve(tmp_path / "a"), serve(tmp_path / "b")
    try:
        a, b = first.stdout.readline(), second.stdout.readline()
    finally:
        for proc in (first, second):
            proc.terminate()
            proc.communicate(timeout=20)
    assert a.split("token=")[1] != b.split("token=")[1]
    assert a.split("/?")[0] != b.split("/?")[0]


def test_refuses_a_non_loopback_address_in_one_line(tmp_path):
    proc = serve(tmp_path, "--host", "0.0.0.0")
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2
    assert out == ""
    assert err.strip().count("\n") == 0 and "Refusing to listen on '0.0.0.0'" in err

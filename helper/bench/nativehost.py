"""Native host figures. The popup asks `hello` to learn whether the helper is installed, and
the browser starts a fresh host process for every one-off message, so what a person waits for
is a cold start plus one reply. Memory: an over-cap claimed length must cost nothing extra."""

from __future__ import annotations

import io
import json
import os
import statistics
import struct
import subprocess
import sys
import time

from helper.bench import Figure
from helper.bench.memory import wait_peak_bytes
from helper.nativehost.host import serve
from helper.nativehost.identity import chromium_origin, extension_id

HELLO = json.dumps({"v": 1, "type": "hello"}).encode()
HELLO_FRAME = struct.pack("=I", len(HELLO)) + HELLO


def _cold_hello(data: bytes) -> tuple[float, int]:
    """Seconds from starting the host to its exit, and its peak RSS in KiB."""
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "helper", "native-host", chromium_origin(extension_id())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert process.stdin and process.stdout
    process.stdin.write(data)
    process.stdin.close()
    process.stdout.read()
    peak = wait_peak_bytes(process)
    return time.perf_counter() - start, peak // 1024


def run(quick: bool) -> list[Figure]:
    rounds = 5 if quick else 20
    cold = [_cold_hello(HELLO_FRAME) for _ in range(rounds)]
    median_ms = statistics.median(seconds for seconds, _ in cold) * 1000
    hello_rss = max(rss for _, rss in cold)
    _, huge_rss = _cold_hello(struct.pack("=I", 0xFFFFFFFF))

    messages = 200 if quick else 5000
    stream = io.BytesIO(HELLO_FRAME * messages)
    start = time.perf_counter()
    serve(stream, io.BytesIO(), [chromium_origin(extension_id())])
    per_second = messages / (time.perf_counter() - start)

    return [
        Figure(
            "native host: cold start to hello reply", median_ms, "ms", "< 250 ms", median_ms < 250
        ),
        Figure(
            "native host: peak memory answering hello",
            hello_rss / 1024,
            "MiB",
            "< 64 MiB",
            hello_rss < 64 * 1024,
        ),
        Figure(
            "native host: extra memory for a 4 GiB claimed length",
            max(0, huge_rss - hello_rss) / 1024,
            "MiB",
            "< 1 MiB",
            huge_rss - hello_rss < 1024,
        ),
        Figure("native host: hello replies per second on one connection", per_second, "/s"),
    ]

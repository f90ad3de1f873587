"""The native host's bench runs and reports its figures (their goals are judged by
`waymark bench`, not here: wall-clock asserts are flaky on a busy 2-core machine)."""

from __future__ import annotations

from helper.bench import Figure, nativehost


def test_bench_reports_cold_start_memory_and_throughput():
    figures = nativehost.run(quick=True)
    assert all(isinstance(f, Figure) and f.value >= 0 for f in figures)
    names = " ".join(f.name for f in figures)
    assert "cold start" in names and "4 GiB" in names and "per second" in names

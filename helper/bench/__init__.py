"""Benchmarks. Speed and memory goals are checked here, not in timed tests, because a loaded
2-core CI machine makes wall-clock assertions flaky. Each area has its own module with a
`run(quick: bool) -> list[Figure]`."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from dataclasses import asdict, dataclass

AREAS = ("engine", "vault", "casework", "web", "nativehost", "extension")


@dataclass(frozen=True)
class Figure:
    """One measured figure. `ok` is None when there is no goal to meet (information only)."""

    name: str
    value: float
    unit: str
    goal: str = ""
    ok: bool | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def run_all(only: list[str] | None = None, quick: bool = False) -> list[Figure]:
    """Every area asked for. With more than one, each runs in a fresh process: memory figures
    (a child's peak RSS on Linux starts from its parent's high-water mark) and timings must not
    depend on which area happened to run before."""
    areas = [a for a in AREAS if not only or a in only]
    if len(areas) == 1:
        return run_area(areas[0], quick)
    figures: list[Figure] = []
    for area in areas:
        figures.extend(_run_in_child(area, quick))
    return figures


def run_area(area: str, quick: bool) -> list[Figure]:
    try:
        module = importlib.import_module(f"helper.bench.{area}")
    except ModuleNotFoundError as err:
        if err.name != f"helper.bench.{area}":
            raise
        return []
    return list(module.run(quick=quick))


def _run_in_child(area: str, quick: bool) -> list[Figure]:
    command = [sys.executable, "-m", "helper", "bench", "--json", "--only", area]
    if quick:
        command.append("--quick")
    # Exit code 1 only means a goal was missed; the figures still come back on stdout.
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    try:
        return [Figure(**item) for item in json.loads(done.stdout)]
    except (ValueError, TypeError):
        message = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return [Figure(f"{area}: benchmark failed ({message})", 0, "", "runs", False)]


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "goal", "ok")]
    for f in figures:
        value = f"{f.value:.3g} {f.unit}".strip()
        ok = "-" if f.ok is None else ("yes" if f.ok else "NO")
        rows.append((f.name, value, f.goal, ok))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )

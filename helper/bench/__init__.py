"""Benchmarks. Speed and memory goals are checked here, not in timed tests, because a loaded
2-core CI machine makes wall-clock assertions flaky. Each area has its own module with a
`run(quick: bool) -> list[Figure]`."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from dataclasses import asdict, dataclass

AREAS = ("engine", "vault", "casework", "web", "nativehost", "extension", "pocket")


@dataclass(frozen=True)
class Figure:
    """One measured figure. `ok` is None when there is no goal to meet (information only).
    `missing` says why a figure could not be measured (no Chromium, no keyring, a missing
    mark): such a figure is shown as failed and makes `waymark bench` exit 1."""

    name: str
    value: float
    unit: str
    goal: str = ""
    ok: bool | None = None
    missing: str = ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def unmeasured(name: str, why: str, unit: str = "") -> Figure:
    """A figure that could not be measured: it fails, it never silently disappears."""
    return Figure(name, 0.0, unit, "measured", False, missing=why)


def ratio_figures(name: str, value: float, floor_name: str, floor: float, goal: float):
    """A figure in seconds, its floor measured in the same run, and their ratio against `goal`."""
    ratio = value / floor if floor else float("inf")
    return [
        Figure(name, value * 1000, "ms"),
        Figure(f"{name}: floor ({floor_name})", floor * 1000, "ms"),
        Figure(f"{name}: vs floor", ratio, "x", f"<= {goal}", ratio <= goal),
    ]


def unmeasured_ratio(name: str, floor_name: str, why: str) -> list[Figure]:
    """The three figures of `ratio_figures`, each unmeasured for the same reason."""
    return [
        unmeasured(name, why, "ms"),
        unmeasured(f"{name}: floor ({floor_name})", why, "ms"),
        unmeasured(f"{name}: vs floor", why, "x"),
    ]


# The figures each area must produce, named as in the issues so they can be found. A name that
# does not come back (an area that crashed half-way, a module missing, a figure dropped by a
# later edit) is added as unmeasured, so the run fails. Some names carry the vault size, which
# `--quick` makes smaller.
def expected_names(quick: bool) -> dict[str, list[str]]:
    cases = 1_000 if quick else 10_000
    web_notes = 10_000  # the size the issue names, in --quick too (filled in one transaction)
    casework = [
        f"casework: {what}, {cases:,} notes: vs floor"
        for what in (
            "notes list (every note)",
            "helper notes page (first 50)",
            "notes due",
            f"chronology of one child ({cases // max(1, cases // 200)} notes)",
        )
    ]
    return {
        "engine": [],
        "vault": [
            "vault: save vs bare SQLite",
            "vault: save with the real keyring",
            "vault: save with the real keyring: floor (bare SQLite insert+commit, same bytes)",
            "vault: save with the real keyring: vs floor",
        ],
        "casework": casework,
        "web": [
            f"web: notes list page, {web_notes:,} notes",
            f"web: notes list page, {web_notes:,} notes: floor (vault call)",
            f"web: notes list page, {web_notes:,} notes: vs floor",
            "web: cold start to the first question",
            "web: cold start to the first question: floor (bare Flask+waitress)",
            "web: cold start to the first question: vs floor",
            "web: waymark open (window) to the first question",
            "web: waymark open (window) to the first question: floor (bare window)",
            "web: waymark open (window) to the first question: vs floor",
            "web: p99 under a concurrent flood",
        ],
        "nativehost": [],
        "extension": [
            "extension: package size (zip)",
            "extension: popup open to routes",
            "extension: popup open to routes: floor (blank extension page)",
            "extension: popup open to routes: vs floor",
        ],
        "pocket": [
            "pocket: site transfer (gzip)",
            "pocket: offline open to the first question",
            "pocket: offline open to the first question: floor (empty page from the same worker)",
            "pocket: offline open to the first question: vs floor",
            "pocket: route computation",
        ],
    }


def run_all(only: list[str] | None = None, quick: bool = False) -> list[Figure]:
    """Every area asked for. With more than one, each runs in a fresh process: memory figures
    (a child's peak RSS on Linux starts from its parent's high-water mark) and timings must not
    depend on which area happened to run before."""
    areas = [a for a in AREAS if not only or a in only]
    unknown = [
        unmeasured(f"{a}: benchmark", "there is no such area") for a in only or [] if a not in AREAS
    ]
    if len(areas) == 1 and not unknown:
        return run_area(areas[0], quick)
    figures: list[Figure] = unknown
    for area in areas:
        figures.extend(_run_in_child(area, quick))
    return figures


def run_area(area: str, quick: bool) -> list[Figure]:
    try:
        module = importlib.import_module(f"helper.bench.{area}")
    except ModuleNotFoundError as err:
        if err.name != f"helper.bench.{area}":
            raise
        figures = [unmeasured(f"{area}: benchmark", f"the module helper.bench.{area} is missing")]
    else:
        figures = list(module.run(quick=quick))
    return complete(area, figures, quick)


def complete(area: str, figures: list[Figure], quick: bool) -> list[Figure]:
    """`figures` plus an unmeasured figure for each expected name that did not come back."""
    have = {f.name for f in figures}
    lost = [n for n in expected_names(quick).get(area, []) if n not in have]
    return figures + [unmeasured(n, "not produced by the benchmark") for n in lost]


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
        failed = unmeasured(f"{area}: benchmark", f"it failed: {message}")
        return complete(area, [failed], quick)


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "goal", "ok")]
    for f in figures:
        value = f"{f.value:.3g} {f.unit}".strip()
        ok = "-" if f.ok is None else ("yes" if f.ok else "NO")
        if f.missing:
            value, ok = "not measured", f"NO ({f.missing})"
        rows.append((f.name, value, f.goal, ok))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )

"""Benchmarks. Speed and memory goals are checked here, not in timed tests, because a loaded
2-core CI machine makes wall-clock assertions flaky. Each area has its own module with a
`run(quick: bool) -> list[Figure]`."""

from __future__ import annotations

import importlib
from dataclasses import asdict, dataclass

AREAS = ("engine", "vault", "web", "nativehost", "extension")


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
    figures: list[Figure] = []
    for area in AREAS:
        if only and area not in only:
            continue
        try:
            module = importlib.import_module(f"helper.bench.{area}")
        except ModuleNotFoundError as err:
            if err.name != f"helper.bench.{area}":
                raise
            continue
        figures.extend(module.run(quick=quick))
    return figures


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

"""Engine figures: how long loading the knowledge base and one routing decision take.

Goals: load under 1 s (it runs when the helper or the web app starts) and a route under 1 ms
(the web app and native host answer with it while a person waits; the mission is "right route in
under a minute", so the engine must be a negligible part of that).
"""

from __future__ import annotations

import itertools
import time

from helper.bench import Figure

LOAD_GOAL_S = 1.0
ROUTE_GOAL_MS = 1.0


def run(quick: bool) -> list[Figure]:
    from helper import engine, resources

    loads = 3 if quick else 10
    start = time.perf_counter()
    for _ in range(loads):
        kb = resources.load()
    load_s = (time.perf_counter() - start) / loads

    answers = [
        {"audience": a, "age": age, "concern": c, "platform": p, "danger_now": d}
        for a, c in itertools.product(engine.AUDIENCES, engine.CONCERNS)
        if a in kb.concerns[c]["audiences"]
        for age, p, d in ((15, None, False), (12, "https://m.youtube.com/watch?v=1", True))
    ]
    calls = 1_000 if quick else 10_000
    start = time.perf_counter()
    for answer in itertools.islice(itertools.cycle(answers), calls):
        engine.route(answer, kb)
    route_ms = (time.perf_counter() - start) / calls * 1000
    return [
        Figure(
            "engine: load knowledge base", load_s, "s", f"< {LOAD_GOAL_S} s", load_s < LOAD_GOAL_S
        ),
        Figure(
            "engine: route() mean",
            route_ms,
            "ms",
            f"< {ROUTE_GOAL_MS} ms",
            route_ms < ROUTE_GOAL_MS,
        ),
    ]

"""URL rules whose builder functions are compiled on first use.

Werkzeug compiles two URL-builder functions (Python source through `compile()`) for every rule
at the moment the rule is added. The helper has about 36 rules and shows one page at start, so
that work was two thirds of building the app and pushed the measured cold start past its goal
(`waymark bench`: 1.31x a bare Flask app before this, goal 1.3x). Matching is untouched: only
`url_for` builders are deferred, and each is compiled exactly as werkzeug would, once.

This leans on `Rule._compile_builder`, a private method of werkzeug 3.x; pyproject pins
werkzeug below 4, and every page test goes through `url_for`, so a change there fails loudly."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from werkzeug.routing import Rule


class LazyBuilderRule(Rule):
    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compile_now = super()._compile_builder
        compiled: list[Callable[..., tuple[str, str]]] = []
        lock = threading.Lock()

        def build(rule: LazyBuilderRule, *args: Any, **kwargs: Any) -> tuple[str, str]:
            if not compiled:
                with lock:
                    if not compiled:
                        compiled.append(compile_now(append_unknown).__get__(rule, None))
            return compiled[0](*args, **kwargs)

        return build


class WaymarkFlask(Flask):
    url_rule_class = LazyBuilderRule

"""`waymark bench`: run every area's benchmark and print figures beside their goals."""

from __future__ import annotations

import argparse
import json


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("bench", help="measure speed and memory against their goals")
    p.add_argument("--json", action="store_true", help="print a JSON list of figures")
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="AREA",
        help="run only this area (engine, vault, casework, web, nativehost, extension, pocket); "
        "repeatable",
    )
    p.add_argument("--quick", action="store_true", help="smaller sizes, for tests")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from helper.bench import run_all, table

    figures = run_all(only=args.only, quick=args.quick)
    if args.json:
        print(json.dumps([f.as_dict() for f in figures], indent=2))
    else:
        print(table(figures))
    return 0 if all(f.ok is not False for f in figures) else 1

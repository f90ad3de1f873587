"""`waymark`: parses, calls, prints. Each area registers its own subcommands from its own module
so the front end stays thin and no area's heavy imports (Flask, Qt, cryptography) slow another's
command: modules import what they need inside their handlers, and a command imports and builds
only its own area's parser (the helper's cold start and the native host, which the browser
starts afresh for every message, pay for nothing else)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from helper import __version__
from helper.errors import WaymarkError

# Modules of helper.cli, in the order `waymark --help` shows them.
AREAS = ("app", "signpost", "boroughs", "councils", "notes", "extension", "doctor", "bench")
# Which area registers each command (tests/test_cli.py checks this against the areas).
COMMAND_AREAS = {
    "open": "app",
    "serve": "app",
    "signpost": "signpost",
    "boroughs": "boroughs",
    "councils": "councils",
    "notes": "notes",
    "verify": "notes",
    "native-host": "extension",
    "install-native-host": "extension",
    "build-extension": "extension",
    "build-web": "extension",
    "doctor": "doctor",
    "bench": "bench",
}


def area_modules(names: Sequence[str] = AREAS) -> list[ModuleType]:
    return [importlib.import_module(f"helper.cli.{name}") for name in names]


def build_parser(areas: Sequence[str] = AREAS) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="waymark",
        description="Waymark: the right reporting route when something goes wrong online for a "
        "child, and a safe, encrypted record of the concern. With no command, opens the helper.",
    )
    parser.add_argument("--version", action="version", version=f"waymark {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for area in area_modules(areas):
        area.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    opens_helper = not args_list or (
        args_list[0].startswith("-") and args_list[0] not in ("-h", "--help", "--version")
    )
    if opens_helper:
        # `waymark` and `waymark --browser` open the helper.
        args_list = ["open", *args_list]
    # A known command needs only its own area; anything else (help, a typo) gets them all, so
    # argparse can list every choice.
    area = COMMAND_AREAS.get(args_list[0])
    parser = build_parser([area] if area else AREAS)
    args = parser.parse_args(args_list)
    if area == "notes":  # `notes` and `verify` print stored text: one rule for all of it
        from helper.cli.terminal import safe_output

        with safe_output():
            return run(args)
    return run(args)


def run(args: argparse.Namespace) -> int:
    """Run the parsed command: a WaymarkError is its one sentence and exit code."""
    try:
        return int(args.func(args) or 0)
    except WaymarkError as err:
        print(f"waymark: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`waymark doctor | head`): not an error worth a traceback.
        # Point stdout at devnull so the interpreter's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0

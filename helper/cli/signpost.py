"""`waymark signpost`: the routing engine from a terminal, as readable text or as JSON.

Choices are checked by the engine, not by argparse, so a wrong value gets one line that names the
valid choices (argparse would print a usage block), and the CLI and the web app say the same.
"""

from __future__ import annotations

import argparse
import json
import textwrap
from typing import TYPE_CHECKING

from helper.errors import BadInput

if TYPE_CHECKING:
    from helper.engine import Result

WIDTH = 78


def register(commands: argparse._SubParsersAction) -> None:
    """Add `waymark signpost` to `waymark`."""
    p = commands.add_parser(
        "signpost",
        help="show where to report a concern about a child online",
        description="Show the right reporting routes, most urgent first, for who you are, the "
        "child's age and what happened.",
    )
    p.add_argument("--audience", metavar="WHO", help="young-person, parent-carer or professional")
    p.add_argument(
        "--age",
        metavar="N",
        help="age of the child the concern is about (0-120); parents and professionals may "
        "leave it out when they do not know it (a child under 18, age not known)",
    )
    from helper.domain import CONCERNS  # light: the domain module imports nothing heavy

    p.add_argument("--concern", metavar="ID", help=f"what happened: {', '.join(CONCERNS)}")
    p.add_argument(
        "--taken-under-18",
        action="store_true",
        help="for 18 or over and a nude image or sextortion: the image was taken before 18",
    )
    p.add_argument("--platform", metavar="HOST_OR_URL", help="where it happened, e.g. tiktok.com")
    p.add_argument("--danger-now", action="store_true", help="someone is in danger right now")
    p.add_argument(
        "--borough",
        metavar="NAME",
        help="professionals: the London borough where the child lives, to put its front door "
        "and LADO numbers in the steps that need them (see `waymark boroughs`)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def answers_from(args: argparse.Namespace) -> dict:
    """The engine's answers from the command line; BadInput for what argparse cannot judge."""
    from helper.domain import AGE_LIMITS, AGE_REQUIRED, AUDIENCES, CONCERNS

    if not args.audience:
        raise BadInput(f"--audience is needed: choose one of {', '.join(AUDIENCES)}")
    if not args.concern:
        raise BadInput(f"--concern is needed: choose one of {', '.join(CONCERNS)}")
    low, high = AGE_LIMITS
    age = None
    if args.age is not None:
        try:
            age = int(args.age.strip())
        except ValueError:
            raise BadInput(
                f"--age must be a whole number from {low} to {high}, got {args.age!r}"
            ) from None
    elif args.audience in AGE_REQUIRED:
        raise BadInput(f"--age is needed for {args.audience}: your age, {low} to {high}")
    return {
        "audience": args.audience,
        "age": age,
        "concern": args.concern,
        "platform": args.platform,
        "danger_now": bool(args.danger_now),
        "taken_under_18": bool(getattr(args, "taken_under_18", False)),
    }


def run(args: argparse.Namespace) -> int:
    from helper import engine, resources

    answers = answers_from(args)
    borough = borough_from(args)
    kb = resources.default()
    result = engine.route(answers, kb)
    advice = parents_guidance(answers)
    if args.json:
        print(json.dumps(as_json(result, advice, borough), indent=2, ensure_ascii=False))
    else:
        label = kb.concerns[answers["concern"]]["label"][answers["audience"]]
        platform = kb.platforms[result.platform]["name"] if result.platform else None
        print(render(result, label, platform, advice, borough))
    return 0


def as_json(result: Result, advice: dict | None, borough: dict | None) -> dict:
    """The `--json` answer: the engine's result, the parents' guidance (or null) and, when one
    was given, the borough's entry."""
    extra: dict = {"guidance": advice}
    if borough is not None:
        from helper import boroughs

        extra["borough"] = boroughs.as_dict(borough)
    return {**result.as_dict(), **extra}


def borough_from(args: argparse.Namespace) -> dict | None:
    """The borough `--borough` names (professionals only), or None; BadInput with "did you
    mean" for a name that is not a London borough."""
    name = getattr(args, "borough", None)
    if name is None:
        return None
    if args.audience != "professional":
        raise BadInput("--borough is for professionals: it adds the council's referral numbers")
    from helper.cli.boroughs import entry_for

    return entry_for(name)


def parents_guidance(answers: dict) -> dict | None:
    """A parent or carer also gets guidance for the child's age band, or adult guidance for a
    son or daughter of 18 or over (None for others): the engine says where to go, this says how
    to get through it at home."""
    if answers["audience"] != "parent-carer":
        return None
    from helper import guidance

    return guidance.guidance_for(answers["concern"], answers["age"], guidance.default())


def render(
    result: Result,
    concern_label: str,
    platform_name: str | None,
    advice: dict | None = None,
    borough: dict | None = None,
) -> str:
    """Plain text for a terminal: warnings first, then numbered routes, then parents' guidance
    or the procedure, with the borough's numbers in the steps that need them (or where to find
    them when no borough was given)."""
    lines = [f"Where to go: {concern_label}"]
    if platform_name:
        lines.append(f"(on {platform_name})")
    if result.warnings:
        lines += ["", "First, please read:"]
        for w in result.warnings:
            lines += _wrap(w.text, "  ! ", "    ")
    lines += ["", "Where to go, most urgent first:"]
    for number, r in enumerate(result.routes, start=1):
        lines.append(f"{number:2}. {r.name}")
        if r.condition:
            lines += _wrap(f"{r.condition}:", "    ", "    ")
        lines += _wrap(r.why, "    ", "    ")
        if r.phone:
            lines.append(f"    Phone: {r.phone}")
        if r.hours:
            lines += _wrap(r.hours, "    Open:  ", "           ")
        if r.url:
            lines.append(f"    Link:  {r.url}")
        for step in r.steps:
            lines += _wrap(step, "    - ", "      ")
        for limit in r.limits:
            lines += _wrap(limit, "    Limit: ", "           ")
    if result.parent_tools:
        lines += ["", f"Safety settings for parents on {platform_name}:"]
        for tool in result.parent_tools:
            lines.append(f"  - {tool['name']}: {tool['url']}")
            lines += _wrap(tool["what"], "    ", "    ")
    if advice:
        from helper.guidance import HEADINGS

        for key, heading in HEADINGS:
            lines += ["", f"{heading}:"]
            for text in advice[key]:
                lines += _wrap(text, "  - ", "    ")
    if result.procedure:
        lines += ["", "Your procedure, in order:"]
        for number, p in enumerate(result.procedure, start=1):
            lines.append(f"{number:2}. {p.title} [{p.section}]")
            lines += _wrap(p.text, "    ", "    ")
            lines += _numbers(p.id, borough)
    return "\n".join(lines)


def _numbers(step_id: str, borough: dict | None) -> list[str]:
    """The borough's numbers under the step that needs them, or where to find them."""
    from helper.casework import numbers_for_step

    kind = numbers_for_step(step_id)
    if kind is None:
        return []
    if borough is None:
        return ["    Numbers: `waymark boroughs NAME` gives the council's front door and LADO."]
    from helper.cli.boroughs import number_lines

    return [f"    {borough['name']}:", *(f"  {line}" for line in number_lines(borough, kind))]


def _wrap(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest) or [first]

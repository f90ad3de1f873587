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
    from helper.domain import NATIONS

    p.add_argument(
        "--nation",
        metavar="N",
        help=f"where the child lives: {', '.join(NATIONS)}; it decides the procedure and the "
        "services that cover the case (without --nation or --council: London, as before)",
    )
    p.add_argument(
        "--council",
        metavar="NAME",
        help="professionals: the council (a London borough, a council in England, Wales or "
        "Scotland, or a Northern Ireland HSC Trust) where the child lives; it sets the nation "
        "and puts the front door's numbers in the steps that need them (see `waymark councils`)",
    )
    p.add_argument(
        "--borough",
        metavar="NAME",
        help="the same as --council (kept for London boroughs, see `waymark boroughs`)",
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
    nation, london, _ = place_from(args)
    return {
        "audience": args.audience,
        "age": age,
        "concern": args.concern,
        "platform": args.platform,
        "danger_now": bool(args.danger_now),
        "taken_under_18": bool(getattr(args, "taken_under_18", False)),
        "nation": nation,
        "london": london,
    }


def run(args: argparse.Namespace) -> int:
    from helper import engine, resources

    answers = answers_from(args)
    _, _, place = place_from(args)
    kb = resources.default()
    result = engine.route(answers, kb)
    advice = parents_guidance(answers)
    if args.json:
        print(json.dumps(as_json(result, advice, place, answers), indent=2, ensure_ascii=False))
    else:
        label = kb.concerns[answers["concern"]]["label"][answers["audience"]]
        platform = kb.platforms[result.platform]["name"] if result.platform else None
        print(render(result, label, platform, advice, place, answers["nation"]))
    return 0


def as_json(
    result: Result, advice: dict | None, place: object = None, answers: dict | None = None
) -> dict:
    """The `--json` answer: the engine's result, the parents' guidance (or null), where the
    child lives (`place`) and, when one was given, the borough's or council's entry."""
    extra: dict = {"guidance": advice}
    if answers is not None:
        extra["place"] = {
            "nation": answers.get("nation", "england"),
            "london": answers.get("london", True),
            "council": getattr(place, "name", None),
        }
    entry = _entry(place)
    if entry is not None:
        if getattr(place, "london", True):
            from helper import boroughs

            extra["borough"] = boroughs.as_dict(entry)
        else:
            from helper import councils

            extra["council"] = councils.as_dict(entry, councils.default())
    return {**result.as_dict(), **extra}


def _entry(place: object) -> dict | None:
    """The directory entry of a Place, or a borough entry given directly (older callers)."""
    if place is None:
        return None
    return dict(getattr(place, "entry", place))  # type: ignore[arg-type]


def place_from(args: argparse.Namespace) -> tuple[str, bool, object]:
    """(nation, london, Place or None) from --nation and --council/--borough. Without either,
    London, as before nations were asked; --nation alone is that nation (England outside
    London for england). BadInput for a council outside the nation given, an unknown council
    without --nation ("did you mean"), or a council for anyone but a professional."""
    from helper.domain import DEFAULT_NATION

    nation = getattr(args, "nation", None)
    council, borough = getattr(args, "council", None), getattr(args, "borough", None)
    if council is not None and borough is not None:
        raise BadInput("give --council or --borough, not both (they mean the same)")
    name = council if council is not None else borough
    flag = "--council" if council is not None else "--borough"
    from helper.cli.councils import check_nation, place_for

    check_nation(nation)
    if name is None:
        return (nation or DEFAULT_NATION, nation is None, None)
    if args.audience != "professional":
        raise BadInput(f"{flag} is for professionals: it adds the council's referral numbers")
    place = place_for(name, nation)
    return (place.nation, place.london, place)


def borough_from(args: argparse.Namespace) -> dict | None:
    """The London borough --borough or --council names, or None (kept for older callers)."""
    _, london, place = place_from(args)
    return _entry(place) if london else None


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
    borough: object = None,
    nation: str = "england",
) -> str:
    """Plain text for a terminal: warnings first, then numbered routes, then parents' guidance
    or the procedure, with the borough's numbers in the steps that need them (or where to find
    them when no borough was given)."""
    lines = _wrap(f"Where to go: {concern_label}", "", "  ")
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
            lines += _wrap(f"{p.title} [{p.section}]", f"{number:2}. ", "    ")
            lines += _wrap(p.text, "    ", "    ")
            lines += _numbers(p, borough, nation)
    return "\n".join(lines)


# Steps whose service is a referral to the front door, or to the LADO, carry its numbers.
FRONT_DOOR_SERVICES = frozenset({"social-care-referral", "social-work-scotland", "gateway-ni"})


def numbers_kind(step: object) -> str | None:
    """Which numbers a procedure step needs: "social-care", "lado" or None."""
    from helper.casework import numbers_for_step

    kind = numbers_for_step(getattr(step, "id", ""))
    if kind is not None:
        return kind
    service = getattr(step, "service", None)
    if service in FRONT_DOOR_SERVICES:
        return "social-care"
    return "lado" if service == "lado" else None


def _numbers(step: object, place: object, nation: str = "england") -> list[str]:
    """The borough's or council's numbers under the step that needs them, or where to find
    them."""
    kind = numbers_kind(step)
    if kind is None:
        return []
    entry = _entry(place)
    if entry is None:
        if nation == "england" and place is None and getattr(step, "id", "") in _LONDON_STEPS:
            return ["    Numbers: `waymark boroughs NAME` gives the council's front door and LADO."]
        return ["    Numbers: `waymark councils NAME` gives the council's front door."]
    if getattr(place, "london", True):
        from helper.cli.boroughs import number_lines

        return [f"    {entry['name']}:", *(f"  {line}" for line in number_lines(entry, kind))]
    from helper import councils
    from helper.cli.councils import number_lines as council_lines

    lines = council_lines(entry, councils.default(), kind)
    return [f"    {entry['name']}:", *(f"  {line}" for line in lines)]


# The London chapter's steps that name a borough's numbers.
_LONDON_STEPS = frozenset(
    {"refer-social-care", "consider-social-care", "adult-refer-social-care", "colleague-lado",
     "adult-viewing-works-with-children"}
)  # fmt: skip


def _wrap(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest) or [first]

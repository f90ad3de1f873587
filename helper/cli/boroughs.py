"""`waymark boroughs [NAME] [--json]`: who to call about a child in a London borough.

Shows only what an official page confirmed (see resources/boroughs.json); a number nobody could
confirm is left out and the person is told to check the council's own website. An unknown name
exits 2 with the closest names; "outside London" points to GOV.UK's council finder.
"""

from __future__ import annotations

import argparse
import json
import sys

from helper.errors import BadInput

UNCONFIRMED = "not confirmed: check the council's own website"


def register(commands: argparse._SubParsersAction) -> None:
    """Add `waymark boroughs` to `waymark`."""
    p = commands.add_parser(
        "boroughs",
        help="show who to call about a child in a London borough",
        description="Show a London borough's children's services front door (MASH), out-of-hours "
        "team, LADO, referral form and written-referral deadline, as far as official pages "
        "confirm them. With no NAME, every borough. For a council outside London, give "
        "'outside London'.",
    )
    p.add_argument("name", nargs="?", metavar="NAME", help='e.g. "Tower Hamlets" or camden')
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from helper import boroughs

    if args.name is not None and boroughs.is_outside_london(args.name):
        return _outside_london(args.json)
    document = boroughs.default()
    if args.name is None:
        entries = boroughs.boroughs(document)
        if args.json:
            _print_json([boroughs.as_dict(e) for e in entries])
        else:
            print("\n\n".join(render(e) for e in entries))
        return 0
    entry = entry_for(args.name, document)
    if args.json:
        _print_json(boroughs.as_dict(entry))
    else:
        print(render(entry))
    return 0


def entry_for(name: str, document: dict | None = None) -> dict:
    """The London borough `name` means, or BadInput with the closest names ("did you mean")
    and where to look outside London. Shared by `waymark boroughs` and `signpost --borough`."""
    from helper import boroughs

    document = boroughs.default() if document is None else document
    if not name.strip() or len(name) > 100:
        raise BadInput('give a London borough\'s name, e.g. "Tower Hamlets"')
    entry = boroughs.find(name, document)
    if entry is None:
        suggestions = boroughs.closest(name, document)
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        raise BadInput(
            f"{_shown(name)!r} is not a London borough.{hint} "
            f"For a council outside London: {boroughs.OUTSIDE_LONDON_URL}"
        )
    return entry


def _shown(name: str) -> str:
    """The name as typed, without control characters, for an error message."""
    return "".join(c if c.isprintable() else "?" for c in name)[:60]


def _outside_london(as_json: bool) -> int:
    from helper.boroughs import OUTSIDE_LONDON_URL

    if as_json:
        _print_json({"id": "outside-london", "name": "Outside London", "url": OUTSIDE_LONDON_URL})
    else:
        print("Outside London: find the child's local council, and its children's services,")
        print(f"on GOV.UK: {OUTSIDE_LONDON_URL}")
    return 0


def _print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def number_lines(entry: dict, kind: str = "all") -> list[str]:
    """The borough's numbers a step needs ("social-care", "lado" or "all"), one line each,
    indented by two. Unconfirmed fields say so rather than vanish."""
    lines: list[str] = []
    if kind in ("social-care", "all"):
        mash = entry.get("mash", {})
        front = mash.get("phone", UNCONFIRMED)
        if "hours" in mash:
            front += f" ({mash['hours']})"
        out_of_hours = entry.get("out_of_hours", {}).get("phone", UNCONFIRMED)
        lines += [
            f"  Children's services front door (MASH): {front}",
            f"  Out of hours (emergency duty team):    {out_of_hours}",
        ]
    if kind in ("lado", "all"):
        lado = entry.get("lado", {})
        lado_text = " / ".join(lado[k] for k in ("phone", "email") if k in lado) or UNCONFIRMED
        lines.append(f"  LADO (allegations about staff):        {lado_text}")
    if kind in ("social-care", "all"):
        lines.append(
            f"  Referral form:                         {entry.get('referral_url', UNCONFIRMED)}"
        )
        if "written_confirmation_hours" in entry:
            hours = entry["written_confirmation_hours"]
            lines.append(f"  After a phone referral, send it in writing within {hours} hours.")
    return lines


def render(entry: dict) -> str:
    """A borough as readable text. Unconfirmed fields say so rather than vanish."""
    lines = [entry["name"], *number_lines(entry)]
    evidence = entry.get("evidence", [])
    if evidence:
        checked = max(item["checked"] for item in evidence)
        pages = f"{len(evidence)} official page{'s' if len(evidence) > 1 else ''}"
        lines.append(f"  Checked {checked} against {pages}; --json lists them.")
    else:
        lines.append("  No official page confirmed these details: check the council's website.")
    lines.append("  If a child is in immediate danger, call 999.")
    return "\n".join(lines)

"""`waymark councils [NAME] [--nation N] [--json]`: the front door for a child in any nation.

A London borough answers as `waymark boroughs` does. Elsewhere it shows the council's (or, in
Northern Ireland, the HSC Trust's) front door, out-of-hours number and "report a concern" page,
as far as official pages confirm them (resources/councils.json); a number nobody confirmed is
left out, and the nation's official finder is shown instead. A merged council answers with its
successors. An unknown name exits 2 with the closest names ("did you mean").
"""

from __future__ import annotations

import argparse
import json
import sys

from helper.domain import NATION_NAMES, NATIONS
from helper.errors import BadInput

UNCONFIRMED = "not confirmed by an official page"


def register(commands: argparse._SubParsersAction) -> None:
    """Add `waymark councils` to `waymark`."""
    p = commands.add_parser(
        "councils",
        help="show the front door for a child's council in any UK nation",
        description="Show who to call about a child: the council's children's services or "
        "social work front door, its out-of-hours number and its report-a-concern page "
        "(in Northern Ireland, the HSC Trust's Gateway team), as far as official pages confirm "
        "them. With no NAME, every council of the nation given (or of all nations outside "
        "London). London boroughs answer as `waymark boroughs` does.",
    )
    p.add_argument("name", nargs="?", metavar="NAME", help='e.g. "Rhondda Cynon Taf" or Fife')
    p.add_argument("--nation", metavar="N", help=f"one of {', '.join(NATIONS)}")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from helper import councils

    nation = check_nation(args.nation)
    document = councils.default()
    if args.name is None:
        entries = councils.councils(document, nation)
        if args.json:
            _print_json([councils.as_dict(e, document) for e in entries])
        else:
            print("\n\n".join(render(e, document) for e in entries))
            if nation in (None, "england"):
                print("\nLondon's 33 boroughs: `waymark boroughs`.")
        return 0
    place = place_for(args.name, nation)
    if place.london:
        from helper import boroughs
        from helper.cli.boroughs import render as render_borough

        if args.json:
            _print_json({**boroughs.as_dict(place.entry), "nation": "england", "london": True})
        else:
            print(render_borough(dict(place.entry)))
        return 0
    if args.json:
        _print_json(councils.as_dict(place.entry, document))
    else:
        print(render(place.entry, document))
    return 0


def check_nation(nation: str | None) -> str | None:
    if nation is not None and nation not in NATIONS:
        raise BadInput(f"unknown nation {nation!r}: choose one of {', '.join(NATIONS)}")
    return nation


def place_for(name: str, nation: str | None = None):
    """The Place `name` means (a London borough or a council), or BadInput with the closest
    names and the official finder. With `nation`, the place must be in it."""
    from helper import boroughs, councils

    if not name.strip() or len(name) > 100:
        raise BadInput('give a council\'s name, e.g. "Rhondda Cynon Taf" or "Tower Hamlets"')
    document = councils.default()
    place = councils.find(name, document)
    if place is None:
        suggestions = councils.closest(name, document)
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        raise BadInput(
            f"{_shown(name)!r} is not a council Waymark knows.{hint} Give --nation with it, "
            f"or find the council: {boroughs.OUTSIDE_LONDON_URL}"
        )
    if nation is not None and place.nation != nation:
        raise BadInput(
            f"{place.name} is in {NATION_NAMES[place.nation]}, not {NATION_NAMES[nation]}"
        )
    return place


def _shown(name: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in name)[:60]


def _print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def number_lines(entry: dict, document: dict, kind: str = "all") -> list[str]:
    """A council's numbers for a step ("social-care", "lado" or "all"), indented by two.
    Unconfirmed fields say so, and the nation's official finder follows them."""
    from helper import councils

    nation = entry["nation"]
    found = councils.finder(document, nation)
    if kind == "lado":
        if nation in ("scotland", "northern-ireland"):
            return [f"  {NATION_NAMES[nation]} has no LADO: follow your employer's process."]
        return [
            f"  LADO (allegations about staff):        {UNCONFIRMED}",
            f"  Find the council: {found['url']}",
        ]
    door = entry.get("front_door", {})
    label = door.get("name") or default_door(nation)
    phone = door.get("phone", UNCONFIRMED)
    if "hours" in door:
        phone += f" ({door['hours']})"
    lines = [
        f"  Front door ({label}): {phone}",
        f"  Out of hours: {entry.get('out_of_hours', {}).get('phone', UNCONFIRMED)}",
        f"  Report a concern: {entry.get('concern_url', UNCONFIRMED)}",
    ]
    if "phone" not in door or "concern_url" not in entry:
        lines.append(f"  {found['name']}: {found['url']}")
    return lines


def default_door(nation: str) -> str:
    return {
        "england": "children's services",
        "wales": "children's services",
        "scotland": "social work",
        "northern-ireland": "the HSC Trust's Gateway team",
    }[nation]


def render(entry: dict, document: dict) -> str:
    """A council as readable text. Unconfirmed fields say so rather than vanish."""
    from helper import councils

    nation = NATION_NAMES[entry["nation"]]
    if entry.get("kind") == "former":
        names = ", ".join(s["name"] for s in councils.successors(entry, document))
        return "\n".join([f"{entry['name']} ({nation})", f"  Now: {names}. Look up each by name."])
    lines = [f"{entry['name']} ({nation})", *number_lines(entry, document)]
    evidence = entry.get("evidence", [])
    if evidence:
        checked = max(item["checked"] for item in evidence)
        pages = f"{len(evidence)} official page{'s' if len(evidence) > 1 else ''}"
        lines.append(f"  Checked {checked} against {pages}; --json lists them.")
    else:
        lines.append("  No official page confirmed these details yet: use the finder above.")
    lines.append("  If a child is in immediate danger, call 999.")
    return "\n".join(lines)

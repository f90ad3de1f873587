"""`waymark notes follow-up|due|chronology|referral`: casework on the encrypted notes.

Registered from helper/cli/notes.py (one line), so these stay `notes` subcommands. Parsing and
printing only; the rules are in helper/casework.py and helper/vault/{followups,chronology}.py.

- `notes follow-up ID --what TEXT --due YYYY-MM-DD[THH:MM] [--signed-by NAME]`: the first line
  printed is the new follow-up's id.
- `notes follow-up ID --done FOLLOWUP_ID [--outcome TEXT] [--signed-by NAME]`.
- `notes due [--json]`: `[{"note", "followup", "what", "due", "overdue"}]`, most urgent first;
  exit 0 even when nothing is due.
- `notes chronology REF [--json]`: `[{"at", "kind", "note", "text"}]`, oldest first.
- `notes referral ID`: the referral summary as text (printed, never sent anywhere).
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import UTC, datetime

from helper.errors import BadInput


def register(sub: argparse._SubParsersAction) -> None:
    """Add the casework actions to `waymark notes`."""
    p = sub.add_parser("follow-up", help="set a follow-up on a note, or mark one done")
    p.add_argument("id", help="the note's id")
    p.add_argument("--what", help="what needs doing")
    p.add_argument("--due", help="when: YYYY-MM-DD or YYYY-MM-DDTHH:MM (local time)")
    p.add_argument("--done", metavar="FOLLOWUP_ID", help="mark this follow-up done")
    p.add_argument("--outcome", help="with --done: what happened")
    p.add_argument("--signed-by", help="your name (default: the note's recorder or last signer)")
    p.set_defaults(func=cmd_follow_up)
    p = sub.add_parser("due", help="list overdue and upcoming follow-ups, most urgent first")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_due)
    p = sub.add_parser("chronology", help="every event for one child reference, in time order")
    p.add_argument("ref", help="the child reference used on the notes")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_chronology)
    p = sub.add_parser("referral", help="print a note as a referral summary (nothing is sent)")
    p.add_argument("id")
    p.set_defaults(func=cmd_referral)


def _signer(args: argparse.Namespace, vault: object, note_id: str) -> str:
    if args.signed_by:
        return str(args.signed_by)
    record = vault.note(note_id)  # type: ignore[attr-defined]
    name = None
    if record.revisions:  # the note's recorder, else whoever signed its latest revision
        name = record.latest.fields.get("recorder_name") or record.latest.signed_by
    if not name:
        raise BadInput("Say who is signing: --signed-by NAME.")
    return str(name)


def cmd_follow_up(args: argparse.Namespace) -> int:
    from helper.cli.notes import _tell, open_unlocked
    from helper.vault import followups

    if args.done and (args.what or args.due):
        raise BadInput("Give either --what and --due (a new follow-up) or --done, not both.")
    if not args.done and not (args.what and args.due):
        raise BadInput("A follow-up needs --what TEXT and --due YYYY-MM-DD[THH:MM].")
    with open_unlocked() as vault:
        name = _signer(args, vault, args.id)
        if args.done:
            followups.complete(vault, args.id, args.done, name, args.outcome or "")
            _tell(vault)
            print(f"Follow-up {args.done} on note {args.id} is marked done.")
            return 0
        followup_id = followups.add(vault, args.id, args.what, args.due, name)
        _tell(vault)
    print(followup_id)
    print(f"Follow-up set on note {args.id}.")
    return 0


def _now() -> datetime:
    """Now, or WAYMARK_NOW (tests only, with WAYMARK_TESTING=1) to show overdue items."""
    fixed = os.environ.get("WAYMARK_NOW") if os.environ.get("WAYMARK_TESTING") == "1" else None
    return datetime.fromisoformat(fixed) if fixed else datetime.now(UTC)


def cmd_due(args: argparse.Namespace) -> int:
    from helper.cli.notes import _tell, open_unlocked
    from helper.vault import followups

    with open_unlocked() as vault:
        items = followups.due(vault, _now())
        _tell(vault)
    if args.json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
        return 0
    if not items:
        print("Nothing is due.")
    for item in items:
        flag = "OVERDUE " if item["overdue"] else "due     "
        print(f"{flag}{_shown_due(item['due'])}  {item['note']}/{item['followup']}  {item['what']}")
    return 0


def _shown_due(due: str) -> str:
    """A stored due value in 16 columns: the day, or the local time to the minute."""
    from helper.vault import times

    if len(due) == 10 and times.readable_due(due) is not None:
        return f"{due}      "
    return f"{times.shown(due, '%Y-%m-%d %H:%M'):<16}"


def cmd_chronology(args: argparse.Namespace) -> int:
    from helper.cli.notes import _tell, open_unlocked
    from helper.vault.chronology import chronology

    with open_unlocked() as vault:
        events = chronology(vault, args.ref)
        _tell(vault)
    if args.json:
        print(json.dumps(events, ensure_ascii=False, indent=2))
        return 0
    if not events:
        print("No notes carry that child reference.")
    from helper.vault import times

    for e in events:
        when = f"{times.shown(e['at'], '%Y-%m-%d %H:%M'):<16}"
        print(f"{when}  {e['kind']:<14} {e['note']}  {e['text']}")
    return 0


def cmd_referral(args: argparse.Namespace) -> int:
    from helper.cli.notes import _tell, open_unlocked
    from helper.vault.chronology import summary_for

    with open_unlocked() as vault:
        sections, _borough = summary_for(vault, args.id)
        vault._append("export", None, 1)  # leaving the vault, even on screen, is recorded
        _tell(vault)
    for section in sections:
        print(f"== {section.heading} ==")
        for line in section.lines:
            print(line)
        for gap in section.missing:
            print(f"STILL MISSING: {gap}")
        print()
    print("Nothing has been sent anywhere. Copy each part into the borough's referral form.")
    return 0

"""`waymark notes identity | contacts | handover | import`: hand notes to another vault (a DSL's)
and take them in (HANDOVER.md). Parses, calls helper.vault.handover, prints.

Exit codes as everywhere: 0 done, 1 refused (bad signature, replay, tamper, wrong recipient,
too large), 2 bad usage. Passphrases come from a prompt or WAYMARK_PASSPHRASE_FILE, one a line:
the vault's first, then the bundle's (for --passphrase)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the hand-over actions to `waymark notes` (called from helper/cli/notes.py)."""
    p = sub.add_parser("identity", help="show this vault's hand-over recipient and fingerprint")
    p.add_argument("--json", action="store_true", help="as JSON: recipient and fingerprint")
    p.add_argument(
        "--card",
        metavar="NAME",
        help="print your contact card under NAME (one line staff paste to add you)",
    )
    p.set_defaults(func=cmd_identity)

    contacts = sub.add_parser("contacts", help="people you hand notes to, or accept them from")
    csub = contacts.add_subparsers(dest="contacts_command", metavar="ACTION", required=True)
    p = csub.add_parser("add", help="add a contact after checking their details with them")
    p.add_argument("name", nargs="?")
    p.add_argument("recipient", nargs="?", help="their age recipient (age1…)")
    p.add_argument("fingerprint", nargs="?", help="their signing fingerprint (8 groups of 4)")
    p.add_argument(
        "--card", metavar="CARD", help="their contact card instead: the line, or its file"
    )
    p.set_defaults(func=cmd_contacts_add)
    p = csub.add_parser("list", help="list contacts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_contacts_list)
    p = csub.add_parser("remove", help="remove a contact")
    p.add_argument("name")
    p.set_defaults(func=cmd_contacts_remove)

    p = sub.add_parser(
        "handover", help="write notes to an encrypted, signed file for another vault"
    )
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument(
        "--child-ref",
        metavar="REF",
        help="also every note with this child reference (the child's whole chronology)",
    )
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--to", metavar="NAME", help="the contact to hand over to")
    who.add_argument(
        "--passphrase",
        action="store_true",
        help="protect the file with a passphrase instead (for someone not yet a contact)",
    )
    p.add_argument("--output", required=True, type=Path, help="the file to write")
    p.add_argument("--also-me", action="store_true", help="let this vault open the file too")
    p.add_argument("--signed-by", help="your name (default: the note's recorder)")
    p.add_argument("--force", action="store_true", help="replace the file if it exists")
    p.set_defaults(func=cmd_handover)

    p = sub.add_parser("import", help="import a hand-over file; prints the new note ids")
    p.add_argument("file", type=Path)
    p.add_argument(
        "--trust-new",
        action="store_true",
        help="accept a sender who is not a contact yet (check their fingerprint first)",
    )
    p.add_argument(
        "--as",
        dest="new_name",
        metavar="NAME",
        help="with --trust-new: the name to save the new contact under (needed when the name "
        "they signed with belongs to another contact)",
    )
    p.set_defaults(func=cmd_import)


def _open(log_unlock: bool = True):
    from helper.cli.notes import Secrets, open_unlocked

    secrets = Secrets()
    return secrets, open_unlocked(secrets, log_unlock)


def cmd_identity(args: argparse.Namespace) -> int:
    from helper.vault import identity

    _secrets, vault = _open()
    with vault:
        me = identity.load(vault)
        assert me is not None
    if args.card is not None:
        import sys

        from helper.vault.contact_card import card_line

        print(card_line(args.card, me.recipient, me.fingerprint))
        print(
            "Give this line (or a file holding it) to the staff who hand notes to you. They add "
            "you with `waymark notes contacts add --card`, then check your fingerprint with you.",
            file=sys.stderr,
        )
    elif args.json:
        print(json.dumps(me.as_json()))
    else:
        print(f"Recipient:   {me.recipient}")
        print(f"Fingerprint: {me.fingerprint}")
        print("Give both to the people who will hand notes to you (on paper or in person).")
    return 0


def read_card(source: str):
    """A contact card from the command line: a file's path, "-" for standard input, or the
    line itself. A file is read only up to a card's size; anything wrong is BadInput."""
    import sys

    from helper.errors import BadInput
    from helper.vault.contact_card import MAX_CARD_BYTES, card_from_bytes, parse_card

    if source == "-":
        return card_from_bytes(sys.stdin.buffer.read(MAX_CARD_BYTES + 1))
    if source.strip().lower().startswith("waymark-contact:"):
        return parse_card(source)
    path = Path(source)
    try:
        with path.open("rb") as handle:
            return card_from_bytes(handle.read(MAX_CARD_BYTES + 1))
    except FileNotFoundError:
        raise BadInput(
            f"There is no file {source}, and it is not a contact card (those start with "
            "waymark-contact:v1:)."
        ) from None
    except OSError:
        raise BadInput(f"Cannot read {source}.") from None


def cmd_contacts_add(args: argparse.Namespace) -> int:
    from helper.errors import BadInput
    from helper.vault import contacts

    given = [args.name, args.recipient, args.fingerprint]
    if args.card is not None:
        if any(given):
            raise BadInput("Give a contact card, or a name, recipient and fingerprint: not both.")
        card = read_card(args.card)
        given = [card.name, card.recipient, card.fingerprint]
    elif not all(given):
        raise BadInput("Give the contact's name, recipient and fingerprint, or --card CARD.")
    _secrets, vault = _open()
    with vault:
        contact = contacts.add(vault, *given)
    print(f"Added {contact.name} ({contact.fingerprint}).")
    if args.card is not None:
        print("Check that fingerprint with them in person or by phone before you hand over notes.")
    return 0


def cmd_contacts_list(args: argparse.Namespace) -> int:
    from helper.vault import contacts

    _secrets, vault = _open()
    with vault:
        found = contacts.list_contacts(vault)
    if args.json:
        print(json.dumps([c.as_json() for c in found]))
        return 0
    if not found:
        print("No contacts yet.")
    for c in found:
        print(f"{c.name}\n    {c.recipient}\n    {c.fingerprint}")
    return 0


def cmd_contacts_remove(args: argparse.Namespace) -> int:
    from helper.vault import contacts

    _secrets, vault = _open()
    with vault:
        contact = contacts.remove(vault, args.name)
    print(f"Removed {contact.name}.")
    return 0


def cmd_handover(args: argparse.Namespace) -> int:
    from helper.errors import BadInput
    from helper.vault import contacts, handover

    if args.passphrase and args.also_me:
        raise BadInput("A passphrase hand-over has only the passphrase; --also-me cannot be used.")
    if not args.ids and args.child_ref is None:
        raise BadInput("Name the notes to hand over (ID…), or a child with --child-ref REF.")
    if args.output.exists() and not args.force:
        raise BadInput(f"{args.output} already exists; use --force to replace it.")
    secrets, vault = _open()
    with vault:
        ids = list(args.ids)
        if args.child_ref is not None:
            ids += handover.child_note_ids(vault, args.child_ref)
        to = contacts.find(vault, args.to) if args.to else None
        passphrase = None
        if args.passphrase:
            passphrase = secrets.ask("Passphrase for the file (at least 8 characters): ", True)
            if len(passphrase) < 8:
                raise BadInput("Choose a passphrase of at least 8 characters for the file.")
        done = handover.hand_over(
            vault,
            ids,
            args.output,
            to=to,
            passphrase=passphrase,
            also_me=args.also_me,
            signed_by=args.signed_by,
            force=args.force,
        )
    print(f"Wrote {len(done.note_ids)} note(s) to {done.output}, encrypted and signed.")
    print(f"Each note now says it was handed over to {done.to}. Hand-over id: {done.bundle_id}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    import sys

    from helper.errors import BadInput
    from helper.vault import bundle, handover

    if args.new_name is not None and not args.trust_new:
        raise BadInput("--as names a new contact, so it goes with --trust-new.")
    data = bundle.read_capped(args.file)  # size and readability first: no passphrase asked
    # The unlock is logged with the import itself: a refused bundle leaves the file untouched.
    secrets, vault = _open(log_unlock=False)
    with vault:
        passphrase = None
        if bundle.needs_passphrase(data):
            passphrase = secrets.ask("Passphrase for the hand-over file: ")
        try:
            done = handover.import_bundle(
                vault,
                data,
                passphrase=passphrase,
                trust_new=args.trust_new,
                new_name=args.new_name,
                log_unlock=True,
            )
        except handover.NameTaken:
            raise
        except bundle.HandoverRefused:
            sender = None
            if not args.trust_new and sys.stdin.isatty():
                from helper.vault.contact_card import new_sender

                sender = new_sender(vault, data, passphrase)
            if sender is None or not confirm_sender(sender):
                raise
            done = handover.import_bundle(
                vault, data, passphrase=passphrase, trust_new=True, log_unlock=True
            )
    if done.trusted_now:
        print(f"Added {done.sender.name} as a contact.", file=sys.stderr)
    print(f"Imported {len(done.note_ids)} note(s) from {done.sender.name}.", file=sys.stderr)
    for note_id in done.note_ids:
        print(note_id)
    return 0


def confirm_sender(sender) -> bool:
    """At a terminal: show a first-time sender's fingerprint and ask once whether it is theirs.
    Anything but "yes" imports nothing (the refusal is then printed as usual)."""
    import sys

    print(
        f"This hand-over is from {sender.name}, who is not one of your contacts yet.\n"
        f"Their fingerprint: {sender.fingerprint}\n"
        f"Ask {sender.name} to read you the fingerprint on their Waymark (in person or by "
        "phone, not by email).",
        file=sys.stderr,
    )
    # The question goes to stderr with the rest: stdout stays the new note ids, for scripts.
    print("Does every group match? Type yes to add them and import: ", end="", file=sys.stderr)
    sys.stderr.flush()
    try:
        answer = input()
    except EOFError:
        return False
    return answer.strip().lower() == "yes"


# ---- `waymark notes show`: where a note came from -------------------------------------------
def provenance_text(vault, note_id: str) -> str:
    """The lines `notes show` adds for a note that came by hand-over ("" for one made here)."""
    from helper.vault import handover

    hops = handover.shown_provenance(vault, note_id)
    if not hops:
        return ""
    lines = ["", "Where this note came from", "-" * 40]
    lines += [handover.hop_sentence(h) for h in hops]
    return "\n".join(lines) + "\n"


def note_json(vault, note) -> dict:
    """`waymark notes show ID --json`: the note, every revision, and `provenance` (the
    hand-overs it came through, oldest first; null for a note made in this vault)."""
    from helper.vault import handover

    deleted = note.deleted
    return {
        "id": note.id,
        "deleted": None
        if deleted is None
        else {
            "deleted_at": deleted.deleted_at.isoformat(timespec="microseconds"),
            "signed_by": deleted.signed_by,
            "reason": deleted.reason,
        },
        "revisions": [r.as_dict() for r in note.revisions],
        "provenance": handover.shown_provenance(vault, note.id),
    }

"""`waymark notes …` and `waymark verify`: parse, call the vault, print. No logic of its own
beyond turning input into fields and output into lines.

Passphrases never come from an argument (it would sit in shell history and `ps`): a prompt, or
for scripts WAYMARK_PASSPHRASE_FILE, one passphrase per line (passwd reads old then new).
The recovery code comes from a prompt or WAYMARK_RECOVERY_FILE."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from helper import files
from helper.cli import handover
from helper.errors import BadInput, StorageError

NOTES_HELP = (
    "Keep an encrypted record of a safeguarding concern on this computer. Text only: never "
    "copy or attach an image. Your passphrase is asked for at a prompt; scripts can give a file "
    "in WAYMARK_PASSPHRASE_FILE (one passphrase per line; passwd reads the old one, then the "
    "new). The recovery code is asked for at a prompt, or read from WAYMARK_RECOVERY_FILE."
)

# Fields that get their own option; told and checklist are structured, so JSON only.
OPTION_ALIASES = {"child_age": ["--age"], "concern_at": ["--when"]}


def register(commands: argparse._SubParsersAction) -> None:
    """Add `notes` (with its subcommands) and `verify` to `waymark`."""
    notes = commands.add_parser(
        "notes", help="keep an encrypted record of a concern", description=NOTES_HELP
    )
    sub = notes.add_subparsers(dest="notes_command", metavar="ACTION", required=True)
    p = sub.add_parser("init", help="create the vault and show its recovery code")
    p.add_argument(
        "--dsl",
        metavar="CARD",
        help="who your DSL is: their contact card (the line, or the file they gave you)",
    )
    p.set_defaults(func=cmd_init)
    for name, func, helptext in (
        ("new", cmd_new, "record a new concern; prints its id first"),
        ("revise", cmd_revise, "save a new revision of a note"),
    ):
        p = sub.add_parser(name, help=helptext)
        if name == "revise":
            p.add_argument("id")
        _field_options(p)
        p.set_defaults(func=func)
    sub.add_parser("list", help="list notes, newest first").set_defaults(func=cmd_list)
    p = sub.add_parser("show", help="show a note with every revision")
    p.add_argument("id")
    p.add_argument("--json", action="store_true", help="as JSON, with where it came from")
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("delete", help="delete a note (a record that it existed is kept)")
    p.add_argument("id")
    p.add_argument("--reason", required=True, help="why it is being deleted")
    p.add_argument("--signed-by", required=True, help="your name")
    p.set_defaults(func=cmd_delete)
    p = sub.add_parser("export", help="write a printable record to a file you name")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("id", nargs="?")
    which.add_argument("--all", action="store_true", help="every note that is not deleted")
    p.add_argument("--format", choices=("text", "html"), default="text")
    p.add_argument("--output", required=True, type=Path, help="the file to write")
    p.add_argument("--force", action="store_true", help="replace the file if it exists")
    p.set_defaults(func=cmd_export)
    sub.add_parser("passwd", help="change the passphrase").set_defaults(func=cmd_passwd)
    sub.add_parser("recover", help="set a new passphrase with the recovery code").set_defaults(
        func=cmd_recover
    )
    p = sub.add_parser("device", help="turn 'unlock on this device' on or off")
    p.add_argument("state", choices=("on", "off"))
    p.set_defaults(func=cmd_device)
    handover.register(sub)  # identity, contacts, handover, import (helper/cli/handover.py)
    from helper.cli import casework  # follow-up, due, chronology, referral

    casework.register(sub)
    p = commands.add_parser(
        "verify",
        help="check the vault for damage, tampering or rollback",
        description="Check the vault for damage, tampering or rollback. Without a keyring a "
        "whole-file rollback cannot be seen from the file alone: print the chain head with "
        "--print-head, keep it on paper, and check against it later with --head.",
    )
    p.add_argument(
        "--print-head",
        action="store_true",
        help="after checking, print the audit chain head to write down",
    )
    p.add_argument(
        "--head", metavar="SEQ:CODE", help="a chain head you wrote down earlier, to check against"
    )
    p.set_defaults(func=cmd_verify)


def _field_options(p: argparse.ArgumentParser) -> None:
    from helper.vault.notes import FIELDS

    for spec in FIELDS:
        if spec.kind in ("told", "checklist"):
            continue
        flags = [f"--{spec.name.replace('_', '-')}", *OPTION_ALIASES.get(spec.name, [])]
        p.add_argument(*flags, dest=f"field_{spec.name}", metavar="TEXT", help=spec.label)
    p.add_argument("--from-json", metavar="FILE", help="fields as a JSON object (- for stdin)")
    p.add_argument("--signed-by", help="your name for the sign-off (default: --recorder-name)")


# ---- input -------------------------------------------------------------------------------------
class Secrets:
    """Passphrases from WAYMARK_PASSPHRASE_FILE (line by line) or from a prompt."""

    def __init__(self) -> None:
        from helper.hardening import forbid_core_dumps

        forbid_core_dumps()  # a passphrase is about to be in memory
        self._lines: list[str] | None = None
        source = os.environ.get("WAYMARK_PASSPHRASE_FILE")
        if source:
            self._lines = _read_secret_file(source, "WAYMARK_PASSPHRASE_FILE")

    def ask(self, prompt: str, confirm: bool = False) -> str:
        if self._lines is not None:
            if not self._lines:
                raise BadInput("WAYMARK_PASSPHRASE_FILE has too few lines for this command.")
            return self._lines.pop(0)
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("Type it again: ") != first:
            raise BadInput("The two passphrases were different; nothing was changed.")
        return first


def _read_secret_file(source: str, name: str) -> list[str]:
    try:
        text = Path(source).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        raise BadInput(f"Cannot read {name}.") from None
    return text.splitlines()


def fields_from(args: argparse.Namespace) -> dict[str, Any]:
    """JSON first (if given), then each option on top of it."""
    fields: dict[str, Any] = {}
    if args.from_json:
        fields.update(_load_json(args.from_json))
    for key, value in vars(args).items():
        if key.startswith("field_") and value is not None:
            fields[key.removeprefix("field_")] = value
    return fields


# Bounds on the JSON a person gives (helper/boundedjson.py): a note's fields nest 3 levels (the
# fields, the told list, a told entry) and hold far fewer values than this; the file is read no
# further than a few notes' worth (a revision is at most 100,000 bytes as stored).
MAX_JSON_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 3
MAX_JSON_VALUES = 100_000


def _load_json(source: str) -> dict[str, Any]:
    from helper import boundedjson

    try:
        if source == "-":
            raw = sys.stdin.buffer.read(MAX_JSON_BYTES + 1)
        else:
            with open(source, "rb") as handle:
                raw = handle.read(MAX_JSON_BYTES + 1)
    except OSError:
        raise BadInput(f"Cannot read {source}.") from None
    if len(raw) > MAX_JSON_BYTES:
        raise BadInput(f"The JSON is larger than a note may be ({MAX_JSON_BYTES // 1024} KiB).")
    try:
        data = boundedjson.loads(raw, max_depth=MAX_JSON_DEPTH, max_values=MAX_JSON_VALUES)
    except UnicodeDecodeError:
        raise BadInput("The JSON is not valid UTF-8.") from None
    except boundedjson.TooDeep:
        raise BadInput(
            f"The JSON is nested too deeply (more than {MAX_JSON_DEPTH} levels)."
        ) from None
    except boundedjson.TooMany:
        raise BadInput(f"The JSON holds too many values (more than {MAX_JSON_VALUES:,}).") from None
    except ValueError:
        raise BadInput("That is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadInput("The JSON must be an object of field names and values.")
    return data


def signer(args: argparse.Namespace, fields: dict[str, Any]) -> str:
    name = args.signed_by or fields.get("recorder_name")
    if not name:
        raise BadInput("Say who is signing this record: --signed-by NAME (or --recorder-name).")
    return str(name)


# ---- opening the vault ------------------------------------------------------------------------
def open_unlocked(secrets: Secrets | None = None, log_unlock: bool = True) -> Any:
    """Open the vault and unlock it: on this device if enabled, else with the passphrase.
    `log_unlock=False` for a command whose own change logs the unlock (import), so that when
    it refuses, the vault file is left byte for byte as it was."""
    from helper.hardening import forbid_core_dumps
    from helper.vault import Vault

    forbid_core_dumps()

    vault = Vault.open()
    try:
        if not vault.unlock_on_device(log=log_unlock):
            vault.unlock((secrets or Secrets()).ask("Vault passphrase: "), log=log_unlock)
    except BaseException:
        vault.close()
        raise
    _tell(vault)
    return vault


def _tell(vault: Any) -> None:
    for notice in vault.notices:
        print(f"waymark: {notice}", file=sys.stderr)
    vault.notices.clear()


# ---- commands ---------------------------------------------------------------------------------
def cmd_init(args: argparse.Namespace) -> int:
    from helper.vault import Vault

    if Vault.exists():
        raise StorageError(f"A vault already exists at {Vault.default_path()}; it was not touched.")
    # The DSL's card is read before anything is made, so a bad card creates nothing.
    card = None
    if args.dsl is not None:
        from helper.cli.handover import read_card

        card = read_card(args.dsl)
    passphrase = Secrets().ask("Choose a passphrase (at least 8 characters): ", confirm=True)
    vault, code = Vault.create(passphrase)
    try:
        if card is not None:
            from helper.vault import contacts

            contacts.add(vault, card.name, card.recipient, card.fingerprint)
        _tell(vault)
    finally:
        vault.close()
    print(f"Vault created at {vault.path}")
    print("Your recovery code (write it down and keep it somewhere safe; it is shown only once):")
    print(f"    {code}")
    if card is not None:
        print(f"Your DSL is {card.name} (fingerprint {card.fingerprint}): hand-overs go to them.")
        print("Check that fingerprint with them in person or by phone when you next can.")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    fields = fields_from(args)
    name = signer(args, fields)
    with open_unlocked() as vault:
        note_id = vault.new_note(fields, name)
        _tell(vault)
    print(note_id)
    print("Saved as revision 1.")
    return 0


def cmd_revise(args: argparse.Namespace) -> int:
    changes = fields_from(args)
    with open_unlocked() as vault:
        note = vault.note(args.id)
        fields = dict(note.latest.fields) if note.revisions else {}
        fields.update(changes)
        number = vault.revise(args.id, fields, signer(args, fields))
        _tell(vault)
    print(f"Saved as revision {number} of note {args.id}.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from helper.vault import times

    with open_unlocked() as vault:
        summaries = vault.list_notes()
    if not summaries:
        print("No notes yet.")
    for s in summaries:
        when = times.shown(s.updated_at, "%Y-%m-%d %H:%M")
        print(f"{s.id}  {when:<16}  rev {s.revisions:<3} {s.status:<9} {s.concern}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from helper.vault.export import note_text

    with open_unlocked() as vault:
        note = vault.note(args.id)
        if args.json:
            print(json.dumps(handover.note_json(vault, note), ensure_ascii=False, indent=1))
            return 0
        print(note_text(note, newest_first=True), end="")
        print(handover.provenance_text(vault, note.id), end="")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    with open_unlocked() as vault:
        vault.delete_note(args.id, args.reason, args.signed_by)
        _tell(vault)
    print(f"Deleted note {args.id}. A record that it existed, and why it was deleted, is kept.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    output: Path = args.output
    files.check_private_target(output, args.force)
    with open_unlocked() as vault:
        ids = [s.id for s in vault.list_notes() if not s.deleted] if args.all else [args.id]
        text = vault.export(ids, args.format)
        _tell(vault)
    write_private(output, text, args.force)
    print(f"Wrote {len(ids)} note(s) to {output}. It is not encrypted: keep it safe.")
    return 0


def write_private(output: Path, text: str, force: bool) -> None:
    """The export's text, written as helper/files.py's write_private writes every file we
    hand a person (owner-only, never through a link, whole or not at all)."""
    files.write_private(output, text.encode("utf-8"), force)


def cmd_passwd(args: argparse.Namespace) -> int:
    from helper.vault import Vault

    secrets = Secrets()
    with Vault.open() as vault:
        old = secrets.ask("Current passphrase: ")
        new = secrets.ask("New passphrase (at least 8 characters): ", confirm=True)
        vault.change_passphrase(old, new)
        _tell(vault)
    print("Passphrase changed. Your notes and recovery code are unchanged.")
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    from helper.hardening import forbid_core_dumps
    from helper.vault import Vault

    forbid_core_dumps()

    source = os.environ.get("WAYMARK_RECOVERY_FILE")
    if source:
        lines = _read_secret_file(source, "WAYMARK_RECOVERY_FILE")
        code = lines[0] if lines else ""
    else:
        code = getpass.getpass("Recovery code: ")
    with Vault.open() as vault:
        new = Secrets().ask("New passphrase (at least 8 characters): ", confirm=True)
        new_code = vault.recover(code, new)
        _tell(vault)
    print("Passphrase reset. Your old recovery code no longer works. Your new recovery code")
    print("(write it down and keep it somewhere safe; it is shown only once):")
    print(f"    {new_code}")
    return 0


def cmd_device(args: argparse.Namespace) -> int:
    with open_unlocked() as vault:
        vault.set_device_unlock(args.state == "on")
    print(f"Unlock on this device is {args.state}.")
    return 0


NO_KEYRING_HEAD = (
    "Rollback check: no keyring on this device holds a copy of the audit chain head, so verify "
    "cannot tell if this whole file was swapped for an older copy of itself. Write down the "
    "chain head (`waymark verify --print-head`) and check against it later with "
    "`waymark verify --head SEQ:CODE`."
)


def parse_paper_head(text: str) -> tuple[int, str]:
    """'SEQ:xxxx-xxxx-xxxx-xxxx' as printed by --print-head (any case, spaces or dashes)."""
    seq, _, code = text.strip().partition(":")
    digits = "".join(ch for ch in code.lower() if ch not in " -")
    if (
        not seq.strip().isdigit()
        or len(digits) < 8
        or any(c not in "0123456789abcdef" for c in digits)
    ):
        raise BadInput(
            "That is not a chain head: it looks like 12:1a2b-3c4d-5e6f-7a8b "
            "(as `waymark verify --print-head` prints it)."
        )
    return int(seq), digits


def cmd_verify(args: argparse.Namespace) -> int:
    paper = parse_paper_head(args.head) if args.head else None
    with open_unlocked() as vault:
        report = vault.verify(paper)
        head = vault.chain_head() if args.print_head and report.ok else None
        keyring_head = vault.keyring_head_found
        _tell(vault)
    if report.ok:
        print(
            f"The vault is intact: {report.notes_checked} notes and "
            f"{report.revisions_checked} revisions checked, audit log unbroken."
        )
        if paper is not None:
            print("The file matches the chain head you wrote down.")
        if not keyring_head:
            print(NO_KEYRING_HEAD)
        if head is not None:
            print(f"Chain head: {head}")
            print("Write it down with the date. It changes with every save, unlock and export.")
        return 0
    print(f"The vault has {len(report.problems)} problem(s):")
    for problem in report.problems:
        print(f"  - {problem}")
    if not keyring_head:
        print(NO_KEYRING_HEAD)
    return 1

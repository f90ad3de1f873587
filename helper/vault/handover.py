"""Handing notes over to another vault, and importing them (HANDOVER.md).

`hand_over` writes one age-encrypted, signed bundle (through a private temp file renamed into
place, so no plaintext ever reaches the disk) and then marks each note "handed over to NAME at
TIME" with a new revision; nothing is deleted. `import_bundle` checks everything first (size,
recipient, signature, signer, replay, contents) and then adds the notes, their full history and
their provenance in one transaction, so a refused bundle changes nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from helper import files
from helper.errors import BadInput, IntegrityError, WaymarkError
from helper.vault import bundle as wire
from helper.vault import contacts, followups, identity, inside, keys, store
from helper.vault.contacts import RECORDS_PURPOSE, Contact
from helper.vault.notes import MAX_TEXT, MAX_TOLD, Note, validate_fields
from helper.vault.sealed import seal, seal_revision

BUNDLE_ID_PURPOSE = "waymark/v1 bundle ids"


@dataclass(frozen=True)
class HandedOver:
    bundle_id: str
    output: Path
    note_ids: list[str]
    to: str


@dataclass(frozen=True)
class Imported:
    bundle_id: str
    note_ids: list[str]  # the new ids in this vault, in the bundle's order
    sender: Contact
    trusted_now: bool


# ---- provenance -------------------------------------------------------------------------------
def _provenance_ad(vault_id: str, note_id: str, received_at: str) -> bytes:
    return "\x00".join(("waymark/v1 provenance", vault_id, note_id, received_at)).encode()


def provenance(vault, note_id: str) -> list[dict[str, Any]]:
    """Every hand-over this note came through, oldest first; [] for a note written here."""
    rows = store.query(
        inside.connection(vault),
        "SELECT received_at, nonce, ct FROM provenance WHERE note_id = ?",
        (note_id,),
    )
    if not rows:
        return []
    return _open_hops(inside.sealer(vault, RECORDS_PURPOSE), vault.vault_id, note_id, *rows[0])


def _open_hops(
    aead: AESGCM, vault_id: str, note_id: str, received_at: str, nonce: bytes, ct: bytes
) -> list[dict[str, Any]]:
    try:
        data = json.loads(aead.decrypt(nonce, ct, _provenance_ad(vault_id, note_id, received_at)))
        if not isinstance(data, list):
            raise ValueError("not a list")
        return [wire.stored_hop(h) for h in data]
    except (InvalidTag, ValueError, TypeError):
        raise IntegrityError(
            f"Note {note_id}: the record of where it came from has been altered or damaged."
        ) from None


def provenance_problems(vault) -> list[str]:
    """For `verify`: every provenance record must open under this vault's key and belong to a
    note the vault has. The note page would say so when shown; verify says it up front. The
    records are read in one query and opened with one sealer."""
    conn = inside.connection(vault)
    if not store.has_table(conn, "provenance"):
        return []
    notes = {r[0] for r in store.query(conn, "SELECT id FROM notes")}
    aead = inside.sealer(vault, RECORDS_PURPOSE)
    problems = []
    for note_id, received_at, nonce, ct in store.query(
        conn, "SELECT note_id, received_at, nonce, ct FROM provenance ORDER BY note_id"
    ):
        if note_id not in notes:
            problems.append(f"Note {note_id}: a record of where it came from, but no such note.")
            continue
        try:
            _open_hops(aead, vault.vault_id, note_id, received_at, nonce, ct)
        except IntegrityError as err:
            problems.append(str(err))
    return problems


# What `waymark notes show` (text and --json) and the note page show of where a note came from.
SHOWN_HOP = ("from_name", "known_as", "fingerprint", "vault_id", "bundle_id", "original_id",
             "sent_at", "received_at")  # fmt: skip


def shown_provenance(vault, note_id: str) -> list[dict[str, Any]] | None:
    """The hand-overs a note came through, oldest first, without the senders' audit entries
    (kept in the vault and passed on with the note, too long to show); None for a note made in
    this vault. A vault from before hand-over, opened read-only, has no table yet: None.

    Each says whether it is only the sender's word (`stated_by_sender`): the last hop is the
    one this vault recorded when it imported the note (who signed, checked against a contact);
    every earlier one came inside the sender's bundle, and nobody here checked it happened."""
    conn = inside.connection(vault)
    if not store.has_table(conn, "provenance"):
        return None
    hops = provenance(vault, note_id)
    last = len(hops) - 1
    return [
        {**{k: h[k] for k in SHOWN_HOP}, "stated_by_sender": n < last} for n, h in enumerate(hops)
    ] or None


STATED = "As stated by the sender: "


def hop_sentence(hop: dict[str, Any]) -> str:
    """One hand-over as a person reads it: from whom (this vault's name for the contact, and
    the name they signed with if different), their fingerprint, when it was sent and received,
    and from which vault; an earlier hop begins by saying it is the sender's word."""
    from helper.vault.export import local_time

    who = hop["known_as"]
    if hop["from_name"] != who:
        who += f" (signed as {hop['from_name']})"
    return (
        f"{STATED if hop.get('stated_by_sender') else ''}"
        f"Handed over from {who} (fingerprint {hop['fingerprint']}) on "
        f"{local_time(hop['sent_at'])}, from vault {hop['vault_id']} (note {hop['original_id']}); "
        f"received here {local_time(hop['received_at'])}."
    )


def _note_audit(vault, note_id: str) -> list[dict[str, Any]]:
    rows = store.query(
        inside.connection(vault),
        "SELECT at, action, revision FROM audit WHERE note_id = ? ORDER BY seq",
        (note_id,),
    )
    return [{"at": str(at), "action": str(action), "revision": rev} for at, action, rev in rows]


# ---- handing over -----------------------------------------------------------------------------
def hand_over(
    vault,
    note_ids: list[str],
    output: Path,
    *,
    to: Contact | None = None,
    passphrase: str | None = None,
    also_me: bool = False,
    signed_by: str | None = None,
    force: bool = False,
) -> HandedOver:
    """Write the bundle, then mark each note as handed over. Exactly one of `to`/`passphrase`."""
    output = Path(output)
    if output.exists() and not force:
        raise BadInput(f"{output} already exists; use --force to replace it.")
    ready = prepare(
        vault, note_ids, to=to, passphrase=passphrase, also_me=also_me, signed_by=signed_by
    )
    write_bundle(output, ready.data, force)
    mark(vault, ready)
    return HandedOver(ready.bundle_id, output, [n.id for n in ready.notes], ready.to_name)


def child_note_ids(vault, ref: str) -> list[str]:
    """The live notes whose latest revision carries the child reference `ref` (ignoring case),
    oldest first: what "hand over this child's chronology" hands over. BadInput if none."""
    from helper.vault.chronology import clean_ref, notes_for_ref

    wanted = clean_ref(ref)
    ids = set(notes_for_ref(vault._conn, vault._require_aead(), vault.vault_id, wanted))
    if not ids:
        raise BadInput(f"No notes carry the child reference {wanted!r}.")
    # Oldest first, as the chronology reads: by the audit log's first entry for each note.
    order = {
        str(note_id): at
        for note_id, at in store.query(
            vault._conn, "SELECT note_id, MIN(at) FROM audit GROUP BY note_id"
        )
    }
    return sorted(ids, key=lambda n: (str(order.get(n, "")), n))


@dataclass(frozen=True)
class Prepared:
    """An encrypted bundle in memory, and what marking its notes needs."""

    data: bytes
    bundle_id: str
    notes: list[Note]
    to_name: str
    signed_by: str


def prepare(
    vault,
    note_ids: list[str],
    *,
    to: Contact | None = None,
    passphrase: str | None = None,
    also_me: bool = False,
    signed_by: str | None = None,
) -> Prepared:
    """Build, check, sign and encrypt a bundle (HANDOVER.md, "Writing", step 1)."""
    from helper.vault.times import now_utc

    if (to is None) == (passphrase is None):
        raise BadInput("Hand over either to a contact (--to NAME) or with --passphrase.")
    if passphrase is not None and also_me:
        raise BadInput("A passphrase hand-over has only the passphrase; --also-me cannot be used.")
    ids = list(dict.fromkeys(note_ids))
    if not ids:
        raise BadInput("Name at least one note to hand over.")
    if len(ids) > wire.MAX_NOTES:
        raise BadInput(f"At most {wire.MAX_NOTES} notes fit in one hand-over.")
    me = identity.load(vault)
    assert me is not None
    notes = [vault.note(nid) for nid in ids]
    for note in notes:
        if note.deleted is not None:
            raise BadInput(f"Note {note.id} has been deleted, so it cannot be handed over.")
    sender_name = signed_by or _default_signer(notes[0])
    if to is not None:
        recipients = [to.recipient, *([me.recipient] if also_me else [])]
    else:
        recipients = [wire.PASSPHRASE_RECIPIENT]
    bundle_id = secrets.token_hex(16)
    body = {
        "format": wire.FORMAT,
        "version": wire.VERSION,
        "bundle_id": bundle_id,
        "created_at": now_utc(),
        "sender": {
            "name": sender_name,
            "vault_id": vault.vault_id,
            "recipient": me.recipient,
            "signing_key": wire.b64(me.public_key),
        },
        "to": recipients,
        "notes": [_note_body(vault, note) for note in notes],
    }
    try:
        wire.parse_body(body)  # the writer checks what every reader will check
    except wire.HandoverRefused:
        raise BadInput(CANNOT_CARRY) from None
    raw = wire.canonical(body)
    wire.check_bounds(raw)  # and the bounds a reader puts on the bytes before parsing them
    plaintext = wire.signed_raw(raw, me.signing_key)
    del raw
    if len(plaintext) > wire.MAX_BUNDLE_BYTES - 64 * 1024:
        raise BadInput(wire.TOO_MUCH)
    if passphrase is not None:
        data = wire.encrypt_with_passphrase(plaintext, passphrase)
    else:
        data = wire.encrypt(plaintext, recipients)
    del plaintext
    name = to.name if to is not None else "the holder of a passphrase-protected file"
    return Prepared(data, bundle_id, notes, name, sender_name)


CANNOT_CARRY = (
    "These notes hold something no hand-over may carry (a time or text an older Waymark "
    "accepted and this one refuses), so nothing was written."
)


def _default_signer(note: Note) -> str:
    fields = note.latest.fields
    return str(fields.get("recorder_name") or note.latest.signed_by)


def _note_body(vault, note: Note) -> dict[str, Any]:
    return {
        "id": note.id,
        "created_at": note.revisions[0].saved_at.isoformat(timespec="microseconds"),
        "revisions": [r.as_dict() for r in note.revisions],
        "audit": _note_audit(vault, note.id),
        "provenance": provenance(vault, note.id),
        "casework": note_casework(vault, note.id),
    }


def note_casework(vault, note_id: str) -> list[dict[str, Any]]:
    """The note's follow-ups set and done, oldest first, as the bundle carries them (HANDOVER.md,
    version 2): exactly what the sender's vault shows (casework.fold's reading: a done that names
    no open follow-up is left out, as fold ignores it). A damaged event is refused, never
    dropped quietly: the receiver would otherwise lose a follow-up without anyone knowing."""
    conn = inside.connection(vault)
    if not followups.has_table(conn):
        return []
    aead = inside.note_aead(vault)
    rows = store.query(
        conn,
        "SELECT number, at, nonce, ct FROM casework WHERE note_id = ? ORDER BY at, number",
        (note_id,),
    )
    out: list[dict[str, Any]] = []
    open_ids: set[str] = set()
    seen: set[str] = set()
    for number, at, nonce, ct in rows:
        try:
            ad = followups.casework_ad(vault.vault_id, note_id, number, at)
            data = followups.decode_event(aead.decrypt(nonce, ct, ad))
        except (InvalidTag, IntegrityError, ValueError, TypeError):
            raise IntegrityError(
                f"Note {note_id}: follow-up record {number} has been altered or damaged, so the "
                "note cannot be handed over. Run `waymark notes verify`."
            ) from None
        kind = data.pop("kind")
        if kind == "follow-up" and data["id"] not in seen:
            seen.add(data["id"])
            open_ids.add(data["id"])
        elif kind == "done" and data["followup"] in open_ids:
            open_ids.discard(data["followup"])
        else:
            continue  # note-deleted markers, and anything fold would not show
        out.append({"kind": kind, "at": str(at), **data})
    return out


def write_bundle(output: Path, data: bytes, force: bool) -> None:
    """A bundle goes out like an export (helper/files.py): owner-only, never through a link,
    the name never pointing at a half-written file."""
    files.write_private(output, data, force)


def mark(vault, ready: Prepared) -> None:
    """A new revision on each note saying who it went to and when; logged as `handover`."""
    from helper.vault.times import now_utc

    notes, name, bundle_id, signer = ready.notes, ready.to_name, ready.bundle_id, ready.signed_by
    aead = inside.note_aead(vault)
    with inside.writing(vault) as conn:
        for note in notes:
            at = now_utc()
            fields = _handed_over_fields(note.latest.fields, name, at, bundle_id)
            number = inside.live_revisions(vault, conn, note.id) + 1
            sealed = seal_revision(aead, vault.vault_id, note.id, number, at, fields, signer)
            conn.execute(store.INSERT_REVISION, (note.id, number, at, *sealed))
            inside.log(vault, conn, "revise", note.id, number, at)
            inside.log(vault, conn, "handover", note.id, number)
    inside.published(vault)


def _handed_over_fields(fields: dict[str, Any], name: str, at: str, bundle_id: str) -> dict:
    when = at[:19].replace("T", " ") + " UTC"
    line = f"Handed over to {name} at {when} (Waymark hand-over {bundle_id[:8]})."
    out = dict(fields)
    actions = str(out.get("actions", ""))
    if len(actions) + len(line) + 1 <= MAX_TEXT:
        out["actions"] = f"{actions}\n{line}" if actions else line
    told = list(out.get("told", []))
    if len(told) < MAX_TOLD:
        told.append({"who": "other", "name": name[:200], "at": at, "reference": bundle_id})
        out["told"] = told
    return validate_fields(out)


# ---- importing ------------------------------------------------------------------------------
def bundle_tag(vault, bundle_id: str) -> bytes:
    """A keyed tag of the bundle id: replay is caught without keeping ids in clear."""
    key = inside.subkey(vault, BUNDLE_ID_PURPOSE)
    try:
        return hmac.new(key, bundle_id.encode(), hashlib.sha256).digest()
    finally:
        keys.wipe(key)


def import_bundle(
    vault,
    data: bytes,
    *,
    passphrase: str | None = None,
    trust_new: bool = False,
    new_name: str | None = None,
    log_unlock: bool = False,
) -> Imported:
    """Check the bundle step by step (HANDOVER.md, "Importing"), then add it atomically.
    Nothing is written before the last check has passed: a refusal leaves the file as it was.
    `new_name`: with `trust_new`, the name the new contact is saved under (the person's
    confirmation when the sender's own name belongs to another contact: NameTaken).
    `log_unlock`: the caller unlocked the vault for this import without logging it (the
    command line), so the `unlock` entry goes first in the import's own transaction."""
    from helper.vault.times import now_utc

    if len(data) > wire.MAX_BUNDLE_BYTES:
        raise wire.HandoverRefused(wire._too_large())
    me = identity.load(vault, create=False)  # made on first use, but never by a refusal
    if me is None and passphrase is None:
        raise wire.HandoverRefused(wire.CANNOT_OPEN)
    plaintext = wire.decrypt(data, me.age_identity if me else None, passphrase)
    found = wire.parse_body(wire.open_payload(plaintext))
    del plaintext
    if found.sender.vault_id == vault.vault_id:
        raise wire.HandoverRefused(
            "This hand-over was made by this vault; there is nothing to import."
        )
    wanted = wire.PASSPHRASE_RECIPIENT if me is None or passphrase is not None else me.recipient
    if wanted not in found.to:
        raise wire.HandoverRefused(
            "This hand-over was not addressed to this vault (it has been passed on from "
            "elsewhere). Nothing has been imported."
        )
    sender, trusted_now = _signer(vault, found, trust_new, new_name)
    tag = bundle_tag(vault, found.bundle_id)
    rows = store.query(
        inside.connection(vault), "SELECT received_at FROM received_bundles WHERE tag = ?", (tag,)
    )
    if rows:
        raise wire.HandoverRefused(
            f"This hand-over was already imported on {str(rows[0][0])[:16].replace('T', ' ')} "
            "UTC. Nothing has been imported twice."
        )
    received_at = now_utc()
    prepared = [_prepare(vault, found, note, sender, received_at) for note in found.notes]
    with inside.writing(vault) as conn:
        if log_unlock:
            inside.log(vault, conn, "unlock")
        if trusted_now:
            contacts.insert(vault, conn, sender)
        for new_id, rows_to_add, hops_row, events in prepared:
            first = rows_to_add[0]
            conn.execute("INSERT INTO notes VALUES (?, ?)", (new_id, first[2]))
            for row in rows_to_add:
                conn.execute(store.INSERT_REVISION, row)
                action = "create" if row[1] == 1 else "revise"
                inside.log(vault, conn, action, new_id, row[1], row[2])
            for row in events:  # follow-ups keep their times; the audit entry is at that time
                conn.execute("INSERT INTO casework VALUES (?, ?, ?, ?, ?)", row)
                inside.log(vault, conn, followups.ACTION, new_id, row[1], row[2])
            conn.execute("INSERT INTO provenance VALUES (?, ?, ?, ?)", hops_row)
            inside.log(vault, conn, "import", new_id, len(rows_to_add), received_at)
        conn.execute("INSERT INTO received_bundles VALUES (?, ?)", (tag, received_at))
    inside.published(vault)
    return Imported(found.bundle_id, [p[0] for p in prepared], sender, trusted_now)


class NameTaken(wire.HandoverRefused):
    """`--trust-new` for a sender whose name (or the name asked for them) already belongs to a
    contact with a different key. Nothing was imported; the person confirms by giving the new
    contact a name of their own (`new_name`). The web page reads `name`, `contact` and
    `fingerprint` to ask."""

    def __init__(self, name: str, contact: Contact, fingerprint: str, asked: bool) -> None:
        self.name, self.contact, self.fingerprint, self.asked = name, contact, fingerprint, asked
        if asked:
            message = (
                f"The name {name} already belongs to a contact with a different key, so "
                "nothing has been imported: choose another name with --as."
            )
        else:
            message = (
                f"The name {name} belongs to a contact with a different key "
                f"({contact.fingerprint}; this hand-over was signed with {fingerprint}), so "
                "nothing has been imported: if the sender is someone else, import again with "
                '--trust-new --as "ANOTHER NAME".'
            )
        super().__init__(message)


def _signer(
    vault, found: wire.Bundle, trust_new: bool, new_name: str | None = None
) -> tuple[Contact, bool]:
    """The contact whose fingerprint signed it; refused (fingerprint shown) when unknown. With
    `trust_new` the sender becomes a contact, under `new_name` if given, else the name they
    signed with; a name a contact already has is refused (NameTaken), never made unique."""
    fingerprint = identity.fingerprint_of(found.sender.public_key)
    contact = contacts.by_fingerprint(vault, fingerprint)
    if contact is not None:
        return contact, False
    if trust_new:
        # A name the person typed is their input: bad, it is said as such (BadInput).
        name = found.sender.name if new_name is None else contacts.clean_name(new_name)
        try:
            taken = contacts.named(vault, name)
            if taken is not None:
                raise NameTaken(taken.name, taken, fingerprint, asked=new_name is not None)
            return contacts.new_contact(vault, name, found.sender.recipient, fingerprint), True
        except NameTaken:
            raise
        except WaymarkError as err:
            raise wire.HandoverRefused(f"The sender cannot be added as a contact: {err}") from None
    claimed = found.sender.name
    try:
        same_name = contacts.find(vault, claimed)
    except WaymarkError:
        same_name = None
    if same_name is not None:
        raise wire.HandoverRefused(
            f"This hand-over says it is from {claimed}, but it was signed with a different key "
            f"(fingerprint {fingerprint}) from the one you have for {same_name.name} "
            f"({same_name.fingerprint}). Do not import it until you have checked with them."
        )
    raise wire.HandoverRefused(
        f"This hand-over was signed by someone who is not one of your contacts: it says it is "
        f"from {claimed}, fingerprint {fingerprint}. Check that fingerprint with them in person "
        "or by phone, then import again with --trust-new."
    )


def _prepare(
    vault, found: wire.Bundle, note: wire.BundleNote, sender: Contact, received_at: str
) -> tuple[str, list[tuple], tuple, list[tuple]]:
    """Seal one note's revisions, follow-ups and provenance for this vault (before the
    transaction). Follow-ups are numbered 1, 2, … in the bundle's order under the new id."""
    aead = inside.note_aead(vault)
    new_id = secrets.token_hex(8)
    rows = []
    for rev in note.revisions:
        try:
            sealed = seal_revision(
                aead,
                vault.vault_id,
                new_id,
                rev["number"],
                rev["saved_at"],
                rev["fields"],
                rev["signed_by"],
            )
        except BadInput:
            raise wire.HandoverRefused(
                "A note in this hand-over is larger than a note may be. Nothing has been imported."
            ) from None
        rows.append((new_id, rev["number"], rev["saved_at"], *sealed))
    hops = [
        *note.provenance,
        {
            "from_name": found.sender.name,
            "known_as": sender.name,
            "fingerprint": sender.fingerprint,
            "vault_id": found.sender.vault_id,
            "bundle_id": found.bundle_id,
            "original_id": note.id,
            "sent_at": found.created_at,
            "received_at": received_at,
            "audit": note.audit,
        },
    ]
    nonce, ct = seal(
        inside.sealer(vault, RECORDS_PURPOSE),
        wire.canonical(hops),
        _provenance_ad(vault.vault_id, new_id, received_at),
    )
    events = []
    for number, event in enumerate(note.casework, start=1):
        payload = {k: v for k, v in event.items() if k != "at"}
        ad = followups.casework_ad(vault.vault_id, new_id, number, event["at"])
        sealed = seal(aead, followups.encode_event(payload), ad)
        events.append((new_id, number, event["at"], *sealed))
    return new_id, rows, (new_id, received_at, nonce, ct), events

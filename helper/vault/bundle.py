"""The hand-over bundle codec (HANDOVER.md): the signed payload, its age encryption, and every
check a reader makes before anything touches a vault. Pure code apart from pyrage; no SQLite.

Every refusal is one exception type, `HandoverRefused` (an IntegrityError, exit code 1), with a
sentence a person can act on; nothing from a refused bundle is ever returned."""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from helper import boundedjson
from helper.casework import MAX_WHAT
from helper.errors import BadInput, IntegrityError, WaymarkError
from helper.vault import times
from helper.vault.keys import b64
from helper.vault.notes import clean_signature, clean_text, validate_fields

FORMAT = "waymark-handover"
# Version 2 added each note's casework events (follow-ups set and done). A writer always writes
# VERSION; a reader accepts every version in READABLE (a version 1 bundle simply has none).
VERSION = 2
READABLE = (1, 2)
MAGIC = b"waymark-handover/"
FIRST_LINES = {v: f"waymark-handover/{v}\n".encode() for v in READABLE}
FIRST_LINE = FIRST_LINES[VERSION]
SIGNATURE_LABEL = b"waymark/v1 handover\n"
AGE_MAGIC = b"age-encryption.org/v1\n"
PASSPHRASE_RECIPIENT = "scrypt"  # noqa: S105 - not a password: the "to" entry of a passphrase-only bundle

# Caps, checked before decrypting (file size) and before parsing (counts).
MAX_BUNDLE_BYTES = 16 * 1024 * 1024
MAX_NOTES = 200
MAX_REVISIONS = 1000  # per note
MAX_AUDIT = 5000  # per note
MAX_HOPS = 32  # earlier hand-overs a note has been through
MAX_EVENTS = 2000  # casework events (follow-ups set and done) per note
MAX_LINE = 200
MAX_STEP = 64  # a follow-up's procedure step id (followups.add)
HEX_ID = set("0123456789abcdef")


class HandoverRefused(IntegrityError):
    """The bundle was refused: damaged, altered, not for this vault, unknown signer, replayed,
    too large. Nothing was changed."""


# ---- canonical JSON -----------------------------------------------------------------------------
def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def unb64(text: object, length: int) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not text")
    raw = base64.b64decode(text, validate=True)
    if b64(raw) != text or len(raw) != length:
        raise ValueError("not canonical")
    return raw


# ---- signing --------------------------------------------------------------------------------
def signed_payload(body: dict[str, Any], signing_key: Ed25519PrivateKey) -> bytes:
    """first line || body || "\\n--- " || b64(Ed25519(label || body)) || "\\n"."""
    return signed_raw(canonical(body), signing_key)


def signed_raw(raw: bytes, signing_key: Ed25519PrivateKey) -> bytes:
    """The payload for a body already in its canonical bytes."""
    signature = signing_key.sign(SIGNATURE_LABEL + raw)
    return FIRST_LINE + raw + b"\n--- " + b64(signature).encode() + b"\n"


def open_payload(plaintext: bytes) -> dict[str, Any]:
    """Read the payload in the order that costs nothing until the sender has proved who they
    are: the first line (a newer version is refused as such, before anything else), the split
    into body and signature, the signature on the body's bytes with the key the body names
    (found by one byte search: nothing is parsed yet), then the body within its bounds, its
    canonical form and its version. Says nothing yet about whether that key is trusted: that
    is the caller's next step."""
    line_version = first_line_version(plaintext)
    raw, signature = _split(plaintext, line_version)
    public = _claimed_key(raw)
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, SIGNATURE_LABEL + raw)
    except (ValueError, InvalidSignature):
        raise HandoverRefused(_UNSIGNED) from None
    body = _bounded_body(raw)
    if not isinstance(body, dict) or canonical(body) != raw:
        raise HandoverRefused(_DAMAGED)
    version = body.get("version")
    if body.get("format") != FORMAT or not isinstance(version, int) or isinstance(version, bool):
        raise HandoverRefused(_NOT_A_HANDOVER)
    if version != line_version:
        raise HandoverRefused(_DAMAGED)  # the first line and the body disagree
    sender = body.get("sender")
    if not isinstance(sender, dict) or sender.get("signing_key") != b64(public):
        raise HandoverRefused(_DAMAGED)  # the key that signed is the key the sender names
    return body


_FIRST_LINE = re.compile(rb"waymark-handover/([1-9][0-9]{0,5})\n")


def first_line_version(plaintext: bytes) -> int:
    """The version the first line names: one this Waymark reads, else refused as newer, or
    as not a hand-over (any other first line)."""
    if not plaintext.startswith(MAGIC):
        raise HandoverRefused(_NOT_A_HANDOVER)
    found = _FIRST_LINE.match(plaintext)
    if found is None:
        raise HandoverRefused(_NOT_A_HANDOVER)
    version = int(found.group(1))
    if version > max(READABLE):
        raise HandoverRefused(_NEWER)
    if version not in READABLE:
        raise HandoverRefused(_NOT_A_HANDOVER)
    return version


_SIGNATURE_LINE = re.compile(rb"--- ([A-Za-z0-9+/]{86}==)\n")


def _split(plaintext: bytes, version: int) -> tuple[bytes, bytes]:
    """(body, signature): one body line, then exactly one signature line, then nothing."""
    start = len(FIRST_LINES[version])
    end = plaintext.rfind(b"\n", start, len(plaintext) - 1)
    found = _SIGNATURE_LINE.fullmatch(plaintext, end + 1) if end >= start else None
    if found is None or plaintext.find(b"\n", start, end) >= 0:
        raise HandoverRefused(_DAMAGED)
    try:
        signature = unb64(found.group(1).decode("ascii"), 64)
    except ValueError:
        raise HandoverRefused(_DAMAGED) from None
    return plaintext[start:end], signature


# Where the body names its signing key. Inside a JSON string every quote is escaped, so this
# can only match a key named signing_key; a body with more than one is refused, and once it
# is parsed the sender's own key must be the one that signed.
_SIGNING_KEY = re.compile(rb'"signing_key"\s*:\s*"([^"\\]{0,64})"')


def _claimed_key(raw: bytes) -> bytes:
    found = [m.group(1) for m in itertools.islice(_SIGNING_KEY.finditer(raw), 2)]
    if len(found) > 1:
        raise HandoverRefused(_DAMAGED)
    try:
        return unb64(found[0].decode("ascii") if found else None, 32)
    except ValueError:
        raise HandoverRefused(_UNSIGNED) from None


# Bounds on the body, checked on its bytes before it is parsed (helper/boundedjson.py). A body
# nests 8 levels at most (body, notes, note, revisions, revision, fields, told, a told entry).
# Every value parsed costs 50 to 100 bytes; the largest body a writer may write (16 MiB of the
# smallest things it holds, audit entries of 7 values in about 75 bytes) has about 1.5 million.
# A writer refuses to write what these refuse (prepare, in handover.py).
MAX_DEPTH = 8
MAX_JSON_VALUES = 1_500_000


def check_bounds(raw: bytes) -> None:
    """The writer's side of the bounds: BadInput, in the words of a hand-over too large."""
    try:
        boundedjson.loads(raw, max_depth=MAX_DEPTH, max_values=MAX_JSON_VALUES)
    except boundedjson.TooComplex:
        raise BadInput(TOO_MUCH) from None


def _bounded_body(raw: bytes) -> Any:
    try:
        return boundedjson.loads(raw, max_depth=MAX_DEPTH, max_values=MAX_JSON_VALUES)
    except boundedjson.TooMany:
        raise HandoverRefused(_TOO_MANY) from None
    except ValueError:  # too deep (no Waymark writes that), or not UTF-8 JSON
        raise HandoverRefused(_DAMAGED) from None


TOO_MUCH = "These notes are too large for one hand-over; hand them over in parts."
_NOT_A_HANDOVER = "That file is not a Waymark hand-over."
CANNOT_OPEN = (
    "This vault cannot open this hand-over: it was encrypted for someone else, or altered on "
    "the way. Ask the sender to hand it over to your recipient (waymark notes identity). "
    "Nothing has been imported."
)
_DAMAGED = "This hand-over is damaged or has been altered. Nothing has been imported."
_UNSIGNED = (
    "The signature on this hand-over does not match its contents: it has been altered, "
    "or it was not made by Waymark. Nothing has been imported."
)
_TOO_MANY = (
    "This hand-over holds more than a hand-over may, so it was not read. Nothing has been imported."
)
_NEWER = (
    "This hand-over was made by a newer version of Waymark. Update Waymark to import it; "
    "nothing has been changed."
)


# ---- age encryption ---------------------------------------------------------------------------
def encrypt(plaintext: bytes, recipients: list[str]) -> bytes:
    import pyrage

    return pyrage.encrypt(plaintext, [pyrage.x25519.Recipient.from_str(r) for r in recipients])


def encrypt_with_passphrase(plaintext: bytes, passphrase: str) -> bytes:
    import pyrage

    return pyrage.passphrase.encrypt(plaintext, passphrase)


def needs_passphrase(data: bytes) -> bool:
    """Whether the age header has a scrypt stanza (a passphrase-only bundle)."""
    header = data[: data.find(b"\n---")] if b"\n---" in data[:4096] else b""
    return b"\n-> scrypt " in header


def decrypt(data: bytes, identity: object | None = None, passphrase: str | None = None) -> bytes:
    """Open the age file; a wrong recipient and damage are told apart, nothing else is."""
    import pyrage

    if not data.startswith(AGE_MAGIC):
        raise HandoverRefused(_NOT_A_HANDOVER)
    try:
        if passphrase is not None:
            return pyrage.passphrase.decrypt(data, passphrase)
        return pyrage.decrypt(data, [identity])
    except pyrage.DecryptError as err:
        if passphrase is not None and needs_passphrase(data) and "failed" in str(err).lower():
            raise HandoverRefused(
                "That passphrase does not open this hand-over (or it has been altered)."
            ) from None
        if "no matching keys" in str(err).lower():
            raise HandoverRefused(CANNOT_OPEN) from None
        raise HandoverRefused(_DAMAGED) from None


def read_capped(path: Path) -> bytes:
    """Read a bundle file, refusing one over the cap before reading (or decrypting) it."""
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_BUNDLE_BYTES:
                raise HandoverRefused(_too_large())
            data = handle.read(MAX_BUNDLE_BYTES + 1)
    except FileNotFoundError:
        raise BadInput(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise BadInput(f"{path} is a folder, not a hand-over file.") from None
    except OSError as err:
        raise BadInput(f"Cannot read {path}: {err.strerror or 'refused'}.") from None
    if len(data) > MAX_BUNDLE_BYTES:
        raise HandoverRefused(_too_large())
    return data


def _too_large() -> str:
    return (
        f"This file is larger than a hand-over may be ({MAX_BUNDLE_BYTES // (1024 * 1024)} MiB), "
        "so it was not opened. Nothing has been imported."
    )


# ---- the body's structure ---------------------------------------------------------------------
@dataclass(frozen=True)
class Sender:
    name: str
    vault_id: str
    recipient: str
    public_key: bytes


@dataclass(frozen=True)
class BundleNote:
    id: str
    created_at: str
    revisions: list[dict[str, Any]]  # {"number", "saved_at", "signed_by", "fields"}
    audit: list[dict[str, Any]]  # {"at", "action", "revision"}
    provenance: list[dict[str, Any]]  # earlier hops, oldest first
    casework: list[dict[str, Any]]  # follow-ups set and done, oldest first ([] in version 1)


@dataclass(frozen=True)
class Bundle:
    version: int
    bundle_id: str
    created_at: str
    sender: Sender
    to: list[str]
    notes: list[BundleNote]


def _text(value: object, limit: int = MAX_LINE, required: bool = False) -> str:
    """Text exactly as the vault stores it: the one text rule (notes.clean_text: no control,
    bidirectional or line-separator character), one line, already stripped, within `limit`."""
    text = clean_text("Text", value, limit, one_line=True)
    if text != value or (required and not text):
        raise ValueError("not one clean line")
    return text


def _time(value: object) -> str:
    """A time with its offset, inside the one range the vault keeps (helper/vault/times.py)."""
    text = _text(value, 64)
    times.parse_stored(text)
    return text


def _hex(value: object, length: int) -> str:
    if not isinstance(value, str) or len(value) != length or set(value) - HEX_ID:
        raise ValueError("bad id")
    return value


def _number(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**9:
        raise ValueError("bad number")
    return value


def _audit(entries: object) -> list[dict[str, Any]]:
    if not isinstance(entries, list) or len(entries) > MAX_AUDIT:
        raise ValueError("bad audit")
    out = []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != {"at", "action", "revision"}:
            raise ValueError("bad audit entry")
        out.append(
            {
                "at": _time(entry["at"]),
                "action": _text(entry["action"], 40),
                "revision": _number(entry["revision"]),
            }
        )
    return out


HOP_TEXT = ("from_name", "known_as", "fingerprint", "vault_id", "bundle_id", "original_id")
HOP_TIMES = ("sent_at", "received_at")


HOP_KEYS = frozenset({*HOP_TEXT, *HOP_TIMES, "audit"})


def stored_hop(value: object) -> dict[str, Any]:
    """A hop as this vault's own sealed provenance record holds it: its keys, and text where
    text belongs. The record is sealed under the vault key, so it holds what was imported; an
    older Waymark imported earlier hops without checking their form, so reading one never
    judges it again (every place that shows one copes with any text and any time)."""
    if not isinstance(value, dict) or set(value) != HOP_KEYS:
        raise ValueError("bad provenance")
    if not all(isinstance(value[k], str) for k in (*HOP_TEXT, *HOP_TIMES)):
        raise ValueError("bad provenance")
    if not isinstance(value["audit"], list):
        raise ValueError("bad provenance")
    return value


def _name(value: object) -> str:
    """A person's name as a hop holds it: a sign-off or a contact name (one clean line, not
    empty, in the form the vault stores)."""
    return _text(value, MAX_LINE, required=True)


def _fingerprint(value: object) -> str:
    """A fingerprint in its one written form (identity.parse_fingerprint's)."""
    from helper.vault.identity import parse_fingerprint

    if not isinstance(value, str) or parse_fingerprint(value) != value:
        raise ValueError("fingerprint not in its one form")
    return value


def hop(value: object) -> dict[str, Any]:
    """One earlier hand-over a note went through, as a bundle carries it: only the sender's
    word, so held to the same rules as the hop a receiving vault records itself (handover.py,
    `_prepare`): the names, the fingerprint's one form, the ids in hex of their length, times
    in the range, well-formed audit entries."""
    if not isinstance(value, dict) or set(value) != HOP_KEYS:
        raise ValueError("bad provenance")
    return {
        "from_name": _name(value["from_name"]),
        "known_as": _name(value["known_as"]),
        "fingerprint": _fingerprint(value["fingerprint"]),
        "vault_id": _hex(value["vault_id"], 32),
        "bundle_id": _hex(value["bundle_id"], 32),
        "original_id": _hex(value["original_id"], 16),
        **{k: _time(value[k]) for k in HOP_TIMES},
        "audit": _audit(value["audit"]),
    }


def _revision(value: object, expected: int) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) != {"number", "saved_at", "signed_by", "fields"}:
        raise ValueError("bad revision")
    if value["number"] != expected:
        raise ValueError("revisions out of order")
    fields = value["fields"]
    if not isinstance(fields, dict) or validate_fields(fields) != fields:
        raise ValueError("fields not in canonical form")
    signed_by = clean_signature(value["signed_by"])
    if signed_by != value["signed_by"]:
        raise ValueError("signature not canonical")
    return {
        "number": expected,
        "saved_at": _time(value["saved_at"]),
        "signed_by": signed_by,
        "fields": fields,
    }


NOTE_KEYS = {
    1: {"id", "created_at", "revisions", "audit", "provenance"},
    2: {"id", "created_at", "revisions", "audit", "provenance", "casework"},
}
EVENT_KEYS = {
    "follow-up": {"kind", "at", "id", "due", "step", "signed_by", "what"},
    "done": {"kind", "at", "followup", "signed_by", "outcome"},
}


def _due(value: object) -> str:
    """A due value in the one form the vault stores: a day, or a UTC time to the second."""
    text = _text(value, 32)
    if len(text) == 10:
        times.parse_day(text)
        return text
    moment = times.parse_stored(text)
    if moment.astimezone(UTC).isoformat(timespec="seconds") != text:
        raise ValueError("due not in its stored form")
    return text


def _casework(events: object) -> list[dict[str, Any]]:
    """A note's follow-ups set and done, oldest first. A done names a follow-up set earlier in
    the same list (so never one of another note) and not already done."""
    if not isinstance(events, list) or len(events) > MAX_EVENTS:
        raise ValueError("bad casework")
    out: list[dict[str, Any]] = []
    open_ids: set[str] = set()
    seen: set[str] = set()
    last = ""
    for event in events:
        kind = event.get("kind") if isinstance(event, dict) else None
        if kind not in EVENT_KEYS or set(event) != EVENT_KEYS[kind]:
            raise ValueError("bad casework event")
        at = _time(event["at"])
        if last and datetime.fromisoformat(at) < datetime.fromisoformat(last):
            raise ValueError("casework out of order")
        last = at
        common = {"kind": kind, "at": at, "signed_by": clean_signature(event["signed_by"])}
        if common["signed_by"] != event["signed_by"]:
            raise ValueError("signature not canonical")
        if kind == "follow-up":
            fid = _hex(event["id"], 8)
            if fid in seen:
                raise ValueError("a follow-up twice")
            seen.add(fid)
            open_ids.add(fid)
            out.append({**common, "id": fid, "due": _due(event["due"]),
                        "step": _text(event["step"], MAX_STEP),
                        "what": _text(event["what"], MAX_WHAT, required=True)})  # fmt: skip
        else:
            fid = _hex(event["followup"], 8)
            if fid not in open_ids:
                raise ValueError("done for no open follow-up")
            open_ids.discard(fid)
            out.append({**common, "followup": fid,
                        "outcome": _text(event["outcome"], MAX_WHAT)})  # fmt: skip
    return out


def _note(value: object, version: int) -> BundleNote:
    if not isinstance(value, dict) or set(value) != NOTE_KEYS[version]:
        raise ValueError("bad note")
    revisions = value["revisions"]
    if not isinstance(revisions, list) or not 1 <= len(revisions) <= MAX_REVISIONS:
        raise ValueError("bad revisions")
    hops = value["provenance"]
    if not isinstance(hops, list) or len(hops) > MAX_HOPS:
        raise ValueError("bad provenance")
    return BundleNote(
        id=_hex(value["id"], 16),
        created_at=_time(value["created_at"]),
        revisions=[_revision(r, n) for n, r in enumerate(revisions, start=1)],
        audit=_audit(value["audit"]),
        provenance=[hop(h) for h in hops],
        casework=_casework(value["casework"]) if version >= 2 else [],
    )


def parse_body(body: dict[str, Any]) -> Bundle:
    """The signed body as typed values; any departure from HANDOVER.md is refused."""
    keys = {"format", "version", "bundle_id", "created_at", "sender", "to", "notes"}
    try:
        if set(body) != keys:
            raise ValueError("unexpected keys")
        sender = body["sender"]
        if not isinstance(sender, dict) or set(sender) != {
            "name",
            "vault_id",
            "recipient",
            "signing_key",
        }:
            raise ValueError("bad sender")
        to, notes = body["to"], body["notes"]
        if not isinstance(to, list) or not 1 <= len(to) <= 2:
            raise ValueError("bad recipients")
        if not isinstance(notes, list) or not 1 <= len(notes) <= MAX_NOTES:
            raise ValueError("bad notes")
        version = body["version"]
        if version not in READABLE:
            raise ValueError("unknown version")
        parsed = [_note(n, version) for n in notes]
        if len({n.id for n in parsed}) != len(parsed):
            raise ValueError("a note twice")
        return Bundle(
            version=version,
            bundle_id=_hex(body["bundle_id"], 32),
            created_at=_time(body["created_at"]),
            sender=Sender(
                name=_name(sender["name"]),
                vault_id=_hex(sender["vault_id"], 32),
                recipient=_text(sender["recipient"]),
                public_key=unb64(sender["signing_key"], 32),
            ),
            to=[_text(r) for r in to],
            notes=parsed,
        )
    except (ValueError, TypeError, KeyError, WaymarkError):
        raise HandoverRefused(
            "This hand-over is signed but its contents are not valid Waymark notes, so nothing "
            "has been imported."
        ) from None

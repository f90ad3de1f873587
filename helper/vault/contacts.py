"""Contacts: the people this vault may hand notes over to (a DSL, a colleague) and whose
hand-overs it accepts: a name, their age recipient and their signing fingerprint, each checked
by eye with the person. Stored sealed (names of staff are not metadata to leave in clear);
adding and removing one is logged in the audit chain. See HANDOVER.md."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag

from helper.errors import BadInput, IntegrityError
from helper.vault import inside, store
from helper.vault.identity import parse_fingerprint, parse_recipient
from helper.vault.notes import MAX_LINE, clean_text
from helper.vault.sealed import seal

RECORDS_PURPOSE = "waymark/v1 handover"
MAX_CONTACTS = 500


@dataclass(frozen=True)
class Contact:
    id: str
    name: str
    recipient: str
    fingerprint: str
    added_at: str

    def as_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "recipient": self.recipient,
            "fingerprint": self.fingerprint,
            "added_at": self.added_at,
        }


def _ad(vault_id: str, contact_id: str, added_at: str) -> bytes:
    return "\x00".join(("waymark/v1 contact", vault_id, contact_id, added_at)).encode()


def clean_name(name: str) -> str:
    text = clean_text("Contact name", name, MAX_LINE, one_line=True)
    if not text:
        raise BadInput("Give the contact a name, for example: R Patel (DSL).")
    return text


def list_contacts(vault) -> list[Contact]:
    """Every contact, by name. A damaged record is an IntegrityError: trust needs them all."""
    aead = inside.sealer(vault, RECORDS_PURPOSE)
    out = []
    for contact_id, added_at, nonce, ct in store.query(
        inside.connection(vault), "SELECT id, added_at, nonce, ct FROM contacts"
    ):
        try:
            data = json.loads(aead.decrypt(nonce, ct, _ad(vault.vault_id, contact_id, added_at)))
            out.append(
                Contact(
                    str(contact_id),
                    str(data["name"]),
                    str(data["recipient"]),
                    str(data["fingerprint"]),
                    str(added_at),
                )
            )
        except (InvalidTag, ValueError, TypeError, KeyError):
            raise IntegrityError(
                "A contact record has been altered or damaged. Run `waymark verify`."
            ) from None
    return sorted(out, key=lambda c: c.name.casefold())


def find(vault, name: str) -> Contact:
    contact = named(vault, name)
    if contact is not None:
        return contact
    raise BadInput(  # bad usage (exit code 2): the name was mistyped or never added
        f"There is no contact called {name!r}. Add one with `waymark notes contacts add`."
    )


def named(vault, name: str) -> Contact | None:
    """The contact called `name` (ignoring case and surrounding spaces), or None."""
    wanted = str(name).strip().casefold()
    return next((c for c in list_contacts(vault) if c.name.casefold() == wanted), None)


def by_fingerprint(vault, fingerprint: str) -> Contact | None:
    for contact in list_contacts(vault):
        if contact.fingerprint == fingerprint:
            return contact
    return None


def add(vault, name: str, recipient: str, fingerprint: str) -> Contact:
    """Add a contact after the person has checked the recipient and fingerprint with its owner."""
    contact = _checked(vault, clean_name(name), parse_recipient(recipient), fingerprint)
    with inside.writing(vault) as conn:
        insert(vault, conn, contact)
    inside.published(vault)
    return contact


def _checked(
    vault, name: str, recipient: str, fingerprint: str, existing: list[Contact] | None = None
) -> Contact:
    from helper.vault.times import now_utc

    fingerprint = parse_fingerprint(fingerprint)
    if existing is None:
        existing = list_contacts(vault)
    if len(existing) >= MAX_CONTACTS:
        raise BadInput(f"This vault already has {MAX_CONTACTS} contacts; remove one first.")
    for other in existing:
        if other.name.casefold() == name.casefold():
            raise BadInput(f"There is already a contact called {other.name}.")
        if other.fingerprint == fingerprint:
            raise BadInput(f"That fingerprint is already the contact {other.name}.")
    return Contact(secrets.token_hex(8), name, recipient, fingerprint, now_utc())


def insert(vault, conn, contact: Contact) -> None:
    """Seal and insert inside the caller's transaction, with its audit entry."""
    aead = inside.sealer(vault, RECORDS_PURPOSE)
    plaintext = json.dumps(
        {"name": contact.name, "recipient": contact.recipient, "fingerprint": contact.fingerprint},
        sort_keys=True,
        ensure_ascii=False,
    ).encode()
    nonce, ct = seal(aead, plaintext, _ad(vault.vault_id, contact.id, contact.added_at))
    conn.execute(
        "INSERT INTO contacts VALUES (?, ?, ?, ?)", (contact.id, contact.added_at, nonce, ct)
    )
    inside.log(vault, conn, "contact-add", at=contact.added_at)


def new_contact(vault, name: str, recipient: str, fingerprint: str) -> Contact:
    """A checked contact not yet saved (import --trust-new saves it with the notes). A name
    already taken is refused like any other, never made unique behind the person's back."""
    return _checked(vault, clean_name(name), parse_recipient(recipient), fingerprint)


def remove(vault, name: str) -> Contact:
    contact = find(vault, name)
    with inside.writing(vault) as conn:
        conn.execute("DELETE FROM contacts WHERE id = ?", (contact.id,))
        inside.log(vault, conn, "contact-remove")
    inside.published(vault)
    return contact

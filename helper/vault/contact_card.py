"""Contact cards: one line a DSL hands to staff so that "Hand over" works without anyone
copying a 62-character recipient and a fingerprint by hand (HANDOVER.md, "Contact cards").

    waymark-contact:v1:<name>:<recipient>:<fingerprint>

The card only saves typing. It carries no secret and proves nothing by itself: whoever adds
it still checks the fingerprint with its owner, as for a contact added by hand. Reading is
forgiving about what surrounds the line (spaces, a trailing newline, a file saved by an editor)
and strict about the line itself; anything wrong is one plain sentence."""

from __future__ import annotations

from dataclasses import dataclass

from helper.errors import BadInput

PREFIX = "waymark-contact:"
VERSION = "v1"
MAX_CARD_BYTES = 4096  # a card is about 350 bytes; anything much larger is not one
NOT_A_CARD = (
    "That is not a Waymark contact card: it should be one line starting with waymark-contact:v1:."
)


@dataclass(frozen=True)
class Card:
    name: str
    recipient: str
    fingerprint: str


def card_line(name: str, recipient: str, fingerprint: str) -> str:
    """This vault's card under the name staff will know it by ("R Patel (DSL)")."""
    from helper.vault.contacts import clean_name
    from helper.vault.identity import parse_fingerprint, parse_recipient

    clean = clean_name(name)
    return ":".join(
        (PREFIX + VERSION, clean, parse_recipient(recipient), parse_fingerprint(fingerprint))
    )


def card_from_bytes(data: bytes) -> Card:
    """A card from a file's bytes (an upload, or a file named on the command line)."""
    if len(data) > MAX_CARD_BYTES:
        raise BadInput("That file is too big to be a contact card.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(NOT_A_CARD) from None
    return parse_card(text)


def parse_card(text: str) -> Card:
    """The name, recipient and fingerprint a card holds; BadInput in one sentence otherwise.

    The name may itself hold colons, so the recipient and fingerprint are taken from the end."""
    from helper.vault.contacts import clean_name
    from helper.vault.identity import parse_fingerprint, parse_recipient

    line = str(text).strip()
    if not line:
        raise BadInput("Paste the contact card: one line starting with waymark-contact:v1:.")
    if "\n" in line or "\r" in line:
        raise BadInput("A contact card is one line. Paste only the line that starts with "
                       "waymark-contact:v1:.")  # fmt: skip
    if not line.lower().startswith(PREFIX):
        raise BadInput(NOT_A_CARD)
    version, _sep, rest = line[len(PREFIX) :].partition(":")
    if version != VERSION:
        raise BadInput(
            "That contact card was made by a newer version of Waymark. Update Waymark, or add "
            "the contact by hand."
        )
    parts = rest.rsplit(":", 2)
    if len(parts) != 3 or not all(p.strip() for p in parts):
        raise BadInput("That contact card is cut short. Ask for it again and copy the whole line.")
    name, recipient, fingerprint = (p.strip() for p in parts)
    try:
        recipient = parse_recipient(recipient)
        fingerprint = parse_fingerprint(fingerprint)
    except BadInput:
        raise BadInput(
            "That contact card is damaged: its codes are not right. Ask for it again and copy "
            "the whole line."
        ) from None
    return Card(clean_name(name), recipient, fingerprint)


def _stranger(vault, data: bytes, passphrase: str | None):
    """(sender, fingerprint, name taken) for a hand-over file signed by someone who is not a
    contact of this vault yet; None when the file does not open or check out (the import says
    why), comes from this vault, or its signer is already a contact."""
    from helper.errors import WaymarkError
    from helper.vault import bundle, contacts, identity

    try:
        me = identity.load(vault)
        if me is None or len(data) > bundle.MAX_BUNDLE_BYTES:
            return None
        found = bundle.parse_body(
            bundle.open_payload(bundle.decrypt(data, me.age_identity, passphrase))
        )
    except WaymarkError:
        return None
    if found.sender.vault_id == vault.vault_id:
        return None
    fingerprint = identity.fingerprint_of(found.sender.public_key)
    if contacts.by_fingerprint(vault, fingerprint) is not None:
        return None
    wanted = found.sender.name.casefold()
    taken = any(c.name.casefold() == wanted for c in contacts.list_contacts(vault))
    return found.sender, fingerprint, taken


def namesake(vault, data: bytes, passphrase: str | None = None) -> bool:
    """Whether a file's sender is new to this vault but signs with a contact's name: the
    import then asks for a name of their own rather than refusing or guessing."""
    stranger = _stranger(vault, data, passphrase)
    return stranger is not None and stranger[2]


def new_sender(vault, data: bytes, passphrase: str | None = None) -> Card | None:
    """Who signed a hand-over file, when they are someone this vault could accept for the first
    time: not a contact yet, and no contact has their name. None otherwise, and None for a
    file that does not open or check out: then the import itself says what is wrong, in its
    own words (HANDOVER.md, "Importing"). Reads only; nothing is added.

    Why: the receiving person is asked once, with the fingerprint in front of them, instead of
    being told to run the import again with a flag."""
    stranger = _stranger(vault, data, passphrase)
    if stranger is None or stranger[2]:
        return None  # not new, or a name clash: the import asks for a name of their own
    sender, fingerprint, _taken = stranger
    return Card(sender.name, sender.recipient, fingerprint)

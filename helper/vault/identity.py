"""A vault's hand-over identity: an age X25519 identity (others encrypt bundles to its
recipient, `age1…`) and an Ed25519 signing key (bundles it sends are signed with it). Both are
made on first use and stored sealed under a key derived from the vault key, like every note;
only the public halves ever leave the vault. See HANDOVER.md."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from helper.errors import BadInput, IntegrityError
from helper.vault import inside, keys, store
from helper.vault.sealed import seal

IDENTITY_PURPOSE = "waymark/v1 identity"
FINGERPRINT_BYTES = 16  # 128 bits, read out as 8 groups of 4 hex digits
FINGERPRINT_LABEL = b"waymark/v1 signing key\n"


@dataclass(frozen=True)
class Identity:
    """The vault's own keys. `age_identity` is pyrage's x25519.Identity."""

    age_identity: object
    signing_key: Ed25519PrivateKey
    created_at: str

    @property
    def recipient(self) -> str:
        return str(self.age_identity.to_public())  # type: ignore[attr-defined]

    @property
    def public_key(self) -> bytes:
        return public_bytes(self.signing_key.public_key())

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.public_key)

    def as_json(self) -> dict[str, str]:
        return {"recipient": self.recipient, "fingerprint": self.fingerprint}


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def fingerprint_of(public_key: bytes) -> str:
    """What a person compares by eye: a labelled hash of the raw Ed25519 public key."""
    digest = hashlib.sha256(FINGERPRINT_LABEL + public_key).digest()[:FINGERPRINT_BYTES].hex()
    return "-".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def parse_fingerprint(text: str) -> str:
    """Read a fingerprint forgivingly (any case, spaces or dashes) into its canonical form."""
    raw = "".join(ch for ch in str(text).lower() if ch not in " -:")
    if len(raw) != FINGERPRINT_BYTES * 2 or any(ch not in "0123456789abcdef" for ch in raw):
        raise BadInput(
            "That is not a Waymark fingerprint: it should be 8 groups of 4 letters a-f and "
            "digits, like 3f2a-9b1c-…"
        )
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def parse_recipient(text: str) -> str:
    """An age X25519 recipient (`age1…`), checked by pyrage; the canonical text back."""
    import pyrage

    try:
        return str(pyrage.x25519.Recipient.from_str(str(text).strip()))
    except Exception:
        raise BadInput("That is not an age recipient: it should start with age1.") from None


def _ad(vault_id: str, created_at: str) -> bytes:
    return "\x00".join((IDENTITY_PURPOSE, vault_id, created_at)).encode()


def load(vault, create: bool = True) -> Identity | None:
    """The vault's identity, made (and logged) on first use when `create`."""
    rows = store.query(
        inside.connection(vault), "SELECT created_at, nonce, ct FROM identity WHERE id = 1"
    )
    if rows:
        return _open(vault, *rows[0])
    if not create:
        return None
    return _make(vault)


def _open(vault, created_at: str, nonce: bytes, ct: bytes) -> Identity:
    import pyrage

    aead = inside.sealer(vault, IDENTITY_PURPOSE)
    try:
        data = json.loads(aead.decrypt(nonce, ct, _ad(vault.vault_id, str(created_at))))
        age = pyrage.x25519.Identity.from_str(data["age"])
        signing = Ed25519PrivateKey.from_private_bytes(keys.unb64(data["signing"]))
    except (InvalidTag, ValueError, TypeError, KeyError, IntegrityError, pyrage.IdentityError):
        raise IntegrityError(
            "This vault's hand-over identity has been altered or damaged. Run `waymark verify`."
        ) from None
    return Identity(age, signing, str(created_at))


def _make(vault) -> Identity:
    import pyrage

    from helper.vault.times import now_utc

    age = pyrage.x25519.Identity.generate()
    signing = Ed25519PrivateKey.generate()
    raw = signing.private_bytes_raw()
    plaintext = json.dumps({"age": str(age), "signing": keys.b64(raw)}, sort_keys=True).encode()
    created_at = now_utc()
    aead = inside.sealer(vault, IDENTITY_PURPOSE)
    nonce, ct = seal(aead, plaintext, _ad(vault.vault_id, created_at))
    with inside.writing(vault) as conn:
        conn.execute("INSERT INTO identity VALUES (1, ?, ?, ?)", (created_at, nonce, ct))
        inside.log(vault, conn, "identity", at=created_at)
    inside.published(vault)
    return Identity(age, signing, created_at)

"""Real signed hand-over bundles made to order: open a bundle with the receiver's identity, change
its body, sign it again with a vault's own signing key and encrypt it to the receiver, as a
sender (or an attacker holding a key of their own) could. Everything goes through pyrage and
Ed25519 exactly as Waymark writes a bundle (HANDOVER.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from helper.vault import bundle, identity

LABEL = b"waymark/v1 handover\n"


def _identity(who: Any) -> Any:
    """A vault's identity, or the identity itself (for a vault on another thread)."""
    return who if isinstance(who, identity.Identity) else identity.load(who)


def body_of(data: bytes, receiver: Any) -> dict[str, Any]:
    """The signed body of a bundle addressed to `receiver` (a Vault or its Identity)."""
    plaintext = pyrage.decrypt(data, [_identity(receiver).age_identity])
    return json.loads(plaintext.split(b"\n")[1])


def sealed_payload(payload: bytes, receiver: Any) -> bytes:
    """`payload` (the age plaintext) encrypted to `receiver` alone."""
    return pyrage.encrypt(payload, [_identity(receiver).age_identity.to_public()])


def payload(raw: bytes, key: Ed25519PrivateKey, version: int = bundle.VERSION) -> bytes:
    """The age plaintext for a body's exact bytes (never parsed here), signed with `key`."""
    line = f"waymark-handover/{version}\n".encode()
    return line + raw + b"\n--- " + bundle.b64(key.sign(LABEL + raw)).encode() + b"\n"


def signed(body: dict[str, Any], signer: Any, receiver: Any) -> bytes:
    """`body` in canonical form, signed with the `signer`'s key, encrypted to `receiver`."""
    key = _identity(signer).signing_key
    return sealed_payload(payload(bundle.canonical(body), key, body["version"]), receiver)


def resigned(
    data: bytes, signer: Any, receiver: Any, edit: Callable[[dict[str, Any]], object]
) -> bytes:
    """The bundle `data` with `edit` applied to its body, signed again by `signer`."""
    body = body_of(data, receiver)
    edit(body)
    return signed(body, signer, receiver)


def earlier_hop(**changes: Any) -> dict[str, Any]:
    """A well-formed earlier hand-over, as a receiving vault records one (HANDOVER.md, hop)."""
    hop = {
        "from_name": "A Colleague",
        "known_as": "A Colleague",
        "fingerprint": "23ea-04c5-cc59-42e2-fe81-6e15-e5d9-320e",
        "vault_id": "0123456789abcdef0123456789abcdef",
        "bundle_id": "fedcba9876543210fedcba9876543210",
        "original_id": "0011223344556677",
        "sent_at": "2026-11-01T09:00:00.000000+00:00",
        "received_at": "2026-11-01T10:00:00.000000+00:00",
        "audit": [{"at": "2026-11-01T08:00:00.000000+00:00", "action": "create", "revision": 1}],
    }
    hop.update(changes)
    return hop

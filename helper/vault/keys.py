"""Keys: the passphrase KDF (Argon2id, calibrated and capped), wrapping the vault key three
ways, recovery codes, subkeys, and the OS keyring adapter.

Why this shape: the notes are encrypted once under a random vault key that never changes, so a
passphrase change or a recovery only re-wraps 32 bytes and can never lose a note. Every key has
one purpose, derived with its own HKDF label, as in the age spec."""

from __future__ import annotations

import base64
import ctypes
import hmac
import os
import platform
import secrets
import sys
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from helper.errors import BadInput, IntegrityError, StorageError, WrongPassphrase

KEY_LEN = 32
HASH_LEN = 32  # SHA-256: one HKDF block is exactly one key
NONCE_LEN = 12
SALT_LEN = 16

# Caps, checked BEFORE any derivation: a header that asks for more is refused, so a planted
# file cannot make us allocate gigabytes or run for hours (docs/SECURITY.md, "Key derivation caps").
MAX_MEMORY_KIB = 1024 * 1024  # 1 GiB
MAX_ITERATIONS = 64
MAX_LANES = 8
MIN_MEMORY_KIB = 1024  # below this, Argon2id is not worth its name
TARGET_SECONDS = 0.5
# 46 MiB: OWASP's recommended Argon2id memory (with t=1; we calibrate t upwards to ~0.5 s).
# Kept under 64 MiB so the whole helper stays within its 100 MB memory goal while unlocking.
KDF_MEMORY_KIB = 46 * 1024
KDF_LANES = 4
FAST_ENV = "WAYMARK_KDF_FAST"


@dataclass(frozen=True)
class KdfParams:
    """Argon2id work factors and salt, stored in the header."""

    salt: bytes
    memory_kib: int
    iterations: int
    lanes: int

    def as_json(self) -> dict[str, object]:
        return {
            "alg": "argon2id",
            "salt": b64(self.salt),
            "m": self.memory_kib,
            "t": self.iterations,
            "p": self.lanes,
        }

    @classmethod
    def from_json(cls, data: object) -> KdfParams:
        """Parse and cap-check header KDF parameters; refuses before anything is derived."""
        if not isinstance(data, dict) or data.get("alg") != "argon2id":
            raise IntegrityError("The vault header names an unknown key derivation.")
        m, t, p = data.get("m"), data.get("t"), data.get("p")
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (m, t, p)):
            raise IntegrityError("The vault header's key-derivation settings are malformed.")
        if not (
            MIN_MEMORY_KIB <= m <= MAX_MEMORY_KIB
            and 1 <= t <= MAX_ITERATIONS
            and 1 <= p <= MAX_LANES
            and m >= 8 * p
        ):
            raise IntegrityError(
                "The vault header asks for key-derivation work outside the safe limits; "
                "refusing to try it."
            )
        salt = unb64(data.get("salt"))
        if len(salt) != SALT_LEN:
            raise IntegrityError("The vault header's salt is malformed.")
        return cls(salt, m, t, p)


# Where a bytes object's data starts in CPython (its size when empty, less the final NUL).
_BYTES_DATA_OFFSET = sys.getsizeof(b"") - 1
_CPYTHON = platform.python_implementation() == "CPython"


def wipe(secret: bytes | bytearray | None) -> None:
    """Overwrite key material with zeros in place, so freed memory keeps no copy of it.

    A bytearray is zeroed through its own buffer. A bytes object (what cryptography and hashlib
    hand back) is immutable to Python, so on CPython its data is zeroed with memset: only ever
    call this on a private key-sized object that nothing else uses (never a literal or a short,
    shared value; objects of length 0 or 1 are left alone for that reason)."""
    if secret is None or len(secret) < 2:
        return
    if isinstance(secret, bytearray):
        secret[:] = bytes(len(secret))
    elif isinstance(secret, bytes) and _CPYTHON:
        ctypes.memset(id(secret) + _BYTES_DATA_OFFSET, 0, len(secret))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: object) -> bytes:
    """Strict base64 (canonical: it must re-encode to the same text)."""
    if not isinstance(text, str):
        raise IntegrityError("The vault header is malformed.")
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raise IntegrityError("The vault header is malformed.") from None
    if b64(raw) != text:
        raise IntegrityError("The vault header is malformed.")
    return raw


def derive_passphrase_key(passphrase: str, params: KdfParams) -> bytes:
    """Argon2id(passphrase). Only called with params that passed the caps."""
    kdf = Argon2id(
        salt=params.salt,
        length=KEY_LEN,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    secret = bytearray(passphrase.encode("utf-8"))
    try:
        return kdf.derive(secret)
    finally:
        wipe(secret)


def calibrate(fast: bool | None = None) -> KdfParams:
    """Pick Argon2id work so that unlocking takes about TARGET_SECONDS here.

    Memory is fixed (KDF_MEMORY_KIB) with 4 lanes; iterations scale with this machine's speed. With
    WAYMARK_KDF_FAST=1 (tests only) the work is tiny but still inside the caps."""
    salt = secrets.token_bytes(SALT_LEN)
    if fast is None:
        # Honoured only inside the test suite, so a stray variable cannot weaken a real vault.
        fast = os.environ.get(FAST_ENV) == "1" and os.environ.get("WAYMARK_TESTING") == "1"
    if fast:
        return KdfParams(salt, MIN_MEMORY_KIB, 1, 1)

    def seconds(iterations: int) -> float:
        start = time.perf_counter()
        derive_passphrase_key("calibration", KdfParams(salt, KDF_MEMORY_KIB, iterations, KDF_LANES))
        return time.perf_counter() - start

    # Time = fixed cost (filling the memory) + iterations x cost per pass; measure both.
    one, three = seconds(1), seconds(3)
    per_pass = max((three - one) / 2, 1e-3)
    fixed = max(one - per_pass, 0.0)
    iterations = max(2, min(MAX_ITERATIONS, round((TARGET_SECONDS - fixed) / per_pass)))
    return KdfParams(salt, KDF_MEMORY_KIB, iterations, KDF_LANES)


def subkey(vault_key: bytes | bytearray, purpose: str) -> bytes:
    """One key per purpose (note encryption, audit MAC, header MAC), never the vault key itself.

    HKDF-SHA256 (RFC 5869) with no salt and one output block, written out with `hmac.digest`
    rather than cryptography's HKDF: that one leaves its intermediate buffers in freed memory,
    where a memory scan after locking still found the notes key. Here the pseudorandom key is
    wiped at once, OpenSSL cleanses its own HMAC state, and the caller wipes the result. The
    output is byte for byte cryptography's HKDF (tests/vault check both)."""
    prk = hmac.digest(bytes(HASH_LEN), vault_key, "sha256")  # extract: salt = HashLen zeros
    try:
        return hmac.digest(prk, purpose.encode() + b"\x01", "sha256")  # expand: block 1 of 1
    finally:
        wipe(prk)


def wrap(wrapping_key: bytes, vault_key: bytes, label: bytes) -> dict[str, str]:
    """Encrypt the vault key; the label (method + vault id) is bound as associated data."""
    nonce = secrets.token_bytes(NONCE_LEN)
    sealed = AESGCM(wrapping_key).encrypt(nonce, vault_key, label)
    return {"nonce": b64(nonce), "ct": b64(sealed)}


def unwrap(wrapping_key: bytes, wrapped: object, label: bytes) -> bytes:
    """Decrypt a wrapped vault key; any failure is the one generic WrongPassphrase."""
    if not isinstance(wrapped, dict):
        raise IntegrityError("The vault header is malformed.")
    nonce, sealed = unb64(wrapped.get("nonce")), unb64(wrapped.get("ct"))
    try:
        key = AESGCM(wrapping_key).decrypt(nonce, sealed, label)
    except (InvalidTag, ValueError):
        raise WrongPassphrase() from None
    if len(key) != KEY_LEN:
        raise WrongPassphrase()
    return key


# ---- recovery codes ---------------------------------------------------------------------------
RECOVERY_BYTES = 20  # 160 bits: 32 base32 characters, read out in 8 groups of 4


def new_recovery_code() -> tuple[str, bytes]:
    """A fresh one-time recovery code, as shown to the person and as raw bytes."""
    raw = secrets.token_bytes(RECOVERY_BYTES)
    text = base64.b32encode(raw).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4)), raw


def parse_recovery_code(code: str) -> bytes:
    """Read a recovery code forgivingly: any case, spaces or dashes, 0/1 typed for O/I."""
    text = "".join(ch for ch in code.upper() if ch.isalnum()).replace("0", "O").replace("1", "I")
    try:
        raw = base64.b32decode(text)
    except ValueError:
        raise BadInput(
            "That is not a recovery code: it should be 8 groups of 4 letters and digits."
        ) from None
    if len(raw) != RECOVERY_BYTES:
        raise BadInput(
            "That is not a recovery code: it should be 8 groups of 4 letters and digits."
        )
    return raw


def recovery_key(raw: bytes, salt: bytes) -> bytes:
    """The recovery code has 160 random bits, so HKDF is enough; no slow KDF is needed."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_LEN, salt=salt, info=b"waymark/v1 recovery")
    return hkdf.derive(raw)


def macs_equal(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)


# ---- OS keyring adapter ------------------------------------------------------------------------
DEVICE_SERVICE = "waymark-vault-device"
CHAIN_SERVICE = "waymark-vault-chain"


def keyring_available() -> bool:
    """Whether a usable keyring backend exists (not the 'fail' backend, not an empty chain)."""
    try:
        import keyring
        from keyring.backends import chainer, fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring):
            return False
        return not (isinstance(backend, chainer.ChainerBackend) and not backend.backends)
    except Exception:  # any backend trouble means "no keyring", never a crash
        return False


def keyring_get(service: str, name: str) -> str | None:
    """Read a keyring entry; None when the keyring is missing, locked or has no such entry."""
    try:
        import keyring

        return keyring.get_password(service, name)
    except Exception:
        return None


def keyring_set(service: str, name: str, value: str) -> bool:
    """Write a keyring entry; False when there is no usable keyring (the caller says so)."""
    try:
        import keyring

        keyring.set_password(service, name, value)
        return True
    except Exception:
        return False


def keyring_delete(service: str, name: str) -> None:
    try:
        import keyring

        keyring.delete_password(service, name)
    except Exception:
        return


def storage_error(err: Exception) -> StorageError:
    """Turn an sqlite3/OS error into one clear sentence, never a traceback."""
    if isinstance(err, UnicodeDecodeError):
        return StorageError("That file is not a Waymark vault, or it is damaged.")
    text = str(err).lower()
    if "full" in text or "no space" in text or "file too large" in text:
        return StorageError("The disk is full, so the note was not saved. Nothing was lost.")
    if "disk i/o error" in text or "i/o" in text:
        return StorageError(
            "The vault file could not be written: the disk may be full or failing. "
            "This save was not made; earlier notes are safe."
        )
    if "readonly" in text or "read-only" in text or "permission" in text:
        return StorageError("The vault file is read-only, so nothing can be saved.")
    if "locked" in text or "busy" in text:
        return StorageError("The vault is in use by another program. Close it and try again.")
    if "no such" in text or "malformed database schema" in text:
        return StorageError(
            "The vault file is damaged: its layout is not what Waymark expects. "
            "Run `waymark verify`."
        )
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return StorageError("That file is not a Waymark vault, or it is damaged.")
    return StorageError("The vault file could not be used.")

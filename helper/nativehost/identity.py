"""Who the extension is. Browsers name an unpacked extension after its folder path unless its
manifest carries a `key`; ours does, so its id is the same on every machine and the host manifest
can allow exactly that one extension and nothing else.

Chromium's id is the first 128 bits of sha256(the DER public key), written as 32 hex digits with
0-f mapped to a-p. We compute it from the key rather than trusting a copied id string."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from pathlib import Path

from helper.errors import BadInput
from helper.paths import extension_dir

HOST_NAME = "uk.waymark.helper"

# The `key` in extension/manifest.json. Kept here too so an installed helper without the
# extension's source folder still knows whom to trust; a test keeps the two identical.
EXTENSION_KEY = (
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyf1OUyzD1WxKfG/tpbZ1Qz5lK6fDMRkmfxK+3gjZAoNEUN2J"
    "xKGdfACnoDZj8p96FU0G0xkTU2aDv11w1dCpNPKRIj71PD+SiuE4ESCwTnOIPwyhDbCvlIIuofPPPhpSuj6OEwxprB5A"
    "5qgrKygJf/vPg30evILlHLWu/sr2ptq812jr4BHziIYTR/yMNXtiS/r/taTR7cvdWwuqXZcg0wvBwVFdbguzNhQkRCGz"
    "wjlR9CJ7VbosNvt6C0hZNCRa9Neg+MrZcHCklWszD18X2Qoae9hPm1XpJ1E/sRjlDpFoieMHG73WyYvZudP5cKt8rrnQ"
    "7TEF3RiG4w8Vj5ubWQIDAQAB"
)

# Firefox names extensions by the gecko id in the manifest's browser_specific_settings.
GECKO_ID = "waymark@waymark.local"


def extension_id_from_key(key_b64: str) -> str:
    """Chromium's extension id for a base64 DER public key."""
    try:
        der = base64.b64decode(key_b64, validate=True)
    except (binascii.Error, ValueError) as err:
        raise BadInput("The extension's manifest key is not valid base64.") from err
    digest = hashlib.sha256(der).hexdigest()[:32]
    return "".join(chr(ord("a") + int(digit, 16)) for digit in digest)


def manifest_key(extension: Path | None = None) -> str:
    """The `key` from the extension's manifest.json, or the built-in key when the extension's
    folder is not beside this helper (an installed copy)."""
    manifest = (extension or extension_dir()) / "manifest.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return EXTENSION_KEY
    except (OSError, ValueError) as err:
        raise BadInput(f"Cannot read the extension's manifest at {manifest}.") from err
    key = data.get("key") if isinstance(data, dict) else None
    if not isinstance(key, str) or not key:
        raise BadInput(f"The extension's manifest at {manifest} has no `key`.")
    return key


def extension_id(extension: Path | None = None) -> str:
    """This extension's Chromium id, from its manifest key."""
    return extension_id_from_key(manifest_key(extension))


def chromium_origin(ext_id: str) -> str:
    """The origin Chromium passes as argv[1] and expects in allowed_origins (trailing slash)."""
    return f"chrome-extension://{ext_id}/"

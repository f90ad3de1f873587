"""A bundle's payload is bounded before it is parsed, and its signature is checked before the body
is decoded into objects: deeply nested JSON, signed or not, is one sentence (never a
RecursionError), and a 14 MiB unsigned list is refused without building it. Every refusal
leaves the receiving vault's file byte-for-byte as it was, through the CLI too (exit code 1),
and JSON a person gives (`--from-json`) is bounded the same way (exit code 2)."""

from __future__ import annotations

import base64
import secrets
import sqlite3
import tracemalloc
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from helper import boundedjson
from helper.vault import bundle, handover, identity
from helper.vault.bundle import HandoverRefused
from tests.support.bundles import body_of, payload, sealed_payload
from tests.support.cli import private_env
from tests.support.vaults import PASSPHRASE
from tests.vault.test_cli import waymark
from tests.vault.test_handover import pristine as pristine
from tests.vault.test_handover import world as world

UNSIGNED = b"--- " + base64.b64encode(bytes(64)) + b"\n"
DEEP = 200_000


def unsigned(raw: bytes) -> bytes:
    return b"waymark-handover/2\n" + raw + b"\n" + UNSIGNED


def deep_body(world) -> bytes:
    """A body with the sender's real fields but a note nested DEEP levels down."""
    body = body_of(world.bundle_path.read_bytes(), world.dsl)
    body["notes"] = ["NEST"]
    raw = bundle.canonical(body)
    return raw.replace(b'"NEST"', b"[" * DEEP + b"]" * DEEP)


def refused(vault, data: bytes, says: str) -> None:
    before = vault.path.read_bytes()
    with pytest.raises(HandoverRefused, match=says):
        handover.import_bundle(vault, data)
    assert vault.path.read_bytes() == before


def test_deep_nesting_without_a_signature_is_refused_before_it_is_parsed(world):
    data = sealed_payload(unsigned(b"[" * DEEP + b"]" * DEEP), world.dsl)
    refused(world.dsl, data, "does not match its contents")


def test_deep_nesting_signed_with_a_key_of_its_own_is_one_sentence(world):
    """Anyone can sign with a key of their own: the signature passes, the bounds do not."""
    raw = deep_body(world)
    key = Ed25519PrivateKey.generate()
    stranger = bundle.b64(identity.public_bytes(key.public_key())).encode()
    real = body_of(world.bundle_path.read_bytes(), world.dsl)["sender"]["signing_key"].encode()
    raw = raw.replace(real, stranger)
    refused(world.dsl, sealed_payload(payload(raw, key), world.dsl), "damaged or has been altered")
    signed_by_sender = payload(deep_body(world), identity.load(world.staff).signing_key)
    refused(world.dsl, sealed_payload(signed_by_sender, world.dsl), "damaged or has been altered")


def test_a_14_mib_unsigned_list_is_refused_without_building_it(world):
    """7 million tiny values: json.loads would build them all (hundreds of MB) before the
    signature said no. Now the signature is checked on the bytes first."""
    raw = b"[" + b"0," * (7 * 1024 * 1024 - 1) + b"0]"
    data = sealed_payload(unsigned(raw), world.dsl)
    assert len(data) < bundle.MAX_BUNDLE_BYTES
    tracemalloc.start()
    try:
        refused(world.dsl, data, "does not match its contents")
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * len(data), f"{peak / 2**20:.0f} MiB for a {len(data) / 2**20:.0f} MiB file"


def test_a_signed_body_over_the_value_cap_is_refused(world):
    body = body_of(world.bundle_path.read_bytes(), world.dsl)
    body["notes"][0]["audit"] = [0] * (bundle.MAX_JSON_VALUES + 1)
    data = sealed_payload(
        payload(bundle.canonical(body), identity.load(world.staff).signing_key), world.dsl
    )
    refused(world.dsl, data, "more than a hand-over may")


@pytest.mark.parametrize(
    ("first_line", "says"),
    [
        (b"waymark-handover/3", "newer version of Waymark"),
        (b"waymark-handover/12", "newer version of Waymark"),
        (b"waymark-handover/0", "not a Waymark hand-over"),
        (b"waymark-handover/x", "not a Waymark hand-over"),
        (b"waymark-handover/02", "not a Waymark hand-over"),
        (b"waymark-handover/", "not a Waymark hand-over"),
    ],
)
def test_the_first_line_alone_says_newer_or_not_a_hand_over(world, first_line, says):
    plaintext = bundle.decrypt(
        world.bundle_path.read_bytes(), identity.load(world.dsl).age_identity
    )
    rest = plaintext.split(b"\n", 1)[1]
    refused(world.dsl, sealed_payload(first_line + b"\n" + rest, world.dsl), says)


def test_a_body_claiming_a_newer_version_under_a_known_first_line_is_damaged(world):
    """The first line decides whether a bundle is from a newer Waymark; a signed body that
    says version 3 under a version 2 line disagrees with it, as any mismatch does."""
    body = body_of(world.bundle_path.read_bytes(), world.dsl)
    body["version"] = 3
    raw = bundle.canonical(body)
    key = identity.load(world.staff).signing_key
    refused(world.dsl, sealed_payload(payload(raw, key, version=2), world.dsl), "damaged")


# ---- through the command line ------------------------------------------------------------------
@pytest.fixture
def dsl_home(world, tmp_path) -> dict[str, str]:
    """The world's DSL vault as a person's own (under WAYMARK_HOME), for the CLI."""
    env = private_env(tmp_path / "dsl-home", PASSPHRASE)
    home = Path(env["WAYMARK_HOME"])
    home.mkdir(parents=True)
    (home / "vault.sqlite3").write_bytes(world.dsl.path.read_bytes())
    return env


def test_every_cli_refusal_is_one_line_exit_1_and_leaves_the_file_as_it_was(world, dsl_home):
    vault_file = Path(dsl_home["WAYMARK_HOME"]) / "vault.sqlite3"
    key = identity.load(world.staff).signing_key
    cases = {
        "deep-unsigned": sealed_payload(unsigned(b"[" * DEEP + b"]" * DEEP), world.dsl),
        "deep-signed": sealed_payload(payload(deep_body(world), key), world.dsl),
        "big-unsigned": sealed_payload(unsigned(b"[" + b"0," * 7_000_000 + b"0]"), world.dsl),
        "replayed": None,
    }
    good = world.bundle_path.read_bytes()
    ok = waymark(dsl_home, "notes", "import", str(world.bundle_path))
    assert ok.returncode == 0, ok.stderr
    for name, data in cases.items():
        path = world.bundle_path.with_name(f"{name}.age")
        path.write_bytes(good if data is None else data)
        before = vault_file.read_bytes()
        result = waymark(dsl_home, "notes", "import", str(path))
        assert result.returncode == 1, (name, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and not result.stdout, name
        assert vault_file.read_bytes() == before, name
    assert "intact" in waymark(dsl_home, "verify").stdout


def test_the_cli_logs_its_unlock_with_an_import_it_makes(world, dsl_home):
    """The command's unlock is written with the import, first in its transaction (so a refused
    import writes nothing at all)."""
    vault_file = Path(dsl_home["WAYMARK_HOME"]) / "vault.sqlite3"

    def actions(after: int = 0) -> list[tuple[int, str]]:
        with sqlite3.connect(vault_file) as conn:
            found = conn.execute(
                "SELECT seq, action FROM audit WHERE seq > ? ORDER BY seq", (after,)
            )
            return list(found)

    last = actions()[-1][0]
    result = waymark(dsl_home, "notes", "import", str(world.bundle_path))
    assert result.returncode == 0, result.stderr
    added = [action for _seq, action in actions(last)]
    assert added[0] == "unlock" and added.count("unlock") == 1 and added[-1] == "import"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b'{"concern": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested too deeply"),
        (b'{"concern": ' + b"[" * DEEP + b"]" * DEEP + b"}", "too many values"),
        (b'{"narrative": [' + b"0," * 300_000 + b"0]}", "too many values"),
        (b'{"narrative": "' + b"x" * (2 * 1024 * 1024) + b'"}', "larger than"),
    ],
    ids=["deep", "deep-and-many", "many", "large"],
)
def test_json_a_person_gives_is_bounded_too(tmp_path, data, says):
    env = private_env(tmp_path / "home", PASSPHRASE)
    assert waymark(env, "notes", "init").returncode == 0
    source = tmp_path / "fields.json"
    source.write_bytes(data)
    result = waymark(env, "notes", "new", "--from-json", str(source), "--signed-by", "R")
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert says in line


def test_the_bounds_count_what_json_would_build():
    """`values` counts every value json.loads would build (keys too), whatever strings hold."""
    assert boundedjson.values(b'{"a": [1, 2, {"b": "[[[,,,:::"}], "c": null}') == 10
    assert boundedjson.values(b'"just a string with \\" and [{,:"') == 1
    with pytest.raises(boundedjson.TooDeep):
        boundedjson.loads(b"[" * 9 + b"]" * 9, max_depth=8, max_values=100)
    assert boundedjson.loads(b"[" * 8 + b"]" * 8, max_depth=8, max_values=100) == [[[[[[[[]]]]]]]]
    with pytest.raises(boundedjson.TooMany):
        boundedjson.loads(b"[1, 2, 3]", max_depth=8, max_values=3)
    token = secrets.token_hex(4)
    assert boundedjson.loads(f'{{"{token}": 1}}'.encode(), max_depth=1, max_values=3) == {token: 1}
    for broken in (b'["unterminated', b"{not json", b"[" * 5000, b"]]"):
        with pytest.raises(ValueError) as refused:  # never the parser's RecursionError
            boundedjson.loads(broken, max_depth=8, max_values=10_000)
        assert not isinstance(refused.value, boundedjson.TooComplex), broken[:20]

"""The protocol's rules as pure functions: framing, the schema, the error table, the helper's
command line. Fast, so every edge case can be listed."""

from __future__ import annotations

import io
import json
import struct

import pytest

from helper.nativehost import framing
from helper.nativehost.launch import new_note_command, start_new_note
from helper.nativehost.messages import (
    DEFAULT_MESSAGES,
    ErrorCode,
    OpenNote,
    ProtocolError,
    moment,
    parse_open_note,
    platform_host,
    respond,
    sender_allowed,
)


class CountingStream(io.BytesIO):
    """A real byte stream that remembers the biggest read anyone asked of it."""

    largest_read = 0

    def read(self, size: int | None = -1) -> bytes:
        self.largest_read = max(self.largest_read, size if size is not None else -1)
        return super().read(size)


def test_over_cap_header_is_refused_after_reading_only_the_header():
    stream = CountingStream(struct.pack("=I", 2**32 - 1) + b"x" * 100)
    with pytest.raises(framing.FrameTooLarge):
        framing.read_frame(stream)
    assert stream.largest_read == 4
    assert stream.tell() == 4


def test_frames_round_trip_in_native_byte_order():
    stream = io.BytesIO(framing.encode_frame({"v": 1, "ok": True, "type": "hello"}))
    body = framing.read_frame(stream)
    assert json.loads(body) == {"v": 1, "ok": True, "type": "hello"}
    assert framing.read_frame(stream) is None


def test_reply_over_one_mebibyte_is_never_encoded():
    with pytest.raises(framing.ReplyTooLarge):
        framing.encode_frame({"v": 1, "ok": True, "type": "x", "pad": "a" * framing.MAX_REPLY})


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, None),
        ("www.instagram.com", "www.instagram.com"),
        ("WWW.TikTok.com", "www.tiktok.com"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("localhost", "localhost"),
    ],
)
def test_platform_host_accepts_bare_host_names(given, expected):
    assert platform_host(given) == expected


@pytest.mark.parametrize(
    "given",
    [
        "",
        "my_site.example.com",  # one host grammar everywhere (helper/domain.py): no "_"
        "https://www.instagram.com",
        "www.instagram.com/direct/inbox",
        "www.instagram.com?u=sam",
        "www.instagram.com#x",
        "www.instagram.com:443",
        "sam@www.instagram.com",
        "www.instagram.com.",
        ".instagram.com",
        "-bad.example",
        "bad-.example",
        "a..b",
        "bücher.example",
        "\u212aids.example",  # Kelvin sign: lower-cases to an ASCII "k"
        "www.instagram.com\n",
        "a" * 64 + ".com",
        ".".join(["a" * 60] * 5),
        "has space.com",
        "--new-note",
        7,
        ["x.com"],
        {"host": "x.com"},
    ],
)
def test_platform_host_refuses_anything_but_a_host_name(given):
    with pytest.raises(ProtocolError) as caught:
        platform_host(given)
    assert caught.value.code == ErrorCode.BAD_MESSAGE


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2026-11-29T02:24:04.123Z", "2026-11-29T02:24:04+00:00"),
        ("2026-11-29T02:24:04+01:00", "2026-11-29T02:24:04+01:00"),
        ("2026-11-29T02:24Z", "2026-11-29T02:24:00+00:00"),
    ],
)
def test_time_is_canonicalised_with_its_offset(given, expected):
    assert moment(given) == expected


@pytest.mark.parametrize(
    "given",
    ["", "now", "2026-11-29", "2026-11-29T02:24:04", "2026-13-01T00:00Z", "9" * 41, None, 1.5],
)
def test_time_without_offset_or_unparseable_is_refused(given):
    with pytest.raises(ProtocolError):
        moment(given)


def test_open_note_command_has_no_shell_and_no_way_to_inject_options():
    note = parse_open_note({"platform": "www.roblox.com", "at": "2026-11-29T02:24:04Z"})
    command = new_note_command(note, python="/usr/bin/python3")
    assert command == [
        "/usr/bin/python3",
        "-m",
        "helper",
        "open",
        "--new-note",
        "--platform=www.roblox.com",
        "--at=2026-11-29T02:24:04+00:00",
    ]
    unknown = new_note_command(OpenNote(platform=None, at="2026-11-29T02:24:04+00:00"), "py")
    assert not any(part.startswith("--platform") for part in unknown)


def test_helper_that_cannot_start_is_error_seven(tmp_path):
    note = OpenNote(platform=None, at="2026-11-29T02:24:04+00:00")
    with pytest.raises(ProtocolError) as caught:
        start_new_note(note, python=str(tmp_path / "no-such-python"))
    assert caught.value.code == ErrorCode.HELPER_NOT_STARTED


def test_helper_that_fails_at_once_is_error_seven():
    # /bin/false is a real program that starts and exits 1, like a helper refusing its options.
    note = OpenNote(platform=None, at="2026-11-29T02:24:04+00:00")
    with pytest.raises(ProtocolError) as caught:
        start_new_note(note, python="/bin/false")
    assert caught.value.code == ErrorCode.HELPER_NOT_STARTED


def test_every_error_code_has_plain_words_and_a_stable_number():
    assert [int(code) for code in ErrorCode] == list(range(1, 9))
    for code in ErrorCode:
        words = DEFAULT_MESSAGES[code]
        assert words.endswith(".") and len(words) < 80 and "{" not in words


def test_respond_dispatches_only_known_types():
    reply = respond(b'{"v":1,"type":"hello"}', handlers={})
    assert reply["error"]["code"] == ErrorCode.UNKNOWN_TYPE


@pytest.mark.parametrize(
    ("argv", "allowed"),
    [
        (["chrome-extension://abc/"], True),
        (["/x/uk.waymark.helper.json", "waymark@waymark.local"], True),
        (["chrome-extension://abc"], False),
        (["waymark@waymark.local"], False),
        (["/x.json", "waymark@waymark.local.evil"], False),
        ([], False),
    ],
)
def test_sender_must_match_exactly(argv, allowed):
    assert sender_allowed(argv, "chrome-extension://abc/", "waymark@waymark.local") is allowed


def test_protocol_document_lists_every_error_code_and_action():
    from pathlib import Path

    import helper.nativehost as package
    from helper.nativehost.messages import HANDLERS

    text = (Path(package.__file__).parent / "PROTOCOL.md").read_text()
    for code in ErrorCode:
        assert f"\n| {int(code)} | " in text
    for action in HANDLERS:
        assert f"### `{action}`" in text

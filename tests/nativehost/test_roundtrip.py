"""Real round trips with `python -m helper native-host`, including every attack in docs/SECURITY.md,
"The native messaging host": an error reply (or a clean exit), never a crash, a hang or a
traceback."""

from __future__ import annotations

import struct

import pytest

from helper import __version__
from tests.support.hostproc import ORIGIN, exchange, exchange_measured, frame

HELLO = {"v": 1, "type": "hello"}


def error_code(reply: dict) -> int:
    assert reply["ok"] is False and reply["v"] == 1
    assert isinstance(reply["error"]["message"], str) and reply["error"]["message"]
    return reply["error"]["code"]


def assert_quiet(result) -> None:
    assert "Traceback" not in result.stderr
    assert result.stderr == ""


def test_hello_says_which_helper_answers(tmp_path):
    result = exchange(frame(HELLO), tmp_path)
    assert result.replies == [
        {"v": 1, "ok": True, "type": "hello", "helper": f"waymark {__version__}"}
    ]
    assert result.returncode == 0
    assert_quiet(result)


def test_one_connection_serves_many_messages_and_survives_bad_ones(tmp_path):
    data = frame(HELLO) + frame(b"{nope") + frame({"v": 1, "type": "format-disk"}) + frame(HELLO)
    result = exchange(data, tmp_path)
    assert [r["ok"] for r in result.replies] == [True, False, False, True]
    assert error_code(result.replies[1]) == 2
    assert error_code(result.replies[2]) == 4
    assert result.returncode == 0
    assert_quiet(result)


def test_firefox_caller_is_accepted_by_its_extension_id(tmp_path):
    manifest = "/home/x/.mozilla/native-messaging-hosts/uk.waymark.helper.json"
    caller = (manifest, "waymark@waymark.local")
    result = exchange(frame(HELLO), tmp_path, caller=caller)
    assert result.replies[0]["ok"] is True


@pytest.mark.parametrize(
    "caller",
    [
        (),
        ("chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/",),
        ("chrome-extension://hnjoammhjfbmjbpfllkmjegekdjlkjgi",),  # no trailing slash
        ("chrome-extension://hnjoammhjfbmjbpfllkmjegekdjlkjgi/.evil.test/",),
        ("/tmp/manifest.json", "evil@evil.test"),
        ("https://evil.test/",),
    ],
)
def test_wrong_sender_is_refused_before_anything_is_read(tmp_path, caller):
    result = exchange(frame(HELLO), tmp_path, caller=caller)
    assert len(result.replies) == 1
    assert error_code(result.replies[0]) == 5
    assert result.returncode == 1
    assert_quiet(result)


@pytest.mark.timeout(60)
def test_huge_claimed_length_is_answered_at_once_without_allocating_it(tmp_path):
    # Claim 4 GiB and keep stdin open: the host must answer from the header alone.
    huge = exchange_measured(struct.pack("=I", 0xFFFFFFFF), tmp_path)
    baseline = exchange_measured(frame(HELLO), tmp_path, keep_stdin_open=False)
    assert error_code(huge.replies[0]) == 1
    assert huge.returncode == 1
    assert "Traceback" not in huge.stderr
    # Same footprint as answering hello: nowhere near the claimed size (4 GiB = 4,194,304 KiB).
    assert huge.max_rss_kib < baseline.max_rss_kib + 8 * 1024, (huge, baseline)
    print(f"peak RSS: over-cap {huge.max_rss_kib} KiB, hello {baseline.max_rss_kib} KiB")


def test_length_one_over_the_cap_is_refused_and_the_cap_itself_is_read(tmp_path):
    over = exchange(struct.pack("=I", 64 * 1024 + 1) + b"x" * 10, tmp_path)
    assert error_code(over.replies[0]) == 1
    # Exactly at the cap: read in full, then judged as JSON (it is padding, not JSON).
    at_cap = exchange(struct.pack("=I", 64 * 1024) + b" " * (64 * 1024) + frame(HELLO), tmp_path)
    assert error_code(at_cap.replies[0]) == 2
    assert at_cap.replies[1]["ok"] is True


def test_length_that_claims_more_than_is_sent_ends_cleanly(tmp_path):
    body = b'{"v":1,"type":"hello"}'
    result = exchange(struct.pack("=I", len(body) + 100) + body, tmp_path)
    assert result.replies == []
    assert result.returncode == 0
    assert_quiet(result)


def test_length_that_claims_less_than_is_sent_gets_errors_not_a_crash(tmp_path):
    body = b'{"v":1,"type":"hello"}'
    result = exchange(struct.pack("=I", 5) + body + frame(HELLO), tmp_path)
    assert result.replies, "the short frame is answered"
    assert error_code(result.replies[0]) == 2
    assert result.returncode in (0, 1)
    assert_quiet(result)


@pytest.mark.parametrize("data", [b"", b"\x05", b"\x05\x00\x00", b'\x10\x00\x00\x00{"v"'])
def test_truncated_input_or_closed_stdin_ends_quietly(tmp_path, data):
    result = exchange(data, tmp_path)
    assert result.replies == []
    assert result.returncode == 0
    assert_quiet(result)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", 2),
        (b"not json", 2),
        (b"\xff\xfe{}", 2),
        ('{"v":1,"type":"hello"}'.encode("utf-16"), 2),
        (b'{"v":1,"type":"hello","v":1}', 2),
        (b'{"v":NaN,"type":"hello"}', 2),
        (b"[" * 60000, 2),
        (b"[1,2]", 3),
        (b'"hello"', 3),
        (b"null", 3),
        (b'{"type":"hello"}', 6),
        (b'{"v":2,"type":"hello"}', 6),
        (b'{"v":true,"type":"hello"}', 6),
        (b'{"v":"1","type":"hello"}', 6),
        (b'{"v":1}', 3),
        (b'{"v":1,"type":7}', 3),
        (b'{"v":1,"type":"hello","extra":1}', 3),
        (b'{"v":1,"type":"HELLO"}', 4),
        (b'{"v":1,"type":"__class__"}', 4),
        (b'{"v":1,"type":"open-note"}', 3),
        (b'{"v":1,"type":"open-note","at":"yesterday"}', 3),
        (b'{"v":1,"type":"open-note","at":"2026-11-29T02:24:04"}', 3),
        (b'{"v":1,"type":"open-note","at":"2026-11-29T02:24:04Z","platform":"https://x.com/a"}', 3),
        (b'{"v":1,"type":"open-note","at":"2026-11-29T02:24:04Z","platform":"x.com/?n=Sam"}', 3),
        (b'{"v":1,"type":"open-note","at":"2026-11-29T02:24:04Z","platform":"x.com:443"}', 3),
        (b'{"v":1,"type":"open-note","at":"2026-11-29T02:24:04Z","text":"note"}', 3),
    ],
)
def test_bad_message_gets_its_numbered_error_and_the_host_keeps_serving(tmp_path, body, code):
    result = exchange(frame(body) + frame(HELLO), tmp_path)
    assert error_code(result.replies[0]) == code
    assert result.replies[1]["ok"] is True
    assert result.returncode == 0
    assert_quiet(result)


def test_error_messages_never_echo_what_was_sent(tmp_path):
    secret = "Sam-Smith-aged-13"
    request = {"v": 1, "type": "open-note", "at": secret, "platform": f"{secret}/x"}
    result = exchange(frame(request) + frame({"v": 1, "type": secret}), tmp_path)
    assert len(result.replies) == 2
    assert secret not in str(result.replies)


def test_origin_constant_matches_the_fixed_extension_id():
    assert ORIGIN == "chrome-extension://hnjoammhjfbmjbpfllkmjegekdjlkjgi/"

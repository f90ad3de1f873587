"""Fuzzing the host with random frames. Whatever arrives, the host answers with whole, valid
frames or ends cleanly: never a hang, a partial write or a traceback. Bounded by count."""

from __future__ import annotations

import io
import json
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helper.nativehost.framing import MAX_REQUEST
from helper.nativehost.host import serve
from helper.nativehost.messages import (
    ProtocolError,
    handle_hello,
    ok_reply,
    parse_open_note,
    platform_host,
)
from tests.support.hostproc import (
    ORIGIN,
    exchange,
    kill_groups,
    parse_frames,
    processes_with_home,
)

pytestmark = pytest.mark.slow

# In-process runs never start the helper: open-note is checked but not acted on.
CHECK_ONLY = {
    "hello": handle_hello,
    "open-note": lambda request: (parse_open_note(request), ok_reply("open-note"))[1],
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
requests = st.fixed_dictionaries(
    {},
    optional={
        "v": st.sampled_from([1, 2, 0, True, "1", None]) | json_values,
        "type": st.sampled_from(["hello", "open-note", "HELLO", "", "x"]) | st.text(max_size=12),
        "platform": st.sampled_from([None, "x.com", "https://x.com/a"]) | st.text(max_size=30),
        "at": st.sampled_from(["2026-11-29T02:24:04Z", "now"]) | st.text(max_size=30),
        "text": json_values,
    },
)


def encoded(message: object) -> bytes:
    body = json.dumps(message).encode()
    return struct.pack("=I", len(body)) + body


def raw_frame(length: int, body: bytes) -> bytes:
    return struct.pack("=I", length) + body


frames = st.one_of(
    requests.map(encoded),
    json_values.map(encoded),
    st.binary(max_size=64).map(lambda b: raw_frame(len(b), b)),
    st.tuples(st.integers(0, 2**32 - 1), st.binary(max_size=32)).map(lambda t: raw_frame(*t)),
    st.tuples(st.integers(MAX_REQUEST - 2, MAX_REQUEST + 2), st.binary(max_size=8)).map(
        lambda t: raw_frame(*t)
    ),
    st.binary(max_size=8),
)
streams = st.lists(frames, max_size=6).map(b"".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(streams)
def test_in_process_host_always_answers_with_whole_frames(data):
    out = io.BytesIO()
    code = serve(io.BytesIO(data), out, [ORIGIN], handlers=CHECK_ONLY)
    assert code in (0, 1)
    replies = parse_frames(out.getvalue())
    for reply in replies:
        assert reply["ok"] is True or reply["error"]["code"] in range(1, 9)
    if code == 1:
        assert replies[-1]["error"]["code"] == 1, "only an over-cap length ends with status 1"


@pytest.mark.timeout(240)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(streams)
def test_real_host_process_never_crashes_hangs_or_corrupts_its_output(tmp_path_factory, data):
    home = tmp_path_factory.mktemp("fuzz")
    try:
        # BROWSER=true: if a random frame ever were a valid open-note, nothing would open.
        result = exchange(data, home, timeout=20, BROWSER="true")
    finally:
        kill_groups(processes_with_home(home / "waymark"))
    assert result.returncode in (0, 1)
    assert result.stderr == ""
    for reply in result.replies:
        assert reply["ok"] is True or reply["error"]["code"] in range(1, 9)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80) | st.from_regex(r"[a-zA-Z0-9.\-:/?#@]{1,40}", fullmatch=True))
def test_an_accepted_platform_is_only_ever_a_bare_lower_case_host(text):
    try:
        host = platform_host(text)
    except ProtocolError:
        return
    assert host is not None and host.isascii() and host == host.lower()
    assert not set(host) & set("/?#@:% \t\r\n\\")
    assert not host.startswith(("-", ".")) and not host.endswith(("-", "."))

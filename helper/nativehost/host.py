"""The host's serving loop: read a frame, answer it, repeat until the browser goes away.

Rules (docs/SECURITY.md, "The native messaging host"): a length over the cap is answered and ends
the host, because the body was never read and the stream cannot be trusted again; a truncated frame
or closed stdin ends the host quietly (exit 0); everything else wrong in one message is answered
with an error and the host keeps serving. Nothing but whole frames ever reaches stdout."""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Sequence
from typing import BinaryIO

from helper.errors import WaymarkError
from helper.nativehost.framing import FrameTooLarge, ReplyTooLarge, read_frame, write_frame
from helper.nativehost.identity import GECKO_ID, chromium_origin, extension_id
from helper.nativehost.messages import (
    HANDLERS,
    ErrorCode,
    Handler,
    error_reply,
    respond,
    sender_allowed,
)


def send(stdout: BinaryIO, reply: dict[str, object]) -> None:
    try:
        write_frame(stdout, reply)
    except ReplyTooLarge:
        write_frame(stdout, error_reply(ErrorCode.INTERNAL))


def serve(
    stdin: BinaryIO,
    stdout: BinaryIO,
    caller: Sequence[str],
    handlers: dict[str, Handler] = HANDLERS,
) -> int:
    """Serve frames from `stdin` until it ends. Returns the exit code. `caller` is what the
    browser passed on the command line (who is calling)."""
    try:
        allowed = sender_allowed(caller, chromium_origin(extension_id()), GECKO_ID)
    except WaymarkError:
        send(stdout, error_reply(ErrorCode.INTERNAL))
        return 1
    if not allowed:
        send(stdout, error_reply(ErrorCode.WRONG_SENDER))
        return 1
    while True:
        try:
            body = read_frame(stdin)
        except FrameTooLarge:
            send(stdout, error_reply(ErrorCode.BAD_LENGTH))
            return 1
        if body is None:
            return 0
        send(stdout, respond(body, handlers))


def run_stdio(caller: Sequence[str]) -> int:
    """`waymark native-host`: serve the real stdin/stdout.

    The reply channel is a private copy of fd 1, and fd 1 itself is pointed at /dev/null, so a
    stray print or warning anywhere in the process can never corrupt the browser's channel."""
    warnings.simplefilter("ignore")
    from helper.hardening import forbid_core_dumps

    forbid_core_dumps()  # before any message is read: no core file of the host, ever
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    try:
        return serve(sys.stdin.buffer, channel, caller)
    except (BrokenPipeError, ConnectionResetError):
        return 0  # The browser closed the channel: nobody is left to answer.
    except Exception:
        # Last resort, so the browser sees an error and never a traceback.
        with contextlib.suppress(OSError):
            send(channel, error_reply(ErrorCode.INTERNAL))
        return 1
    finally:
        with contextlib.suppress(OSError):
            channel.close()

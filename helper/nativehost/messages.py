"""The protocol's messages: the numbered error table, the request schema and the dispatch table
(type -> handler). Pure apart from the handlers' own effects, so every rule is easy to test.

PROTOCOL.md in this folder is the contract with the extension; keep the two in step."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from helper import __version__
from helper.domain import CONCERNS, is_host  # one host-name grammar (no underscores)

VERSION = 1


class ErrorCode(IntEnum):
    """One number per kind of failure, shared with the extension (see PROTOCOL.md)."""

    BAD_LENGTH = 1
    BAD_JSON = 2
    BAD_MESSAGE = 3
    UNKNOWN_TYPE = 4
    WRONG_SENDER = 5
    UNSUPPORTED_VERSION = 6
    HELPER_NOT_STARTED = 7
    INTERNAL = 8


# Plain words a professional could read if the extension shows them. Never echo input back:
# it could carry a child's details and ends up in the browser's logs.
DEFAULT_MESSAGES = {
    ErrorCode.BAD_LENGTH: "The message was too big or its length was wrong.",
    ErrorCode.BAD_JSON: "The message was not readable JSON text.",
    ErrorCode.BAD_MESSAGE: "The message did not have the expected fields.",
    ErrorCode.UNKNOWN_TYPE: "The helper does not know that kind of message.",
    ErrorCode.WRONG_SENDER: "The helper only answers the Waymark extension.",
    ErrorCode.UNSUPPORTED_VERSION: "The extension and the helper need updating to match.",
    ErrorCode.HELPER_NOT_STARTED: "The Waymark helper could not be started on this computer.",
    ErrorCode.INTERNAL: "Something went wrong inside the helper.",
}


class ProtocolError(Exception):
    """A request we refuse. `message` is safe to send back and to show a person."""

    def __init__(self, code: ErrorCode, message: str | None = None) -> None:
        self.code = code
        self.message = message or DEFAULT_MESSAGES[code]
        super().__init__(self.message)


def error_reply(code: ErrorCode, message: str | None = None) -> dict[str, object]:
    return {
        "v": VERSION,
        "ok": False,
        "error": {"code": int(code), "message": message or DEFAULT_MESSAGES[code]},
    }


# ---- decoding ---------------------------------------------------------------------------------


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """One reading per message: a repeated key could mean different things to different parsers."""
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError("repeated key")
        result[key] = value
    return result


def decode(body: bytes) -> dict[str, object]:
    """Strict UTF-8 JSON object (no NaN, no repeated keys), or ProtocolError."""
    try:
        text = body.decode("utf-8")
        value = json.loads(
            text, parse_constant=_refuse_constant, object_pairs_hook=_no_duplicate_keys
        )
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise ProtocolError(ErrorCode.BAD_JSON) from err
    if not isinstance(value, dict):
        raise ProtocolError(ErrorCode.BAD_MESSAGE, "The message must be a JSON object.")
    return value


# ---- the requests -----------------------------------------------------------------------------

MAX_TIME_TEXT = 40


def platform_host(value: object) -> str | None:
    """A bare host name like `www.instagram.com`, lower-cased; None when unknown.

    The extension sends only the host: never a URL, path or query, which could carry a child's
    name or a message id. Anything else is refused rather than trimmed."""
    if value is None:
        return None
    # isascii first: str.lower() maps some non-ASCII letters onto ASCII (the Kelvin sign K
    # becomes "k"), which would let a look-alike name through.
    if not isinstance(value, str) or not value.isascii() or not is_host(value.lower()):
        raise ProtocolError(
            ErrorCode.BAD_MESSAGE, "The platform must be a host name such as www.example.com."
        )
    return value.lower()


def moment(value: object) -> str:
    """An ISO 8601 time with its offset, returned in one canonical form for the helper."""
    problem = ProtocolError(
        ErrorCode.BAD_MESSAGE,
        "The time must be an ISO 8601 time with an offset, such as 2026-11-29T02:24:04Z.",
    )
    if not isinstance(value, str) or len(value) > MAX_TIME_TEXT:
        raise problem
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as err:
        raise problem from err
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise problem
    return parsed.isoformat(timespec="seconds")


@dataclass(frozen=True)
class OpenNote:
    """Ask the helper to open its window at a new note. Carries no note text, by design: at
    most a host, a time, the concern's id and the child's age (in whole years)."""

    platform: str | None
    at: str
    concern: str | None = None
    age: int | None = None


def concern_id(value: object) -> str | None:
    """One of the domain's concern ids, like `grooming`, or None."""
    if value is None:
        return None
    if not isinstance(value, str) or value not in CONCERNS:
        raise ProtocolError(ErrorCode.BAD_MESSAGE, "The concern must be a concern id.")
    return value


def child_age(value: object) -> int | None:
    """A whole number of years from 0 to 25, or None."""
    if value is None:
        return None
    if type(value) is not int or not 0 <= value <= 25:
        raise ProtocolError(ErrorCode.BAD_MESSAGE, "The age must be a whole number up to 25.")
    return value


def _only_fields(request: dict[str, object], allowed: set[str]) -> None:
    extra = set(request) - allowed - {"v", "type"}
    if extra:
        raise ProtocolError(ErrorCode.BAD_MESSAGE, "The message has fields the helper refuses.")


def parse_hello(request: dict[str, object]) -> None:
    _only_fields(request, set())


def parse_open_note(request: dict[str, object]) -> OpenNote:
    _only_fields(request, {"platform", "at", "concern", "age"})
    if "at" not in request:
        raise ProtocolError(ErrorCode.BAD_MESSAGE, "The message needs the time in `at`.")
    return OpenNote(
        platform=platform_host(request.get("platform")),
        at=moment(request["at"]),
        concern=concern_id(request.get("concern")),
        age=child_age(request.get("age")),
    )


# ---- dispatch ---------------------------------------------------------------------------------

Handler = Callable[[dict[str, object]], dict[str, object]]


def ok_reply(kind: str, **fields: object) -> dict[str, object]:
    return {"v": VERSION, "ok": True, "type": kind, **fields}


def handle_hello(request: dict[str, object]) -> dict[str, object]:
    parse_hello(request)
    return ok_reply("hello", helper=f"waymark {__version__}")


def handle_open_note(request: dict[str, object]) -> dict[str, object]:
    from helper.nativehost.launch import start_new_note

    start_new_note(parse_open_note(request))
    return ok_reply("open-note")


HANDLERS: dict[str, Handler] = {
    "hello": handle_hello,
    "open-note": handle_open_note,
}


def check_envelope(request: dict[str, object], handlers: dict[str, Handler] = HANDLERS) -> str:
    """The version and type every request carries; returns the type."""
    version = request.get("v")
    # `type(...) is int`: JSON `true` is a Python bool, and True == 1.
    if type(version) is not int or version != VERSION:
        raise ProtocolError(ErrorCode.UNSUPPORTED_VERSION)
    kind = request.get("type")
    if not isinstance(kind, str):
        raise ProtocolError(ErrorCode.BAD_MESSAGE, "The message needs a `type`.")
    if kind not in handlers:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE)
    return kind


def respond(body: bytes, handlers: dict[str, Handler] = HANDLERS) -> dict[str, object]:
    """The reply to one frame's body: decode, check, dispatch. Never raises ProtocolError."""
    try:
        request = decode(body)
        kind = check_envelope(request, handlers)
        return handlers[kind](request)
    except ProtocolError as err:
        return error_reply(err.code, err.message)


def sender_allowed(argv: Sequence[str], chromium_origin: str, gecko_id: str) -> bool:
    """Chromium passes the caller's origin as the first argument; Firefox passes the host
    manifest's path and then the caller's extension id. Anything else is not our extension."""
    if argv and argv[0] == chromium_origin:
        return True
    return len(argv) >= 2 and argv[1] == gecko_id

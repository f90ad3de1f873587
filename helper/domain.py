"""The rules of Waymark's domain, in one place: who may ask, about what, at which ages, what a
web address may look like, and what the record's fields are called when someone else reads them.

The engine, the knowledge-base loader, the vault, the native host, the web app and the CLI all
import these; none of them restates a rule. The extension's JavaScript engine is held to the same
rules by the validation cases in resources/vectors.json. Pure: no I/O, no imports of our own
but the error type.
"""

from __future__ import annotations

import re

from helper.errors import BadInput

AUDIENCES: tuple[str, ...] = ("young-person", "parent-carer", "professional")
CONCERNS: tuple[str, ...] = (
    "nude-image-shared",
    "sextortion",
    "grooming",
    "csam-found",
    "cyberbullying",
    "filmed-assault",
    "extremist-content",
    "harmful-content",
    "adult-viewing-csam",
    "colleague-allegation",
    "self-harm",
    "online-hate",
    "ai-nude-image",
    "forwarded-nude-image",
)
# The concerns about a person's own intimate image, real or made: only for these (and an age of
# 18 or over) is "was the image taken before you were 18?" asked. A fake made from a photo taken
# at 16 is an image of a child, whatever the person's age now, so AI-made images count too.
IMAGE_CONCERNS: tuple[str, ...] = ("nude-image-shared", "sextortion", "ai-nude-image")

# Where the child lives decides the procedure, the front door and which services cover it.
NATIONS: tuple[str, ...] = ("england", "wales", "scotland", "northern-ireland")
NATION_NAMES: dict[str, str] = {
    "england": "England",
    "wales": "Wales",
    "scotland": "Scotland",
    "northern-ireland": "Northern Ireland",
}
# Answers without a place get London's chapter, as before nations were asked.
DEFAULT_NATION = "england"

AGE_LIMITS: tuple[int, int] = (0, 120)
ADULT_AGE = 18
# Concerns about an adult (a colleague, an adult viewing abuse images): no child's age is asked.
ADULT_CONCERNS: frozenset[str] = frozenset({"colleague-allegation", "adult-viewing-csam"})
# An unknown age (allowed for parents and professionals only) means "a child, age not known":
# any age from 0 to 17.
UNKNOWN_AGE_RANGE: tuple[int, int] = (0, ADULT_AGE - 1)
AGE_REQUIRED: frozenset[str] = frozenset({"young-person"})


def check_age(value: object, audience: str) -> int | None:
    """A whole number of years in AGE_LIMITS, or None (unknown) where the audience may omit it.

    `15.0` counts as 15; booleans, strings and fractions are refused."""
    low, high = AGE_LIMITS
    if value is None:
        if audience in AGE_REQUIRED:
            raise BadInput(f"age is needed for {audience}: a whole number from {low} to {high}")
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadInput(f"age must be a whole number from {low} to {high}, got {value!r}")
    return value


def check_place(nation: object, london: object) -> tuple[str, bool]:
    """The nation (default England) and whether the place is a London borough (default true,
    only ever true in England); BadInput naming the nations for anything else."""
    if nation is None:
        nation = DEFAULT_NATION
    if not isinstance(nation, str) or nation not in NATIONS:
        raise BadInput(f"unknown nation {nation!r}: choose one of {', '.join(NATIONS)}")
    if london is None:
        london = True
    if not isinstance(london, bool):
        raise BadInput("london must be true or false")
    return nation, london and nation == "england"


def asks_taken_under_18(concern: str, age: int | None) -> bool:
    """Whether "was the image taken before you (they) were 18?" applies to these answers."""
    return concern in IMAGE_CONCERNS and age is not None and age >= ADULT_AGE


# ---- host names --------------------------------------------------------------------------------
# One grammar everywhere: dot-separated labels of ASCII letters, digits and inner hyphens, 1 to
# 253 characters. No underscores, no empty labels, nothing but ASCII.

ASCII_SPACE = " \t\n\r\f\v"  # only ASCII whitespace is trimmed, so both engines trim the same
LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_OTHER_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?![0-9])")


def is_host(text: object) -> bool:
    """A bare lower-case host name by the grammar above (no scheme, port, path or trailing dot)."""
    if not isinstance(text, str) or not text.isascii() or not 1 <= len(text) <= 253:
        return False
    return all(LABEL.fullmatch(label) for label in text.split("."))


def host_of(platform: object) -> str:
    """The lower-case host of a host name or http(s) URL; BadInput for anything else.

    A scheme-less value is read as a host with an optional path ("youtube.com/watch"), because
    that is what people paste. Other schemes (javascript:, data:, file://) are refused outright.
    """
    if not isinstance(platform, str):
        raise BadInput("platform must be a host name like youtube.com or an http(s) link")
    text = platform.strip(ASCII_SPACE)
    scheme = _SCHEME.match(text)
    if scheme:
        if scheme.group(1).lower() not in ("http", "https"):
            raise BadInput(_platform_message(platform))
        text = text[scheme.end() :]
    elif _OTHER_SCHEME.match(text):
        raise BadInput(_platform_message(platform))
    authority = re.split(r"[/?#\\]", text, maxsplit=1)[0]
    host = authority.rsplit("@", 1)[-1]
    port = re.search(r":[0-9]{1,5}\Z", host)
    if port:
        host = host[: port.start()]
    if not host.isascii():  # checked before lower(): "\u212a".lower() is an ASCII "k"
        raise BadInput(_platform_message(platform))
    host = host.lower()
    if host.endswith("."):
        host = host[:-1]
    if not is_host(host):
        raise BadInput(_platform_message(platform))
    return host


def _platform_message(platform: str) -> str:
    shown = platform if len(platform) <= 60 else platform[:57] + "..."
    return (
        f"platform {shown!r} is not a web address: give a host name like youtube.com "
        "or a link starting with https://"
    )


# ---- the record's words ------------------------------------------------------------------------
# Who a professional told, as the note form and every export name them.
TOLD_WHO_LABELS: dict[str, str] = {
    "dsl": "Designated safeguarding lead (DSL)",
    "line-manager": "Line manager",
    "police": "Police",
    "social-care": "Children's social care",
    "ceop": "CEOP (National Crime Agency)",
    "lado": "LADO (local authority designated officer)",
    "prevent": "Prevent",
    "other": "Someone else",
}
TOLD_PART_LABELS: dict[str, str] = {
    "who": "Who you told",
    "at": "When",
    "reference": "Reference",
    "name": "Their name",
}
# The vault's field labels speak to the person writing ("Your name"); a record read later, on
# screen or printed for a DSL, must say whose name it is.
READING_LABELS: dict[str, str] = {
    "recorder_name": "Recorded by",
    "recorder_role": "Their role",
    "recorder_org": "Their organisation",
    "actions": "What they did",
    "opinion": "Their opinion",
}


def reading_label(name: str, writing_label: str) -> str:
    """A field's label for someone reading the record rather than writing it."""
    return READING_LABELS.get(name, writing_label)

"""Loading the knowledge base: the ONLY code that reads resources/.

Everything a person is told comes from these files, so a bad edit must stop here with a message
that names the file and the entry, not reach a child as a broken link or a wrong phone number.
Each file is checked against its JSON Schema here, then against what a schema cannot say
(helper/resource_checks.py: ids that must exist, https links only to allow-listed official
domains, UK phone numbers, real calendar dates). helper/checked_record.py keeps the record that
lets a start skip checks already passed.

Other modules read resources/ only through this one: `load`/`default` for the routing knowledge
base, `load_document` for a file with a loader of its own (the parents' guidance, the borough
directory), `read_document` for a file parsed but not checked, `read_bytes` for exact bytes (the
extension's copy).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from helper import checked_record, paths, resource_checks
from helper.errors import IntegrityError

FILES: tuple[str, ...] = (
    "domains",
    "concerns",
    "services",
    "platforms",
    "routes",
    "procedure",
)


@dataclass(frozen=True)
class Resources:
    """The loaded, checked knowledge base. Lists keep file order: the algorithm depends on it."""

    concerns: Mapping[str, dict]
    services: Mapping[str, dict]
    platforms: Mapping[str, dict]
    rules: tuple[dict, ...]
    platform_rule: dict
    unknown_platform_rule: dict
    warnings: tuple[dict, ...]
    procedure: tuple[dict, ...]
    domains: Mapping[str, dict] = field(default_factory=dict)
    documents: Mapping[str, dict] = field(default_factory=dict)  # file name -> whole file


def load(directory: Path | None = None, *, trust_checked: bool = True) -> Resources:
    """Read and check every file; IntegrityError naming file and entry on the first problem.

    With `trust_checked`, the checks are skipped while the files, schemas and checking code
    still hash to what `write_checked` recorded (helper/checked_record.py says why that is
    safe); anything else gets the full check."""
    base = _base(directory)
    raw = {name: _read_bytes(base / f"{name}.json") for name in FILES}
    documents = {name: _parse(base / f"{name}.json", data) for name, data in raw.items()}
    checked = trust_checked and checked_record.recorded(base) == checked_record.fingerprint(
        base, FILES, raw
    )
    if not checked:
        validator = _validators(base / "schema")
        for name, document in documents.items():
            _check_schema(name, document, validator(name))
    resources = _build(documents)
    if not checked:
        for problem in resource_checks.problems(resources):
            raise IntegrityError(problem)
    return resources


@functools.cache
def default() -> Resources:
    """The installed knowledge base, loaded once per process."""
    return load()


def write_checked(directory: Path | None = None) -> Path:
    """Validate everything in full, then record the hash of what was validated."""
    base = _base(directory)
    load(base, trust_checked=False)
    return checked_record.write(base, checked_record.fingerprint(base, FILES))


def checked_is_current(directory: Path | None = None) -> bool:
    """True when resources/.checked.json matches the files and checking code as they are now."""
    return checked_record.is_current(_base(directory), FILES)


def read_bytes(name: str, directory: Path | None = None) -> bytes:
    """The exact bytes of one knowledge-base file (`name` without .json), unchecked: for a
    byte-for-byte copy. IntegrityError naming the file when it is missing or unreadable."""
    return _read_bytes(_path(name, directory))


def read_document(name: str, directory: Path | None = None) -> Any:
    """One knowledge-base file parsed but NOT checked: for reports that must still run on a
    file that would fail its checks (doctor's evidence count) and for a file another loader
    has checked. IntegrityError naming the file when it is missing or not JSON."""
    return _read(_path(name, directory))


def present(name: str, directory: Path | None = None) -> bool:
    """Whether the knowledge base has this (optional) file."""
    return _path(name, directory).is_file()


def load_document(
    name: str,
    directory: Path | None = None,
    problems: Callable[[Any], Iterable[str]] | None = None,
) -> Any:
    """One file with a loader of its own (guidance, boroughs): read, parsed, checked against
    schema/NAME.schema.json and then by `problems`, whose first line is raised as IntegrityError.
    The same messages as `load`, naming the file and the entry."""
    base = _base(directory)
    document = _read(base / f"{name}.json")
    _check_schema(name, document, _validators(base / "schema")(name))
    for problem in problems(document) if problems is not None else ():
        raise IntegrityError(problem)
    return document


def _base(directory: Path | None) -> Path:
    return Path(directory) if directory is not None else paths.resources_dir()


def _path(name: str, directory: Path | None) -> Path:
    if not re.fullmatch(r"[a-z][a-z_-]*", name):
        raise ValueError(f"not a knowledge-base file name: {name!r}")
    return _base(directory) / f"{name}.json"


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise IntegrityError(
            f"{path.name}: missing from the knowledge base ({path.parent})"
        ) from None
    except OSError as err:
        raise IntegrityError(f"{path.name}: cannot be read ({err})") from None


def _read(path: Path) -> dict:
    return _parse(path, _read_bytes(path))


def _parse(path: Path, data: bytes) -> dict:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise IntegrityError(f"{path.name}: cannot be read ({err})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise IntegrityError(
            f"{path.name}: not valid JSON at line {err.lineno}: {err.msg}"
        ) from None


def _validators(schema_dir: Path):  # -> Callable[[str], Validator]
    """Schemas reference common.schema.json, so all are put in one registry."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    schemas = {}
    for path in sorted(schema_dir.glob("*.schema.json")):
        schemas[path.name] = _read(path)
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema)) for name, schema in schemas.items()
    )

    def validator(name: str) -> Draft202012Validator:
        schema = schemas.get(f"{name}.schema.json")
        if schema is None:
            raise IntegrityError(f"schema/{name}.schema.json: missing")
        return Draft202012Validator(schema, registry=registry)

    return validator


def _check_schema(name: str, document: Any, validator: Any) -> None:
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        raise IntegrityError(f"{name}.json: {_describe(document, errors[0])}")


def _describe(document: Any, error: Any) -> str:
    """'services[3] (id "ceop") url: <what is wrong>' so a reviewer can find it at once."""
    where, node = [], document
    for part in error.absolute_path:
        node = node[part] if isinstance(node, (list, dict)) else None
        if isinstance(part, int):
            label = f"[{part}]"
            if isinstance(node, dict) and "id" in node:
                label += f" (id {node['id']!r})"
            where.append(label)
        else:
            where.append(f".{part}")
    path = "".join(where).lstrip(".") or "top level"
    message = error.message
    if error.validator == "pattern" and isinstance(error.instance, str):
        short = resource_checks.short(error.instance)
        message = f"{short!r} is not allowed here ({_pattern_hint(error)})"
    elif error.validator == "not":
        short = resource_checks.short(str(error.instance))
        message = f"{short!r} holds a script link, which is not allowed"
    return f"{path}: {message}"


def _pattern_hint(error: Any) -> str:
    kind = error.schema.get("description") or ""
    if "https" in kind:
        return "links must start with https:// and hold no spaces or quotes"
    if "No markup" in kind:
        return "plain text only, no < or >"
    return f"must match {error.validator_value}"


def _build(documents: Mapping[str, dict]) -> Resources:
    def by_id(items: list[dict], file: str, key: str = "id") -> Mapping[str, dict]:
        table: dict[str, dict] = {}
        for item in items:
            if item[key] in table:
                raise IntegrityError(f"{file}.json: {key} {item[key]!r} appears twice")
            table[item[key]] = item
        return MappingProxyType(table)

    routes = documents["routes"]
    return Resources(
        concerns=by_id(documents["concerns"]["concerns"], "concerns"),
        services=by_id(documents["services"]["services"], "services"),
        platforms=by_id(documents["platforms"]["platforms"], "platforms"),
        rules=tuple(routes["rules"]),
        platform_rule=routes["platform_rule"],
        unknown_platform_rule=routes["unknown_platform_rule"],
        warnings=tuple(routes["warnings"]),
        procedure=tuple(documents["procedure"]["steps"]),
        domains=by_id(documents["domains"]["domains"], "domains", key="domain"),
        documents=MappingProxyType(dict(documents)),
    )

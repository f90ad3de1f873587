"""`waymark doctor`: is this installation fit to advise anyone?

Advice about where to report goes stale: services move, numbers change. Every knowledge-base entry
carries `last_reviewed`, and doctor lists those older than 12 months so a reviewer knows what to
re-check. Every service, platform and borough entry must also carry `evidence` (the official page,
the day it was checked, what it confirms): doctor counts them honestly, names each entry without
evidence and each whose newest check is older than 12 months, and fails while any is missing.
Checks are plain functions in CHECKS, each returning a Check, so other areas can add theirs
(keyring, GUI) without touching the rest.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from helper.errors import BadInput

REVIEW_MONTHS = 12


@dataclass(frozen=True)
class Check:
    """One line of doctor's report: a name, whether it passed, and what a person should know."""

    name: str
    ok: bool
    lines: tuple[str, ...]


def review_cutoff(today: dt.date, months: int = REVIEW_MONTHS) -> dt.date:
    """The oldest review date still counted as current: the same day `months` months ago."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    for day in (today.day, 30, 29, 28):  # 29 February and 31sts fall back to the month's end
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def stale_entries(
    dated: Iterable[tuple[str, str, str]], today: dt.date, months: int = REVIEW_MONTHS
) -> list[tuple[str, str, str]]:
    """(file, entry, last_reviewed) older than `months` months or in the future. Pure."""
    cutoff = review_cutoff(today, months)
    return [
        (file, entry, value)
        for file, entry, value in dated
        if not cutoff <= dt.date.fromisoformat(value) <= today
    ]


def check_resources(today: dt.date) -> Check:
    """The knowledge base loads: schema, links, phone numbers, ids, dates; and so do the
    borough directory and the parents' guidance, which have loaders of their own."""
    from helper import boroughs, councils, guidance, resources
    from helper.errors import IntegrityError

    try:
        kb = resources.load()
        directory = boroughs.load()
        advice = guidance.load()
        elsewhere = councils.load() if resources.present(councils.FILE) else {"councils": []}
    except IntegrityError as err:
        return Check("knowledge base", False, (f"invalid: {err}",))
    counts = (
        f"{len(kb.services)} services, {len(kb.platforms)} platforms, {len(kb.rules)} rules, "
        f"{len(kb.warnings)} warnings, {len(kb.procedure)} procedure steps, "
        f"{len(directory['boroughs'])} boroughs, {len(elsewhere['councils'])} councils and "
        f"trusts outside London, guidance for {len(advice['concerns'])} concerns"
    )
    return Check("knowledge base", True, (f"valid: {counts}",))


def check_reviews(today: dt.date) -> Check:
    """Every entry was reviewed within the last 12 months (and not in the future)."""
    from helper import resource_checks, resources
    from helper.errors import IntegrityError

    try:
        kb = resources.load()
    except IntegrityError:
        return Check(
            "reviews", False, ("cannot check review dates until the knowledge base loads",)
        )
    stale = stale_entries(resource_checks.dated_entries(kb), today)
    if not stale:
        return Check("reviews", True, (f"all reviewed within {REVIEW_MONTHS} months",))
    cutoff = review_cutoff(today)
    lines = [f"{len(stale)} entries need review (last reviewed before {cutoff} or in the future):"]
    lines += [f"  {file} {entry}: last reviewed {value}" for file, entry, value in stale]
    return Check("reviews", False, tuple(lines))


# The knowledge-base files whose every entry must carry evidence, and the list in each.
EVIDENCE_FILES: tuple[tuple[str, str], ...] = (
    ("services", "services"),
    ("platforms", "platforms"),
    ("boroughs", "boroughs"),  # optional: only when resources/boroughs.json exists
)


@dataclass(frozen=True)
class EvidenceReport:
    """Who has evidence, who has none, and whose newest check is too old (or in the future)."""

    counts: tuple[tuple[str, int, int], ...]  # (file, with evidence, entries)
    missing: tuple[tuple[str, str], ...]  # (file, entry)
    stale: tuple[tuple[str, str, str], ...]  # (file, entry, newest checked)


def evidence_report(
    documents: dict[str, dict], today: dt.date, months: int = REVIEW_MONTHS
) -> EvidenceReport:
    """Pure: count, per file, the entries with evidence and name those without or out of date."""
    cutoff = review_cutoff(today, months)
    counts, missing, stale = [], [], []
    for name, key in EVIDENCE_FILES:
        document = documents.get(name)
        if document is None:
            continue
        entries = [e for e in document.get(key, []) if isinstance(e, dict)]
        with_evidence = 0
        for entry in entries:
            label = str(entry.get("id") or entry.get("name") or "?")
            items = entry.get("evidence") or []
            if not items:
                missing.append((f"{name}.json", label))
                continue
            with_evidence += 1
            newest = max(str(item.get("checked", "")) for item in items)
            try:
                checked = dt.date.fromisoformat(newest)
            except ValueError:
                stale.append((f"{name}.json", label, newest))
                continue
            if not cutoff <= checked <= today:
                stale.append((f"{name}.json", label, newest))
        counts.append((f"{name}.json", with_evidence, len(entries)))
    return EvidenceReport(tuple(counts), tuple(missing), tuple(stale))


def check_evidence(today: dt.date) -> Check:
    """Every service, platform (and borough) entry shows the page that confirms it."""
    from helper import resources
    from helper.errors import IntegrityError

    documents = {}
    for name, _ in EVIDENCE_FILES:
        if not resources.present(name):
            continue
        try:
            # Parsed, not checked: the count is worth having even while a file fails its checks.
            documents[name] = resources.read_document(name)
        except IntegrityError as err:
            return Check("evidence", False, (str(err),))
    report = evidence_report(documents, today)
    total = sum(n for _, _, n in report.counts)
    have = sum(w for _, w, _ in report.counts)
    per_file = ", ".join(f"{file} {w}/{n}" for file, w, n in report.counts)
    lines = [f"{have} of {total} entries have evidence ({per_file})"]
    if report.missing:
        lines.append(f"{len(report.missing)} entries have no evidence:")
        lines += [f"  {file} {entry}" for file, entry in report.missing]
    if report.stale:
        cutoff = review_cutoff(today)
        lines.append(
            f"{len(report.stale)} entries were last checked before {cutoff} or in the future:"
        )
        lines += [f"  {file} {entry}: checked {value}" for file, entry, value in report.stale]
    return Check("evidence", not report.missing and not report.stale, tuple(lines))


def check_councils(today: dt.date) -> Check:
    """Evidence per nation: the services that cover each nation, and the front doors outside
    London (resources/councils.json). A council no page confirmed yet is named, not a failure:
    the nation's official finder is shown for it. Evidence older than 12 months is a problem."""
    from helper import councils, resources
    from helper.domain import NATION_NAMES
    from helper.errors import IntegrityError

    if not resources.present(councils.FILE):
        return Check("nations", True, ("no councils.json: London boroughs only",))
    try:
        document = councils.load()
        kb = resources.load()
    except IntegrityError as err:
        return Check("nations", False, (f"invalid: {err}",))
    cutoff = review_cutoff(today)
    lines: list[str] = []
    stale = [
        e["id"]
        for e in document["councils"]
        if e["evidence"]
        and not cutoff <= dt.date.fromisoformat(max(i["checked"] for i in e["evidence"])) <= today
    ]
    for nation, n in councils.evidence_by_nation(document).items():
        covering = [s for s in kb.services.values() if nation in s["for"]["nations"]]
        with_evidence = sum(1 for s in covering if s.get("evidence"))
        lines.append(
            f"{NATION_NAMES[nation]}: {len(covering)} services cover it ({with_evidence} with "
            f"evidence); {n['entries']} front doors, {n['with_evidence']} with evidence, "
            f"{n['with_phone']} with a confirmed number"
        )
        if n["without"]:
            lines.append(f"  not yet confirmed (the finder is shown): {', '.join(n['without'])}")
    if stale:
        lines.append(f"checked before {cutoff} or in the future: {', '.join(stale)}")
    return Check("nations", not stale, tuple(lines))


def check_native_hosts(today: dt.date) -> Check:
    """The browsers set up to start the helper (helper/nativehost/manifests.py)."""
    from helper.nativehost.manifests import doctor_check

    return doctor_check(today)


CHECKS: tuple[Callable[[dt.date], Check], ...] = (
    check_resources,
    check_reviews,
    check_evidence,
    check_councils,
    check_native_hosts,
)


def register(commands: argparse._SubParsersAction) -> None:
    """Add `waymark doctor` to `waymark`."""
    p = commands.add_parser(
        "doctor", help="check the knowledge base is valid, up to date and evidenced"
    )
    p.add_argument("--today", metavar="YYYY-MM-DD", help="check as if today were this date")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    today = dt.date.today()
    if args.today:
        try:
            today = dt.date.fromisoformat(args.today)
        except ValueError:
            raise BadInput(f"--today must be a date like 2026-11-28, got {args.today!r}") from None
    results = [check(today) for check in CHECKS]
    for result in results:
        print(f"[{'ok' if result.ok else 'PROBLEM'}] {result.name}")
        for line in result.lines:
            print(f"    {line}")
    return 0 if all(r.ok for r in results) else 1

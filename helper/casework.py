"""Casework logic with no I/O: due times, working days, the follow-ups a procedure step expects,
the state of a note's follow-ups, and the referral summary. The vault (helper/vault/followups.py,
helper/vault/chronology.py), the CLI and the web pages all call these, so the rules live once.

Facts behind the proposals (checked 2026-11-30):
- Written confirmation of a phone referral: the borough's own deadline where boroughs.json has
  one (`written_confirmation_hours`, from the council's page), else 48 hours, the longer of the
  two deadlines London boroughs state (24 or 48 hours).
- Feedback from children's social care: Working Together to Safeguard Children says a social
  worker should acknowledge a referral to the referrer and decide next steps within one working
  day (quoted on Surrey's procedures, proceduresonline.com/surrey/cs/p_contacts_referral.html).
- LADO: allegations go to the LADO within one working day, and the LADO replies within one
  working day (Bracknell Forest's LADO referral form; North East Lincolnshire's allegations page).
- A platform report: Report Harmful Content looks into a report the platform has not answered
  after waiting over a week (reportharmfulcontent.com/advice/what-to-remember-when-reporting-to-us/)
  and is for people over 13 in the UK (swgfl.org.uk, "Top tips for reporting harmful content").
  Who it takes and the concerns it cannot help with are read from its entry in
  resources/services.json (with that evidence), so the proposal and the routes agree.
- Working days skip Saturdays, Sundays and England and Wales bank holidays, from the `holidays`
  package (England's calendar; Wales has the same bank holidays), never a hand-kept list.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from helper.errors import BadInput

OUTSIDE_LONDON = "outside-london"
DEFAULT_CONFIRMATION_HOURS = 48
PLATFORM_WAIT_DAYS = 7
RHC_MIN_AGE = 13  # only if services.json ever lacks the age
RHC_SERVICE = "report-harmful-content"
MAX_WHAT = 500
MAX_REF = 64
DUE_FORMAT = "YYYY-MM-DD or YYYY-MM-DDTHH:MM"
_DUE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?")
# Steps of resources/procedure.json whose completion starts a clock.
SOCIAL_CARE_STEPS = frozenset(
    {"refer-social-care", "under-13-always-refer", "adult-refer-social-care"}
)
# Steps that need the front door's numbers: the referrals above, and the step where the DSL
# decides whether to refer (ticking that one proposes nothing: the decision may be not to).
SOCIAL_CARE_NUMBER_STEPS = SOCIAL_CARE_STEPS | {"consider-social-care", "consider-social-care-harm"}
LADO_STEPS = frozenset({"colleague-lado", "adult-viewing-works-with-children"})


def numbers_for_step(step_id: str) -> str | None:
    """Which of a borough's numbers a procedure step needs: "social-care", "lado" or None.
    The note page and `waymark signpost --borough` put them in the same steps."""
    if step_id in SOCIAL_CARE_NUMBER_STEPS:
        return "social-care"
    if step_id in LADO_STEPS:
        return "lado"
    return None


PLATFORM_STEPS = frozenset({"report-platform", "report-to-platform"})


# ---- child reference and borough ---------------------------------------------------------------


def borough_id(name: str) -> str:
    """A borough id from a forgiving name ('Tower Hamlets', 'tower-hamlets', 'City'), or
    'outside-london'. An unknown name is BadInput naming the closest boroughs."""
    from helper import boroughs

    text = str(name).strip()
    if not text:
        raise BadInput("Borough: give a London borough's name, or 'outside London'.")
    if boroughs.is_outside_london(text):
        return OUTSIDE_LONDON
    entry = boroughs.find(text)
    if entry is None:
        near = boroughs.closest(text)
        hint = f" Did you mean: {', '.join(near)}?" if near else ""
        shown = "".join(c if c.isprintable() else "?" for c in text)[:60]
        raise BadInput(
            f"Borough: {shown!r} is not a London borough.{hint} For a child living elsewhere, "
            "give 'outside London'."
        )
    return str(entry["id"])


def borough_entry(borough: str | None) -> dict | None:
    """The directory entry for a stored borough id (None for outside London or none)."""
    if not borough or borough == OUTSIDE_LONDON:
        return None
    from helper import boroughs

    return boroughs.find(borough)


def borough_name(borough: str | None) -> str:
    if not borough:
        return ""
    if borough == OUTSIDE_LONDON:
        return "Outside London"
    entry = borough_entry(borough)
    return str(entry["name"]) if entry else str(borough)


def same_ref(a: object, b: object) -> bool:
    """Child references match ignoring case and surrounding spaces ('jb-12' is 'JB-12')."""
    return str(a or "").strip().casefold() == str(b or "").strip().casefold() != ""


# ---- times -------------------------------------------------------------------------------------


def parse_due(text: str, now_zone: Any = None) -> str:
    """A due date typed as YYYY-MM-DD or YYYY-MM-DDTHH:MM (local time), checked, as stored:
    a bare day stays 'YYYY-MM-DD' (due by the end of that day); a time becomes UTC ISO 8601.
    Inside the one range (helper/vault/times.py), as typed and once in UTC."""
    from helper.vault import times

    raw = str(text or "").strip()
    found = _DUE.fullmatch(raw)
    if not found:
        raise BadInput(f"Due: {raw[:40]!r} is not a date; use {DUE_FORMAT}.")
    y, m, d, hh, mm = found.groups()
    try:
        day = date(int(y), int(m), int(d))
        moment = None if hh is None else datetime.combine(day, time(int(hh), int(mm)))
    except ValueError:
        raise BadInput(f"Due: {raw} is not a real date or time.") from None
    if not times.day_in_range(day):
        raise BadInput(times.out_of_range("Due", raw))
    if moment is None:
        return day.isoformat()
    local = moment.replace(tzinfo=now_zone) if now_zone else moment.astimezone()
    stored = local.astimezone(UTC)
    if not times.in_range(stored):
        raise BadInput(times.out_of_range("Due", raw))
    return stored.isoformat(timespec="seconds")


# A due value that cannot be read (damaged, or outside the range: an older Waymark took any):
# the earliest time there is, so it sorts first and counts as overdue. It needs a person.
UNREADABLE_DUE = datetime.min.replace(tzinfo=UTC)


@functools.lru_cache(maxsize=8192)  # `notes due` sorts thousands; many share a day
def due_moment(due: str) -> datetime:
    """When a stored due value runs out: a bare day lasts until local midnight at its end;
    UNREADABLE_DUE for one that cannot be read."""
    from helper.vault import times

    found = times.readable_due(due)
    if found is None:
        return UNREADABLE_DUE
    if isinstance(found, datetime):
        return found
    end = datetime.combine(found + timedelta(days=1), time())
    return end.astimezone().astimezone(UTC)


def check_due_after(due: str, concern_at: str | None) -> None:
    """A follow-up cannot fall due before the concern happened or came to light (an
    unreadable concern time has nothing to compare with)."""
    from helper.vault import times

    when = times.readable(concern_at)
    if when is None:
        return
    if due_moment(due) <= when:
        raise BadInput(
            "Due: that is before the concern happened or came to light "
            f"({times.shown(when, '%Y-%m-%d %H:%M')}). Give a later date."
        )


@functools.cache
def _bank_holidays(year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: datetime, days: int) -> datetime:
    """The same time of day `days` working days later (Friday 15:00 + 1 → Monday 15:00, or
    Tuesday if Monday is a bank holiday). Counted in local time, returned in UTC."""
    local = start.astimezone()
    day = local.date()
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    moment = datetime.combine(day, local.time().replace(tzinfo=None))
    return moment.astimezone().astimezone(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


# ---- proposals ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """A follow-up the procedure expects after a step, with its due time and why."""

    step: str
    what: str
    due: str  # UTC ISO 8601
    why: str

    def as_dict(self) -> dict[str, str]:
        return {"step": self.step, "what": self.what, "due": self.due, "why": self.why}


def _age(fields: Mapping[str, Any]) -> int | None:
    value = fields.get("child_age")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def propose(
    step: str, fields: Mapping[str, Any], borough: Mapping[str, Any] | None
) -> tuple[Proposal, ...]:
    """The follow-ups ticking `step` on a note with `fields` should lead to, timed from when the
    step was ticked (the note's checklist). Pure: the same input always gives the same output.
    A step that starts no clock, or one not ticked yet (or ticked at an unreadable time),
    proposes nothing."""
    from helper.vault import times

    at = times.readable((fields.get("checklist") or {}).get(step))
    if at is None:  # not ticked, or at a time that cannot be read: no clock to start
        return ()
    if step in SOCIAL_CARE_STEPS:
        hours = (borough or {}).get("written_confirmation_hours")
        name = (borough or {}).get("name")
        if isinstance(hours, int) and not isinstance(hours, bool) and hours > 0 and name:
            why = f"{name} asks for the written referral within {hours} hours of the call."
        else:
            hours = DEFAULT_CONFIRMATION_HOURS
            why = "Confirm a phone referral in writing; 48 hours when the borough states none."
        return (
            Proposal(
                step,
                "Send the written referral confirming the phone call to children's social care",
                iso(at + timedelta(hours=hours)),
                why,
            ),
            Proposal(
                step,
                "Check children's social care has told you what it decided; chase it if not",
                iso(add_working_days(at, 1)),
                "Social care should acknowledge a referral and decide next steps within one "
                "working day.",
            ),
        )
    if step in LADO_STEPS:
        return (
            Proposal(
                step,
                "Check the LADO has the referral and record what they advised",
                iso(add_working_days(at, 1)),
                "Allegations go to the LADO within one working day, and the LADO replies "
                "within one working day.",
            ),
        )
    if step in PLATFORM_STEPS:
        return (platform_proposal(fields, at, step),)
    return ()


def platform_proposal(fields: Mapping[str, Any], reported_at: datetime, step: str = "") -> Proposal:
    """After a report to a platform: if it has not answered in 7 days, escalate. Report Harmful
    Content is named only where resources/services.json says it can help: for the note's
    concern (not terrorism, grooming or sexual images, which have their own routes) and for a
    child of its minimum age or over (or whose age is not recorded)."""
    age = _age(fields)
    service = _rhc_service()
    concern = str(fields.get("concern") or "")
    refuses = service is None or (bool(concern) and concern not in _taken(service))
    min_age = _min_age(service)
    what = "If the platform has not answered the report, "
    if refuses:
        what += "tell your DSL and whoever took the referral (police, social care or Prevent)"
        why = (
            str(service["cannot_help"]["text"])
            if service is not None
            else "A platform that has not answered after a week needs following up."
        )
    elif age is None or age >= min_age:
        what += "escalate it to Report Harmful Content (reportharmfulcontent.com)"
        why = (
            "Report Harmful Content takes up a report a platform has not answered after a week, "
            f"or has said broke no rules ({min_age}+)."
        )
    else:
        what += f"talk to your DSL about other routes (Report Harmful Content is for {min_age}+)"
        why = f"Report Harmful Content helps people aged {min_age} and over only."
    return Proposal(step, what, iso(reported_at + timedelta(days=PLATFORM_WAIT_DAYS)), why)


def _rhc_service() -> Mapping[str, Any] | None:
    """Report Harmful Content's entry in the knowledge base (who it takes, what it cannot)."""
    from helper import resources

    return resources.default().services.get(RHC_SERVICE)


def _taken(service: Mapping[str, Any]) -> frozenset[str]:
    """The concerns the service's entry says it takes (its `for.concerns`)."""
    return frozenset(service.get("for", {}).get("concerns", ()))


def _min_age(service: Mapping[str, Any] | None) -> int:
    value = (service or {}).get("for", {}).get("age_min")
    return value if isinstance(value, int) and not isinstance(value, bool) else RHC_MIN_AGE


def proposals_for(
    fields: Mapping[str, Any],
    borough: Mapping[str, Any] | None,
    taken: Iterable[tuple[str, str]] = (),
) -> list[Proposal]:
    """Every proposal for a note's ticked steps, minus those already added as follow-ups
    (`taken`: (step, what) pairs) and those that would fall due outside the range the vault
    keeps (a tick on the range's last days)."""
    from helper.vault import times

    done = set(taken)
    out = []
    for step in fields.get("checklist") or {}:
        out += [
            p
            for p in propose(step, fields, borough)
            if (p.step, p.what) not in done and times.readable(p.due) is not None
        ]
    return out


# ---- follow-up state ---------------------------------------------------------------------------


@dataclass
class FollowUp:
    """One follow-up folded from its events: set (what, due, by, when) and maybe done."""

    note: str
    id: str
    what: str
    due: str
    set_at: str
    set_by: str
    step: str = ""
    done_at: str = ""
    done_by: str = ""
    outcome: str = ""

    @property
    def done(self) -> bool:
        return bool(self.done_at)

    def overdue(self, now: datetime) -> bool:
        return not self.done and due_moment(self.due) < now

    def due_item(self, now: datetime) -> dict[str, Any]:
        """The `waymark notes due --json` shape."""
        return {
            "note": self.note,
            "followup": self.id,
            "what": self.what,
            "due": self.due,
            "overdue": self.overdue(now),
        }


def fold(rows: Iterable[tuple[str, str, Mapping[str, Any]]]) -> dict[tuple[str, str], FollowUp]:
    """Follow-ups by (note, id) from events in order. A 'done' for an unknown follow-up is
    ignored (verify names damage; this only reads)."""
    found: dict[tuple[str, str], FollowUp] = {}
    for note, at, data in rows:
        kind = data.get("kind")
        if kind == "follow-up":
            key = (note, str(data.get("id")))
            found[key] = FollowUp(
                note,
                key[1],
                str(data.get("what", "")),
                str(data.get("due", "")),
                at,
                str(data.get("signed_by", "")),
                str(data.get("step", "")),
            )
        elif kind == "done":
            item = found.get((note, str(data.get("followup"))))
            if item is not None and not item.done:
                item.done_at = at
                item.done_by = str(data.get("signed_by", ""))
                item.outcome = str(data.get("outcome", ""))
    return found


def due_list(followups: Iterable[FollowUp], now: datetime) -> list[dict[str, Any]]:
    """Open follow-ups, most urgent (earliest due) first; overdue ones come first by nature."""
    open_items = [f for f in followups if not f.done]
    open_items.sort(key=lambda f: (due_moment(f.due), f.note, f.id))
    return [f.due_item(now) for f in open_items]


# ---- referral summary --------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...]
    missing: tuple[str, ...] = ()


NOT_KEPT = (
    "Waymark does not keep the child's full name, date of birth, address or school. Add them "
    "straight onto the borough's form."
)


def referral_summary(
    fields: Mapping[str, Any],
    signed_by: str,
    followups: Iterable[FollowUp] = (),
    labels: Mapping[str, str] | None = None,
    step_titles: Mapping[str, str] | None = None,
) -> list[Section]:
    """The note laid out under the headings London multi-agency referral forms ask for, each
    with what is still missing. Pure; nothing is sent anywhere."""
    labels = labels or {}
    titles = step_titles or {}

    def text(name: str) -> str:
        value = fields.get(name)
        return "" if value is None else str(value).strip()

    def got(*pairs: tuple[str, str]) -> tuple[str, ...]:
        return tuple(f"{label}: {text(name)}" for label, name in pairs if text(name))

    child = got(("Reference", "child_ref"), ("Initials", "child"), ("Age", "child_age"))
    borough = fields.get("borough")
    if borough:
        child += (f"Borough: {borough_name(str(borough))}",)
    child_missing = [NOT_KEPT]
    if not text("child_age"):
        child_missing.append("The child's age.")
    if not borough:
        child_missing.append("Which borough the child lives in.")

    seen = got(
        ("What happened", "narrative"),
        ("Facts", "facts"),
        ("How the child seemed", "demeanour"),
        ("Where online", "platform"),
        ("Usernames and links", "online_details"),
        ("Who else was there", "present"),
        ("When it happened or came to light", "concern_at"),
    )
    done_lines = list(got(("What was done", "actions")))
    for row in fields.get("told") or []:
        who = labels.get(row.get("who", ""), row.get("who", ""))
        parts = [who]
        if row.get("name"):
            parts.append(str(row["name"]))
        if row.get("at"):
            parts.append(f"at {row['at']}")
        if row.get("reference"):
            parts.append(f"reference {row['reference']}")
        done_lines.append("Told: " + ", ".join(parts))
    for step, at in (fields.get("checklist") or {}).items():
        done_lines.append(f"Step done: {titles.get(step, step)} ({at})")
    for item in followups:
        state = f"done {item.done_at} by {item.done_by}" if item.done else f"due {item.due}"
        done_lines.append(f"Follow-up: {item.what} ({state}; set by {item.set_by})")

    parents = ()
    parents_missing = (
        "Whether the parents or carers know about this referral and, if not, why not (for "
        "example, telling them could put the child at more risk).",
    )
    risks = got(("Type of concern", "concern"), ("The referrer's view", "opinion"))
    referrer = got(
        ("Name", "recorder_name"), ("Role", "recorder_role"), ("Organisation", "recorder_org")
    )
    referrer_missing = [f"{label}." for label, name in (
        ("Your name", "recorder_name"), ("Your role", "recorder_role"),
        ("Your organisation", "recorder_org")) if not text(name)]  # fmt: skip
    referrer_missing.append("A phone number and email the social worker can reach you on.")
    if signed_by:
        referrer += (f"Signed by: {signed_by}",)

    return [
        Section("The child", child, tuple(child_missing)),
        Section(
            "Family and address known",
            (),
            (
                "Who the child lives with, their address and any brothers or sisters. Waymark "
                "does not keep these.",
            ),
        ),
        Section(
            "The concern in the child's words",
            got(("The child said", "child_words"), ("Questions asked", "questions_asked")),
            () if text("child_words") else ("The child's own words, exactly as they said them.",),
        ),
        Section("What was seen", seen, () if text("narrative") else ("What you saw or heard.",)),
        Section(
            "What has been done and by whom",
            tuple(done_lines),
            () if done_lines else ("What you did, who you told and when.",),
        ),
        Section("Whether parents know, and why not", parents, parents_missing),
        Section(
            "Risks",
            risks,
            () if text("opinion") else ("Your view of the risk to the child, and why.",),
        ),
        Section("The referrer's details", referrer, tuple(referrer_missing)),
    ]

"""The pure casework rules: working days over weekends and bank holidays, due dates, the
follow-ups each procedure step proposes, and what the referral summary says is missing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from helper import casework
from helper.errors import BadInput


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_working_days_skip_weekends_and_england_and_wales_bank_holidays():
    # Thursday 24 December 2026 + 1: Christmas (Fri), the weekend, Boxing Day observed (Mon 28).
    assert casework.add_working_days(at("2026-12-24T15:00:00+00:00"), 1).date().isoformat() == (
        "2026-12-29"
    )
    # Friday + 1 is Monday; Thursday 2 April 2026 + 1 skips Good Friday and Easter Monday.
    assert casework.add_working_days(at("2026-11-27T10:00:00+00:00"), 1).day == 30
    assert casework.add_working_days(at("2026-04-02T10:00:00+01:00"), 1).date().isoformat() == (
        "2026-04-07"
    )
    assert not casework.is_working_day(at("2026-08-31T12:00:00").date())  # summer bank holiday


@pytest.mark.parametrize("bad", ["2026-02-30", "2026-13-01", "2026-12-01T24:00", "tomorrow", ""])
def test_impossible_due_dates_are_refused(bad):
    with pytest.raises(BadInput):
        casework.parse_due(bad)


def test_due_before_the_concern_is_refused():
    with pytest.raises(BadInput, match="before the concern"):
        casework.check_due_after("2026-11-26", "2026-11-27T09:00:00+00:00")
    casework.check_due_after("2026-11-27", "2026-11-27T09:00:00+00:00")  # by the end of that day


def ticked(step: str, when: str = "2026-11-27T10:00:00+00:00", **more) -> dict:
    return {"checklist": {step: when}, **more}


def test_social_care_step_uses_the_boroughs_deadline_else_48_hours():
    borough = {"name": "Haringey", "written_confirmation_hours": 24}
    written, feedback = casework.propose("refer-social-care", ticked("refer-social-care"), borough)
    assert written.due == "2026-11-28T10:00:00+00:00" and "Haringey" in written.why
    assert feedback.due == "2026-11-30T10:00:00+00:00"  # Friday + 1 working day = Monday
    default, _ = casework.propose("refer-social-care", ticked("refer-social-care"), None)
    assert default.due == "2026-11-29T10:00:00+00:00"


def test_lado_and_platform_proposals_and_steps_that_propose_nothing():
    (lado,) = casework.propose("colleague-lado", ticked("colleague-lado"), None)
    assert lado.due == "2026-11-30T10:00:00+00:00"
    (older,) = casework.propose("report-platform", ticked("report-platform", child_age=14), None)
    assert older.due == "2026-12-04T10:00:00+00:00" and "Report Harmful Content" in older.what
    (young,) = casework.propose("report-platform", ticked("report-platform", child_age=11), None)
    assert "13+" in young.what and "escalate it to" not in young.what
    assert casework.propose("tell-dsl", ticked("tell-dsl"), None) == ()
    assert casework.propose("refer-social-care", {"checklist": {}}, None) == ()


IMAGE_CONCERNS = ("nude-image-shared", "csam-found", "ai-nude-image", "adult-viewing-csam")


def test_a_report_to_the_platform_is_a_step_where_it_fits_and_never_for_an_image_of_a_child():
    """resources/procedure.json carries the step the platform proposal hangs on (10.2), for the
    concerns where a professional reports content or an account; never for the concerns where
    the image itself is the harm (police, the IWF and Report Remove take those)."""
    from helper import engine, resources

    def steps(concern: str, age: int | None = 15) -> list[str]:
        answers = engine.Answers("professional", age, concern)
        return [s.id for s in engine.route(answers, resources.default()).procedure]

    for concern in ("online-hate", "cyberbullying", "extremist-content", "self-harm",
                    "harmful-content", "grooming", "sextortion", "filmed-assault"):  # fmt: skip
        assert "report-platform" in steps(concern), concern
        assert "report-platform" in steps(concern, None), concern
        assert casework.PLATFORM_STEPS & set(steps(concern))
    for concern in (*IMAGE_CONCERNS, "colleague-allegation"):
        assert "report-platform" not in steps(concern), concern
    (step,) = [s for s in resources.default().procedure if s["id"] == "report-platform"]
    assert "10.2" in step["section"]
    assert "report the account, never an image" in step["text"]
    assert "do not view, copy, save or forward a nude or sexual image of a child" in step["text"]
    assert "13 or over" in step["text"]


def test_the_platform_proposal_follows_report_harmful_contents_own_entry():
    """Due 7 days after the tick; Report Harmful Content named for 13+ and only for concerns its
    services.json entry does not refuse (terrorism, grooming and sexual images have their own
    routes)."""
    from helper import resources

    rhc = resources.default().services["report-harmful-content"]
    for concern in ("cyberbullying", "online-hate", "self-harm", "harmful-content"):
        fields = ticked("report-platform", child_age=13, concern=concern)
        (p,) = casework.propose("report-platform", fields, None)
        assert p.due == "2026-12-04T10:00:00+00:00"
        assert "escalate it to Report Harmful Content" in p.what and "13+" in p.why
    from helper.domain import CONCERNS

    for concern in [c for c in CONCERNS if c not in rhc["for"]["concerns"]]:
        fields = ticked("report-platform", child_age=15, concern=concern)
        (p,) = casework.propose("report-platform", fields, None)
        assert p.due == "2026-12-04T10:00:00+00:00"
        assert "Report Harmful Content" not in p.what and "whoever took the referral" in p.what
        assert p.why == rhc["cannot_help"]["text"]
    (young,) = casework.propose(
        "report-platform", ticked("report-platform", child_age=12, concern="cyberbullying"), None
    )
    assert "escalate it to" not in young.what and "13+" in young.what


def test_proposals_already_added_are_not_offered_again():
    fields = ticked("refer-social-care")
    first = casework.proposals_for(fields, None)
    assert len(first) == 2
    left = casework.proposals_for(fields, None, [(first[0].step, first[0].what)])
    assert left == first[1:]


def test_due_list_is_most_urgent_first_and_flags_overdue():
    rows = [
        ("n1", "2026-11-27T10:00:00+00:00", {"kind": "follow-up", "id": "a", "what": "A",
                                             "due": "2026-12-09", "signed_by": "S"}),
        ("n2", "2026-11-27T10:00:00+00:00", {"kind": "follow-up", "id": "b", "what": "B",
                                             "due": "2026-12-01T09:00:00+00:00", "signed_by": "S"}),
        ("n2", "2026-11-28T10:00:00+00:00", {"kind": "follow-up", "id": "c", "what": "C",
                                             "due": "2026-11-29", "signed_by": "S"}),
        ("n2", "2026-11-29T10:00:00+00:00", {"kind": "done", "followup": "c", "signed_by": "T"}),
    ]  # fmt: skip
    items = casework.due_list(casework.fold(rows).values(), datetime(2026, 12, 5, tzinfo=UTC))
    assert [(i["followup"], i["overdue"]) for i in items] == [("b", True), ("a", False)]


def test_referral_summary_names_what_is_missing():
    sections = casework.referral_summary({"concern": "grooming", "child_ref": "JB-1"}, "Sam")
    by = {s.heading: s for s in sections}
    assert "Reference: JB-1" in by["The child"].lines
    assert by["Whether parents know, and why not"].missing
    assert by["The concern in the child's words"].missing
    assert any("phone number" in m for m in by["The referrer's details"].missing)

"""The signposting flow: one question per screen, then the routes.

The answers live only in the server-side session (helper/web/sessions.py), so quick exit can
forget them for real. The routing itself is the engine's (helper.engine.route); this module
only asks the questions, checks the replies are choices we offered, and shows the result."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from helper.errors import BadInput
from helper.web.public import AUDIENCES, shows_quick_exit
from helper.web.security import no_store

bp = Blueprint("help", __name__, url_prefix="/help")

STEPS = ("age", "concern", "platform", "danger")
AGE_QUESTION = {
    "young-person": "How old are you?",
    "parent-carer": "How old is the child?",
    "professional": "How old is the child or young person?",
}
DANGER_QUESTION = {
    "young-person": "Are you in danger right now?",
    "parent-carer": "Is the child in danger right now?",
    "professional": "Is the child in danger right now?",
}
NOT_SURE = "not-sure"


def resources():
    from helper import resources as kb

    return kb.default()


def audience_or_none() -> str | None:
    audience = session.get("audience")
    return audience if audience in AUDIENCES else None


def answers() -> dict:
    return session.setdefault("answers", {})


def concern_choices(res, audience: str) -> list[tuple[str, str]]:
    return [
        (cid, concern["label"][audience])
        for cid, concern in res.concerns.items()
        if audience in concern["audiences"]
    ]


def platform_choices(res) -> list[tuple[str, str]]:
    return [(platform["hosts"][0], platform["name"]) for platform in res.platforms.values()]


def previous_step(step: str) -> str:
    index = STEPS.index(step)
    if index == 0:
        return url_for("public.start")
    return url_for("help.question", step=STEPS[index - 1])


@bp.get("/<step>")
@no_store
def question(step: str):
    if step not in STEPS:
        abort(404)
    audience = audience_or_none()
    if audience is None:
        return redirect(url_for("public.start"))
    return question_page(step, audience, resources())


def question_page(step: str, audience: str, res, error: str | None = None) -> str:
    """One question screen; `error` says in plain words why the last answer was refused."""
    return render_template(
        f"help/{step}.html",
        step=step,
        step_number=STEPS.index(step) + 1,
        step_count=len(STEPS),
        audience=audience,
        answers=answers(),
        age_question=AGE_QUESTION[audience],
        danger_question=DANGER_QUESTION[audience],
        concerns=concern_choices(res, audience) if step == "concern" else [],
        platforms=platform_choices(res) if step == "platform" else [],
        back=previous_step(step),
        quick_exit=shows_quick_exit(),
        error=error,
    )


@bp.post("/<step>")
@no_store
def answer(step: str):
    if step not in STEPS:
        abort(404)
    audience = audience_or_none()
    if audience is None:
        return redirect(url_for("public.start"), code=303)
    res = resources()
    try:
        value = parse_answer(step, request.form, res, audience)
    except BadInput as err:
        return question_page(step, audience, res, str(err)), 400
    answers()[step] = value
    index = STEPS.index(step)
    if index + 1 < len(STEPS):
        return redirect(url_for("help.question", step=STEPS[index + 1]), code=303)
    return redirect(url_for("help.result"), code=303)


def parse_answer(step: str, form, res, audience: str):
    """Only a choice we offered is accepted; anything else is BadInput with a plain message."""
    if step == "age":
        # Only adults may leave the age unknown, as in the extension and `waymark signpost`.
        may_not_know = audience != "young-person"
        if may_not_know and form.get("age_unknown") == "yes":
            return None
        raw = form.get("age", "").strip()
        if not raw.isdigit() or not 0 <= int(raw) <= 120:
            if may_not_know:
                raise BadInput("Enter an age as a whole number, or tick “I do not know”.")
            raise BadInput("Type how old you are as a whole number, like 14.")
        return int(raw)
    if step == "concern":
        concern = form.get("concern", "")
        if concern not in dict(concern_choices(res, audience)):
            raise BadInput("Choose what happened to carry on.")
        return concern
    if step == "platform":
        host = form.get("platform", NOT_SURE)
        if host == NOT_SURE:
            return None
        if host not in dict(platform_choices(res)):
            raise BadInput("Choose a website or app from the list, or “Not sure”.")
        return host
    choice = form.get("danger_now", "")
    if choice not in ("yes", "no"):
        raise BadInput("Choose yes or no to carry on.")
    return choice == "yes"


@bp.get("/result")
@no_store
def result():
    from helper import engine

    audience = audience_or_none()
    given = answers()
    missing = [s for s in STEPS if s not in given]
    if audience is None:
        return redirect(url_for("public.start"))
    if missing:
        return redirect(url_for("help.question", step=missing[0]))
    res = resources()
    outcome = engine.route(
        engine.Answers(
            audience=audience,
            age=given["age"],
            concern=given["concern"],
            platform=given["platform"],
            danger_now=given["danger"],
        ),
        res,
    )
    return render_template(
        "help/result.html",
        audience=audience,
        result=outcome,
        summaries={
            sid: service["summary"].get(audience, "") for sid, service in res.services.items()
        },
        back=previous_step("danger"),
        quick_exit=shows_quick_exit(),
    )

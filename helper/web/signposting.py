"""The signposting flow: one question per screen, then the routes.

Danger comes first, right after who you are, so that a "yes" puts a tap-to-call 999 link at the
top of everything that follows. The age comes after the concern, so a concern about an adult (a
colleague, an adult viewing images) is never asked "How old is the child?".

The answers live only in the server-side session (helper/web/sessions.py), so quick exit can
forget them for real. The routing itself is the engine's (helper.engine.route); this module
only asks the questions, checks the replies are choices we offered, and shows the result."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from helper import domain
from helper.errors import BadInput
from helper.web.public import AUDIENCES, shows_quick_exit
from helper.web.security import no_store

bp = Blueprint("help", __name__, url_prefix="/help")

STEPS = ("danger", "concern", "age", "platform")
# Concerns about an adult: the child's age does not change where to report, so it is not asked.
ADULT_CONCERNS = domain.ADULT_CONCERNS  # no child's age is asked for a concern about an adult
AGE_QUESTION = {
    "young-person": "How old are you?",
    "parent-carer": "How old is the child?",
    "professional": "How old is the child or young person?",
}
DANGER_QUESTION = "Is anyone in danger right now?"
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


def steps_for(given: dict) -> tuple[str, ...]:
    """The questions this person is asked: no age for a concern about an adult."""
    if given.get("concern") in ADULT_CONCERNS:
        return tuple(s for s in STEPS if s != "age")
    return STEPS


def previous_step(step: str) -> str:
    steps = steps_for(answers())
    index = steps.index(step) if step in steps else STEPS.index(step)
    if index == 0:
        return url_for("public.start")
    return url_for("help.question", step=steps[index - 1])


def next_step(step: str) -> str:
    steps = steps_for(answers())
    index = steps.index(step)
    if index + 1 < len(steps):
        return url_for("help.question", step=steps[index + 1])
    return url_for("help.result")


@bp.app_template_global("outside_london_url")
def outside_london_url() -> str:
    from helper import boroughs

    return boroughs.OUTSIDE_LONDON_URL


def borough_choices() -> list[tuple[str, str]]:
    """The 33 London authorities as (id, name), in alphabetical order of name."""
    from helper import boroughs

    entries = boroughs.boroughs(boroughs.default())
    return sorted(((e["id"], e["name"]) for e in entries), key=lambda pair: pair[1])


@bp.post("/borough")
@no_store
def choose_borough():
    """A professional picks the child's borough on the routes page: its numbers are shown there.
    Kept in the server-side session with the other answers; only a listed id is accepted."""
    if audience_or_none() != "professional":
        return redirect(url_for("public.start"), code=303)
    chosen = request.form.get("borough", "")
    if chosen and chosen not in dict(borough_choices()):
        abort(400)
    given = answers()
    if chosen:
        given["borough"] = chosen
    else:
        given.pop("borough", None)
    session.modified = True
    return redirect(url_for("help.result") + "#borough-title", code=303)


@bp.get("/<step>")
@no_store
def question(step: str):
    if step not in STEPS:
        abort(404)
    audience = audience_or_none()
    if audience is None:
        return redirect(url_for("public.start"))
    if step not in steps_for(answers()):
        return redirect(next_step("concern"))
    return question_page(step, audience, resources())


def question_page(step: str, audience: str, res, error: str | None = None) -> str:
    """One question screen; `error` says in plain words why the last answer was refused."""
    steps = steps_for(answers())
    return render_template(
        f"help/{step}.html",
        step=step,
        step_number=steps.index(step) + 1 if step in steps else 1,
        step_count=len(steps),
        audience=audience,
        answers=answers(),
        age_question=AGE_QUESTION[audience],
        danger_question=DANGER_QUESTION,
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
    given = answers()
    if step == "concern" and value in ADULT_CONCERNS:
        given["age"] = None  # not asked: the child's age does not change these routes
    elif step == "concern" and given.get("concern") in ADULT_CONCERNS:
        given.pop("age", None)  # the age was never asked: ask it now
    given[step] = value
    session.modified = True
    return redirect(next_step(step), code=303)


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
    missing = [s for s in steps_for(given) if s not in given]
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
        danger=given["danger"],
        summaries={
            sid: service["summary"].get(audience, "") for sid, service in res.services.items()
        },
        parent_tools=[t for t in getattr(outcome, "parent_tools", None) or [] if t],
        guidance=parents_guidance(audience, given),
        platform_name=platform_name(res, given["platform"]),
        record_link=record_link(audience, given),
        boroughs=borough_choices() if audience == "professional" else [],
        borough=chosen_borough(audience, given),
        back=previous_step("platform"),
        quick_exit=shows_quick_exit(),
    )


def parents_guidance(audience: str, given: dict) -> dict | None:
    """For parents and carers: the guidance for the concern and the child's age band (how to
    handle it at home, beside where to report), and the general sections. None for others, for
    an adult child, or a concern the guidance does not cover."""
    if audience != "parent-carer":
        return None
    from helper import guidance

    document = guidance.default()
    advice = guidance.guidance_for(given["concern"], given.get("age"), document)
    if advice is None:
        return None
    return {
        "lists": [(key, heading, advice[key]) for key, heading in guidance.HEADINGS if advice[key]],
        "general": guidance.general(document),
    }


def chosen_borough(audience: str, given: dict) -> dict | None:
    if audience != "professional" or not given.get("borough"):
        return None
    from helper import boroughs

    return boroughs.find(given["borough"])


def platform_name(res, host: str | None) -> str | None:
    for platform in res.platforms.values():
        if host and host in platform["hosts"]:
            return platform["name"]
    return None


def record_link(audience: str, given: dict) -> str | None:
    """For professionals: the new note, with the concern, the child's age, the website and the
    borough picked on the routes page filled in (the note form checks each again), so nothing is
    typed twice."""
    if audience != "professional":
        return None
    query = {"concern": given["concern"]}
    if given.get("age") is not None:
        query["age"] = str(given["age"])
    if given.get("platform"):
        query["platform"] = given["platform"]
    if given.get("borough"):
        query["borough"] = given["borough"]
    return url_for("notes.new_note", **query)

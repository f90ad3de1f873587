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
from helper.web import result_page
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


# The apps most children in the UK use (video, messaging, social and the big games), asked
# first so that a parent on a phone does not scroll past 33 names; the rest are folded away.
POPULAR_PLATFORMS = (
    "youtube",
    "tiktok",
    "whatsapp",
    "snapchat",
    "instagram",
    "roblox",
    "minecraft",
    "fortnite",
    "discord",
)
FIND_LIMIT = 40  # characters: longer than any app's name


def platform_groups(res, find: str) -> dict:
    """The platform question's choices: the popular ones and the rest, or, when the person
    searched, only the ones whose name or address holds what they typed (works without JS)."""
    by_id = {pid: (p["hosts"][0], p["name"]) for pid, p in res.platforms.items()}
    needle = " ".join(find.lower().split())
    if needle:
        matches = [
            choice
            for pid, choice in by_id.items()
            if needle in choice[1].lower() or any(needle in h for h in res.platforms[pid]["hosts"])
        ]
        return {"popular": [], "more": [], "matches": matches}
    popular = [by_id[pid] for pid in POPULAR_PLATFORMS if pid in by_id]
    more = sorted(
        (c for pid, c in by_id.items() if pid not in POPULAR_PLATFORMS), key=lambda c: c[1].lower()
    )
    return {"popular": popular, "more": more, "matches": None}


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


@bp.app_template_filter("link_words")
def link_words(route) -> str:
    """A route's link as a person would say it: "Report to the police online (police.uk)"."""
    return result_page.link_words(route, resources().services)


@bp.app_template_filter("hours_words")
def hours_words(hours) -> str:
    """Opening hours as a sentence: "Phone lines open Monday to Friday, 10am to 4pm"."""
    return result_page.hours_words(hours)


@bp.app_template_filter("tool_words")
def tool_words(tool, platform: str | None) -> str:
    """A parent tool named as a person would: "Roblox parental controls with a …"."""
    return result_page.tool_words(tool if isinstance(tool, dict) else {}, platform)


@bp.app_template_filter("card_id")
def card_id(route) -> str:
    return result_page.card_id(route)


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
    find = request.args.get("find", "") if step == "platform" else ""
    if len(find) > FIND_LIMIT:
        error = error or f"Type fewer letters to search, up to {FIND_LIMIT}."
        find = ""
    return render_template(
        f"help/{step}.html",
        find=find.strip(),
        groups=platform_groups(res, find) if step == "platform" else {},
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
    tools = [t for t in getattr(outcome, "parent_tools", None) or [] if t]
    name = platform_name(res, given["platform"])
    tools_heading = None
    if tools:
        tools_heading = f"{name} parental controls" if name else "The app's parental controls"
    guidance = parents_guidance(audience, given)
    return render_template(
        "help/result.html",
        audience=audience,
        result=outcome,
        danger=given["danger"],
        summaries={
            sid: service["summary"].get(audience, "") for sid, service in res.services.items()
        },
        services=res.services,
        parent_tools=tools,
        tools_heading=tools_heading,
        guidance=guidance,
        page=parent_layout(guidance, outcome, res, tools_heading),
        platform_name=name,
        record_link=record_link(audience, given),
        boroughs=borough_choices() if audience == "professional" else [],
        borough=chosen_borough(audience, given),
        back=previous_step("platform"),
        quick_exit=shows_quick_exit(),
    )


def parents_guidance(audience: str, given: dict) -> dict | None:
    """For parents and carers: the guidance for the concern and the child's age band (how to
    handle it at home, beside where to report), the concern's own entry (for "Right now") and
    the general sections (a son or daughter of 18 or over gets the adult band). None for others,
    or a concern the guidance does not cover."""
    if audience != "parent-carer":
        return None
    from helper import guidance

    document = guidance.default()
    advice = guidance.guidance_for(given["concern"], given.get("age"), document)
    if advice is None:
        return None
    entry = next((c for c in document["concerns"] if c["id"] == given["concern"]), None)
    return {"advice": advice, "entry": entry, "general": guidance.general(document)}


def parent_layout(guidance_found: dict | None, outcome, res, tools_heading: str | None):
    """A parent's page laid out for a phone (helper/web/result_page.py), or None for others."""
    if guidance_found is None:
        return None
    from helper import guidance

    return result_page.parent_page(
        guidance_found["advice"],
        guidance_found["entry"],
        outcome.routes,
        res.services,
        guidance.HEADINGS,
        tools_heading,
    )


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

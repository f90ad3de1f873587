"""The signposting flow through the app: one question per screen, routes from the engine,
and quick exit forgetting everything (server side) without JavaScript."""

from __future__ import annotations

import pytest

from tests.web.conftest import session_of


def answer_all(client, csrf_token, audience, age, concern, platform="not-sure", danger="no"):
    steps = [
        ("/", {"audience": audience}),
        ("/help/danger", {"danger_now": danger}),
        ("/help/concern", {"concern": concern}),
        ("/help/age", {"age": age} if age is not None else {"age_unknown": "yes"}),
        ("/help/platform", {"platform": platform}),
    ]
    if concern in ("colleague-allegation", "adult-viewing-csam"):
        steps = [step for step in steps if step[0] != "/help/age"]
    for path, data in steps:
        response = client.post(path, data={**data, "csrf_token": csrf_token})
        assert response.status_code == 303, (path, response.get_data(as_text=True)[:500])
    return client.get("/help/result").get_data(as_text=True)


@pytest.mark.parametrize(
    ("audience", "age", "concern", "expect"),
    [
        ("young-person", "14", "nude-image-shared", "Report Remove"),
        ("parent-carer", "12", "sextortion", "CEOP"),
        ("professional", "15", "csam-found", "Internet Watch Foundation"),
    ],
)
def test_each_audience_reaches_route_cards(client, csrf_token, audience, age, concern, expect):
    html = answer_all(client, csrf_token, audience, age, concern)
    assert "Where to go next" in html
    assert expect in html
    assert 'target="_blank" rel="noopener noreferrer"' in html


def test_warnings_come_before_routes(client, csrf_token):
    html = answer_all(client, csrf_token, "young-person", "14", "nude-image-shared")
    assert html.index('class="warning"') < html.index('class="cards"')


def test_danger_is_asked_right_after_who_you_are(client, csrf_token):
    response = client.post("/", data={"audience": "young-person", "csrf_token": csrf_token})
    assert response.headers["Location"] == "/help/danger"
    page = client.get("/help/danger").get_data(as_text=True)
    assert "Is anyone in danger right now?" in page and "Question 1 of 4" in page


def test_danger_now_puts_a_999_call_link_before_everything(client, csrf_token):
    html = answer_all(client, csrf_token, "parent-carer", "10", "grooming", danger="yes")
    body = html[html.index('<div class="top-bar">') :]
    after_top = body[body.index("</div>") :]
    first_link = after_top[after_top.index("<a ") :]
    assert first_link.startswith('<a class="call-button" href="tel:999"')
    assert body.index("call-999-now") < body.index('class="site-header"')
    assert body.index("call-999-now") < body.index('class="warning"') < body.index('"cards"')
    first_card = html[html.index('class="card"') :]
    assert "999" in first_card[: first_card.index("</li>")]


def test_every_page_has_the_999_line_and_every_phone_is_a_link(client, csrf_token):
    import re

    html = answer_all(client, csrf_token, "parent-carer", "10", "extremist-content")
    assert '<a href="tel:999" id="call-999">In danger now? Call 999</a>' in html
    for path in ("/", "/help/concern", "/platforms", "/about", "/settings"):
        assert 'href="tel:999"' in client.get(path).get_data(as_text=True), path
    phones = re.findall(r'<span class="phone">(.*?)</span>', html, re.S)
    assert phones
    for phone in phones:
        assert re.fullmatch(r'<a href="tel:\+?\d+">Call [0-9 ]+</a>', phone.strip()), phone


def test_outside_links_name_where_they_go(client, csrf_token):
    html = answer_all(client, csrf_token, "young-person", "15", "cyberbullying", "instagram.com")
    assert "How to report on Instagram (instagram.com)" in html
    assert "Childline website (childline.org.uk)" in html
    assert ">Go to " not in html and ">Open the " not in html
    assert "Open Instagram's reporting page" in client.get("/platforms").get_data(as_text=True)


def test_a_concern_about_an_adult_does_not_ask_the_childs_age(app, client, csrf_token):
    client.post("/", data={"audience": "professional", "csrf_token": csrf_token})
    client.post("/help/danger", data={"danger_now": "no", "csrf_token": csrf_token})
    response = client.post(
        "/help/concern", data={"concern": "colleague-allegation", "csrf_token": csrf_token}
    )
    assert response.headers["Location"] == "/help/platform"
    assert client.get("/help/age").headers["Location"] == "/help/platform"
    page = client.get("/help/platform").get_data(as_text=True)
    assert "Question 3 of 3" in page and 'href="/help/concern"' in page
    client.post("/help/platform", data={"platform": "not-sure", "csrf_token": csrf_token})
    html = client.get("/help/result").get_data(as_text=True)
    assert "LADO" in html
    assert session_of(app, client)["answers"]["age"] is None
    # A child concern after all: now the age is asked.
    client.post("/help/concern", data={"concern": "grooming", "csrf_token": csrf_token})
    assert client.get("/help/result").headers["Location"] == "/help/age"


def test_record_this_concern_carries_concern_age_and_platform(client, csrf_token):
    html = answer_all(client, csrf_token, "professional", "15", "grooming", "roblox.com")
    assert 'href="/pro/notes/new?concern=grooming&amp;age=15&amp;platform=roblox.com"' in html
    html = answer_all(client, csrf_token, "parent-carer", "15", "grooming")
    assert "Record this concern" not in html


def test_record_this_concern_carries_the_borough_picked_on_the_routes_page(client, csrf_token):
    answer_all(client, csrf_token, "professional", "15", "grooming", "roblox.com")
    client.post("/help/borough", data={"borough": "tower-hamlets", "csrf_token": csrf_token})
    html = client.get("/help/result").get_data(as_text=True)
    assert (
        'href="/pro/notes/new?concern=grooming&amp;age=15&amp;platform=roblox.com'
        '&amp;borough=tower-hamlets"'
    ) in html
    client.post("/help/borough", data={"borough": "", "csrf_token": csrf_token})  # cleared
    html = client.get("/help/result").get_data(as_text=True)
    assert "borough=" not in html


def test_result_shows_the_new_engine_fields_when_present(app, client, csrf_token, monkeypatch):
    """hours, condition (before why), limits (under the route) and parents' parent_tools, fed
    through the real template as the engine contract describes them."""
    import dataclasses

    from helper import engine

    real = engine.route

    def with_new_fields(answers, res):
        outcome = real(answers, res)
        routes = [
            {
                **dataclasses.asdict(r),
                "hours": "Monday to Friday, 10am to 4pm" if r.phone else None,
                "condition": "If the child is under 13" if i == 0 else None,
                "limits": ["It cannot reach an encrypted chat."] if i == 0 else [],
            }
            for i, r in enumerate(outcome.routes)
        ]
        tools = [
            {"name": "Family Pairing", "url": "https://www.tiktok.com/safety/", "what": "Link"},
            {"name": "Bad", "url": "javascript:alert(1)", "what": "Not a link"},
        ]
        return _Result(outcome, routes, tools)

    class _Result:
        def __init__(self, outcome, routes, tools):
            self.routes, self.parent_tools = routes, tools
            self.warnings, self.procedure = outcome.warnings, outcome.procedure
            self.platform = outcome.platform

    monkeypatch.setattr(engine, "route", with_new_fields)
    html = answer_all(client, csrf_token, "parent-carer", "12", "grooming", "tiktok.com")
    first = html.split('class="card"')[1]
    assert first.index("If the child is under 13") < first.index('class="why"')
    assert "It cannot reach an encrypted chat." in first
    assert "Phone lines open Monday to Friday, 10am to 4pm" in html
    assert ">TikTok parental controls</h2>" in html
    assert ">TikTok Family Pairing<" in html
    assert "javascript:" not in html


def test_professional_sees_the_procedure(client, csrf_token):
    html = answer_all(client, csrf_token, "professional", "15", "nude-image-shared")
    assert "What to do, step by step" in html


def test_platform_answer_adds_how_to_report_there(client, csrf_token):
    html = answer_all(client, csrf_token, "young-person", "15", "cyberbullying", "instagram.com")
    assert "Instagram" in html


@pytest.mark.parametrize(
    ("step", "data", "msg"),
    [
        ("age", {"age": "abc"}, "whole number"),
        ("age", {"age": "200"}, "whole number"),
        ("concern", {"concern": "adult-viewing-csam"}, "Choose what happened"),
        ("concern", {"concern": "<script>"}, "Choose what happened"),
        ("platform", {"platform": "evil.test"}, "from the list"),
        ("danger", {"danger_now": "maybe"}, "yes or no"),
    ],
)
def test_bad_answers_get_one_clear_line_and_lose_nothing(app, client, csrf_token, step, data, msg):
    client.post("/", data={"audience": "young-person", "csrf_token": csrf_token})
    client.post("/help/age", data={"age": "13", "csrf_token": csrf_token})
    response = client.post(f"/help/{step}", data={**data, "csrf_token": csrf_token})
    assert response.status_code == 400
    assert msg in response.get_data(as_text=True)
    assert session_of(app, client)["answers"]["age"] == 13


def test_quick_exit_forgets_answers_and_back_shows_only_the_neutral_page(app, client, csrf_token):
    answer_all(client, csrf_token, "young-person", "14", "sextortion")
    response = client.post("/exit", data={"csrf_token": csrf_token})
    assert response.status_code == 303
    assert response.headers["Location"] == "/away"
    state = session_of(app, client)
    assert "answers" not in state and "audience" not in state
    for path in ("/help/result", "/help/concern", "/", "/platforms", "/about"):
        back = client.get(path)
        assert back.status_code == 302 and back.headers["Location"] == "/away", path
    neutral = client.get("/away").get_data(as_text=True)
    assert "Waymark" not in neutral and "sextortion" not in neutral.lower()


def test_start_again_after_quick_exit(client, csrf_token):
    client.post("/exit", data={"csrf_token": csrf_token})
    assert client.post("/resume", data={"csrf_token": csrf_token}).status_code == 303
    assert client.get("/").status_code == 200


def test_quick_exit_button_is_on_young_person_pages_not_professional(client, csrf_token):
    client.post("/", data={"audience": "young-person", "csrf_token": csrf_token})
    assert 'id="quick-exit"' in client.get("/help/age").get_data(as_text=True)
    client.post("/", data={"audience": "professional", "csrf_token": csrf_token})
    assert 'id="quick-exit"' not in client.get("/help/age").get_data(as_text=True)


def test_nothing_is_remembered_unless_turned_on_in_settings(client, csrf_token):
    response = client.post(
        "/", data={"audience": "parent-carer", "remember": "yes", "csrf_token": csrf_token}
    )
    assert "waymark-audience" not in response.headers.get("Set-Cookie", "")
    assert 'id="remember"' not in client.get("/").get_data(as_text=True)
    settings = client.get("/settings").get_data(as_text=True)
    assert "remembers nothing by default" in settings
    assert 'id="remember-nothing" name="remember" value="" checked' in settings
    response = client.post("/settings", data={"remember": "parent-carer", "csrf_token": csrf_token})
    cookie = response.headers["Set-Cookie"]
    assert "waymark-audience=parent-carer" in cookie and "HttpOnly" in cookie
    assert 'value="parent-carer" checked' in client.get("/").get_data(as_text=True)
    response = client.post("/settings", data={"remember": "", "csrf_token": csrf_token})
    assert "waymark-audience=;" in response.headers["Set-Cookie"]


def test_platforms_and_about_pages(client):
    platforms = client.get("/platforms").get_data(as_text=True)
    assert "Report and block" in platforms and "Instagram" in platforms
    about = client.get("/about").get_data(as_text=True)
    assert "Last checked" in about and "services.json" in about


def test_knowledge_base_markup_is_shown_as_text_and_bad_links_are_refused(client, monkeypatch):
    """docs/SECURITY.md, "Knowledge-base text", at the page: even if a hostile entry got past the
    loader."""
    import dataclasses

    from helper import resources

    real = resources.default()
    platforms = dict(real.platforms)
    hostile = dict(next(iter(platforms.values())))
    hostile.update(
        name='<img src=x onerror="alert(1)">',
        report_url="javascript:alert(1)",
        privacy_url="http://plain.example/",
    )
    platforms[hostile["id"]] = hostile
    monkeypatch.setattr(
        resources, "default", lambda: dataclasses.replace(real, platforms=platforms)
    )
    html = client.get("/platforms").get_data(as_text=True)
    assert "<img" not in html
    assert "&lt;img src=x onerror=" in html
    assert "javascript:" not in html and "http://plain.example" not in html


def test_our_own_words_for_young_people_are_plain(client, csrf_token):
    """Headings, hints and error lines written in our templates read at about age 11 or under
    (Flesch-Kincaid grade 6; the knowledge base's texts are checked in tests/resources)."""
    import re

    from helper import resources
    from helper.errors import BadInput
    from helper.web.signposting import parse_answer
    from tests.resources.readability import grade, plain

    client.post("/", data={"audience": "young-person", "csrf_token": csrf_token})
    pattern = re.compile(r'<(h1|p class="(?:hint|lead|error)")[^>]*>(.*?)</(?:h1|p)>', re.S)
    texts = []
    client.post("/help/concern", data={"concern": "grooming", "csrf_token": csrf_token})
    for path in ("/", "/help/age", "/help/concern", "/help/platform", "/help/danger", "/settings"):
        html = client.get(path).get_data(as_text=True)
        texts += [re.sub(r"<[^>]+>|\s+", " ", m[1]).strip() for m in pattern.findall(html)]
    for step, form in (("age", {"age": "x"}), ("concern", {}), ("platform", {"platform": "x"})):
        with pytest.raises(BadInput) as err:
            parse_answer(step, form, resources.default(), "young-person")
        texts.append(str(err.value))
    assert len(texts) >= 10
    too_hard = {t: round(grade(plain(t)), 1) for t in texts if grade(plain(t)) > 6}
    assert too_hard == {}


def test_a_young_person_is_not_offered_an_unknown_age(client, csrf_token):
    """Without an age a young person would lose Childline, Report Remove and CEOP; the
    extension and `waymark signpost` ask them for it too. Adults may not know a child's age."""
    client.post("/", data={"audience": "young-person", "csrf_token": csrf_token})
    assert "age-unknown" not in client.get("/help/age").get_data(as_text=True)
    refused = client.post("/help/age", data={"age_unknown": "yes", "csrf_token": csrf_token})
    assert refused.status_code == 400
    assert "how old you are" in refused.get_data(as_text=True)
    html = answer_all(client, csrf_token, "parent-carer", None, "grooming")
    assert "Where to go next" in html  # an adult may leave the age unknown


def test_parents_get_guidance_after_the_routes(client, csrf_token):
    """A parent or carer reads how to handle it at home after where to report: "Talking with
    your child" right after the routes, the other lists after the app's controls, the general
    sections behind a disclosure. Every text of helper.guidance reaches the page unchanged and
    once (helper/web/result_page.py says where), except a "call 999" line: the top bar of
    every page says that."""
    from helper import guidance

    html = answer_all(client, csrf_token, "parent-carer", "10", "grooming")
    advice = guidance.guidance_for("grooming", 10, guidance.default())
    assert advice["band"] == "8-12"
    headings = ["Talking with your child", "What not to do"]
    places = [html.index(f">{h}</h2>") for h in headings]
    assert places == sorted(places)
    assert html.index('class="cards"') < html.index('class="guidance"')
    main = html[html.index("<main") : html.index("</main>")]
    for key in guidance.KEYS:
        for text in advice[key]:
            if "999" in text:
                assert escape(text) not in main, text
            else:
                assert main.count(escape(text)) == 1, text
    disclosure = main[main.index('<details class="guidance-general"') :]
    disclosure = disclosure[: disclosure.index("</details>")]
    for part in guidance.general(guidance.default()):
        assert escape(part["title"]) in disclosure
        assert all(escape(text) in disclosure for text in part["texts"])


def escape(text: str) -> str:
    from markupsafe import escape as html_escape

    return str(html_escape(text))


@pytest.mark.parametrize(
    ("audience", "age", "concern"),
    [
        ("professional", "10", "grooming"),
        ("young-person", "14", "grooming"),
    ],
)
def test_no_parents_guidance_for_others(client, csrf_token, audience, age, concern):
    html = answer_all(client, csrf_token, audience, age, concern)
    assert "Where to go next" in html
    assert 'class="guidance"' not in html and "Talking with your child" not in html


def test_a_parent_of_an_adult_gets_adult_guidance_not_childrens(client, csrf_token):
    html = answer_all(client, csrf_token, "parent-carer", "19", "nude-image-shared")
    assert 'class="guidance"' in html and "what happens next is their choice" in html
    assert "NSPCC" not in html and "CEOP" not in html


def test_a_child_of_unknown_age_gets_the_unknown_band(client, csrf_token):
    from helper import guidance

    html = answer_all(client, csrf_token, "parent-carer", None, "sextortion")
    advice = guidance.guidance_for("sextortion", None, guidance.default())
    assert advice["band"] == "unknown"
    assert all(escape(text) in html for text in advice["now"] if "999" not in text)


def test_parents_guidance_headings_are_plain():
    from helper.guidance import HEADINGS
    from tests.resources.readability import grade

    assert [h for _key, h in HEADINGS if grade(h) > 8] == []


def picker_of(html: str) -> str:
    start = html.index('class="borough-picker"')
    return html[start : html.index("</section>", start)]


def test_a_professional_picks_a_borough_and_gets_its_numbers(client, csrf_token):
    html = answer_all(client, csrf_token, "professional", "15", "sextortion")
    picker = picker_of(html)
    assert picker.count("<option value=") == 34  # "Choose a borough" and the 33 authorities
    assert 'href="https://www.gov.uk/find-local-council"' in picker
    assert "Outside London: find your local council" in picker
    assert "tel:" not in picker  # nothing until a borough is chosen
    chosen = client.post("/help/borough", data={"borough": "haringey", "csrf_token": csrf_token})
    assert chosen.status_code == 303
    assert chosen.headers["Location"] == "/help/result#borough-title"
    picker = picker_of(client.get("/help/result").get_data(as_text=True))
    assert '<option value="haringey" selected>Haringey</option>' in picker
    for number in ("020 8489 4533", "020 8489 0000", "020 8489 2968"):
        digits = number.replace(" ", "")
        assert f'<a href="tel:{digits}">{number}</a>' in picker
    assert "Within 24 hours" in picker
    # A borough with nothing confirmed says so for each field, and shows no number.
    client.post("/help/borough", data={"borough": "greenwich", "csrf_token": csrf_token})
    picker = picker_of(client.get("/help/result").get_data(as_text=True))
    assert picker.count("not confirmed: check the council's website") == 5
    assert "tel:" not in picker


def test_only_a_listed_borough_and_only_for_professionals(client, csrf_token):
    answer_all(client, csrf_token, "professional", "15", "sextortion")
    bad = client.post("/help/borough", data={"borough": "atlantis", "csrf_token": csrf_token})
    assert bad.status_code == 400
    assert client.post("/help/borough", data={"borough": "camden"}).status_code in (400, 403)
    html = answer_all(client, csrf_token, "parent-carer", "12", "sextortion")
    assert "borough-picker" not in html
    refused = client.post("/help/borough", data={"borough": "camden", "csrf_token": csrf_token})
    assert refused.status_code == 303 and refused.headers["Location"] == "/"

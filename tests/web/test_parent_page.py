"""A parent's routes page laid out for a phone (helper/web/result_page.py), the platform
question's popular apps and search, and links and hours in a person's words. Through the Flask
test client; tests/web/test_parent_page_browser.py checks the same in real Chromium."""

from __future__ import annotations

import copy
import html as html_text
import re

import pytest

from helper.web import result_page
from tests.web.test_signposting import answer_all, escape

# CEOP's route for a parent carries a condition, which the one-line summary says first.
CEOP_LINE = (
    "If you have not already told the police or children's social care: "
    "report it to CEOP Safety Centre."
)
CEOP_LINK = (
    '<a href="#route-ceop">If you have not already told the police or children&#39;s social '
    "care: report it to CEOP Safety Centre.</a>"
)


def right_now(html: str) -> list[str]:
    section = html[html.index('class="right-now"') : html.index("</section>")]
    items = re.findall(r"<li>(.*?)</li>", section, re.S)
    return [html_text.unescape(re.sub(r"<[^>]+>", "", li)).strip() for li in items]


def test_right_now_comes_first_in_three_lines_with_the_first_route(client, csrf_token):
    from helper import guidance

    html = answer_all(client, csrf_token, "parent-carer", "9", "grooming", "roblox.com")
    advice = guidance.guidance_for("grooming", 9, guidance.default())
    main = html[html.index("<main") :]
    assert main.index('class="right-now"') < main.index('class="warning"') < main.index("cards")
    lines = right_now(html)
    assert len(lines) == 3
    # The concern's right_now entry in guidance.json: what to keep, the first route, what to
    # hold off doing.
    entry = next(c for c in guidance.default()["concerns"] if c["id"] == "grooming")
    assert lines[0] == entry["right_now"]["keep"]
    assert lines[1] == CEOP_LINE
    assert CEOP_LINK in html
    assert 'id="route-ceop"' in html
    assert lines[2] == entry["right_now"]["wait"]
    assert advice["now"]  # the full guidance is still on the page below
    jumps = html[html.index('class="jumps"') : html.index("</nav>", html.index('class="jumps"'))]
    assert re.findall(r'href="#([a-z-]+)">([^<]+)<', jumps) == [
        ("report", "Report"),
        ("talk", "Talk with your child"),
        ("parent-tools", "Roblox parental controls"),
    ]
    for target in ("report", "talk", "parent-tools"):
        assert f'id="{target}"' in html


def test_right_now_takes_its_lines_from_guidance_when_it_has_them(client, csrf_token, monkeypatch):
    """The `right_now` entry (asked for in resources/guidance.json) wins over the fallback."""
    from helper import guidance

    document = copy.deepcopy(guidance.default())
    entry = next(c for c in document["concerns"] if c["id"] == "grooming")
    entry["right_now"] = {"keep": "Save the messages.", "wait": "Do not block them yet."}
    monkeypatch.setattr(guidance, "default", lambda: document)
    html = answer_all(client, csrf_token, "parent-carer", "9", "grooming")
    assert right_now(html) == [
        "Save the messages.",
        CEOP_LINE,
        "Do not block them yet.",
    ]


def test_without_a_right_now_entry_the_lines_come_from_the_guidance_lists(
    client, csrf_token, monkeypatch
):
    """A concern without `right_now`: the first "now" text naming no service on the page, the
    first route, then the first "avoid" text."""
    from helper import guidance

    document = copy.deepcopy(guidance.default())
    entry = next(c for c in document["concerns"] if c["id"] == "grooming")
    del entry["right_now"]
    monkeypatch.setattr(guidance, "default", lambda: document)
    advice = guidance.guidance_for("grooming", 9, document)
    html = answer_all(client, csrf_token, "parent-carer", "9", "grooming")
    assert right_now(html) == [
        advice["now"][1],  # now[0] is the 999 line
        CEOP_LINE,
        advice["avoid"][0],
    ]


def test_route_steps_are_folded_and_no_service_is_described_twice(client, csrf_token):
    html = answer_all(client, csrf_token, "parent-carer", "9", "grooming", "roblox.com")
    start = html.index('class="cards"')
    cards = html[start : html.index("</section>", start)]
    assert cards.count("<details") == cards.count('class="card"')
    for card in cards.split('class="card"')[1:]:
        assert card.index("<details") < card.index("How to do it") < card.index("</details>")

    # Guidance that names a service moves into that service's card: the NSPCC helpline's
    # number from "Support for you", CEOP from "What to do now".
    def card(route_id: str) -> str:
        return next(c for c in cards.split('<li class="card"') if f'id="route-{route_id}"' in c)

    assert "0808 800 5000. It is free" in card("nspcc-helpline")
    assert html.count("0808 800 5000. It is free") == 1
    ceop = "CEOP is part of the police"
    assert html.count(ceop) == card("ceop").count(ceop)
    # The summary is not shown beside the reason for a parent (they say the same thing).
    from helper import resources

    assert resources.default().services["ceop"]["summary"]["parent-carer"] not in html


def test_other_audiences_get_no_right_now(client, csrf_token):
    for audience in ("young-person", "professional"):
        html = answer_all(client, csrf_token, audience, "14", "grooming")
        assert 'class="right-now"' not in html and 'class="jumps"' not in html
        assert '<details class="steps">' in html


def test_the_platform_question_asks_the_popular_apps_first_and_folds_the_rest(client, csrf_token):
    client.post("/", data={"audience": "parent-carer", "csrf_token": csrf_token})
    html = client.get("/help/platform").get_data(as_text=True)
    popular = html[html.index('class="popular"') : html.index('class="more-apps"')]
    assert re.findall(r'value="([^"]+)"', popular)[:6] == [
        "youtube.com",
        "tiktok.com",
        "whatsapp.com",
        "snapchat.com",
        "instagram.com",
        "roblox.com",
    ]
    assert 8 <= popular.count('type="radio"') <= 10
    more = html[html.index('class="more-apps"') : html.index("</details>")]
    assert "<summary>More apps and websites (24)</summary>" in more
    assert popular.count('type="radio"') + more.count('type="radio"') == 33
    assert " open" not in html[html.index('<details class="more-apps"') :][:40]


def test_an_app_chosen_from_more_apps_is_shown_open(client, csrf_token):
    answer_all(client, csrf_token, "parent-carer", "9", "grooming", "twitch.tv")
    html = client.get("/help/platform").get_data(as_text=True)
    assert '<details class="more-apps" open>' in html
    assert re.search(r'value="twitch.tv" checked', html)


@pytest.mark.parametrize(
    ("find", "expect"),
    [
        ("rob", ["roblox.com"]),
        ("  DISCORD ", ["discord.com"]),
        ("twitch.tv", ["twitch.tv"]),
    ],
)
def test_the_platform_search_works_without_javascript(client, csrf_token, find, expect):
    client.post("/", data={"audience": "parent-carer", "csrf_token": csrf_token})
    response = client.get("/help/platform", query_string={"find": find})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    offered = re.findall(r'name="platform" value="([^"]+)"', html)
    assert offered == ["not-sure", *expect]
    assert "Show all apps" in html
    # The search is its own GET form: the question's POST form carries no search.
    assert re.search(r'<form id="platform-find" method="get"', html)


def test_a_search_that_finds_nothing_or_is_too_long_gets_one_plain_sentence(client, csrf_token):
    client.post("/", data={"audience": "parent-carer", "csrf_token": csrf_token})
    html = client.get("/help/platform?find=zzzz").get_data(as_text=True)
    assert "No app in the list matches “zzzz”." in html
    assert re.findall(r'name="platform" value="([^"]+)"', html) == ["not-sure"]
    response = client.get("/help/platform", query_string={"find": "x" * 500})
    assert response.status_code == 200
    assert "Type fewer letters to search, up to 40." in response.get_data(as_text=True)
    # A choice found by search is answered like any other.
    data = {"platform": "roblox.com", "csrf_token": csrf_token}
    assert client.post("/help/platform", data=data).status_code == 303


@pytest.mark.parametrize(
    ("route", "words"),
    [
        (
            {
                "id": "police-101",
                "name": "Police non-emergency: 101",
                "url": "https://www.police.uk/",
            },
            "Report to the police online (police.uk)",
        ),
        (
            {
                "id": "ceop",
                "name": "CEOP Safety Centre (National Crime Agency)",
                "url": "https://www.ceop.police.uk/Safety-Centre/",
            },
            "Report to CEOP Safety Centre online (ceop.police.uk)",
        ),
        (
            {
                "id": "report-harmful-content",
                "name": "Report Harmful Content",
                "url": "https://reportharmfulcontent.com/",
            },
            "Report Harmful Content online (reportharmfulcontent.com)",
        ),
        (
            {
                "id": "nspcc-helpline",
                "name": "NSPCC helpline",
                "url": "https://www.nspcc.org.uk/what-you-can-do/report-abuse/",
            },
            "NSPCC helpline website (nspcc.org.uk)",
        ),
        (
            {
                "id": "platform:roblox",
                "name": "Roblox",
                "url": "https://en.help.roblox.com/hc/en-us/articles/1",
            },
            "How to report on Roblox (roblox.com)",
        ),
    ],
)
def test_links_read_as_a_person_would_say_them(route, words):
    from helper import resources

    assert result_page.link_words(route, resources.default().services) == words


def test_hours_and_parent_tools_read_as_sentences():
    assert result_page.hours_words(
        "Phone: Monday to Friday 8am to 10pm, weekends 9am to 6pm. Email or online form: any time."
    ) == (
        "Phone lines open Monday to Friday 8am to 10pm, weekends 9am to 6pm. "
        "Email or online form: any time."
    )
    every_day = result_page.hours_words("Every day, 9am to 5pm")
    assert every_day == "Phone lines open every day, 9am to 5pm"
    assert result_page.hours_words(None) == ""
    roblox = {"name": "Parental controls with a linked parent account"}
    assert result_page.tool_words(roblox, "Roblox") == (
        "Roblox parental controls with a linked parent account"
    )
    assert result_page.tool_words({"name": "YouTube Kids"}, "YouTube") == "YouTube Kids"
    assert result_page.tool_words({"name": "Family Pairing"}, "TikTok") == "TikTok Family Pairing"


def test_the_shown_hours_are_a_sentence(client, csrf_token):
    html = answer_all(client, csrf_token, "parent-carer", "9", "grooming")
    assert "Phone lines open Monday to Friday 8am to 10pm" in html
    assert "Open: Phone:" not in html
    assert escape("Roblox") not in html.split('class="jumps"')[1][:200]  # no app: no tools link

"""The routes screen draws the fields newer engines add (a route's `hours`, `condition` and
`limits`; a parent's `parent_tools`) and still draws a route without them. Rendered by the real
popup module in the real extension page, fed a result shaped like the engine contract."""

from __future__ import annotations

from tests.extension.harness import open_popup

RENDER = """async (result) => {
  const { routesScreen } = await import('./screens.js');
  const state = { result, audience: 'parent-carer', platformName: 'Roblox' };
  const opened = [];
  const root = document.createElement('div');
  root.id = 'rendered';
  root.append(...routesScreen(state, { openLink: (href) => opened.push(href) }));
  document.body.append(root);
  return true;
}"""

ROUTE = {
    "id": "nspcc-helpline",
    "name": "NSPCC Helpline",
    "url": "https://www.nspcc.org.uk/what-you-can-do/report-abuse/",
    "phone": "0808 800 5000",
    "why": "Adults can talk to the NSPCC about a worry.",
    "steps": [],
}
NEW_FIELDS = {
    "hours": "Monday to Friday 8am to 10pm",
    "condition": "If the child is under 13",
    "limits": ["It cannot see messages in an encrypted chat."],
}
TOOLS = [
    {
        "name": "Parental Controls",
        "url": "https://en.help.roblox.com/hc/en-us/articles/parental-controls",
        "what": "Limit who can chat with your child.",
    },
    {"name": "Not a link", "url": "javascript:alert(1)", "what": "A bad entry."},
]


def render(page, result) -> str:
    page.evaluate(RENDER, result)
    return page.locator("#rendered").inner_text()


def test_new_fields_are_shown_in_order(browser):
    context, _, _ = browser
    page = open_popup(context)
    shout = {
        "id": "shout",
        "name": "Shout",
        "url": None,
        "phone": "85258",
        "why": "Text any time.",
        "steps": [],
        "hours": None,
        "condition": None,
        "limits": [],
    }
    result = {
        "routes": [{**ROUTE, **NEW_FIELDS}, shout],
        "warnings": [],
        "procedure": [],
        "platform": "roblox",
        "parent_tools": TOOLS,
    }
    text = render(page, result)
    card = page.locator("#rendered li.card[data-route='nspcc-helpline']")
    # The condition comes before the reason, the hours with the phone, the limits under it.
    card_text = card.inner_text()
    assert card_text.index("If the child is under 13") < card_text.index("Adults can talk")
    assert "Open: Monday to Friday 8am to 10pm" in card_text
    assert card.locator(".limits li").inner_text() == NEW_FIELDS["limits"][0]
    assert card_text.index("Call 0808 800 5000") < card_text.index("cannot see messages")
    assert card.locator(".phone a").get_attribute("href") == "tel:08088005000"
    link = card.locator("a[target='_blank']")
    assert link.inner_text() == "Open the NSPCC Helpline page on nspcc.org.uk"
    # Shout is a text line: an sms: link.
    sms = page.locator("#rendered li.card[data-route='shout'] .phone a")
    assert sms.get_attribute("href") == "sms:85258" and sms.inner_text() == "Text 85258"
    # A parent gets the app's own tools, and a bad address never becomes a link.
    tools = page.locator("#rendered .parent-tools")
    assert "Tools from Roblox for parents" in tools.inner_text()
    assert tools.locator("a").count() == 1
    assert tools.locator("a").inner_text() == "Open Parental Controls on en.help.roblox.com"
    assert "Not a link" in text and "javascript" not in tools.inner_html()


def test_todays_engine_result_without_the_new_fields_still_renders(browser):
    context, _, _ = browser
    page = open_popup(context)
    result = {"routes": [ROUTE], "warnings": [], "procedure": [], "platform": None}
    text = render(page, result)
    assert "NSPCC Helpline" in text and "Call 0808 800 5000" in text
    assert page.locator("#rendered .limits, #rendered .condition, #rendered .hours").count() == 0
    assert page.locator("#rendered .parent-tools").count() == 0


def test_a_platform_route_names_its_reporting_page(browser):
    context, _, _ = browser
    page = open_popup(context)
    route = {
        "id": "platform:snapchat",
        "name": "Snapchat",
        "url": "https://help.snapchat.com/hc/en-us/requests/new",
        "phone": None,
        "why": "Report it on Snapchat.",
        "steps": [],
    }
    render(page, {"routes": [route], "warnings": [], "procedure": [], "platform": "snapchat"})
    link = page.locator("#rendered a[target='_blank']")
    assert link.inner_text() == "Open Snapchat's reporting page"

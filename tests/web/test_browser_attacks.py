"""docs/SECURITY.md, "Requests from other pages and sites", in real Chromium: a hostile page on
another 127.0.0.1 port (same *site* as the helper, since ports do not count) tries fetch, form POST,
<img> and <iframe> against a real `waymark serve`, and DNS rebinding tries a foreign Host. All fail;
the state is unchanged."""

from __future__ import annotations

import http.server
import threading

import pytest

from tests.web.conftest import REBIND_HOST

pytestmark = pytest.mark.browser

HOSTILE_PAGE = """<!doctype html><html><head><title>hostile</title></head><body>
<h1>Free games</h1>
<form id="f" method="post" action="{base}/" target="sink">
  <input name="audience" value="young-person"><input name="csrf_token" value="guess">
</form>
<form id="x" method="post" action="{base}/exit" target="sink2"></form>
<iframe name="sink"></iframe><iframe name="sink2"></iframe>
<iframe id="frame" src="{base}/"></iframe>
<img id="img" src="{base}/static/style.css">
<script>
window.results = {{}};
const r = window.results;
document.getElementById("img").onerror = () => {{ r.img = "error"; }};
document.getElementById("img").onload = () => {{ r.img = "loaded"; }};
fetch("{base}/", {{credentials: "include"}})
  .then(x => x.text()).then(t => {{ r.fetchRead = t.slice(0, 200); }})
  .catch(e => {{ r.fetchRead = "blocked"; }});
fetch("{base}/", {{mode: "no-cors", credentials: "include"}})
  .then(x => {{ r.noCors = x.type + ":" + x.status; }}).catch(() => {{ r.noCors = "blocked"; }});
fetch("{base}/exit", {{method: "POST", mode: "no-cors", credentials: "include"}})
  .then(x => {{ r.postExit = x.type; }}).catch(() => {{ r.postExit = "blocked"; }});
fetch("{base}/", {{method: "POST", credentials: "include",
  headers: {{"Content-Type": "application/x-www-form-urlencoded"}},
  body: "audience=young-person"}})
  .then(x => x.text()).then(t => {{ r.postRead = t.slice(0, 200); }})
  .catch(() => {{ r.postRead = "blocked"; }});
document.getElementById("f").submit();
document.getElementById("x").submit();
</script></body></html>"""


def serve_hostile_page(base: str) -> http.server.ThreadingHTTPServer:
    body = HOSTILE_PAGE.format(base=base).encode()

    class Hostile(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def choose_parent(page) -> None:
    page.check("#audience-parent-carer")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/help/danger")  # danger is asked first, right after who you are


def test_hostile_page_on_another_local_port_gets_nothing(page, live_helper, browser_context):
    choose_parent(page)
    hostile = serve_hostile_page(live_helper.base)
    try:
        attacker = browser_context.new_page()
        attacker.goto(f"http://127.0.0.1:{hostile.server_address[1]}/")
        attacker.wait_for_function(
            "() => ['img', 'fetchRead', 'noCors', 'postExit', 'postRead']"
            ".every(k => k in window.results)",
            timeout=15000,
        )
        attacker.wait_for_timeout(500)  # let the two form posts land, if they were to
        results = attacker.evaluate("window.results")
        frames_text = [f.content() for f in attacker.frames if live_helper.base in f.url]
    finally:
        hostile.shutdown()
    assert results["fetchRead"] == "blocked"  # no CORS: the response cannot be read
    assert results["postRead"] == "blocked"
    assert results["img"] == "error"
    assert results["noCors"] in ("opaque:0", "blocked")  # opaque: nothing readable
    assert all("Who are you?" not in text for text in frames_text)
    # The helper's state is what the person left it: a parent at the danger question.
    page.goto(f"{live_helper.base}/help/danger")
    assert page.url.endswith("/help/danger")
    assert page.locator("h1").inner_text() == "Is anyone in danger right now?"


def test_dns_rebinding_host_is_refused_in_the_browser(browser_context, live_helper):
    tab = browser_context.new_page()
    response = tab.goto(f"http://{REBIND_HOST}:{live_helper.port}/?{live_helper.url.split('?')[1]}")
    assert response.status == 403
    same_origin = tab.evaluate("fetch('/about').then(r => r.status)")
    assert same_origin == 403
    assert "Who are you?" not in tab.content()
    # The token was not spent by the rebinding attempt: the real window can still sign in.
    own = browser_context.new_page()
    assert own.goto(live_helper.url).status == 200

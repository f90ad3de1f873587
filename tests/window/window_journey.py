"""Run by test_window.py in its own process: a professional's whole journey in the real
pywebview window (create the vault, record a note from the extension's link, tick a checklist
step, open the export, lock), driven through the window's own JS bridge. Prints one line per
step; the test then checks the vault file itself."""

from __future__ import annotations

import json
import sys
import time

from tests.support.vaults import PASSPHRASE
from tests.window.show_window import bridge_eval, run_in_window

NARRATIVE = "Pupil said an adult on Roblox asked to meet and to keep it secret."


def js(win, script: str) -> object:
    """Run `script` (a function body) in the page through the Qt bridge; see show_window.py
    for why pywebview's own evaluate_js (which uses eval) is not used under our CSP."""
    try:
        return bridge_eval(win, f"(function () {{ {script} }})()")
    except Exception:  # mid-navigation the page may not answer; we poll again
        return None


def wait_for(win, condition: str, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if js(win, f"return document.readyState === 'complete' && ({condition});"):
            return
        time.sleep(0.1)
    raise TimeoutError(f"{condition} (page at {js(win, 'return location.href;')})")


def fill(win, values: dict[str, str]) -> None:
    js(
        win,
        f"""
        var values = {json.dumps(values)};
        Object.keys(values).forEach(function (selector) {{
            var field = document.querySelector(selector);
            field.value = values[selector];
            field.dispatchEvent(new Event('input', {{bubbles: true}}));
            field.dispatchEvent(new Event('change', {{bubbles: true}}));
        }});
        return true;""",
    )


def click(win, selector: str) -> None:
    js(win, f"document.querySelector({json.dumps(selector)}).click(); return true;")


def journey(win) -> None:
    js(win, "location.assign('/pro/'); return true;")
    wait_for(win, "location.pathname === '/pro/create'")
    fill(win, {"#passphrase": PASSPHRASE, "#again": PASSPHRASE})
    click(win, "button[type=submit].primary")
    wait_for(win, "document.querySelector('#recovery-code') !== null")
    code = js(win, "return document.querySelector('#recovery-code').textContent.trim();")
    print(f"recovery_code_length={len(str(code))}", flush=True)
    click(win, "#code-done")
    wait_for(win, "location.pathname === '/pro/notes'")

    # What the extension's "Record a concern" opens.
    js(win, "location.assign('/pro/notes/new?platform=www.roblox.com"
            "&at=2026-11-29T02:24:04Z&form=full'); return true;")  # fmt: skip
    wait_for(win, "document.querySelector('#f-concern') !== null")
    platform = js(win, "return document.querySelector('#f-platform').value;")
    print(f"prefilled={platform}", flush=True)
    fill(win, {
        "#f-concern": "grooming", "#f-recorder_name": "Sam Teacher", "#f-child": "K.L.",
        "#f-child_age": "12", "#f-narrative": NARRATIVE, "#told-0-who": "dsl",
        "#told-0-name": "Ms Lead",
    })  # fmt: skip
    click(win, "button[type=submit].primary")
    wait_for(win, "location.search.indexOf('done=saved') >= 0")
    print("saved=yes", flush=True)

    click(win, "#tick-tell-dsl")
    wait_for(win, "location.search.indexOf('done=ticked') >= 0")
    ticked = js(win, "return document.querySelector('#step-tell-dsl').textContent;")
    print(f"ticked={'Done' in str(ticked)}", flush=True)

    click(win, "#export")
    heading = "document.querySelector('h1')"
    wait_for(win, f"{heading} !== null && {heading}.textContent.indexOf('concern record') >= 0")
    exported = js(win, "return document.body.innerText;")
    print(f"export_has_narrative={NARRATIVE in str(exported)}", flush=True)

    js(win, "location.assign('/pro/settings'); return true;")
    wait_for(win, "document.querySelector('#lock-now') !== null")
    click(win, "#lock-now")
    wait_for(win, "location.pathname === '/pro/unlock'")
    print("locked=yes", flush=True)


def run_journey(win) -> None:
    try:
        journey(win)
    except Exception as err:  # reported to the test, which fails on it
        print(f"failed={err}", flush=True)


if __name__ == "__main__":
    sys.exit(run_in_window(run_journey))

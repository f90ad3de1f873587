"""Python and the extension's JS give identical guidance for every concern and age, on the real
file: the JS module is run by the real Node, not imitated."""

from __future__ import annotations

import json
import subprocess

from helper import guidance
from helper.errors import BadInput
from helper.paths import REPO_ROOT
from tests.guidance.conftest import RESOURCES, document

AGES = [None, *range(0, 21), 64, 120, -1, 121, 7.5, True, "10"]
SCRIPT = """
import { readFileSync } from "node:fs";
import { guidanceFor, general } from "./extension/lib/guidance.js";
const doc = JSON.parse(readFileSync(process.argv[1], "utf8"));
const [concerns, ages] = JSON.parse(process.argv[2]);
const out = [];
for (const c of concerns) for (const a of ages) {
  try { out.push({ ok: guidanceFor(c, a, doc) }); }
  catch (e) { out.push({ error: e.name }); }
}
process.stdout.write(JSON.stringify({ out, general: general(doc) }));
"""


def python_side(concerns: list, ages: list) -> list[dict]:
    doc = document()
    out = []
    for concern in concerns:
        for age in ages:
            try:
                out.append({"ok": guidance.guidance_for(concern, age, doc)})
            except BadInput:
                out.append({"error": "BadInput"})
    return out


def test_python_and_js_agree_on_every_concern_and_age():
    concerns = [c["id"] for c in document()["concerns"]] + ["adult-viewing-csam", "nope", 5]
    done = subprocess.run(
        [
            "node",
            "--input-type=module",
            "-e",
            SCRIPT,
            "--",
            str(RESOURCES / "guidance.json"),
            json.dumps([concerns, AGES]),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    js = json.loads(done.stdout)
    assert js["general"] == guidance.general(document())
    py = python_side(concerns, AGES)
    assert len(js["out"]) == len(py) == len(concerns) * len(AGES)
    for i, (a, b) in enumerate(zip(py, js["out"], strict=True)):
        assert a == b, (concerns[i // len(AGES)], AGES[i % len(AGES)])

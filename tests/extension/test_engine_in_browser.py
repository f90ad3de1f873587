"""The JS engine passes every case in resources/vectors.json inside the real browser (the
module the popup imports, from the packaged copy of the data), gives exactly what the Python
engine gives on the same answers, and untrusted knowledge-base text is shown as text only."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from helper import engine, extension_data, resources
from helper.errors import BadInput
from helper.paths import REPO_ROOT, resources_dir
from tests.extension.harness import ORIGIN, open_popup, packaged_copy, stub_the_web
from tests.support.browser import chromium_context
from tests.support.tools import require

VECTORS = resources_dir() / "vectors.json"

# [vectors, data]: `data` is where the knowledge base is read from, null for the extension's own
# data/ (the pocket web app, tests/pocket, passes its site's).
RUN_VECTORS = """async ([vectors, data]) => {
  const { route } = await import("/lib/engine.js");
  const { loadKnowledgeBase } = await import("/lib/knowledge.js");
  const { problemsWith } = await import("/vectors.mjs");
  const kb = await loadKnowledgeBase(data ?? undefined);
  return vectors.map((v) => {
    let result = null, error = null;
    try { result = route(v.answers, kb); } catch (e) { error = e; }
    return [v.name, problemsWith(v, result, error)];
  });
}"""


def test_every_vector_passes_in_the_real_browser(tmp_path, private_home):
    if not VECTORS.exists():
        pytest.fail("resources/vectors.json is missing")
    vectors = json.loads(VECTORS.read_text())
    # The vector checker is test code, so it rides in a test-only copy of the extension.
    extension = packaged_copy(tmp_path / "extension")
    (extension / "vectors.mjs").write_bytes((REPO_ROOT / "tests/js/vectors.mjs").read_bytes())
    with chromium_context(tmp_path / "profile", extension) as context:
        page = open_popup(context)
        outcomes = page.evaluate(RUN_VECTORS, [vectors, None])
    failed = {name: problems for name, problems in outcomes if problems}
    assert len(outcomes) == len(vectors)
    assert failed == {}


def all_answers(kb) -> list[dict]:
    """Every audience x allowed concern x a spread of ages x danger x a few platforms, plus bad
    answers: enough to catch any difference between the two engines."""
    answers = []
    platforms = [None, "https://www.instagram.com/x", "m.youtube.com", "notyoutube.com", "t.me"]
    for concern in kb["concerns"]["concerns"]:
        for audience in concern["audiences"]:
            for age in (None, 5, 12, 13, 15, 17, 18, 19, 40):
                for danger in (False, True):
                    for platform in platforms:
                        answers.append(
                            {
                                "audience": audience,
                                "concern": concern["id"],
                                "age": age,
                                "danger_now": danger,
                                "platform": platform,
                            }
                        )
    odd = [
        "",
        "  ",
        "javascript:alert(1)",
        "ftp://x.com",
        "WWW.TIKTOK.COM.",
        "a@b.reddit.com:99",
        "x..y",
        "\u212aa.com",
        "tiktok.com\n",
        "youtube.com\n/watch",
        7,
        ["x"],
    ]
    answers += [
        {"audience": "young-person", "concern": "grooming", "age": 14, "platform": p} for p in odd
    ]
    answers += [
        {"audience": "x", "concern": "grooming"},
        {"audience": "young-person", "concern": "x"},
        {"audience": "young-person", "concern": "grooming", "age": 14.5},
        {"audience": "young-person", "concern": "grooming", "age": True},
        {"audience": "young-person", "concern": "grooming", "danger_now": 1},
    ]
    return answers


def python_outcome(answers, loaded) -> object:
    try:
        return engine.route(answers, loaded).as_dict()
    except BadInput:
        return "BadInput"


def test_js_and_python_engines_agree_on_every_answer(tmp_path: Path):
    node = require("node", "the JS engine runs in Node here")
    kb = {
        n: json.loads((resources_dir() / f"{n}.json").read_text())
        for n in extension_data.ROUTING
    }
    cases = all_answers(kb)
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    script = tmp_path / "run.mjs"
    engine_js = json.dumps(str(REPO_ROOT / "extension/lib/engine.js"))
    knowledge_mjs = json.dumps(str(REPO_ROOT / "tests/js/knowledge.mjs"))
    cases_json = json.dumps(str(tmp_path / "cases.json"))
    script.write_text(
        f"import {{ readFileSync }} from 'node:fs';\n"
        f"import {{ route }} from {engine_js};\n"
        f"import {{ knowledgeBase }} from {knowledge_mjs};\n"
        "const kb = knowledgeBase();\n"
        f"const cases = JSON.parse(readFileSync({cases_json}, 'utf8'));\n"
        "const out = cases.map((a) => { try { return route(a, kb); }"
        " catch (e) { return e.name === 'BadInput' ? 'BadInput' : `crash: ${e}`; } });\n"
        "process.stdout.write(JSON.stringify(out));\n"
    )
    done = subprocess.run(
        [node, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    js = json.loads(done.stdout)
    loaded = resources.load()
    differ = [
        (case, py, got)
        for case, got in zip(cases, js, strict=True)
        if (py := python_outcome(case, loaded)) != got
    ]
    assert len(cases) > 1000
    assert differ[:3] == []


def hostile(data: Path) -> None:
    """Plant markup and a javascript: link in the packaged knowledge base."""
    services = json.loads((data / "services.json").read_text())
    for service in services["services"]:
        if service["id"] == "childline":
            service["name"] = "<img src=x onerror=alert(1)>Childline"
            service["url"] = "javascript:alert(document.domain)"
    (data / "services.json").write_text(json.dumps(services))


def test_hostile_knowledge_base_text_is_plain_text_and_the_link_is_refused(tmp_path, private_home):
    extension = packaged_copy(tmp_path / "extension", mutate_data=hostile)
    with chromium_context(tmp_path / "profile", extension) as context:
        asked = stub_the_web(context)
        page = open_popup(context)
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.click("[data-name='audience:young-person']")
        page.click("[data-name='concern:cyberbullying']")
        page.click("[data-name='age:13-17']")
        card = page.locator("li.card[data-route='childline']")
        card.wait_for()
        assert "<img src=x onerror=alert(1)>Childline" in card.locator("h2").inner_text()
        assert card.locator("img").count() == 0 and page.locator("img").count() == 0
        assert card.locator("a[target=_blank]").count() == 0  # only the tel: link is left
        assert "not safe" in card.inner_text()
        assert dialogs == [] and asked == []
        assert page.url.startswith(ORIGIN)

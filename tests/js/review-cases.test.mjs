// The independent reviewer's cases (tests/engine/review_cases.json) in the JavaScript engine:
// the routes that must and must not be shown, the first and the order. Their text checks run
// on the CLI's whole answer in tests/engine/test_review_cases.py.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { route } from "../../extension/lib/engine.js";
import { ROOT, knowledgeBase } from "./knowledge.mjs";

const kb = knowledgeBase();
const dir = join(ROOT, "tests", "engine");
const rounds = readdirSync(dir).filter((f) => /^review_cases.*\.json$/.test(f)).sort();
const disputed = JSON.parse(readFileSync(join(dir, "review_disputed.json"), "utf8")).cases;

for (const round of rounds) {
  const cases = JSON.parse(readFileSync(join(dir, round), "utf8"));
  describe(`independent review cases (routes), ${round}`, () => {
  for (const c of cases) {
    test(c.name, () => {
      const { borough: _ignored, ...answers } = c.args;
      const ids = route(answers, kb).routes.map((r) => r.id);
      const problems = [];
      for (const id of c.must ?? []) if (!ids.includes(id)) problems.push(`missing ${id}`);
      for (const id of c.must_not ?? []) if (ids.includes(id)) problems.push(`forbidden ${id}`);
      if (c.first && ids[0] !== c.first) problems.push(`first is ${ids[0]}, not ${c.first}`);
      for (const [a, b] of c.before ?? []) {
        if (!(ids.includes(a) && ids.includes(b) && ids.indexOf(a) < ids.indexOf(b))) problems.push(`${a} not before ${b}`);
      }
      if (c.name in disputed) return; // its routes may agree; the Python side checks it still fails
      assert.deepEqual(problems, []);
    });
  }
  });
}

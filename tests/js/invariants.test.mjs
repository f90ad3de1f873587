// resources/invariants.json over the whole space of answers, in the JavaScript engine (the same
// space and the same count as tests/engine/test_invariants.py).
import assert from "node:assert/strict";
import { test } from "node:test";
import { route } from "../../extension/lib/engine.js";
import { guidanceFor } from "../../extension/lib/guidance.js";
import { applies, broken, describe, shownTexts, space } from "./invariants.mjs";
import { knowledgeBase, readJson } from "./knowledge.mjs";

const kb = knowledgeBase();
const doc = readJson("invariants.json");
const guidance = readJson("guidance.json");

test("every invariant holds for every answer (JavaScript engine)", (t) => {
  let count = 0;
  const failures = [];
  for (const answers of space(doc, kb)) {
    count += 1;
    const result = route(answers, kb);
    const advice = answers.audience === "parent-carer" ? guidanceFor(answers.concern, answers.age, guidance) : null;
    const texts = shownTexts(result, advice);
    for (const inv of doc.invariants) {
      if (!applies(inv.when, answers, result)) continue;
      for (const what of broken(inv.then, answers, result, advice, kb, texts)) {
        failures.push(`${inv.id}: ${describe(answers)}: ${what}`);
      }
    }
  }
  t.diagnostic(`invariants: ${doc.invariants.length} checked over ${count} combinations of answers (JavaScript engine)`);
  assert.ok(count > 10000);
  assert.deepEqual(failures.slice(0, 40), []);
});

test("an invariant catches a result that breaks it", () => {
  const answers = { audience: "young-person", age: 14, concern: "grooming", platform: null, danger_now: true, taken_under_18: null };
  const result = route(answers, kb);
  const inv = doc.invariants.find((i) => i.id === "danger-now-999-first");
  assert.ok(applies(inv.when, answers, result));
  assert.deepEqual(broken(inv.then, answers, result, null, kb), []);
  result.routes.reverse();
  assert.notDeepEqual(broken(inv.then, answers, result, null, kb), []);
  const copy = doc.invariants.find((i) => i.id === "never-advise-copying-an-image");
  result.warnings.push({ id: "x", text: "Save the image to show the police." });
  assert.notDeepEqual(broken(copy.then, answers, result, null, kb), []);
});

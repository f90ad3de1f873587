// extension/lib/guidance.js against tests/guidance/vectors.json (the Python side runs the same
// file, and tests/guidance/test_parity.py compares both outputs for every concern and age).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { bandFor, guidanceFor, general, KEYS } from "../../extension/lib/guidance.js";
import { readJson, ROOT } from "./knowledge.mjs";

const doc = readJson("guidance.json");
const shared = JSON.parse(readFileSync(join(ROOT, "tests", "guidance", "vectors.json"), "utf8"));

/** The same checks as problems_with in tests/guidance/conftest.py. */
function problemsWith(vector, result, error) {
  if ("error" in vector) {
    if (!error) return ["expected BadInput, got a result"];
    return error.name === vector.error ? [] : [`expected ${vector.error}, got ${error.name}`];
  }
  if (error) return [`unexpected ${error.name}: ${error.message}`];
  if (vector.none) return result === null ? [] : [`expected no guidance, got band ${result.band}`];
  if (result === null) return ["expected guidance, got none"];
  const found = [];
  if (result.band !== vector.band) found.push(`band ${result.band}, not ${vector.band}`);
  for (const [key, pieces] of Object.entries(vector.includes ?? {})) {
    for (const p of pieces) if (!result[key].some((t) => t.includes(p))) found.push(`${key} lacks '${p}'`);
  }
  for (const [key, pieces] of Object.entries(vector.excludes ?? {})) {
    for (const p of pieces) if (result[key].some((t) => t.includes(p))) found.push(`${key} has '${p}'`);
  }
  for (const [key, piece] of Object.entries(vector.first ?? {})) {
    if (!result[key].length || !result[key][0].includes(piece)) found.push(`${key} does not start with '${piece}'`);
  }
  return found;
}

describe("shared guidance vectors", () => {
  for (const vector of shared.vectors) {
    test(vector.name, () => {
      let result = null;
      let error = null;
      try {
        result = guidanceFor(vector.concern, vector.age, doc);
      } catch (err) {
        error = err;
      }
      assert.deepEqual(problemsWith(vector, result, error), []);
    });
  }
  test("general sections", () => {
    assert.deepEqual(general(doc).map((s) => s.id), shared.general);
  });
});

describe("guidanceFor", () => {
  test("undefined age is unknown, like null", () => {
    assert.equal(bandFor(undefined, doc), "unknown");
    assert.deepEqual(guidanceFor("grooming", undefined, doc), guidanceFor("grooming", null, doc));
  });
  test("the answer has exactly the contract's keys, each a list of strings", () => {
    const result = guidanceFor("sextortion", 14, doc);
    assert.deepEqual(Object.keys(result), ["band", ...KEYS]);
    for (const key of KEYS) assert.ok(result[key].every((t) => typeof t === "string"));
  });
  test("the answer is a fresh copy: changing it leaves the document alone", () => {
    const result = guidanceFor("grooming", 10, doc);
    result.now.push("changed");
    result.avoid.length = 0;
    assert.ok(!guidanceFor("grooming", 10, doc).now.includes("changed"));
    assert.ok(guidanceFor("grooming", 10, doc).avoid.length > 0);
  });
  test("the common texts come first, then the band's, then the always texts", () => {
    const entry = doc.concerns.find((c) => c.id === "cyberbullying");
    const talk = guidanceFor("cyberbullying", 9, doc).talk;
    assert.deepEqual(talk, [...entry.common.talk, ...entry.bands["8-12"].talk, ...doc.always.talk]);
  });
  test("NaN and Infinity are not ages", () => {
    for (const age of [Number.NaN, Number.POSITIVE_INFINITY, -0.5]) {
      assert.throws(() => guidanceFor("grooming", age, doc), { name: "BadInput" });
    }
  });
});

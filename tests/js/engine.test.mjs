// The JS engine against resources/FORMAT.md: our own cases, then every case in vectors.json.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hostOf, route } from "../../extension/lib/engine.js";
import { knowledgeBase, vectors } from "./knowledge.mjs";
import { problemsWith } from "./vectors.mjs";

const kb = knowledgeBase();
const ids = (answers) => route(answers, kb).routes.map((r) => r.id);
const throwsBadInput = (answers) => assert.throws(() => route(answers, kb), { name: "BadInput" });

describe("routing", () => {
  test("danger now always puts 999 first", () => {
    for (const audience of ["young-person", "parent-carer", "professional"]) {
      assert.equal(ids({ audience, age: 14, concern: "cyberbullying", danger_now: true })[0], "police-999");
    }
  });
  test("fifteen-year-old is never sent to StopNCII, an adult is", () => {
    assert.ok(!ids({ audience: "young-person", age: 15, concern: "nude-image-shared" }).includes("stopncii"));
    assert.ok(ids({ audience: "young-person", age: 19, concern: "nude-image-shared" }).includes("stopncii"));
  });
  test("unknown age is a child under 18: under-18 services stay, adult ones never", () => {
    const got = ids({ audience: "parent-carer", age: null, concern: "nude-image-shared" });
    assert.ok(got.includes("report-remove") && !got.includes("stopncii"));
    const bullying = route({ audience: "parent-carer", age: null, concern: "cyberbullying" }, kb);
    const rhc = bullying.routes.find((r) => r.id === "report-harmful-content");
    assert.equal(rhc.condition, "If the child is 13 or over");
  });
  test("a young person must give an age", () => {
    throwsBadInput({ audience: "young-person", age: null, concern: "grooming" });
    throwsBadInput({ audience: "young-person", concern: "grooming" });
  });
  test("image taken under 18: Take It Down, never StopNCII", () => {
    const got = ids({ audience: "young-person", age: 19, concern: "nude-image-shared", taken_under_18: true });
    assert.ok(got.includes("take-it-down") && got.includes("iwf") && !got.includes("stopncii"));
    throwsBadInput({ audience: "young-person", age: 19, concern: "nude-image-shared", taken_under_18: "yes" });
  });
  test("every route carries hours, condition and limits", () => {
    const result = route({ audience: "parent-carer", age: 14, concern: "sextortion", platform: "whatsapp.com" }, kb);
    for (const r of result.routes) {
      assert.ok("hours" in r && "condition" in r && Array.isArray(r.limits), r.id);
    }
    assert.ok(result.routes.find((r) => r.id === "report-remove").limits.length >= 2);
    assert.equal(result.routes.find((r) => r.id === "nspcc-helpline").hours.length > 0, true);
    assert.deepEqual(result.parent_tools, kb.platforms.platforms.find((p) => p.id === "whatsapp").parent_tools ?? []);
  });
  test("a known platform adds its report route, on a label boundary only", () => {
    const on = route({ audience: "young-person", age: 14, concern: "cyberbullying", platform: "https://m.youtube.com/watch?v=x" }, kb);
    assert.equal(on.platform, "youtube");
    assert.ok(on.routes.some((r) => r.id === "platform:youtube" && r.why.includes("YouTube")));
    const lookalike = route({ audience: "young-person", age: 14, concern: "cyberbullying", platform: "notyoutube.com" }, kb);
    assert.equal(lookalike.platform, null);
    assert.equal(route({ audience: "young-person", age: 14, concern: "cyberbullying", platform: "youtube.com.evil.test" }, kb).platform, null);
  });
  test("procedure only for professionals, no duplicate routes", () => {
    assert.equal(route({ audience: "parent-carer", age: 10, concern: "grooming" }, kb).procedure.length, 0);
    const pro = route({ audience: "professional", age: 10, concern: "grooming" }, kb);
    assert.ok(pro.procedure.length > 0);
    const got = pro.routes.map((r) => r.id);
    assert.equal(new Set(got).size, got.length);
  });
  test("bad answers are BadInput", () => {
    throwsBadInput({ audience: "teacher", age: 10, concern: "grooming" });
    throwsBadInput({ audience: "young-person", age: 10, concern: "nope" });
    throwsBadInput({ audience: "young-person", age: 10, concern: "colleague-allegation" });
    throwsBadInput({ audience: "young-person", age: 10.5, concern: "grooming" });
    throwsBadInput({ audience: "young-person", age: "10", concern: "grooming" });
    throwsBadInput({ audience: "young-person", age: 121, concern: "grooming" });
    throwsBadInput({ audience: "young-person", age: 10, concern: "grooming", danger_now: "yes" });
    throwsBadInput({ audience: "young-person", age: 10, concern: "grooming", platform: "javascript:alert(1)" });
    throwsBadInput(null);
  });
});

describe("hostOf", () => {
  const cases = [
    ["https://User@WWW.Instagram.com.:8443/p?q#f", "www.instagram.com"],
    ["youtube.com/watch?v=1", "youtube.com"],
    ["youtube.com:8080", "youtube.com"],
    ["  tiktok.com  ", "tiktok.com"],
  ];
  for (const [input, host] of cases) test(`${input} -> ${host}`, () => assert.equal(hostOf(input), host));
  for (const bad of ["data:text/html,x", "file:///etc/passwd", "ftp://x.com", "ex ample.com", "", "a..b", "-a.com"]) {
    test(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => hostOf(bad), { name: "BadInput" }));
  }
});

describe("vectors.json", () => {
  const all = vectors();
  test("vectors.json exists", { skip: all === null ? "resources/vectors.json not written yet" : false }, () => {
    assert.ok(all.length > 0);
  });
  for (const vector of all ?? []) {
    test(vector.name, () => {
      let result = null;
      let error = null;
      try {
        result = route(vector.answers, kb);
      } catch (err) {
        error = err;
      }
      assert.deepEqual(problemsWith(vector, result, error), []);
    });
  }
});

// The popup's age choices (AGE_BANDS in extension/lib/flow.js, the one table of them) against
// what the engine and the parents' guidance expect. Every choice every audience is offered is
// checked by the words a person reads, against an age range written here independently of the
// table, so a choice read as the wrong age ("18 or over" as 18, "12 or under" as 13) fails.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ADULT_AGE, AGE_LIMITS, CHILD_AGES, asksTakenUnder18, route } from "../../extension/lib/engine.js";
import { AGE_BANDS, ageChoice, bandsFor, engineAnswers, screenFor } from "../../extension/lib/flow.js";
import { bandFor, guidanceFor } from "../../extension/lib/guidance.js";
import { knowledgeBase, readJson, ROOT } from "./knowledge.mjs";

const kb = knowledgeBase();
const guidance = readJson("guidance.json");
const MESSAGES = JSON.parse(readFileSync(join(ROOT, "extension", "_locales", "en", "messages.json"), "utf8"));
const words = (key) => MESSAGES[key]?.message;
const AUDIENCES = ["young-person", "parent-carer", "professional"];
const childline = kb.services.services.find((s) => s.id === "childline");

// What each audience reads, in order, and the engine age each must give: [low, high], or null
// for an unknown age. "18 or over" must be an adult's age (ADULT_AGE and over) and past
// Childline's last age (it is for under-19s), so that Childline is not offered to every adult.
// A parent's choice also names the guidance band it must give ("adult": a son or daughter of 18
// or over). Parents and professionals choose 7 or under or 8 to 12: a child under 8 cannot make
// a Report Remove report, so their routes part at 8.
const OVER_18 = [childline.for.age_max + 1, AGE_LIMITS[1]];
const EXPECTED = {
  "young-person": [
    ["12 or under", [0, 12]],
    ["13 to 17", [13, 17]],
    ["18 or over", OVER_18],
  ],
  "parent-carer": [
    ["7 or under", [0, 7], "under-8"],
    ["8 to 12", [8, 12], "8-12"],
    ["13 to 17", [13, 17], "13-17"],
    ["18 or over (an adult child)", OVER_18, "adult"],
    ["Not sure", null, "unknown"],
  ],
  professional: [
    ["7 or under", [0, 7]],
    ["8 to 12", [8, 12]],
    ["13 to 17", [13, 17]],
    ["18 or over", OVER_18],
    ["Not sure", null],
  ],
};

function concernsFor(audience) {
  return kb.concerns.concerns.filter((c) => c.audiences.includes(audience)).map((c) => c.id);
}

/** What a person is shown for these answers: routes (with their conditions and limits),
 * warnings and procedure steps. */
function shown(answers) {
  const result = route(answers, kb);
  return JSON.stringify([
    result.routes.map((r) => [r.id, r.condition, r.limits]),
    result.warnings.map((w) => w.id),
    result.procedure.map((p) => p.id),
  ]);
}

describe("every age choice of every audience gives the engine the right age", () => {
  for (const audience of AUDIENCES) {
    test(`${audience} is offered exactly these choices, in this order`, () => {
      const offered = bandsFor(audience).map((band) => words(band.label));
      assert.deepEqual(offered, EXPECTED[audience].map(([label]) => label));
    });
    for (const [label, range, guidanceBand] of EXPECTED[audience]) {
      test(`${audience}: "${label}"`, () => {
        const band = bandsFor(audience).find((b) => words(b.label) === label);
        assert.ok(band, `"${label}" is not offered`);
        assert.equal(ageChoice(audience, band.id), band);
        for (const concern of concernsFor(audience)) {
          const answers = { audience, ageBand: band.id, concern };
          assert.equal(screenFor(answers), "routes");
          const { age } = engineAnswers(answers, null);
          if (!["colleague-allegation", "adult-viewing-csam"].includes(concern)) {
            if (range === null) assert.equal(age, null, `${concern}: "${label}" is not an unknown age`);
            else {
              assert.ok(Number.isInteger(age), `${concern}: "${label}" gives no age`);
              assert.ok(range[0] <= age && age <= range[1], `"${label}" gives ${age}, not ${range[0]} to ${range[1]}`);
            }
          }
          assert.doesNotThrow(() => route(engineAnswers(answers, null), kb), `${concern}: the engine refuses it`);
        }
        const age = engineAnswers({ audience, ageBand: band.id, concern: "sextortion" }, null).age;
        // The engine's adult range: 18 and over is asked whether an image was taken under 18.
        const adult = range !== null && range[0] >= ADULT_AGE;
        assert.equal(asksTakenUnder18("sextortion", age), adult);
        if (audience === "parent-carer") {
          assert.equal(bandFor(age, guidance), guidanceBand);
          const advice = guidanceFor("sextortion", age, guidance);
          assert.equal(advice === null ? null : advice.band, guidanceBand);
        }
      });
    }
  }
  test("a parent's '18 or over' says what it means, in a line read with it", () => {
    const band = ageChoice("parent-carer", "18-plus");
    assert.ok(band.hint && words(band.hint), "no hint");
    assert.match(words(band.hint), /adult/);
  });
  test("a choice offered only to someone else is asked again, not guessed", () => {
    // A parent's remembered "12 or under" (from before parents had 7 or under and 8 to 12).
    assert.equal(ageChoice("parent-carer", "under-13"), null);
    assert.equal(screenFor({ audience: "parent-carer", ageBand: "under-13", concern: "grooming" }), "age");
    assert.equal(screenFor({ audience: "young-person", ageBand: "not-sure", concern: "grooming" }), "age");
    assert.equal(ageChoice("young-person", "under-8"), null);
  });
});

// Where the table's `ages` and the engine's routes part, and why. Anything else that differs
// between a choice's `age` and another age it stands for fails.
const KNOWN_DIFFERENCES = [
  { band: "18-plus", ages: [18, 18], why: "Childline takes 18-year-olds (under 19s); '18 or over' is read as 19" },
  { band: "18-plus", ages: [35, 120], concerns: ["self-harm"], why: "Papyrus HOPELINE247 is for under-35s" },
];

function known(band, age, concern) {
  return KNOWN_DIFFERENCES.some(
    (d) => d.band === band.id && d.ages[0] <= age && age <= d.ages[1] && (!d.concerns || d.concerns.includes(concern)),
  );
}

describe("the age table agrees with the engine and the guidance", () => {
  test("each choice's age is one of the ages its words stand for", () => {
    for (const band of AGE_BANDS) {
      if (band.age === null) assert.deepEqual(band.ages, CHILD_AGES, band.id);
      else assert.ok(band.ages[0] <= band.age && band.age <= band.ages[1], `${band.id}: ${band.age}`);
    }
  });
  test("each audience's choices cover every age the engine takes, once", () => {
    for (const audience of AUDIENCES) {
      const ranges = bandsFor(audience).filter((b) => b.age !== null).map((b) => b.ages);
      assert.equal(ranges[0][0], AGE_LIMITS[0], audience);
      for (let i = 1; i < ranges.length; i += 1) assert.equal(ranges[i][0], ranges[i - 1][1] + 1, audience);
      assert.equal(ranges.at(-1)[1], AGE_LIMITS[1], audience);
      assert.ok(ranges.some(([low]) => low === ADULT_AGE), `${audience}: no choice starts at ${ADULT_AGE}`);
    }
  });
  test("every age a choice stands for is shown what its age is shown (but for the known differences)", () => {
    for (const band of AGE_BANDS.filter((b) => b.age !== null)) {
      for (const audience of band.audiences) {
        for (const concern of concernsFor(audience)) {
          const expected = shown({ audience, concern, age: band.age });
          for (let age = band.ages[0]; age <= band.ages[1]; age += 1) {
            if (known(band, age, concern)) continue;
            assert.equal(shown({ audience, concern, age }), expected, `${audience}, ${concern}: ${band.id} at ${age}`);
          }
        }
      }
    }
  });
  test("the known differences are still real (remove one when the data no longer needs it)", () => {
    for (const d of KNOWN_DIFFERENCES) {
      const band = AGE_BANDS.find((b) => b.id === d.band);
      const concerns = d.concerns ?? concernsFor("young-person");
      const differs = concerns.some((concern) =>
        band.audiences.some((audience) =>
          kb.concerns.concerns.find((c) => c.id === concern).audiences.includes(audience) &&
          shown({ audience, concern, age: d.ages[0] }) !== shown({ audience, concern, age: band.age }),
        ),
      );
      assert.ok(differs, d.why);
    }
  });
  test("each of a parent's choices falls in one guidance band", () => {
    const ids = guidance.bands.map((b) => b.id);
    for (const band of bandsFor("parent-carer").filter((b) => b.age !== null && b.ages[0] < ADULT_AGE)) {
      const [low, high] = band.ages;
      assert.equal(bandFor(low, guidance), bandFor(high, guidance), band.id);
      assert.ok(ids.includes(bandFor(band.age, guidance)), band.id);
    }
    // and every guidance band is one choice, so none of the guidance is out of reach
    const offered = bandsFor("parent-carer").filter((b) => b.age !== null).map((b) => bandFor(b.age, guidance));
    for (const id of ids) assert.ok(offered.includes(id), `no parent's choice gives the ${id} guidance`);
  });
});

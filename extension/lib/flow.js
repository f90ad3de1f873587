// Which screen comes next. Pure, so "three clicks or fewer to routes" is proved in Node for every
// audience and concern, not hoped for: audience (1), concern (2), age (3), and each is skipped
// when already known (audience and age band remembered, only if the person turned remembering
// on in settings). The age comes after the concern so that it is not asked at all when the
// concern is about an adult.

// The age choices, in ONE table: who is offered each (in the order shown), its words (a key in
// _locales, and an optional one-line hint under it), the ages its words stand for (`ages`) and
// the one age the engine is given (`age`). tests/js/popup-logic.test.mjs holds this table
// against the engine's age bounds in resources/ (every age a choice stands for gets the routes
// its `age` gets, but for the exceptions named there) and against the parents' guidance bands
// (each of a parent's choices falls in one band: under 8, 8 to 12, 13 to 17).
// - Parents and professionals are offered "7 or under" and "8 to 12": a child under 8 cannot
//   make a Report Remove report (the IWF is offered instead), and parents' guidance differs too.
//   A young person's own routes do not change below 13, so they are offered "12 or under".
// - "18 or over" is given to the engine as 19: Childline is for under-19s, so it is not offered
//   to every adult (an 18-year-old misses Childline here, and is still sent to the adult routes).
//   A parent reads "18 or over (an adult child)" and a line on what that means.
// - "Not sure" is an unknown age: "a child under 18, age not known"; routes for part of that
//   range carry a condition ("If the child is under 13"). A young person knows their own age.
const YOUNG = "young-person";
const PARENT = "parent-carer";
const PRO = "professional";
const ADULT_MAX = 120; // the engine's oldest age (AGE_LIMITS in engine.js)

export const AGE_BANDS = deepFreeze([
  { id: "under-8", label: "age_under_8", audiences: [PARENT, PRO], ages: [0, 7], age: 7 },
  { id: "8-12", label: "age_8_12", audiences: [PARENT, PRO], ages: [8, 12], age: 12 },
  { id: "under-13", label: "age_under_13", audiences: [YOUNG], ages: [0, 12], age: 12 },
  { id: "13-17", label: "age_13_17", audiences: [YOUNG, PARENT, PRO], ages: [13, 17], age: 15 },
  { id: "18-plus", label: "age_18_plus", audiences: [YOUNG, PRO], ages: [18, ADULT_MAX], age: 19 },
  {
    id: "18-plus",
    label: "age_18_plus_parent",
    hint: "age_18_plus_parent_hint",
    audiences: [PARENT],
    ages: [18, ADULT_MAX],
    age: 19,
  },
  { id: "not-sure", label: "age_not_sure", audiences: [PARENT, PRO], ages: [0, 17], age: null },
]);

function deepFreeze(bands) {
  for (const band of bands) {
    Object.freeze(band.audiences);
    Object.freeze(band.ages);
    Object.freeze(band);
  }
  return Object.freeze(bands);
}

/** The age choices offered to an audience, in the order shown. */
export function bandsFor(audience) {
  return AGE_BANDS.filter((b) => b.audiences.includes(audience));
}

/** The audience's choice with this id, or null (never one offered only to someone else: a
 * parent's remembered "12 or under" from an older version is asked again). */
export function ageChoice(audience, id) {
  return bandsFor(audience).find((b) => b.id === id) ?? null;
}

export const SCREENS = Object.freeze(["audience", "concern", "age", "routes"]);

// Concerns about an adult (a colleague, an adult viewing images of children): the child's age
// does not change where to report them, so "How old is the child?" is not asked.
export const ADULT_CONCERNS = Object.freeze(["colleague-allegation", "adult-viewing-csam"]);

export function asksAge(concern) {
  return !ADULT_CONCERNS.includes(concern);
}

/** The screen to show for the answers so far. `ageBand` is a band id; undefined = not asked. */
export function screenFor({ audience, ageBand, concern }) {
  if (!audience) return "audience";
  if (!concern) return "concern";
  if (asksAge(concern) && !ageChoice(audience, ageBand)) return "age";
  return "routes";
}

/** The answers one step back: the last answer given is taken away. */
export function stepBack(answers) {
  const screen = screenFor(answers);
  if (screen === "routes" && asksAge(answers.concern)) return { ...answers, ageBand: null };
  if (screen === "routes" || screen === "age") return { ...answers, concern: null };
  if (screen === "concern") return { ...answers, audience: null, dangerNow: false };
  return answers;
}

/** The engine's answers from the popup's answers. */
export function engineAnswers({ audience, ageBand, concern, dangerNow, takenUnder18 }, host) {
  return {
    audience,
    age: asksAge(concern) ? (ageChoice(audience, ageBand)?.age ?? null) : null,
    concern,
    platform: host ?? null,
    danger_now: Boolean(dangerNow),
    // Asked only for 18 or over and the image concerns (asksTakenUnder18 in engine.js).
    taken_under_18: typeof takenUnder18 === "boolean" ? takenUnder18 : null,
  };
}

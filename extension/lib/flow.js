// Which screen comes next. Pure, so "three clicks or fewer to routes" is proved in Node for every
// audience and concern, not hoped for: audience (1), concern (2), age (3), and each is skipped
// when already known (audience and age band remembered, only if the person turned remembering
// on in settings). The age comes after the concern so that it is not asked at all when the
// concern is about an adult.

// Age bands a person picks instead of typing an exact age. Each band maps to one age that sits on
// the same side of the main age bounds in resources/ (12|13, 17|18 and 18|19), so the routes are
// the ones almost any age in the band would get. "18 or over" is read as 19: Childline is for
// under-19s, so it is not offered to every adult (an 18-year-old misses Childline here, and is
// still sent to the adult routes). "Not sure" is an unknown age: "a child under 18, age not
// known"; routes for part of that range carry a condition ("If the child is under 13").

export const AGE_BANDS = Object.freeze([
  { id: "under-13", age: 12, label: "age_under_13" },
  { id: "13-17", age: 15, label: "age_13_17" },
  { id: "18-plus", age: 19, label: "age_18_plus" },
  { id: "not-sure", age: null, label: "age_not_sure" },
]);

/** The bands offered to an audience: a young person knows their own age. */
export function bandsFor(audience) {
  return audience === "young-person" ? AGE_BANDS.filter((b) => b.id !== "not-sure") : AGE_BANDS;
}

export function bandById(id) {
  return AGE_BANDS.find((b) => b.id === id) ?? null;
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
  if (asksAge(concern) && !bandById(ageBand)) return "age";
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
    age: asksAge(concern) ? (bandById(ageBand)?.age ?? null) : null,
    concern,
    platform: host ?? null,
    danger_now: Boolean(dangerNow),
    // Asked only for 18 or over and the image concerns (asksTakenUnder18 in engine.js).
    taken_under_18: typeof takenUnder18 === "boolean" ? takenUnder18 : null,
  };
}

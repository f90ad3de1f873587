// Guidance for parents and carers (resources/guidance.json, described in resources/GUIDANCE.md).
//
// A pure ES module: no DOM, no chrome.*. helper/guidance.py implements the same function; both
// pass tests/guidance/vectors.json and a parity test compares their output for every concern and
// age, so when you change one, change the other.

export const KEYS = Object.freeze(["now", "avoid", "talk", "support"]);
export const UNKNOWN = "unknown";
export const ADULT = "adult";
const MAX_AGE = 120; // the engine's age range is 0..120; 18 and over gets no children's guidance

/** An invalid argument. `name` is "BadInput", as in the engine, so callers can tell it from a bug. */
export class BadInput extends Error {
  constructor(message) {
    super(message);
    this.name = "BadInput";
  }
}

/** "under-8", "8-12", "13-17", "unknown" (age null or undefined), "adult" (18 and over) or null. */
export function bandFor(age, document) {
  if (age === null || age === undefined) return UNKNOWN;
  if (!Number.isInteger(age) || age < 0 || age > MAX_AGE) {
    throw new BadInput(`age must be a whole number from 0 to ${MAX_AGE}, or unknown`);
  }
  const band = document.bands.find((b) => b.age_min <= age && age <= b.age_max);
  if (band) return band.id;
  return "adult" in document ? ADULT : null;
}

/**
 * The guidance for one concern and one child's age, or null when there is none:
 * {band, now, avoid, talk, support}. Each list is the concern's common texts, then its band's,
 * then the file's `always` texts, each text once. Age null means a child of unknown age.
 */
export function guidanceFor(concern, age, document) {
  if (typeof concern !== "string") throw new BadInput("concern must be a concern id such as grooming");
  const band = bandFor(age, document);
  if (band === null) return null;
  const entry = document.concerns.find((c) => c.id === concern);
  if (!entry) return null;
  // A son or daughter of 18 or over gets adult texts only: children's advice does not fit.
  const parts =
    band === ADULT
      ? [document.adult ?? {}, entry.adult ?? {}]
      : [entry.common ?? {}, entry.bands[band] ?? {}, document.always ?? {}];
  const result = { band };
  for (const key of KEYS) {
    const texts = [];
    for (const part of parts) {
      for (const text of part[key] ?? []) if (!texts.includes(text)) texts.push(text);
    }
    result[key] = texts;
  }
  return result;
}

/** The sections that are not about one concern: [{id, title, texts}], in file order. */
export function general(document) {
  return document.general.map((s) => ({ id: s.id, title: s.title, texts: [...s.texts] }));
}

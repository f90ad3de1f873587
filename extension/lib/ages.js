// Age bands a person picks instead of typing an exact age. Each band maps to one age that sits on
// the same side of every age bound in resources/ (12|13 and 17|18), so the routes are the ones
// any age in the band would get. "Not sure" is an unknown age: age-limited routes are left out.

export const AGE_BANDS = Object.freeze([
  { id: "under-13", age: 12, label: "age_under_13" },
  { id: "13-17", age: 15, label: "age_13_17" },
  { id: "18-plus", age: 18, label: "age_18_plus" },
  { id: "not-sure", age: null, label: "age_not_sure" },
]);

/** The bands offered to an audience: a young person knows their own age. */
export function bandsFor(audience) {
  return audience === "young-person" ? AGE_BANDS.filter((b) => b.id !== "not-sure") : AGE_BANDS;
}

export function bandById(id) {
  return AGE_BANDS.find((b) => b.id === id) ?? null;
}

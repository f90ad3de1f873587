// resources/invariants.json in the JavaScript engine: the same vocabulary as helper/invariants.py
// (described in resources/INVARIANTS.md), written again here so each engine is judged by code of
// its own language, and the admission check is written apart from the engine's `admits`.
import { AGE_LIMITS, AGE_REQUIRED, AUDIENCES, ADULT_AGE, CHILD_AGES, asksTakenUnder18 } from "../../extension/lib/engine.js";

const EMERGENCY = "police-999";
const NATION_NAMES = { england: "England", wales: "Wales", scotland: "Scotland", "northern-ireland": "Northern Ireland" };

/** The procedure steps that are a 999 call (every nation has its own). */
function emergencySteps(kb) {
  return new Set(kb.procedure.steps.filter((s) => s.service === EMERGENCY).map((s) => s.id));
}

/** The places of `space`, each {nation, london, ages}; one without `ages` takes age_min..age_max. */
export function places(doc) {
  const every = [];
  for (let age = doc.space.age_min; age <= doc.space.age_max; age += 1) every.push(age);
  return doc.space.places.map((p) => ({ nation: p.nation, london: p.london, ages: p.ages ?? every }));
}
const SENTENCE_END = /[.!?]+\s+/;

/** Every answer the invariants are checked over, in the same order as the Python side. */
export function* space(doc, kb) {
  for (const place of places(doc)) yield* spaceAt(doc, kb, place);
}

function* spaceAt(doc, kb, place) {
  const { platforms } = doc.space;
  for (const audience of AUDIENCES) {
    const ages = AGE_REQUIRED.includes(audience) ? [] : [null];
    ages.push(...place.ages);
    for (const entry of kb.concerns.concerns) {
      if (!entry.audiences.includes(audience)) continue;
      for (const age of ages) {
        const takenChoices = asksTakenUnder18(entry.id, age) ? [false, true] : [null];
        for (const danger of [false, true]) {
          for (const taken of takenChoices) {
            for (const platform of platforms) {
              yield {
                audience,
                age,
                concern: entry.id,
                platform,
                danger_now: danger,
                taken_under_18: taken,
                nation: place.nation,
                london: place.london,
              };
            }
          }
        }
      }
    }
  }
}

/** Whether an invariant is about these answers (an age bound holds for an unknown age when some child's age is within it). */
export function applies(when, answers, result) {
  const age = answers.age;
  if ("audiences" in when && !when.audiences.includes(answers.audience)) return false;
  if ("concerns" in when && !when.concerns.includes(answers.concern)) return false;
  const [low, high] = age === null ? CHILD_AGES : [age, age];
  if (low > (when.age_max ?? high) || high < (when.age_min ?? low)) return false;
  if ("age_known" in when && (age !== null) !== when.age_known) return false;
  if ("danger_now" in when && answers.danger_now !== when.danger_now) return false;
  if ("taken_under_18" in when && (answers.taken_under_18 === true) !== when.taken_under_18) return false;
  if ("platforms" in when && !when.platforms.includes(result.platform)) return false;
  if ("nations" in when && !when.nations.includes(answers.nation)) return false;
  if ("london" in when && answers.london !== when.london) return false;
  const unknown = answers.platform !== null && result.platform === null;
  return !("platform_unknown" in when && unknown !== when.platform_unknown);
}

/** Every text a person is shown for one answer. */
export function shownTexts(result, advice) {
  const texts = [];
  for (const r of result.routes) {
    texts.push(r.name, r.why, ...r.steps, ...r.limits);
    for (const t of [r.condition, r.hours]) if (t) texts.push(t);
  }
  for (const w of result.warnings) texts.push(w.text);
  for (const p of result.procedure) texts.push(p.title, p.text);
  for (const tool of result.parent_tools) texts.push(tool.name, tool.what);
  for (const key of ["now", "avoid", "talk", "support"]) texts.push(...((advice ?? {})[key] ?? []));
  return texts;
}

const compiled = new Map();
function found(pattern, text) {
  if (!compiled.has(pattern)) compiled.set(pattern, new RegExp(pattern, "i"));
  return compiled.get(pattern).test(text);
}

/** Whether a service's own entry takes these answers (written apart from the engine's). */
export function admitted(service, answers) {
  const who = service.for;
  const taken = answers.taken_under_18 === true;
  if (!who.audiences.includes(answers.audience) || !who.concerns.includes(answers.concern)) return false;
  if (!who.nations.includes(answers.nation)) return false;
  if (taken && who.taken_under_18 === "refuses") return false;
  if (taken && who.taken_under_18 === "admits") return true;
  const low = who.age_min ?? 0;
  const high = who.age_max ?? AGE_LIMITS[1];
  if (answers.age === null) return low <= CHILD_AGES[1] && high >= CHILD_AGES[0];
  return low <= answers.age && answers.age <= high;
}

function first(items) {
  return items.length ? items[0] : "missing";
}

function firstNot(items, skip, allowed, what) {
  const rest = items.filter((i) => !skip.has(i));
  return rest.length && allowed.includes(rest[0]) ? [] : [`the first ${what} after 999 is ${first(rest)}`];
}

function duplicates(routes) {
  const ids = routes.map((r) => r.id);
  const out = [...new Set(ids.filter((i, k) => ids.indexOf(i) !== k))].sort().map((i) => `route ${i} twice`);
  for (const r of routes) {
    const repeated = new Set(r.steps.filter((s, k) => r.steps.indexOf(s) !== k));
    for (const s of repeated) out.push(`${r.id} repeats ${JSON.stringify(s)}`);
  }
  return out;
}

const byKb = new WeakMap();
function servicesOf(kb) {
  if (!byKb.has(kb)) byKb.set(kb, new Map(kb.services.services.map((s) => [s.id, s])));
  return byKb.get(kb);
}

/** What in `result` breaks `then`, as short phrases (empty when it holds). */
export function broken(then, answers, result, advice, kb, texts = shownTexts(result, advice)) {
  const routes = result.routes;
  const ids = routes.map((r) => r.id);
  const byId = new Map(routes.map((r) => [r.id, r]));
  const warnings = result.warnings.map((w) => w.id);
  const steps = result.procedure.map((p) => p.id);
  const services = servicesOf(kb);
  const isService = (i) => !i.startsWith("platform:");
  const checks = {
    first_route: (v) => (ids.length && v.includes(ids[0]) ? [] : [`the first route is ${first(ids)}`]),
    first_after_999: (v) => firstNot(ids, new Set([EMERGENCY]), v, "route"),
    first_procedure_after_999: (v) => firstNot(result.procedure.map((p) => p.id), emergencySteps(kb), v, "procedure step"),
    first_procedure: (v) => (steps.length && v.includes(steps[0]) ? [] : [`the first procedure step is ${first(steps)}`]),
    all_procedure: (v) => v.filter((i) => !steps.includes(i)).map((i) => `no procedure step ${i}`),
    procedure_section_match: (v) =>
      result.procedure.some((p) => found(v, p.section)) ? [] : [`no procedure step cites ${JSON.stringify(v)}`],
    no_procedure_section_match: (v) =>
      result.procedure.filter((p) => found(v, p.section)).map((p) => `${p.id} cites ${JSON.stringify(p.section)}`),
    all_routes: (v) => v.filter((i) => !ids.includes(i)).map((i) => `no route ${i}`),
    some_route: (v) => (v.some((i) => ids.includes(i)) ? [] : [`none of ${v.join(", ")}`]),
    no_route: (v) => v.filter((i) => ids.includes(i)).map((i) => `route ${i} is shown`),
    route_before: (v) =>
      v.filter(([a, b]) => ids.includes(a) && ids.includes(b) && ids.indexOf(a) > ids.indexOf(b)).map(([a, b]) => `${a} comes after ${b}`),
    route_steps_match: (v) =>
      Object.entries(v)
        .filter(([i, p]) => !byId.has(i) || !found(p, byId.get(i).steps.join(" ")))
        .map(([i, p]) => `${i}'s steps do not say ${JSON.stringify(p)}`),
    route_steps_no_match: (v) =>
      Object.entries(v)
        .filter(([i, p]) => byId.has(i) && found(p, byId.get(i).steps.join(" ")))
        .map(([i, p]) => `${i}'s steps say ${JSON.stringify(p)}`),
    route_condition_match: (v) =>
      Object.entries(v)
        .filter(([i, p]) => byId.has(i) && !(byId.get(i).condition && found(p, byId.get(i).condition)))
        .map(([i, p]) => `${i} has no condition saying ${JSON.stringify(p)}`),
    route_limited: (v) => v.filter((i) => byId.has(i) && byId.get(i).limits.length === 0).map((i) => `${i} shows no limit`),
    routes_admit: () => ids.filter((i) => isService(i) && !admitted(services.get(i), answers)).map((i) => `${i} does not take these answers`),
    no_adult_only_service: () =>
      ids.filter((i) => isService(i) && (services.get(i).for.age_min ?? 0) >= ADULT_AGE).map((i) => `${i} is for adults only`),
    some_warning: (v) => (v.some((i) => warnings.includes(i)) ? [] : [`no warning ${v.join(", ")}`]),
    no_warning: (v) => v.filter((i) => warnings.includes(i)).map((i) => `warning ${i} is shown`),
    first_warning: (v) => (warnings.length && v.includes(warnings[0]) ? [] : [`the first warning is ${first(warnings)}`]),
    no_text_match: (v) => v.filter((p) => texts.some((t) => found(p, t))).map((p) => `a text says ${JSON.stringify(p)}`),
    negated_sentences: (v) =>
      texts
        .flatMap((t) => t.split(SENTENCE_END))
        .filter((s) => found(v.pattern, s) && !found(v.negation, s))
        .map((s) => `unnegated: ${JSON.stringify(s)}`),
    guidance_band: (v) => (advice && advice.band === v ? [] : [`the guidance band is ${advice ? advice.band : "none"}`]),
    no_duplicates: () => duplicates(routes),
  };
  return Object.entries(then).flatMap(([key, value]) => checks[key](value));
}

/** The answers as a reader would say them, for a failure message. */
export function describe(answers) {
  const parts = [answers.audience, answers.age === null ? "age not known" : `age ${answers.age}`, answers.concern];
  if (answers.danger_now) parts.push("danger now");
  if (answers.taken_under_18) parts.push("taken under 18");
  if (answers.platform) parts.push(`on ${answers.platform}`);
  parts.push(`in ${answers.london ? "London" : NATION_NAMES[answers.nation]}`);
  return parts.join(", ");
}

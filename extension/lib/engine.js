// The routing engine: answers + knowledge base -> the routes a person should take, in order.
//
// This is resources/FORMAT.md, step by step, as a pure ES module: no DOM, no chrome.*, no clock.
// helper/engine.py implements the same contract; both must pass resources/vectors.json, and a
// parity test runs both over the same answers, so when you change one, change the other.

export const AUDIENCES = Object.freeze(["young-person", "parent-carer", "professional"]);
export const AGE_LIMITS = Object.freeze([0, 120]);
// Where the child lives: it decides the procedure, the front door and which services cover it.
export const NATIONS = Object.freeze(["england", "wales", "scotland", "northern-ireland"]);
// Answers without a place get London's chapter, as before nations were asked.
export const DEFAULT_NATION = "england";

// Kept character for character in step with helper/engine.py (a parity test compares them).
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const OTHER_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:(?![0-9])/;
const PORT = /:[0-9]{1,5}$/;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const ASCII = /^[\x00-\x7f]*$/;
// Only ASCII whitespace is trimmed (String.prototype.trim would also take Unicode spaces).
const EDGE_SPACE = /^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g;

function trimAscii(text) {
  return text.replace(EDGE_SPACE, "");
}

/** An invalid answer. `name` is "BadInput" so callers can tell it from a bug. */
export class BadInput extends Error {
  constructor(message) {
    super(message);
    this.name = "BadInput";
  }
}

function platformMessage(platform) {
  const shown = platform.length <= 60 ? platform : `${platform.slice(0, 57)}...`;
  return (
    `platform "${shown}" is not a web address: give a host name like youtube.com ` +
    "or a link starting with https://"
  );
}

/**
 * The lower-case host of a host name or http(s) URL. A scheme-less value is read as a host with
 * an optional path, because that is what people paste; javascript:, data: and file: are refused.
 */
export function hostOf(platform) {
  if (typeof platform !== "string") {
    throw new BadInput("platform must be a host name like youtube.com or an http(s) link");
  }
  let text = trimAscii(platform);
  const scheme = SCHEME.exec(text);
  if (scheme) {
    const name = scheme[1].toLowerCase();
    if (name !== "http" && name !== "https") throw new BadInput(platformMessage(platform));
    text = text.slice(scheme[0].length);
  } else if (OTHER_SCHEME.test(text)) {
    throw new BadInput(platformMessage(platform));
  }
  const authority = text.split(/[/?#\\]/, 1)[0];
  let host = authority.slice(authority.lastIndexOf("@") + 1);
  const port = PORT.exec(host);
  if (port) host = host.slice(0, port.index);
  // Checked before lower-casing: "\u212a" (Kelvin sign) lower-cases to an ASCII "k".
  if (!ASCII.test(host)) throw new BadInput(platformMessage(platform));
  host = host.toLowerCase();
  if (host.endsWith(".")) host = host.slice(0, -1);
  const labels = host.split(".");
  if (!host || host.length > 253 || !labels.every((label) => LABEL.test(label))) {
    throw new BadInput(platformMessage(platform));
  }
  return host;
}

/** The platform owning `host`: the host itself or a subdomain of it, never a lookalike. */
export function matchPlatform(host, kb) {
  for (const platform of kb.platforms.platforms) {
    for (const known of platform.hosts) {
      if (host === known || host.endsWith(`.${known}`)) return platform;
    }
  }
  return null;
}

export const ADULT_AGE = 18;
// An unknown age (parents and professionals only) means "a child under 18, age not known".
export const CHILD_AGES = Object.freeze([0, ADULT_AGE - 1]);
export const AGE_REQUIRED = Object.freeze(["young-person"]);
export const IMAGE_CONCERNS = Object.freeze(["nude-image-shared", "sextortion", "ai-nude-image"]);

function checkAge(value, audience) {
  const [low, high] = AGE_LIMITS;
  if (value === null || value === undefined) {
    if (AGE_REQUIRED.includes(audience)) {
      throw new BadInput(`age is needed for ${audience}: a whole number from ${low} to ${high}`);
    }
    return null;
  }
  if (typeof value !== "number" || !Number.isInteger(value) || value < low || value > high) {
    throw new BadInput(`age must be a whole number from ${low} to ${high}, got ${String(value)}`);
  }
  return value;
}

/** Whether "was the image taken before you (they) were 18?" applies to these answers. */
export function asksTakenUnder18(concern, age) {
  return IMAGE_CONCERNS.includes(concern) && age !== null && age >= ADULT_AGE;
}

/** Answers checked and normalised, or BadInput naming the valid choices. */
export function validate(answers, kb) {
  if (answers === null || typeof answers !== "object" || Array.isArray(answers)) {
    throw new BadInput("answers must be an object with audience, age and concern");
  }
  const { audience, concern } = answers;
  if (!AUDIENCES.includes(audience)) {
    throw new BadInput(`unknown audience "${audience}": choose one of ${AUDIENCES.join(", ")}`);
  }
  const concerns = kb.concerns.concerns;
  const ids = concerns.map((c) => c.id);
  if (typeof concern !== "string" || !ids.includes(concern)) {
    throw new BadInput(`unknown concern "${concern}": choose one of ${ids.join(", ")}`);
  }
  const openTo = concerns.filter((c) => c.audiences.includes(audience)).map((c) => c.id);
  if (!openTo.includes(concern)) {
    throw new BadInput(
      `the concern "${concern}" is not open to ${audience}: choose one of ${openTo.join(", ")}`,
    );
  }
  const age = checkAge(answers.age, audience);
  const dangerNow = answers.danger_now ?? false;
  if (typeof dangerNow !== "boolean") throw new BadInput("danger_now must be true or false");
  let taken = answers.taken_under_18 ?? null;
  if (taken !== null && typeof taken !== "boolean") {
    throw new BadInput("taken_under_18 must be true, false or left out");
  }
  if (!asksTakenUnder18(concern, age)) taken = null;
  let platform = answers.platform ?? null;
  if (typeof platform === "string" && !trimAscii(platform)) platform = null;
  if (platform !== null) platform = hostOf(platform);
  const nation = answers.nation ?? DEFAULT_NATION;
  if (typeof nation !== "string" || !NATIONS.includes(nation)) {
    throw new BadInput(`unknown nation "${nation}": choose one of ${NATIONS.join(", ")}`);
  }
  const london = answers.london ?? true;
  if (typeof london !== "boolean") throw new BadInput("london must be true or false");
  return {
    audience,
    age,
    concern,
    platform,
    danger_now: dangerNow,
    taken_under_18: taken,
    nation,
    london: london && nation === "england",
  };
}

function ages(answers) {
  return answers.age === null ? CHILD_AGES : [answers.age, answers.age];
}

/** The age range every one of these `when`/`for` objects allows (missing bounds are open). */
function bound(...conditions) {
  let [low, high] = AGE_LIMITS;
  for (const c of conditions) {
    if (c.age_min !== undefined) low = Math.max(low, c.age_min);
    if (c.age_max !== undefined) high = Math.min(high, c.age_max);
  }
  return [low, high];
}

function intersect(a, b) {
  return [Math.max(a[0], b[0]), Math.min(a[1], b[1])];
}

function overlap(answers, range) {
  const [low, high] = intersect(ages(answers), range);
  return low <= high ? [low, high] : null;
}

/**
 * null when every age the answers allow is inside `range`; otherwise the words that say for
 * which ages a route applies ("If the child is under 13"). Only an unknown age needs them.
 */
export function ageCondition(answers, range) {
  const within = overlap(answers, range);
  const all = ages(answers);
  if (within === null || (within[0] === all[0] && within[1] === all[1])) return null;
  const [low, high] = within;
  if (low === CHILD_AGES[0]) return `If the child is under ${high + 1}`;
  if (high === CHILD_AGES[1]) return `If the child is ${low} or over`;
  if (low === high) return `If the child is ${low}`;
  return `If the child is ${low} to ${high}`;
}

/**
 * Whether a condition holds. An age bound holds for an unknown age when some child's age (0 to 17)
 * is within it: a route then carries a condition saying so. `platform` is the matched id or null.
 */
export function holds(when, answers, platform) {
  if ("audiences" in when && !when.audiences.includes(answers.audience)) return false;
  if ("concerns" in when && !when.concerns.includes(answers.concern)) return false;
  if (("age_min" in when || "age_max" in when) && overlap(answers, bound(when)) === null) return false;
  if ("danger_now" in when && answers.danger_now !== when.danger_now) return false;
  if ("taken_under_18" in when && (answers.taken_under_18 === true) !== when.taken_under_18) return false;
  if ("platforms" in when && !when.platforms.includes(platform)) return false;
  if ("nations" in when && !when.nations.includes(answers.nation)) return false;
  if ("london" in when && answers.london !== when.london) return false;
  return !("platform_known" in when && (platform !== null) !== when.platform_known);
}

function serviceBound(service, answers) {
  if (answers.taken_under_18 === true && service.for.taken_under_18 === "admits") return AGE_LIMITS;
  return bound(service.for);
}

/** Whether a service can take this person and concern; one that cannot is never offered. */
export function admits(service, answers) {
  const who = service.for;
  if (!who.audiences.includes(answers.audience) || !who.nations.includes(answers.nation)) return false;
  if (answers.taken_under_18 === true && who.taken_under_18 === "refuses") return false;
  if (overlap(answers, serviceBound(service, answers)) === null) return false;
  return who.concerns.includes(answers.concern);
}

/**
 * The service's steps for this audience: the first `steps_when` entry that holds and has steps for
 * the audience (999 asks for an ambulance for self-harm), else its plain `steps`.
 */
export function serviceSteps(service, answers, platform) {
  for (const variant of service.steps_when ?? []) {
    if (answers.audience in variant.steps && holds(variant.when, answers, platform)) {
      return [...variant.steps[answers.audience]];
    }
  }
  return [...((service.steps ?? {})[answers.audience] ?? [])];
}

/** The texts in order with exact repeats left out (a platform's report and block steps may share one). */
export function once(texts) {
  return [...new Set(texts)];
}

// The route id for an app that is named but not in platforms.json.
export const UNKNOWN_PLATFORM = "platform:unknown";

function serviceRoute(service, rule, answers, platform) {
  const audience = answers.audience;
  const range = intersect(bound(rule.when), serviceBound(service, answers));
  return {
    id: service.id,
    name: service.name,
    url: service.url ?? null,
    phone: service.phone ?? null,
    hours: service.hours ?? null,
    why: rule.why[audience],
    steps: serviceSteps(service, answers, platform),
    condition: (rule.condition ?? {})[audience] || ageCondition(answers, range),
    limits: (service.limits ?? [])
      .filter((limit) => audience in limit.text && holds(limit.when, answers, platform))
      .map((limit) => limit.text[audience]),
  };
}

function platformRoute(platform, rule, answers) {
  const s = platform.steps;
  return {
    id: `platform:${platform.id}`,
    name: platform.name,
    url: platform.report_url,
    phone: null,
    hours: null,
    why: rule.why[answers.audience].replaceAll("{platform}", platform.name),
    steps: once([...s.report_message, ...s.report_account, ...s.report_post, ...s.block]),
    condition: null,
    limits: [],
  };
}

/** An app Waymark does not know gets one line: its own report button, evidence first. */
function unknownPlatformRoute(rule, answers) {
  return {
    id: UNKNOWN_PLATFORM,
    name: rule.name,
    url: null,
    phone: null,
    hours: null,
    why: rule.why[answers.audience],
    steps: [...(rule.steps[answers.audience] ?? [])],
    condition: null,
    limits: [],
  };
}

/**
 * One route per id, from candidates already in order: the first without a condition where there
 * is one. Where every candidate for an id has a condition, the route applies if any of them
 * holds, so it keeps the first one's place and says each condition once, in order.
 */
export function onePerId(candidates) {
  const unconditional = new Set(candidates.filter((c) => c.route.condition === null).map((c) => c.route.id));
  const kept = new Map();
  const conditions = new Map();
  for (const { route: candidate } of candidates) {
    if (unconditional.has(candidate.id)) {
      if (candidate.condition === null && !kept.has(candidate.id)) kept.set(candidate.id, candidate);
      continue;
    }
    if (!kept.has(candidate.id)) kept.set(candidate.id, candidate);
    const said = conditions.get(candidate.id) ?? [];
    if (!said.includes(candidate.condition)) said.push(candidate.condition);
    conditions.set(candidate.id, said);
  }
  return [...kept.values()].map((r) =>
    conditions.has(r.id) ? { ...r, condition: joinConditions(conditions.get(r.id)) } : r,
  );
}

function isLower(ch) {
  return ch !== "" && ch === ch.toLowerCase() && ch !== ch.toUpperCase();
}

/**
 * Several conditions as one sentence: the first as written, the others after "; or ", lower-cased
 * at the start unless they start with a name in capitals ("CEOP").
 */
export function joinConditions(conditions) {
  const rest = conditions.slice(1).map((c) => (isLower(c.slice(1, 2)) ? c.slice(0, 1).toLowerCase() + c.slice(1) : c));
  return [conditions[0], ...rest].join("; or ");
}

function compareKeys(a, b) {
  return a.key[0] - b.key[0] || a.key[1] - b.key[1];
}

/**
 * Routes, warnings and (for professionals) procedure steps, by resources/FORMAT.md.
 * `kb` holds the knowledge-base files as parsed: {concerns, services, platforms, routes, procedure}.
 */
export function route(answers, kb) {
  const checked = validate(answers, kb);
  const platform = checked.platform ? matchPlatform(checked.platform, kb) : null;
  const platformId = platform ? platform.id : null;
  const services = new Map(kb.services.services.map((s) => [s.id, s]));
  const candidates = [];
  kb.routes.rules.forEach((rule, index) => {
    const service = services.get(rule.service);
    if (holds(rule.when, checked, platformId) && admits(service, checked)) {
      candidates.push({ key: [rule.priority, index], route: serviceRoute(service, rule, checked, platformId) });
    }
  });
  const platformRule = kb.routes.platform_rule;
  if (platform !== null && holds(platformRule.when, checked, platformId)) {
    candidates.push({ key: [platformRule.priority, -1], route: platformRoute(platform, platformRule, checked) });
  }
  const unknownRule = kb.routes.unknown_platform_rule;
  if (checked.platform && platform === null && holds(unknownRule.when, checked, null)) {
    candidates.push({ key: [unknownRule.priority, -1], route: unknownPlatformRoute(unknownRule, checked) });
  }
  candidates.sort(compareKeys);
  const routes = onePerId(candidates);
  const warnings = kb.routes.warnings
    .filter((w) => holds(w.when, checked, platformId))
    .map((w) => ({ id: w.id, text: w.text[checked.audience] }));
  const procedure =
    checked.audience === "professional"
      ? kb.procedure.steps
          .filter((s) => holds(s.when, checked, platformId))
          .map((s) => ({ id: s.id, title: s.title, text: s.text, service: s.service ?? null, section: s.section }))
      : [];
  const parentTools =
    platform !== null && checked.audience === "parent-carer"
      ? (platform.parent_tools ?? []).map((t) => ({ name: t.name, url: t.url, what: t.what }))
      : [];
  return { routes, warnings, procedure, platform: platformId, parent_tools: parentTools };
}

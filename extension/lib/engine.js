// The routing engine: answers + knowledge base -> the routes a person should take, in order.
//
// This is resources/FORMAT.md, step by step, as a pure ES module: no DOM, no chrome.*, no clock.
// helper/engine.py implements the same contract; both must pass resources/vectors.json, and a
// parity test runs both over the same answers, so when you change one, change the other.

export const AUDIENCES = Object.freeze(["young-person", "parent-carer", "professional"]);
export const AGE_LIMITS = Object.freeze([0, 120]);

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

function checkAge(value) {
  const [low, high] = AGE_LIMITS;
  if (value === null || value === undefined) return null;
  if (typeof value !== "number" || !Number.isInteger(value) || value < low || value > high) {
    throw new BadInput(`age must be a whole number from ${low} to ${high}, got ${String(value)}`);
  }
  return value;
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
  const age = checkAge(answers.age);
  let dangerNow = answers.danger_now ?? false;
  if (typeof dangerNow !== "boolean") throw new BadInput("danger_now must be true or false");
  let platform = answers.platform ?? null;
  if (typeof platform === "string" && !trimAscii(platform)) platform = null;
  if (platform !== null) platform = hostOf(platform);
  return { audience, age, concern, platform, danger_now: dangerNow };
}

function withinAge(age, min, max) {
  if (age === null) return false;
  return (min === undefined || age >= min) && (max === undefined || age <= max);
}

/** Whether a `when` holds. An age bound never holds for an unknown age: nothing on a guess. */
export function holds(when, answers, platformKnown) {
  if ("audiences" in when && !when.audiences.includes(answers.audience)) return false;
  if ("concerns" in when && !when.concerns.includes(answers.concern)) return false;
  if (("age_min" in when || "age_max" in when) && !withinAge(answers.age, when.age_min, when.age_max)) {
    return false;
  }
  if ("danger_now" in when && answers.danger_now !== when.danger_now) return false;
  return !("platform_known" in when && platformKnown !== when.platform_known);
}

/** Whether a service can take this person and concern; one that cannot is never offered. */
export function admits(service, answers) {
  const who = service.for;
  if (!who.audiences.includes(answers.audience)) return false;
  if (("age_min" in who || "age_max" in who) && !withinAge(answers.age, who.age_min, who.age_max)) {
    return false;
  }
  return !service.cannot_help.concerns.includes(answers.concern);
}

function serviceRoute(service, rule, answers) {
  return {
    id: service.id,
    name: service.name,
    url: service.url ?? null,
    phone: service.phone ?? null,
    why: rule.why[answers.audience],
    steps: [...((service.steps ?? {})[answers.audience] ?? [])],
  };
}

function platformRoute(platform, rule, answers) {
  const s = platform.steps;
  return {
    id: `platform:${platform.id}`,
    name: platform.name,
    url: platform.report_url,
    phone: null,
    why: rule.why[answers.audience].replaceAll("{platform}", platform.name),
    steps: [...s.report_message, ...s.report_account, ...s.report_post, ...s.block],
  };
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
  const known = platform !== null;
  const services = new Map(kb.services.services.map((s) => [s.id, s]));
  const candidates = [];
  kb.routes.rules.forEach((rule, index) => {
    const service = services.get(rule.service);
    if (holds(rule.when, checked, known) && admits(service, checked)) {
      candidates.push({ key: [rule.priority, index], route: serviceRoute(service, rule, checked) });
    }
  });
  const platformRule = kb.routes.platform_rule;
  if (platform !== null && holds(platformRule.when, checked, known)) {
    candidates.push({ key: [platformRule.priority, -1], route: platformRoute(platform, platformRule, checked) });
  }
  candidates.sort(compareKeys);
  const seen = new Set();
  const routes = [];
  for (const { route: candidate } of candidates) {
    if (!seen.has(candidate.id)) {
      seen.add(candidate.id);
      routes.push(candidate);
    }
  }
  const warnings = kb.routes.warnings
    .filter((w) => holds(w.when, checked, known))
    .map((w) => ({ id: w.id, text: w.text[checked.audience] }));
  const procedure =
    checked.audience === "professional"
      ? kb.procedure.steps
          .filter((s) => holds(s.when, checked, known))
          .map((s) => ({ id: s.id, title: s.title, text: s.text, service: s.service ?? null, section: s.section }))
      : [];
  return { routes, warnings, procedure, platform: platform ? platform.id : null };
}

// One function per popup screen: state in, DOM out. All knowledge-base text goes in through
// el()/textContent; links only through safeHttpsUrl.
import { bandsFor } from "../lib/flow.js";
import { button, el } from "../lib/dom.js";
import { t, tIfAny } from "../lib/i18n.js";
import { safeHttpsUrl } from "../lib/links.js";
import { phoneLink, siteName } from "../lib/contact.js";

const AUDIENCE_LABELS = {
  "young-person": "audience_young_person",
  "parent-carer": "audience_parent_carer",
  professional: "audience_professional",
};

export function audienceScreen(_state, act) {
  return [
    // The first words anyone reads: calm, before any question.
    el("p", { className: "reassure", text: t("audience_reassure") }),
    el("h1", { text: t("audience_title") }),
    el("p", { text: t("audience_intro") }),
    ...Object.entries(AUDIENCE_LABELS).map(([id, key]) =>
      button(t(key), () => act.chooseAudience(id), { name: `audience:${id}` }),
    ),
  ];
}

export function ageScreen(state, act) {
  const title = state.audience === "young-person" ? "yp_age_title" : "adult_age_title";
  return [
    el("h1", { text: t(title) }),
    ...bandsFor(state.audience).flatMap((band) => {
      const choice = button(t(band.label), () => act.chooseAge(band.id), { name: `age:${band.id}` });
      if (!band.hint) return [choice];
      // The line that says what a choice means, read with it by screen readers.
      const id = `age-hint-${band.id}`;
      choice.setAttribute("aria-describedby", id);
      return [choice, el("p", { className: "choice-hint", text: t(band.hint), attrs: { id } })];
    }),
  ];
}

export function concernScreen(state, act) {
  const title = state.audience === "young-person" ? "yp_concern_title" : "adult_concern_title";
  const box = el("input", { attrs: { type: "checkbox", id: "danger-now", checked: state.dangerNow } });
  box.addEventListener("change", () => act.setDanger(box.checked));
  const concerns = state.kb.concerns.concerns.filter((c) => c.audiences.includes(state.audience));
  return [
    el("h1", { text: t(title) }),
    el("label", { className: "check", attrs: { for: "danger-now" } }, [box, el("span", { text: t("danger_now_label") })]),
    ...concerns.map((c) =>
      button(c.label[state.audience], () => act.chooseConcern(c.id), { name: `concern:${c.id}` }),
    ),
  ];
}

/** A link to an outside page that opens in a new tab through the background (which keeps the
 * page and its tab, for quick exit and the optional history clean-up). Only https addresses
 * become links. */
function outsideLink(text, href, act) {
  const link = el("a", { text, attrs: { href, target: "_blank", rel: "noreferrer noopener" } });
  const open = (event) => {
    event.preventDefault();
    act.openLink(href);
  };
  link.addEventListener("click", open);
  // The middle button opens a link in a new tab too: the same way, so quick exit knows the tab.
  link.addEventListener("auxclick", (event) => event.button === 1 && open(event));
  return link;
}

/** The name a young person reads for a route: a short one with what it is ("CEOP: the police
 * team that keeps children safe online") where _locales has one for the route's id
 * (route_short_ID and route_what_ID), else the knowledge base's own name. Adults read the
 * knowledge base's names. {short, heading, full}: short is what the link names, full the name
 * the details keep (null when the heading already is it). */
function shownName(route, audience) {
  const key = route.id.replaceAll("-", "_");
  const short = audience === "young-person" && /^[a-z0-9_]+$/.test(key) ? tIfAny(`route_short_${key}`) : null;
  const what = short ? tIfAny(`route_what_${key}`) : null;
  if (!short || !what) return { short: route.name, heading: route.name, full: null };
  return { short, heading: t("route_heading", short, what), full: route.name };
}

/** The route's link, named for where it goes: an app's own reporting page, or a service's
 * page on its site ("Open the Report Remove page on childline.org.uk"). */
function routeLink(route, name, act) {
  const href = safeHttpsUrl(route.url);
  if (route.url && !href) return el("p", { className: "refused", text: t("route_link_refused") });
  if (!href) return null;
  const text = route.id.startsWith("platform:")
    ? t("route_open_platform", route.name)
    : t("route_open", name, siteName(href));
  return el("p", { className: "go" }, [outsideLink(text, href, act)]);
}

/** A phone number as a link that calls it (or starts a text, for text lines like Shout). */
export function phoneLine(phone, serviceId) {
  const link = phoneLink(phone, serviceId);
  if (!link) return phone ? el("p", { className: "phone", text: phone }) : null;
  const key = link.kind === "text" ? "route_text" : "route_phone";
  return el("p", { className: "phone" }, [el("a", { text: t(key, link.number), attrs: { href: link.href } })]);
}

function listOf(items) {
  return Array.isArray(items) ? items.filter((item) => typeof item === "string" && item) : [];
}

/** One route. Tolerates the fields newer engines add (hours, condition, limits) being absent.
 * A route shown by a short name keeps its full name in the details. */
export function routeCard(route, act, audience) {
  const name = shownName(route, audience);
  const full = name.full ? el("p", { className: "full-name", text: t("route_full_name", name.full) }) : null;
  const details = route.steps.length || full
    ? el("details", {}, [
        el("summary", { text: t(route.steps.length ? "route_steps" : "route_more") }),
        route.steps.length ? el("ol", {}, route.steps.map((s) => el("li", { text: s }))) : null,
        full,
      ])
    : null;
  const limits = listOf(route.limits);
  return el("li", { className: "card", attrs: { "data-route": route.id } }, [
    el("h2", { text: name.heading }),
    route.condition ? el("p", { className: "condition", text: route.condition }) : null,
    el("p", { text: route.why }),
    route.phone ? phoneLine(route.phone, route.id) : null,
    route.phone && route.hours ? el("p", { className: "hours", text: t("route_hours", route.hours) }) : null,
    routeLink(route, name.short, act),
    details,
    limits.length
      ? el("div", { className: "limits" }, [
          el("h3", { text: t("route_limits") }),
          el("ul", {}, limits.map((text) => el("li", { text }))),
        ])
      : null,
  ]);
}

/** A parent's tools from the app itself (parental controls and the like), when the engine
 * gives them: [{name, url, what}]. */
export function parentTools(result, platformName, act) {
  const tools = (Array.isArray(result.parent_tools) ? result.parent_tools : []).filter(
    (tool) => tool && typeof tool.name === "string",
  );
  if (!tools.length) return null;
  return el("section", { className: "parent-tools", attrs: { "aria-labelledby": "parent-tools-title" } }, [
    el("h2", { text: t("parent_tools_title", platformName ?? ""), attrs: { id: "parent-tools-title" } }),
    el("ul", {}, tools.map((tool) => {
      const href = safeHttpsUrl(tool.url);
      return el("li", { attrs: { "data-tool": tool.name } }, [
        el("strong", { text: tool.name }),
        tool.what ? el("span", { text: ` ${tool.what}` }) : null,
        href ? el("p", { className: "go" }, [outsideLink(t("parent_tool_open", tool.name, siteName(href)), href, act)]) : null,
      ]);
    })),
  ]);
}

const GUIDANCE_HEADINGS = [
  ["now", "guidance_now"],
  ["avoid", "guidance_avoid"],
  ["talk", "guidance_talk"],
  ["support", "guidance_support"],
];

/** Parents' guidance (extension/lib/guidance.js: {band, now, avoid, talk, support}) as four
 * headed lists, then the general sections ([{id, title, texts}]) behind a disclosure. */
export function guidanceSection(advice, sections = []) {
  if (!advice) return null;
  const parts = [el("h2", { text: t("guidance_title"), attrs: { id: "guidance-title" } })];
  for (const [key, label] of GUIDANCE_HEADINGS) {
    const texts = listOf(advice[key]);
    if (!texts.length) continue;
    parts.push(
      el("h3", { text: t(label), attrs: { id: `guidance-${key}` } }),
      el("ul", { attrs: { "aria-labelledby": `guidance-${key}`, "data-guidance": key } }, texts.map((text) => el("li", { text }))),
    );
  }
  const general = (Array.isArray(sections) ? sections : []).filter((s) => s && typeof s.title === "string");
  if (general.length) {
    parts.push(
      el("details", { className: "guidance-general" }, [
        el("summary", { text: t("guidance_more") }),
        ...general.flatMap((section) => [
          el("h3", { text: section.title, attrs: { id: `general-${section.id}` } }),
          el("ul", { attrs: { "aria-labelledby": `general-${section.id}` } }, listOf(section.texts).map((text) => el("li", { text }))),
        ]),
      ]),
    );
  }
  return el("section", { className: "guidance", attrs: { "aria-labelledby": "guidance-title", "data-band": advice.band ?? "" } }, parts);
}

/** "Record a concern" without the helper: what the helper is, and the commands for IT. */
export function helperMissing() {
  return el("section", { className: "helper-missing", attrs: { "aria-labelledby": "helper-missing-title" } }, [
    el("h2", { text: t("record_missing"), attrs: { id: "helper-missing-title", tabindex: "-1" } }),
    el("p", { text: t("record_missing_what") }),
    el("p", { text: t("record_missing_ask") }),
    el("h3", { text: t("record_it_title") }),
    el("p", { text: t("record_it_install") }),
    el("p", { text: t("record_it_connect") }),
    el("pre", {}, [el("code", { text: t("record_it_command") })]),
    el("p", { text: t("record_it_other") }),
  ]);
}

/** "Record a concern" where no helper can run (a phone: the pocket web app, or Firefox for
 * Android, which has no native messaging): the helper is a program on a computer. */
export function helperOnComputer() {
  return el("section", { className: "helper-missing", attrs: { "aria-labelledby": "helper-elsewhere-title" } }, [
    el("h2", { text: t("record_on_computer"), attrs: { id: "helper-elsewhere-title", tabindex: "-1" } }),
    el("p", { text: t("record_on_computer_what") }),
    el("p", { text: t("record_missing_ask") }),
  ]);
}

function noRoutes() {
  const number = "0800 1111";
  const [before, after] = t("no_routes", number).split(number);
  return el("p", {}, [before, el("a", { text: number, attrs: { href: phoneLink(number).href } }), after ?? ""]);
}

export function routesScreen(state, act) {
  const { result } = state;
  const parts = [el("h1", { text: t("routes_title") })];
  if (result.warnings.length) {
    parts.push(
      el("section", { className: "warnings", attrs: { "aria-labelledby": "warnings-title" } }, [
        el("h2", { text: t("warnings_title"), attrs: { id: "warnings-title" } }),
        el("ul", {}, result.warnings.map((w) => el("li", { text: w.text, attrs: { "data-warning": w.id } }))),
      ]),
    );
  }
  parts.push(
    result.routes.length
      ? el("ol", { className: "routes" }, result.routes.map((r) => routeCard(r, act, state.audience)))
      : noRoutes(),
  );
  if (state.audience === "parent-carer") {
    parts.push(parentTools(result, state.platformName, act));
    // Drawn now if already read, else filled in by the popup once guidance.json is read.
    parts.push(state.guidance ? guidanceSection(state.guidance.advice, state.guidance.general) : el("div", { attrs: { id: "guidance-slot" } }));
  }
  if (result.procedure.length) {
    parts.push(
      el("section", { className: "procedure" }, [
        el("h2", { text: t("procedure_title") }),
        el("ol", {}, result.procedure.map((p) =>
          el("li", { attrs: { "data-step": p.id } }, [el("strong", { text: p.title }), el("span", { text: `${p.text} (${p.section})` })]),
        )),
      ]),
    );
  }
  if (state.audience === "professional") {
    parts.push(button(t("record_this"), act.recordConcern, { className: "choice", name: "record-this" }));
  }
  return parts.filter(Boolean);
}

/** The row of controls on every screen after the first: back, change audience, record. */
export function navigation(state, act) {
  const row = el("div", { className: "nav" });
  row.append(button(t("back"), act.back, { className: "secondary", name: "back" }));
  row.append(button(t("change_audience"), act.changeAudience, { className: "secondary", name: "change-audience" }));
  if (state.audience === "professional") {
    row.append(button(t("record_concern"), act.recordConcern, { className: "secondary", name: "record-concern" }));
  }
  return row;
}

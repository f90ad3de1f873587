// One function per popup screen: state in, DOM out. All knowledge-base text goes in through
// el()/textContent; links only through safeHttpsUrl.
import { bandsFor } from "../lib/flow.js";
import { button, el } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { safeHttpsUrl } from "../lib/links.js";

const AUDIENCE_LABELS = {
  "young-person": "audience_young_person",
  "parent-carer": "audience_parent_carer",
  professional: "audience_professional",
};

export function audienceScreen(_state, act) {
  return [
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
    ...bandsFor(state.audience).map((band) =>
      button(t(band.label), () => act.chooseAge(band.id), { name: `age:${band.id}` }),
    ),
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

function routeLink(route, act) {
  const href = safeHttpsUrl(route.url);
  if (route.url && !href) return el("p", { className: "refused", text: t("route_link_refused") });
  if (!href) return null;
  const link = el("a", { text: t("route_open", route.name), attrs: { href, target: "_blank", rel: "noreferrer noopener" } });
  link.addEventListener("click", (event) => {
    event.preventDefault();
    act.openLink(href);
  });
  return link;
}

function routeCard(route, act) {
  const steps = route.steps.length
    ? el("details", {}, [el("summary", { text: t("route_steps") }), el("ol", {}, route.steps.map((s) => el("li", { text: s })))])
    : null;
  return el("li", { className: "card", attrs: { "data-route": route.id } }, [
    el("h2", { text: route.name }),
    el("p", { text: route.why }),
    route.phone ? el("p", { className: "phone", text: t("route_phone", route.phone) }) : null,
    routeLink(route, act),
    steps,
  ]);
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
      ? el("ol", { className: "routes" }, result.routes.map((r) => routeCard(r, act)))
      : el("p", { text: t("no_routes") }),
  );
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
  return parts;
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

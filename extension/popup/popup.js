// The popup: who are you, how old, what happened, then the routes. Answers live only in this
// page's memory; closing the popup or a quick exit forgets them.
import { el } from "../lib/dom.js";
import { engineAnswers, screenFor, stepBack } from "../lib/flow.js";
import { localise, t } from "../lib/i18n.js";
import { startLoading } from "../lib/knowledge.js";
import { loadSettings, saveSettings } from "../lib/settings.js";
import { whereItHappened } from "../lib/where.js";
import { ageScreen, audienceScreen, concernScreen, navigation, routesScreen } from "./screens.js";

const RENDER = { audience: audienceScreen, age: ageScreen, concern: concernScreen, routes: routesScreen };

// The engine is only needed once there are answers to route, so it loads beside the first
// screen rather than before it.
const engineLoading = import("../lib/engine.js");
let engine = null;
let knowledge = null;

/** The full knowledge base and the engine, needed from the first route onwards. */
async function readyToRoute() {
  const [kb, loaded] = await Promise.all([knowledge.whole, engineLoading]);
  state.kb = kb;
  engine = loaded;
}

const state = {
  kb: null,
  host: null,
  tabId: null,
  audience: null,
  ageBand: null,
  concern: null,
  dangerNow: false,
  result: null,
  status: null,
};

function platformName(host) {
  if (!host || !state.kb || !engine) return null;
  try {
    return engine.matchPlatform(engine.hostOf(host), state.kb)?.name ?? null;
  } catch {
    return null;
  }
}

function render({ focus = true } = {}) {
  const screen = screenFor(state);
  document.body.dataset.screen = screen;
  if (screen === "routes") {
    state.result = engine.route(engineAnswers(state, state.host), state.kb);
  }
  const main = document.getElementById("screen");
  const parts = [];
  if (screen !== "audience") parts.push(navigation(state, actions));
  const where = platformName(state.host);
  if (where && screen !== "audience") parts.push(el("p", { className: "where", text: t("where_label", where) }));
  if (state.status) parts.push(el("p", { className: "status", text: state.status, attrs: { role: "status" } }));
  parts.push(...RENDER[screen](state, actions));
  main.replaceChildren(...parts.filter(Boolean));
  // Move focus to the new screen so keyboard and screen-reader users start at its top.
  if (focus) main.querySelector("h1")?.setAttribute("tabindex", "-1");
  if (focus) main.querySelector("h1")?.focus();
  performance.mark(`waymark:${screen}`);
}

async function quickExit() {
  document.body.replaceChildren(); // hide everything at once, before any await
  Object.assign(state, { audience: null, ageBand: null, concern: null, dangerNow: false, result: null });
  try {
    await chrome.runtime.sendMessage({ type: "quick-exit", tabId: state.tabId });
  } finally {
    window.close();
  }
}

const actions = {
  async chooseAudience(audience) {
    Object.assign(state, { audience, concern: null, status: null });
    const settings = await loadSettings();
    state.ageBand = settings.ageBand;
    await saveSettings({ audience });
    render();
  },
  chooseAge(ageBand) {
    state.ageBand = ageBand;
    render();
  },
  setDanger(on) {
    state.dangerNow = on;
  },
  async chooseConcern(concern) {
    performance.mark("waymark:answer");
    state.concern = concern;
    await readyToRoute();
    render();
  },
  back() {
    Object.assign(state, stepBack(state), { status: null });
    render();
  },
  changeAudience() {
    Object.assign(state, { audience: null, ageBand: null, concern: null, dangerNow: false, status: null });
    render();
  },
  async openLink(href) {
    const { opened = [] } = await chrome.storage.session.get("opened");
    await chrome.storage.session.set({ opened: [...new Set([...opened, href])] });
    await chrome.tabs.create({ url: href });
  },
  async recordConcern() {
    state.status = t("record_starting");
    render({ focus: false });
    const { openNote } = await import("../lib/native.js"); // only professionals need it
    const outcome = await openNote(state.host);
    if (outcome.state === "opened") state.status = t("record_opened");
    else if (outcome.state === "missing") state.status = t("record_missing");
    else state.status = t("record_failed", outcome.reason);
    render({ focus: false });
  },
};

async function start() {
  performance.mark("waymark:start");
  localise(document);
  document.getElementById("quick-exit").addEventListener("click", quickExit);
  document.getElementById("options").addEventListener("click", () => chrome.runtime.openOptionsPage());
  knowledge = startLoading();
  try {
    const [concerns, settings, where] = await Promise.all([
      knowledge.concerns,
      loadSettings(),
      whereItHappened(location.search),
    ]);
    Object.assign(state, { kb: { concerns }, host: where.host, tabId: where.tabId });
    state.audience = settings.audience;
    state.ageBand = settings.ageBand;
    render({ focus: false });
    await readyToRoute();
  } catch {
    document.getElementById("screen").replaceChildren(el("p", { className: "status", text: t("loading_failed") }));
    return;
  }
  if (state.host) render({ focus: false }); // now the platform's name can be shown
}

// Loaded after the first screen is drawn: it is not needed to draw it, and the quick-exit
// button already works. (Each module an extension page imports at start costs a few ms.)
async function listenForQuickExitKeys() {
  const { listenForTripleShift } = await import("../lib/triple-shift.js");
  listenForTripleShift(document, quickExit);
}

start().then(listenForQuickExitKeys);

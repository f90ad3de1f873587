// The popup: who are you, what happened, how old, then the routes. Answers live only in this
// page's memory; closing the popup or a quick exit forgets them. Nothing is remembered between
// visits unless the person turned "Remember my answers" on in settings.
import { el } from "../lib/dom.js";
import { engineAnswers, screenFor, stepBack } from "../lib/flow.js";
import { localise, t } from "../lib/i18n.js";
import { startLoading } from "../lib/knowledge.js";
import { loadSettings, saveSettings } from "../lib/settings.js";
import { whereItHappened } from "../lib/where.js";
import {
  ageScreen,
  audienceScreen,
  concernScreen,
  guidanceSection,
  helperMissing,
  helperOnComputer,
  navigation,
  routesScreen,
} from "./screens.js";

const RENDER = { audience: audienceScreen, age: ageScreen, concern: concernScreen, routes: routesScreen };

// The engine is only needed once there are answers to route, so it starts loading once the
// first screen is drawn (parsing it before would delay that screen), while the person reads.
let engineLoading = null;
let engine = null;
let knowledge = null;

function loadEngine() {
  engineLoading ??= import("../lib/engine.js");
  return engineLoading;
}

/** The full knowledge base and the engine, needed from the first route onwards. */
async function readyToRoute() {
  const [kb, loaded] = await Promise.all([knowledge.whole, loadEngine()]);
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
  helperMissing: false,
  helperElsewhere: false,
  remember: false,
  platformName: null,
  guidance: null,
};

// Parents' guidance: read after the routes are drawn (only parents need it), then kept.
let guidanceReady = null; // {module, document} once read

function parentsGuidance() {
  if (!guidanceReady || state.audience !== "parent-carer") return null;
  const { module, document: doc } = guidanceReady;
  try {
    const advice = module.guidanceFor(state.concern, engineAnswers(state, state.host).age, doc);
    return advice ? { advice, general: module.general(doc) } : null;
  } catch {
    return null;
  }
}

/** Read the guidance once, then draw it into the routes screen if that is still showing. */
async function fillGuidance() {
  if (!guidanceReady) {
    performance.mark("waymark:guidance-read");
    try {
      const [module, doc] = await Promise.all([import("../lib/guidance.js"), knowledge.guidance()]);
      guidanceReady = { module, document: doc };
    } catch {
      document.getElementById("guidance-slot")?.remove(); // the routes still stand on their own
      return;
    }
  }
  const slot = document.getElementById("guidance-slot");
  if (!slot || document.body.dataset.screen !== "routes") return;
  state.guidance = parentsGuidance();
  const section = state.guidance ? guidanceSection(state.guidance.advice, state.guidance.general) : null;
  if (section) slot.replaceWith(section);
  else slot.remove();
  performance.mark("waymark:guidance");
}

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
  const newScreen = document.body.dataset.screen !== screen;
  document.body.dataset.screen = screen;
  if (screen === "routes") {
    state.result = engine.route(engineAnswers(state, state.host), state.kb);
    state.guidance = parentsGuidance();
  }
  const main = document.getElementById("screen");
  const parts = [];
  if (screen !== "audience") parts.push(navigation(state, actions));
  const where = platformName(state.host);
  state.platformName = where;
  if (where && screen !== "audience") parts.push(el("p", { className: "where", text: t("where_label", where) }));
  if (state.status) parts.push(el("p", { className: "status", text: state.status, attrs: { role: "status" } }));
  if (state.helperMissing) parts.push(helperMissing());
  if (state.helperElsewhere) parts.push(helperOnComputer());
  parts.push(...RENDER[screen](state, actions));
  main.replaceChildren(...parts.filter(Boolean));
  // A new screen starts at its top, not where the last one was scrolled to (its question would
  // be out of sight, or under the header).
  if (newScreen) window.scrollTo(0, 0);
  // Move focus to the new screen so keyboard and screen-reader users start at its top.
  const heading = typeof focus === "string" ? main.querySelector(focus) : main.querySelector("h1");
  if (focus) heading?.setAttribute("tabindex", "-1");
  if (focus) heading?.focus({ preventScroll: newScreen });
  performance.mark(`waymark:${screen}`);
  if (main.querySelector("#guidance-slot")) fillGuidance();
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
    await firstReady; // the next screen lists the concerns
    Object.assign(state, { audience, concern: null, status: null, helperMissing: false, helperElsewhere: false });
    const settings = await loadSettings();
    state.ageBand = settings.remember ? settings.ageBand : null;
    if (settings.remember) await saveSettings({ audience });
    render();
  },
  async chooseAge(ageBand) {
    state.ageBand = ageBand;
    await readyToRoute();
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
    Object.assign(state, stepBack(state), { status: null, helperMissing: false, helperElsewhere: false });
    render();
  },
  changeAudience() {
    Object.assign(state, {
      audience: null,
      ageBand: null,
      concern: null,
      dangerNow: false,
      status: null,
      helperMissing: false,
      helperElsewhere: false,
    });
    render();
  },
  /** Open a help page in a new tab. The background opens it and remembers its tab, so a
   * quick exit closes it (and, with the history option, takes it out of the history). */
  async openLink(href) {
    await chrome.runtime.sendMessage({ type: "open-help-page", url: href });
  },
  /** Open the helper at a new note. From the routes, the concern, the child's age and the
   * website go with it, so nothing is typed twice (never any text about the child). */
  async recordConcern() {
    Object.assign(state, { status: t("record_starting"), helperMissing: false, helperElsewhere: false });
    render({ focus: false });
    const { openNote } = await import("../lib/native.js"); // only professionals need it
    const answers = engineAnswers(state, state.host);
    const outcome = await openNote(state.host, new Date(), {
      concern: state.concern ?? null,
      age: state.concern ? answers.age : null,
    });
    state.status = null;
    if (outcome.state === "unavailable") {
      // A phone (Firefox for Android): no helper can run here, so say where it does.
      state.helperElsewhere = true;
      render({ focus: "#helper-elsewhere-title" });
      return;
    }
    if (outcome.state === "opened") state.status = t("record_opened");
    else if (outcome.state === "failed") state.status = t("record_failed", outcome.reason);
    if (outcome.state !== "missing") {
      render({ focus: false });
      return;
    }
    // No helper: say what it is and how to get it, above this screen (the routes still work).
    state.helperMissing = true;
    render({ focus: "#helper-missing-title" });
  },
};

// The list of concerns and where it happened: read once the first screen is drawn, which
// (asking who you are) needs only the settings. Every screen after it waits for them (they
// are long read by then).
let firstReady = null;

/** Keep scroll-padding-top at the sticky header's height, which changes with zoom, text size and
 * width, so the browser never scrolls a focused control in under the header (WCAG 2.4.11). */
function padForHeader() {
  const header = document.querySelector("header.top");
  new ResizeObserver(() => {
    document.documentElement.style.scrollPaddingTop = `${header.getBoundingClientRect().height}px`;
  }).observe(header);
}

async function start() {
  performance.mark("waymark:start");
  localise(document);
  padForHeader();
  document.getElementById("quick-exit").addEventListener("click", quickExit);
  document.getElementById("options").addEventListener("click", () => chrome.runtime.openOptionsPage());
  const settingsRead = loadSettings();
  try {
    const settings = await settingsRead;
    if (location.search.includes("view=tab")) document.body.classList.add("in-tab");
    state.remember = settings.remember === true;
    if (state.remember) {
      state.audience = settings.audience;
      state.ageBand = settings.ageBand;
    }
    if (!state.audience) render({ focus: false }); // who are you: drawn at once
    knowledge = startLoading();
    firstReady = Promise.all([knowledge.concerns, whereItHappened(location.search)]).then(([concerns, where]) => {
      Object.assign(state, { kb: { concerns }, host: where.host, tabId: where.tabId });
    });
    firstReady.catch(() => {}); // reported below, by whoever awaits it
    requestAnimationFrame(() => setTimeout(loadEngine)); // after the first screen is painted
    await firstReady;
    if (state.audience) render({ focus: false });
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

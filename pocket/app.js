// The pocket web app: the popup's screens (popup/screens.js) and engine (lib/engine.js), on a
// phone, from files this site serves itself. `waymark build-web` copies those modules here from
// the extension, byte for byte, and the checked knowledge base into data/.
//
// Why it differs from the popup (extension/popup/popup.js):
// - No chrome.*: the strings come from messages.json (lib/i18n.js useMessages), the knowledge
//   base from data/ on this site, and there is no tab or page to read a platform from.
// - Quick exit replaces this page in the history (location.replace), so Back cannot return.
// - Nothing is written to the phone during a visit: no localStorage, IndexedDB or cookies. Only
//   if the person turns "Remember" on does localStorage keep who they are and the age band.
// - "Record this concern" says the helper runs on a computer: a phone cannot run it.
// - sw.js keeps every file of this site, so after the first visit it all works offline.
import { button, el } from "./lib/dom.js";
import { engineAnswers, screenFor, stepBack } from "./lib/flow.js";
import { localise, t, useMessages } from "./lib/i18n.js";
import { startLoading } from "./lib/knowledge.js";
import { DEFAULT_NEUTRAL_URL } from "./lib/settings.js";
import {
  ageScreen,
  audienceScreen,
  concernScreen,
  guidanceSection,
  helperOnComputer,
  navigation,
  routesScreen,
} from "./popup/screens.js";

const RENDER = { audience: audienceScreen, age: ageScreen, concern: concernScreen, routes: routesScreen };
const PLAIN = document.body.dataset.variant === "help"; // the discreet page (help.html)
const REMEMBERED = "waymark-pocket"; // the only storage key, written only while "Remember" is on

const state = {
  kb: null,
  audience: null,
  ageBand: null,
  concern: null,
  dangerNow: false,
  result: null,
  guidance: null,
  helperElsewhere: false,
  settings: false, // the settings screen is showing
  said: null, // a line for the settings screen (remembering turned on or off)
};

let knowledge = null;
let engine = null;
let engineLoading = null;
let guidanceReady = null;
let firstReady = null;

function loadEngine() {
  engineLoading ??= import("./lib/engine.js");
  return engineLoading;
}

async function readyToRoute() {
  const [kb, loaded] = await Promise.all([knowledge.whole, loadEngine()]);
  state.kb = kb;
  engine = loaded;
}

/** What "Remember" keeps, or null. Reading never writes anything. */
function remembered() {
  try {
    const value = JSON.parse(localStorage.getItem(REMEMBERED) ?? "null");
    return value && value.remember === true ? value : null;
  } catch {
    return null; // storage blocked, or not ours: remember nothing
  }
}

function remember(changes) {
  const kept = remembered();
  if (!kept) return; // off: nothing is ever written
  try {
    localStorage.setItem(REMEMBERED, JSON.stringify({ ...kept, ...changes }));
  } catch {
    // full or blocked: carry on without remembering
  }
}

function setRemembering(on) {
  try {
    if (on) localStorage.setItem(REMEMBERED, JSON.stringify({ remember: true, audience: state.audience, ageBand: state.ageBand }));
    else localStorage.clear();
  } catch {
    // blocked storage cannot remember anyway
  }
  state.said = t(on ? "pocket_remember_on" : "pocket_remember_off");
}

function parentsGuidance() {
  if (!guidanceReady || state.audience !== "parent-carer") return null;
  const { module, document: doc } = guidanceReady;
  try {
    const advice = module.guidanceFor(state.concern, engineAnswers(state, null).age, doc);
    return advice ? { advice, general: module.general(doc) } : null;
  } catch {
    return null;
  }
}

async function fillGuidance() {
  if (!guidanceReady) {
    try {
      const [module, doc] = await Promise.all([import("./lib/guidance.js"), knowledge.guidance()]);
      guidanceReady = { module, document: doc };
    } catch {
      document.getElementById("guidance-slot")?.remove();
      return;
    }
  }
  const slot = document.getElementById("guidance-slot");
  if (!slot || document.body.dataset.screen !== "routes") return;
  state.guidance = parentsGuidance();
  const section = state.guidance ? guidanceSection(state.guidance.advice, state.guidance.general) : null;
  if (section) slot.replaceWith(section);
  else slot.remove();
}

/** Settings: remembering (off unless turned on) and the plain name for the home screen. */
function settingsScreen() {
  const box = el("input", { attrs: { type: "checkbox", id: "remember", checked: Boolean(remembered()), "aria-describedby": "remember-help" } });
  box.addEventListener("change", () => {
    setRemembering(box.checked);
    render({ focus: "#said" });
  });
  const other = PLAIN ? "index.html" : "help.html";
  const switchName = button(t(PLAIN ? "pocket_use_waymark" : "pocket_use_plain"), () => location.replace(other), {
    name: PLAIN ? "use-waymark" : "use-plain",
  });
  return [
    el("h1", { text: t("pocket_settings_title") }),
    state.said ? el("p", { className: "done", text: state.said, attrs: { id: "said", role: "status", tabindex: "-1" } }) : null,
    el("label", { className: "check", attrs: { for: "remember" } }, [box, el("span", { text: t("pocket_remember") })]),
    el("div", { className: "field-help", attrs: { id: "remember-help" } }, [
      el("p", { text: t("pocket_remember_help") }),
      el("p", { text: t("pocket_remember_risk") }),
    ]),
    el("section", { attrs: { "aria-labelledby": "home-title" } }, [
      el("h2", { text: t("pocket_home_title"), attrs: { id: "home-title" } }),
      PLAIN ? el("p", { className: "done", text: t("pocket_plain_now") }) : el("p", { text: t("pocket_home_what") }),
      el("p", { text: t("pocket_home_before") }),
      el("p", { text: t("pocket_home_change") }),
      el("p", { text: t("pocket_home_limits") }),
      el("p", { text: t("pocket_home_shows") }),
      el("p", { text: t("pocket_add_how") }),
      switchName,
    ]),
    button(t("pocket_done"), () => {
      Object.assign(state, { settings: false, said: null });
      render();
    }, { name: "settings-done" }),
  ];
}

function render({ focus = true } = {}) {
  const main = document.getElementById("screen");
  const parts = [];
  if (state.settings) {
    document.body.dataset.screen = "settings";
    main.className = "settings";
    parts.push(...settingsScreen());
  } else {
    const screen = screenFor(state);
    document.body.dataset.screen = screen;
    main.className = "";
    if (screen === "routes") {
      state.result = engine.route(engineAnswers(state, null), state.kb);
      state.guidance = parentsGuidance();
    }
    if (screen !== "audience") parts.push(navigation(state, actions));
    if (state.helperElsewhere) parts.push(helperOnComputer());
    parts.push(...RENDER[screen](state, actions));
  }
  main.replaceChildren(...parts.filter(Boolean));
  window.scrollTo(0, 0);
  const heading = typeof focus === "string" ? main.querySelector(focus) : main.querySelector("h1");
  if (focus) heading?.setAttribute("tabindex", "-1");
  if (focus) heading?.focus();
  performance.mark(`waymark:${document.body.dataset.screen}`);
  if (main.querySelector("#guidance-slot")) fillGuidance();
}

/** Leave at once: blank the page before anything else, forget the answers, and put a neutral
 * page in this page's place in the history, so Back does not come back here. */
function quickExit() {
  document.body.replaceChildren();
  Object.assign(state, { audience: null, ageBand: null, concern: null, dangerNow: false, result: null, guidance: null });
  location.replace(DEFAULT_NEUTRAL_URL);
}

const actions = {
  async chooseAudience(audience) {
    await firstReady;
    const kept = remembered();
    Object.assign(state, { audience, concern: null, helperElsewhere: false, ageBand: kept ? kept.ageBand : null });
    remember({ audience });
    render();
  },
  async chooseAge(ageBand) {
    state.ageBand = ageBand;
    remember({ ageBand });
    await readyToRoute();
    render();
  },
  setDanger(on) {
    state.dangerNow = on;
  },
  async chooseConcern(concern) {
    state.concern = concern;
    await readyToRoute();
    render();
  },
  back() {
    Object.assign(state, stepBack(state), { helperElsewhere: false });
    render();
  },
  changeAudience() {
    Object.assign(state, { audience: null, ageBand: null, concern: null, dangerNow: false, helperElsewhere: false });
    render();
  },
  /** An official page, opened only because the person tapped its link. */
  openLink(href) {
    window.open(href, "_blank", "noopener,noreferrer");
  },
  recordConcern() {
    state.helperElsewhere = true;
    render({ focus: "#helper-elsewhere-title" });
  },
};

/** Keep this site for offline use. A newer site found while the person is still on the first
 * screen, with nothing answered, takes over at once; otherwise it waits for the next visit, so
 * nothing changes under someone in the middle of a question. */
function keepForOffline() {
  if (!("serviceWorker" in navigator)) return;
  const untouched = () => !state.audience && !state.settings && document.body.dataset.screen === "audience";
  navigator.serviceWorker
    .register("sw.js")
    .then((registration) => {
      const offer = (worker) => {
        if (worker && navigator.serviceWorker.controller && untouched()) worker.postMessage("take-over");
      };
      offer(registration.waiting);
      registration.addEventListener("updatefound", () => {
        const worker = registration.installing;
        worker?.addEventListener("statechange", () => {
          if (worker.state === "installed") offer(worker);
        });
      });
    })
    .catch(() => {}); // no worker (a private window, say): the site still works online
  // On a first visit the worker starts controlling this page (clients.claim): nothing to
  // reload. Only a newer site taking over from an older one reloads, into the newer files.
  const older = Boolean(navigator.serviceWorker.controller);
  let reloaded = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (older && !reloaded && untouched()) {
      reloaded = true;
      location.reload();
    }
  });
}

async function readMessages() {
  const response = await fetch("messages.json");
  if (!response.ok) throw new Error("missing messages.json");
  useMessages(await response.json());
}

async function start() {
  performance.mark("waymark:start");
  await readMessages();
  localise(document);
  if (PLAIN) document.getElementById("brand").textContent = t("pocket_brand_plain");
  document.getElementById("quick-exit").addEventListener("click", quickExit);
  document.getElementById("options").addEventListener("click", () => {
    Object.assign(state, { settings: true, said: null });
    render();
  });
  const kept = remembered();
  if (kept) Object.assign(state, { audience: kept.audience ?? null, ageBand: kept.ageBand ?? null });
  // Who are you: drawn before anything else is read (it needs only the strings), as the popup does.
  if (!state.audience) render({ focus: false });
  knowledge = startLoading("data/");
  firstReady = knowledge.concerns.then((concerns) => {
    state.kb = { concerns };
  });
  firstReady.catch(() => {});
  requestAnimationFrame(() => setTimeout(loadEngine));
  await firstReady;
  if (state.audience) render({ focus: false });
  await readyToRoute();
}

async function listenForQuickExitKeys() {
  const { listenForTripleShift } = await import("./lib/triple-shift.js");
  listenForTripleShift(document, quickExit);
}

start()
  .then(listenForQuickExitKeys, () => {
    // The strings themselves may be what failed to load, so this one is written here.
    const text = "Waymark could not load. In danger now? Call 999. Childline: 0800 1111.";
    document.getElementById("screen").replaceChildren(el("p", { className: "status", text }));
  })
  .finally(keepForOffline);

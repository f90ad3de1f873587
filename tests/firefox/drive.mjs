// Drive the Waymark extension in real Firefox (ESR, headless) over WebDriver BiDi with
// puppeteer-core, and print what happened as JSON for tests/firefox/test_firefox.py to judge.
//
// Environment:
//   EXT_DIR      the unpacked extension to install (a Firefox package, or a copy of the source)
//   FIREFOX_BIN  the browser (default /usr/lib/firefox-esr/firefox-esr)
//   SCENARIOS    comma-separated: flows,quick-exit,options,vectors,native (default: all)
//   VECTORS      resources/vectors.json (for "vectors"; EXT_DIR must hold vectors.mjs)
// Firefox's quirks, found on this kind of machine: navigating to moz-extension:// needs
// --remote-allow-system-access, and an awaited page.goto() to such a page never settles (the page
// does load), so extension pages are opened without awaiting and then waited for by selector.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import puppeteer from "puppeteer-core";

const EXT = path.resolve(process.env.EXT_DIR ?? "extension");
const FIREFOX = process.env.FIREFOX_BIN ?? "/usr/lib/firefox-esr/firefox-esr";
const manifest = JSON.parse(fs.readFileSync(path.join(EXT, "manifest.json"), "utf8"));
const GECKO_ID = manifest.browser_specific_settings.gecko.id;
const UUID = "0b9a8c5e-1111-4222-8333-444455556666"; // pins the moz-extension:// host
const ORIGIN = `moz-extension://${UUID}`;
const ALL = ["flows", "quick-exit", "options", "vectors", "native"];
const SCENARIOS = (process.env.SCENARIOS ?? ALL.join(",")).split(",").filter(Boolean);
const FLOWS = [
  ["young-person", "13-17", "sextortion"],
  ["parent-carer", "8-12", "grooming"],
  ["professional", "not-sure", "csam-found"],
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(check, what, ms = 15000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const found = await check();
    if (found) return found;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

// A local stand-in for "the site the person was on" (the network is never used).
const site = http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/html" });
  res.end("<!doctype html><html lang='en'><title>site</title><p>a site</p></html>");
});
await new Promise((r) => site.listen(0, "127.0.0.1", r));
const SITE = `http://127.0.0.1:${site.address().port}/someone/`;

const browser = await puppeteer.launch({
  browser: "firefox",
  protocol: "webDriverBiDi",
  executablePath: FIREFOX,
  headless: true,
  args: ["--remote-allow-system-access"],
  env: process.env, // HOME decides where Firefox looks for native-messaging hosts
  extraPrefsFirefox: {
    "extensions.webextensions.uuids": JSON.stringify({ [GECKO_ID]: UUID }),
    "browser.shell.checkDefaultBrowser": false,
    "network.dns.disablePrefetch": true,
  },
});
const problems = [];
const results = { firefox: await browser.version(), scenarios: {} };
results.installed = await browser.installExtension(EXT); // a temporary add-on; unsigned is fine

async function extPage(pathname, selector) {
  // Now and then Firefox's remote agent loses track of a fresh tab's first navigation to an
  // extension page (the wait never sees the page): then try again in a new tab.
  for (const wait of [10000, 10000, 20000]) {
    const page = await browser.newPage();
    page.on("console", (m) => {
      if (["error", "warn"].includes(m.type())) problems.push(`${pathname}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`${pathname}: ${e.message}`));
    page.goto(`${ORIGIN}/${pathname}`).catch(() => {});
    try {
      await page.waitForSelector(selector, { timeout: wait });
      return page;
    } catch (error) {
      results.retries = (results.retries ?? 0) + 1;
      await page.close().catch(() => {});
      if (wait === 20000) throw error;
    }
  }
  throw new Error("unreachable");
}
const popup = (query = "") => extPage(`popup/popup.html${query}`, "body[data-screen]");

const scenarios = {
  async flows() {
    const out = [];
    for (const [audience, band, concern] of FLOWS) {
      const page = await popup();
      await page.evaluate(() => chrome.storage.local.clear());
      await page.close();
      const fresh = await popup();
      const first = await fresh.$eval("body", (b) => b.dataset.screen);
      // What happened is asked before the age (no age at all for a concern about an adult).
      await fresh.click(`[data-name="audience:${audience}"]`);
      await fresh.waitForSelector(`[data-name="concern:${concern}"]`);
      await fresh.click(`[data-name="concern:${concern}"]`);
      await fresh.waitForSelector(`[data-name="age:${band}"]`);
      await fresh.click(`[data-name="age:${band}"]`);
      await fresh.waitForSelector('body[data-screen="routes"] li.card');
      out.push({
        audience,
        first,
        routes: await fresh.$$eval("li.card", (ns) => ns.map((n) => n.dataset.route)),
        links: await fresh.$$eval("li.card a", (ns) => ns.map((a) => a.href)),
        procedure: await fresh.$$eval(".procedure li", (ns) => ns.length),
        record: await fresh.$$eval("[data-name='record-concern']", (ns) => ns.length),
      });
      await fresh.close();
    }
    return out;
  },

  async "quick-exit"() {
    const out = {};
    for (const trigger of ["button", "shift"]) {
      const probe = await popup();
      await probe.evaluate(() => chrome.storage.local.clear());
      const before = new Set(await probe.evaluate(() => chrome.tabs.query({}).then((ts) => ts.map((t) => t.id))));
      const sitePage = await browser.newPage();
      await sitePage.goto(SITE);
      const after = await probe.evaluate(() => chrome.tabs.query({}).then((ts) => ts.map((t) => t.id)));
      const [tabId] = after.filter((id) => !before.has(id));
      await probe.close();
      const page = await popup(`?tab=${tabId}`);
      await page.click('[data-name="audience:young-person"]');
      await page.waitForSelector('[data-name="concern:sextortion"]');
      await page.click('[data-name="concern:sextortion"]');
      await page.waitForSelector('[data-name="age:13-17"]');
      await page.click('[data-name="age:13-17"]');
      // A help page opened from the routes (Report Remove): quick exit must close its tab too.
      const tabs = () => page.evaluate(() => chrome.tabs.query({}).then((ts) => ts.map((t) => t.id)));
      const beforeHelp = new Set(await tabs());
      await page.click('li.card[data-route="report-remove"] a[target="_blank"]');
      const helpTab = await until(async () => (await tabs()).find((id) => !beforeHelp.has(id)), "the help page's tab");
      const recorded = await until(async () => {
        const session = await page.evaluate(() => chrome.storage.session.get(null));
        return (session.openedTabs ?? []).includes(helpTab) ? session : null;
      }, "the help page's tab to be recorded");
      const ownTab = await page.evaluate(() => chrome.tabs.getCurrent().then((t) => t.id));
      if (trigger === "button") await page.click("#quick-exit");
      else for (let i = 0; i < 3; i += 1) await page.keyboard.press("Shift");
      // With no network here, Firefox shows its error page for the neutral address (u=...).
      const shows = (p) => {
        const url = p.url();
        if (url.startsWith("about:neterror")) return new URL(url).searchParams.get("u");
        return url;
      };
      const neutral = await until(
        async () => (await browser.pages()).find((p) => shows(p)?.startsWith("https://www.bbc.co.uk/weather")),
        "the neutral page",
      );
      const check = await extPage("options/options.html", "#settings");
      await until(
        () => check.evaluate(async (ids) => {
          const gone = (id) => chrome.tabs.get(id).then(() => false, () => true);
          return (await Promise.all(ids.map(gone))).every(Boolean);
        }, [tabId, ownTab, helpTab]).catch(() => false),
        "the site's, Waymark's and the help page's tabs to close",
      );
      out[trigger] = {
        opened: recorded.opened,
        neutral: shows(neutral),
        session: await check.evaluate(() => chrome.storage.session.get(null)),
        history: await neutral.evaluate(() => history.length).catch(() => null),
      };
      await check.close();
      await neutral.close();
    }
    return out;
  },

  async options() {
    const page = await extPage("options/options.html", "#settings #save");
    await page.evaluate(() => chrome.storage.local.clear());
    const title = await page.title();
    await page.click("#remember");  // nothing is remembered unless the person turns it on
    await page.select("#audience", "professional");
    await page.$eval("#neutral-url", (n) => { n.value = ""; });
    await page.type("#neutral-url", "https://www.metoffice.gov.uk/");
    await page.click("#save");
    await page.waitForSelector("#status:not([hidden])");
    const saved = await page.evaluate(() => chrome.storage.local.get(null));
    await page.click("#clear");
    await until(async () => Object.keys(await page.evaluate(() => chrome.storage.local.get(null))).length === 0, "clear");
    await page.close();
    return { title, saved, background: await (async () => {
      const probe = await popup();
      const bg = await probe.evaluate(() => chrome.runtime.getManifest().background);
      await probe.close();
      return bg;
    })() };
  },

  async vectors() {
    const vectors = JSON.parse(fs.readFileSync(process.env.VECTORS, "utf8"));
    const page = await popup();
    const outcomes = await page.evaluate(async (cases) => {
      const { route } = await import("/lib/engine.js");
      const { loadKnowledgeBase } = await import("/lib/knowledge.js");
      const { problemsWith } = await import("/vectors.mjs");
      const kb = await loadKnowledgeBase();
      return cases.map((v) => {
        let result = null;
        let error = null;
        try { result = route(v.answers, kb); } catch (e) { error = e; }
        return [v.name, problemsWith(v, result, error)];
      });
    }, vectors);
    await page.close();
    return { count: vectors.length, outcomes };
  },

  async native() {
    const page = await popup();
    const out = await page.evaluate(async () => {
      const hello = await chrome.runtime.sendNativeMessage("uk.waymark.helper", { v: 1, type: "hello" });
      const { openNote } = await import("/lib/native.js");
      const opened = await openNote("discord.com");
      return { hello, opened };
    });
    await page.close();
    return out;
  },
};

try {
  for (const name of SCENARIOS) {
    const t0 = Date.now();
    try {
      results.scenarios[name] = { ok: true, value: await scenarios[name]() };
    } catch (error) {
      results.scenarios[name] = { ok: false, error: String(error?.stack ?? error) };
    }
    results.scenarios[name].seconds = (Date.now() - t0) / 1000;
  }
} finally {
  await browser.close();
  site.close();
}
results.problems = problems;
console.log(JSON.stringify(results));

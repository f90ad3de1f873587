// Drive the pocket web app in real Firefox (ESR, headless) at a phone-sized window, over WebDriver
// BiDi with puppeteer-core, as tests/firefox/drive.mjs drives the extension; print what happened
// as JSON for tests/pocket/test_firefox.py to judge.
//
// The site (SITE_DIR, built by `waymark build-web`) is served here by a small static server with
// the site's own Content-Types (MIME_TYPES, JSON from helper.pocket). After the first visit the
// server is closed, so every later screen can only come from the service worker's copy.
//
// Environment: SITE_DIR, MIME_TYPES, FIREFOX_BIN, VECTORS (resources/vectors.json; SITE_DIR must
// hold vectors.mjs, the shared checker).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import puppeteer from "puppeteer-core";

const SITE = path.resolve(process.env.SITE_DIR);
const MIME = JSON.parse(process.env.MIME_TYPES);
const FIREFOX = process.env.FIREFOX_BIN ?? "/usr/lib/firefox-esr/firefox-esr";
const FLOWS = [
  ["young-person", "13-17", "sextortion", false],
  ["parent-carer", "8-12", "grooming", false],
  ["young-person", "13-17", "grooming", true],
];

const server = http.createServer((req, res) => {
  const name = decodeURIComponent(new URL(req.url, "http://x").pathname).replace(/^\/+/, "") || "index.html";
  const file = path.join(SITE, name);
  if (!file.startsWith(SITE + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": MIME[path.extname(file)] ?? "text/javascript" });
  res.end(fs.readFileSync(file));
});
await new Promise((done) => server.listen(0, "127.0.0.1", done));
const BASE = `http://127.0.0.1:${server.address().port}/`;

const browser = await puppeteer.launch({
  browser: "firefox",
  protocol: "webDriverBiDi",
  executablePath: FIREFOX,
  headless: true,
  env: process.env,
  extraPrefsFirefox: {
    "browser.shell.checkDefaultBrowser": false,
    "network.dns.disablePrefetch": true,
    "dom.serviceWorkers.enabled": true,
  },
});
const results = { firefox: await browser.version(), problems: [], requests: [] };
const page = await browser.newPage();
await page.setViewport({ width: 360, height: 640 });
page.on("console", (m) => {
  if (["error", "warn"].includes(m.type())) results.problems.push(m.text());
});
page.on("pageerror", (e) => results.problems.push(e.message));
page.on("request", (r) => results.requests.push(r.url()));

const CONTROLLED = async () => {
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((done) => { navigator.serviceWorker.oncontrollerchange = done; });
  }
  return navigator.serviceWorker.controller.scriptURL;
};
const STORAGE = async () => ({
  localStorage: localStorage.length,
  indexedDB: (await indexedDB.databases()).map((d) => d.name),
  cookie: document.cookie,
});

async function fresh() {
  await page.goto(BASE);
  await page.waitForSelector("body[data-screen='audience'] main h1");
}

async function flow([audience, band, concern, danger]) {
  await fresh();
  await page.click(`[data-name="audience:${audience}"]`);
  await page.waitForSelector(`[data-name="concern:${concern}"]`);
  if (danger) await page.click("label[for='danger-now']");
  await page.click(`[data-name="concern:${concern}"]`);
  await page.waitForSelector(`[data-name="age:${band}"]`);
  await page.click(`[data-name="age:${band}"]`);
  await page.waitForSelector("body[data-screen='routes'] li.card");
  if (audience === "parent-carer") await page.waitForSelector("section.guidance");
  return page.evaluate(() => {
    const call = document.querySelector("li.card[data-route='police-999'] a[href='tel:999']");
    const box = call?.getBoundingClientRect();
    return {
      routes: [...document.querySelectorAll("li.card")].map((n) => n.dataset.route),
      links: [...document.querySelectorAll("li.card a")].map((a) => a.href),
      guidance: document.querySelector("section.guidance")?.dataset.band ?? null,
      call999: box ? { top: box.top, bottom: box.bottom, viewport: innerHeight } : null,
      sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    };
  });
}

try {
  await fresh();
  results.controlledBy = await page.evaluate(CONTROLLED);
  // The vector checker is test code the site does not carry, so this runs while still online.
  const vectors = JSON.parse(fs.readFileSync(process.env.VECTORS, "utf8"));
  results.vectors = await page.evaluate(async (cases, base) => {
    const { route } = await import(`${base}lib/engine.js`);
    const { loadKnowledgeBase } = await import(`${base}lib/knowledge.js`);
    const { problemsWith } = await import(`${base}vectors.mjs`);
    const kb = await loadKnowledgeBase("data/");
    return cases.map((v) => {
      let result = null;
      let error = null;
      try { result = route(v.answers, kb); } catch (e) { error = e; }
      return [v.name, problemsWith(v, result, error)];
    });
  }, vectors, BASE);
  server.closeAllConnections?.();
  await new Promise((done) => server.close(done)); // offline from here on
  results.flows = [];
  for (const answers of FLOWS) {
    results.flows.push({ answers, ...(await flow(answers)), storage: await page.evaluate(STORAGE) });
  }
  // Quick exit: the neutral page takes this page's place in the history.
  await fresh();
  await page.click('[data-name="audience:young-person"]');
  const length = await page.evaluate(() => history.length);
  await page.click("#quick-exit");
  const deadline = Date.now() + 15000;
  let url = page.url();
  while (!/bbc\.co\.uk/.test(decodeURIComponent(url)) && Date.now() < deadline) {
    await page.waitForNavigation({ timeout: 15000 }).catch(() => {});
    url = page.url();
  }
  results.quickExit = { url, history: await page.evaluate(() => history.length).catch(() => null), before: length };
} catch (error) {
  results.error = String(error?.stack ?? error);
} finally {
  await browser.close();
  server.close();
}
results.base = BASE;
console.log(JSON.stringify(results));

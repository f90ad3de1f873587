// The pocket web app's service worker: it keeps every file of the site, so that after the first
// visit every screen works with no network. `waymark build-web` writes this file from a template,
// filling in VERSION (the knowledge base's hash and the other files' hash) and FILES (each file's
// SHA-256), so a site with any changed file is a new worker that the browser installs.
//
// - install: fetch every file afresh (never from the HTTP cache) and check its SHA-256 against
//   the build's. Anything missing or different (a half-uploaded site, a host that rewrites pages)
//   fails the install, and the version already kept goes on working.
// - activate: drop this site's older versions, then serve the pages open now.
// - fetch: this site's files from the kept version only; nothing else is touched, and nothing is
//   ever fetched from another origin. There is no update ping: the browser itself checks this
//   file when the site is opened online, as it does for every service worker.
const VERSION = "__WAYMARK_VERSION__";
const FILES = __WAYMARK_FILES__;
const SCOPE = self.registration.scope;
const PREFIX = `waymark-pocket ${SCOPE} `;
const CACHE = `${PREFIX}${VERSION}`;
let opened = null; // this version's cache, once opened

async function sha256(buffer) {
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function keep(cache, name, digest) {
  const url = new URL(name, SCOPE);
  const response = await fetch(url, { cache: "reload", credentials: "same-origin" });
  if (!response.ok) throw new Error(`${name}: ${response.status}`);
  const body = await response.arrayBuffer();
  if ((await sha256(body)) !== digest) throw new Error(`${name} is not the file this version was built with`);
  // A fresh response, so a host's redirect (index.html to /) is not kept with it; the host's
  // headers are (its Content-Security-Policy still applies when the page comes from here),
  // except those about the bytes on the wire, which no longer describe this decoded body.
  const headers = new Headers(response.headers);
  for (const name of ["Content-Length", "Content-Encoding", "Transfer-Encoding"]) headers.delete(name);
  await cache.put(url, new Response(body, { status: 200, headers }));
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        await Promise.all(Object.entries(FILES).map(([name, digest]) => keep(cache, name, digest)));
      } catch (error) {
        await caches.delete(CACHE);
        throw error;
      }
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

// The page asks a newer worker to take over only while nobody has answered anything (app.js).
self.addEventListener("message", (event) => {
  if (event.data === "take-over") self.skipWaiting();
});

function fileFor(request) {
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !url.href.startsWith(SCOPE)) return null;
  let name;
  try {
    name = decodeURIComponent(url.pathname.slice(new URL(SCOPE).pathname.length));
  } catch {
    return null; // not an address any file of this site has
  }
  if (request.mode === "navigate") return name in FILES && name.endsWith(".html") ? name : "index.html";
  return name in FILES ? name : null;
}

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  const name = fileFor(event.request);
  if (name === null) return; // not this site's: the browser does what it would do anyway
  event.respondWith(
    (async () => {
      opened ??= caches.open(CACHE); // once per worker start: it is on every request's path
      return (await (await opened).match(new URL(name, SCOPE))) ?? fetch(event.request);
    })(),
  );
});

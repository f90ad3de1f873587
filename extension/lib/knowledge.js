// The knowledge base as shipped inside the extension (extension/data/, written by
// `waymark build-extension`). Read from the package itself: nothing is fetched from the network.

const FILES = ["concerns", "services", "platforms", "routes", "procedure"];

async function readJson(base, name) {
  const response = await fetch(`${base}${name}.json`);
  if (!response.ok) throw new Error(`missing ${name}.json`);
  return response.json();
}

/** Start reading every file at once. `concerns` resolves first on its own because the first
 * questions need only the list of concerns; `whole` is the full knowledge base for routing. */
export function startLoading(base = chrome.runtime.getURL("data/")) {
  const files = FILES.map((name) => readJson(base, name));
  const whole = Promise.all(files).then((parsed) =>
    Object.fromEntries(FILES.map((name, i) => [name, parsed[i]])),
  );
  whole.catch(() => {}); // reported by whoever awaits it; never an unhandled rejection
  return { concerns: files[0], whole };
}

export async function loadKnowledgeBase(base) {
  return startLoading(base).whole;
}

// The knowledge base as shipped inside the extension (extension/data/, written by
// `waymark build-extension`). Read from the package itself: nothing is fetched from the network.

// The files as helper/extension_data.py ships them (SHIPPED, in the same order); a test in
// tests/packaging keeps the two lists the same.
export const FILES = ["concerns", "services", "platforms", "routes", "procedure", "guidance"];
// Read only when asked for, after the routes are drawn: only parents and carers need the
// guidance, and routing must not wait for it.
export const LATER = new Set(["guidance"]);

async function readJson(base, name) {
  const response = await fetch(`${base}${name}.json`);
  if (!response.ok) throw new Error(`missing ${name}.json`);
  return response.json();
}

/** Start reading every file routing needs at once. `concerns` resolves first on its own because
 * the first questions need only the list of concerns; `whole` is the knowledge base for routing;
 * `guidance()` starts reading the parents' guidance on its first call (the same promise after). */
export function startLoading(base = chrome.runtime.getURL("data/")) {
  const now = FILES.filter((name) => !LATER.has(name));
  const files = now.map((name) => readJson(base, name));
  const whole = Promise.all(files).then((parsed) =>
    Object.fromEntries(now.map((name, i) => [name, parsed[i]])),
  );
  whole.catch(() => {}); // reported by whoever awaits it; never an unhandled rejection
  let guidance = null;
  return {
    concerns: files[0],
    whole,
    guidance() {
      guidance ??= readJson(base, "guidance");
      return guidance;
    },
  };
}

export async function loadKnowledgeBase(base) {
  return startLoading(base).whole;
}

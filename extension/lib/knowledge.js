// The knowledge base as shipped inside the extension (extension/data/, written by
// `waymark build-extension`). Read from the package itself: nothing is fetched from the network.

const FILES = ["concerns", "services", "platforms", "routes", "procedure"];

export async function loadKnowledgeBase(base = chrome.runtime.getURL("data/")) {
  const entries = await Promise.all(
    FILES.map(async (name) => {
      const response = await fetch(`${base}${name}.json`);
      if (!response.ok) throw new Error(`missing ${name}.json`);
      return [name, await response.json()];
    }),
  );
  return Object.fromEntries(entries);
}

// What Waymark remembers between sessions, in storage.local: only choices the person made in the
// popup or options. Never a page address, answer about a concern, or note text (docs/SECURITY.md,
// "Nothing sensitive left behind").
// By default it remembers nothing about a visit: on a shared family device, a remembered "young
// person, 13 to 17" would tell the next person what was looked at. `remember` (off unless the
// person turns it on in settings) lets the popup keep who they are and the age band.

export const DEFAULT_NEUTRAL_URL = "https://www.bbc.co.uk/weather";

export const DEFAULTS = Object.freeze({
  audience: null,
  ageBand: null,
  neutralUrl: DEFAULT_NEUTRAL_URL,
  clearHistory: false,
  remember: false,
});

export async function loadSettings() {
  const stored = await chrome.storage.local.get(Object.keys(DEFAULTS));
  return { ...DEFAULTS, ...stored };
}

export async function saveSettings(changes) {
  await chrome.storage.local.set(changes);
}

export async function clearEverything() {
  await chrome.storage.local.clear();
  await chrome.storage.session.clear();
}

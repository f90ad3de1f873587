// Where it happened: the host of the page the person was on, read only when they open Waymark
// and never stored. Sources, in order:
//  1. the context menu ("Get help reporting this") left the page's or link's host in
//     storage.session (memory only, gone when the browser closes or on quick exit);
//  2. the tab named by `?tab=ID` (the popup opened as a tab by the menu, or by tests);
//  3. the active tab of this window (the toolbar popup; activeTab grants the read).
import { pageHost } from "./links.js";

async function takePending() {
  const { pending } = await chrome.storage.session.get("pending");
  if (!pending) return null;
  chrome.storage.session.remove("pending"); // used once; no need to wait for it
  return pending;
}

async function tabById(id) {
  try {
    return await chrome.tabs.get(id);
  } catch {
    return null;
  }
}

async function activeTab() {
  const [active] = await chrome.tabs.query({ active: true, currentWindow: true });
  return active ?? null;
}

function tabNumber(value) {
  const id = Number.parseInt(value ?? "", 10);
  return Number.isInteger(id) && id >= 0 ? id : null;
}

/** {host, tabId}: host is null when unknown; tabId is the tab a quick exit replaces.
 * The lookups run side by side: each is a round trip to the browser, and the popup waits. */
export async function whereItHappened(search) {
  const named = tabNumber(new URLSearchParams(search).get("tab"));
  const [pending, tab] = await Promise.all([
    takePending(),
    named === null ? activeTab() : tabById(named),
  ]);
  if (pending) {
    const fromMenu = tabNumber(String(pending.tabId));
    return { host: pending.host ?? null, tabId: fromMenu ?? tab?.id ?? null };
  }
  return { host: pageHost(tab?.url) ?? null, tabId: tab?.id ?? null };
}

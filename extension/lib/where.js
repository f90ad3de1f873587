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
  await chrome.storage.session.remove("pending");
  return pending;
}

async function sourceTab(tabParam) {
  const id = Number.parseInt(tabParam ?? "", 10);
  if (Number.isInteger(id) && id >= 0) {
    try {
      return await chrome.tabs.get(id);
    } catch {
      return null;
    }
  }
  const [active] = await chrome.tabs.query({ active: true, currentWindow: true });
  return active ?? null;
}

/** {host, tabId}: host is null when unknown; tabId is the tab a quick exit replaces. */
export async function whereItHappened(search) {
  const params = new URLSearchParams(search);
  const pending = await takePending();
  const tab = await sourceTab(pending?.tabId ?? params.get("tab"));
  const host = pending ? pending.host : pageHost(tab?.url);
  return { host: host ?? null, tabId: tab?.id ?? null };
}

// The service worker: the context menu, and the quick exit (which must finish after the popup
// has closed, so it runs here rather than in the popup).
import { pageHost, safeHttpsUrl } from "./lib/links.js";
import { DEFAULT_NEUTRAL_URL, loadSettings } from "./lib/settings.js";

const MENU_ID = "waymark-get-help";

// Firefox for Android has no context menus: there the menu is left out and the rest still runs.
chrome.runtime.onInstalled.addListener(() => {
  chrome.contextMenus?.create({
    id: MENU_ID,
    title: chrome.i18n.getMessage("menu_help"),
    contexts: ["page", "link", "image"],
  });
});

/** The menu was used: remember only the host (of the link if there is one, else of the page)
 * for the popup, then open the flow in a tab next to the page. A tab rather than the toolbar
 * popup because action.openPopup() differs between browsers and versions; the tab behaves the
 * same everywhere, and quick exit closes it too. The image itself (info.srcUrl) is never read,
 * fetched or kept. */
export async function handleMenuClick(info, tab) {
  const host = pageHost(info.linkUrl) ?? pageHost(info.pageUrl);
  const tabId = tab?.id ?? null;
  await chrome.storage.session.set({ pending: { host, tabId } });
  // view=tab: laid out for a full tab, not the narrow toolbar popup.
  const query = tabId === null ? "?view=tab" : `?tab=${tabId}&view=tab`;
  const placement = tab ? { index: tab.index + 1, windowId: tab.windowId } : {};
  await chrome.tabs.create({ url: chrome.runtime.getURL(`popup/popup.html${query}`), ...placement });
}

chrome.contextMenus?.onClicked.addListener((info, tab) => {
  if (info.menuItemId === MENU_ID) handleMenuClick(info, tab);
});

// What Waymark opened this session, in storage.session (memory only, emptied by quick exit):
// `opened`, the help pages' addresses (for the optional history clean-up), and `openedTabs`,
// the tabs they opened in (so quick exit closes them). One change at a time, so two quick
// clicks cannot each overwrite the other's record.
let recording = Promise.resolve();

function record(change) {
  const next = recording.then(async () => {
    const { opened = [], openedTabs = [] } = await chrome.storage.session.get(["opened", "openedTabs"]);
    await chrome.storage.session.set(change({ opened, openedTabs }));
  });
  recording = next.catch(() => {});
  return next;
}

// Help pages being opened now: a quick exit waits for them, so it closes a tab opened a moment
// before it.
const opening = new Set();

/** Open a help page from the popup in a new tab, and remember the page and its tab. The tab is
 * opened here, not in the popup: the toolbar popup closes as the new tab takes focus, and would
 * never learn the tab's id. Only https addresses are opened. */
export function openHelpPage(address) {
  const job = openAndRecord(address);
  opening.add(job);
  const done = () => opening.delete(job);
  job.then(done, done);
  return job;
}

async function openAndRecord(address) {
  const url = safeHttpsUrl(address);
  if (!url) return null;
  // The address is kept before the tab exists, so the history clean-up knows it however soon
  // the quick exit comes.
  await record(({ opened, openedTabs }) => ({ opened: [...new Set([...opened, url])], openedTabs }));
  const tab = await chrome.tabs.create({ url });
  await record(({ opened, openedTabs }) => ({ opened, openedTabs: [...new Set([...openedTabs, tab.id])] }));
  return tab.id;
}

/** The tabs Waymark opened, and the tabs opened from those or from Waymark's own tab (a help
 * site's "open in a new tab" links; a link opened from Waymark's tab with the browser's own
 * menu), by the browser's record of which tab opened which. */
async function tabsWaymarkOpened(waymarkTabId) {
  const { openedTabs = [] } = await chrome.storage.session.get("openedTabs");
  const found = new Set([...openedTabs, waymarkTabId].filter((id) => id !== null && id !== undefined));
  const tabs = await chrome.tabs.query({});
  for (let grew = true; grew; ) {
    grew = false;
    for (const tab of tabs) {
      if (!found.has(tab.id) && found.has(tab.openerTabId)) {
        found.add(tab.id);
        grew = true;
      }
    }
  }
  return [...found];
}

/** Remove from history only the help pages Waymark itself opened this session, and only when
 * the person turned that on (which granted the optional `history` permission). */
async function forgetOpenedPages(settings) {
  if (!settings.clearHistory) return;
  if (!(await chrome.permissions.contains({ permissions: ["history"] }))) return;
  const { opened = [] } = await chrome.storage.session.get("opened");
  await Promise.all(opened.map((url) => chrome.history.deleteUrl({ url })));
}

/** Quick exit: put a neutral page where the person was, in a NEW tab, and close the old one, so
 * Back cannot return to it; close Waymark's own tab if it is one, and every tab Waymark opened
 * this session (the help pages, and what they opened); forget the session. */
export async function quickExit(tabId, waymarkTabId) {
  const [settings] = await Promise.all([loadSettings(), Promise.allSettled([...opening])]);
  const neutral = safeHttpsUrl(settings.neutralUrl) ?? DEFAULT_NEUTRAL_URL;
  let index;
  let windowId;
  if (tabId !== null && tabId !== undefined) {
    try {
      ({ index, windowId } = await chrome.tabs.get(tabId));
    } catch {
      tabId = null;
    }
  }
  const helpTabs = await tabsWaymarkOpened(waymarkTabId);
  await chrome.tabs.create({ url: neutral, active: true, index, windowId });
  const closing = [tabId, waymarkTabId, ...helpTabs].filter((id) => id !== null && id !== undefined);
  await Promise.allSettled(closing.map((id) => chrome.tabs.remove(id)));
  await forgetOpenedPages(settings);
  await chrome.storage.session.clear();
}

chrome.runtime.onMessage.addListener((message, sender, reply) => {
  if (sender.id !== chrome.runtime.id) return false;
  if (message?.type === "quick-exit") {
    quickExit(message.tabId ?? null, sender.tab?.id ?? null).then(() => reply({ ok: true }));
    return true;
  }
  if (message?.type === "open-help-page") {
    openHelpPage(message.url).then(
      (tab) => reply({ ok: tab !== null }),
      () => reply({ ok: false }),
    );
    return true;
  }
  return false;
});

// Every string a person reads comes from _locales/en/messages.json, so wording can be reviewed
// (and its reading age measured) in one file, apart from code.

/** The message for `key`, with $1.. substitutions. A missing key shows the key, never blank. */
export function t(key, ...substitutions) {
  const text = chrome.i18n.getMessage(key, substitutions.map(String));
  return text || key;
}

/** The message for `key`, or null when there is none (for messages only some items have). */
export function tIfAny(key, ...substitutions) {
  return chrome.i18n.getMessage(key, substitutions.map(String)) || null;
}

/** Fill every [data-i18n] element under `root` with its message, as text (never HTML). */
export function localise(root) {
  for (const node of root.querySelectorAll("[data-i18n]")) {
    node.textContent = t(node.dataset.i18n);
  }
}

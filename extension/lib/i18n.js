// Every string a person reads comes from _locales/en/messages.json, so wording can be reviewed
// (and its reading age measured) in one file, apart from code.
//
// In the extension the browser reads that file (chrome.i18n). A page with no chrome.i18n (the
// pocket web app) hands the same file to useMessages() once, and t() then works the same way.

let lookup = (key, substitutions) => chrome.i18n.getMessage(key, substitutions);

/** chrome.i18n's rules over a messages.json object: $NAME$ is the named placeholder, whose
 * content is "$1".."$9" (the substitutions) or literal text; "$$" is a dollar sign. */
export function format(entry, substitutions = []) {
  if (!entry || typeof entry.message !== "string") return "";
  const placeholders = Object.fromEntries(
    Object.entries(entry.placeholders ?? {}).map(([name, p]) => [name.toLowerCase(), p?.content ?? ""]),
  );
  const fill = (text) => text.replace(/\$([1-9])/g, (_, n) => substitutions[Number(n) - 1] ?? "");
  return entry.message
    .replace(/\$([A-Za-z0-9_@]+)\$/g, (whole, name) =>
      name.toLowerCase() in placeholders ? fill(placeholders[name.toLowerCase()]) : whole,
    )
    .replace(/\$\$/g, "$");
}

/** Read strings from `messages` (a parsed messages.json) instead of chrome.i18n. */
export function useMessages(messages) {
  lookup = (key, substitutions) => format(messages[key], substitutions);
}

/** The message for `key`, with $1.. substitutions. A missing key shows the key, never blank. */
export function t(key, ...substitutions) {
  const text = lookup(key, substitutions.map(String));
  return text || key;
}

/** The message for `key`, or null when there is none (for messages only some items have). */
export function tIfAny(key, ...substitutions) {
  return lookup(key, substitutions.map(String)) || null; // chrome.i18n, or the pocket app's messages
}

/** Fill every [data-i18n] element under `root` with its message, as text (never HTML). */
export function localise(root) {
  for (const node of root.querySelectorAll("[data-i18n]")) {
    node.textContent = t(node.dataset.i18n);
  }
}

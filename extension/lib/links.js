// Links come from the knowledge base. Even checked data can be edited badly, so the page only
// ever links to https addresses: javascript:, data:, http: and the rest are refused outright.

/** The link as a normalised https URL string, or null when it must not be shown as a link. */
export function safeHttpsUrl(value) {
  if (typeof value !== "string" || !value) return null;
  let url;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" || url.username || url.password || !url.hostname) return null;
  return url.href;
}

/** The bare host of an http(s) page address, or null (chrome://, file:, about: and so on).
 * Only the host is ever used: never the path or query, which can hold private detail. */
export function pageHost(address) {
  if (typeof address !== "string") return null;
  let url;
  try {
    url = new URL(address);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  // The native protocol accepts letters, digits, hyphens and dots only (no IPv6 brackets).
  return /^[a-z0-9.-]{1,253}$/.test(host) ? host : null;
}

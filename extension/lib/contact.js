// Phone numbers as links a person can tap: `tel:` to call, `sms:` for a text line such as
// Shout's "text 85258". Pure, so it is tested in Node. Only digits (and a leading +) ever reach
// the link: a knowledge-base entry cannot smuggle anything else into the address.

// Services reached by text message, not by a call (their `phone` is a short code).
export const TEXT_SERVICES = Object.freeze(["shout"]);

/** {href, kind: "call"|"text", number} for a phone number as shown, or null if it has none. */
export function phoneLink(phone, serviceId = null) {
  if (typeof phone !== "string") return null;
  const digits = phone.replace(/[^0-9+]/g, "").replace(/(?!^)\+/g, "");
  if (!/^\+?[0-9]{3,15}$/.test(digits)) return null;
  const byText = TEXT_SERVICES.includes(serviceId) || /\btext\b/i.test(phone);
  return {
    href: `${byText ? "sms" : "tel"}:${digits}`,
    kind: byText ? "text" : "call",
    number: phone.replace(/^\s*text\s+/i, "").trim(),
  };
}

/** The bare site name of an https link, for naming where a link goes ("childline.org.uk"). */
export function siteName(href) {
  try {
    return new URL(href).hostname.replace(/^www\./, "");
  } catch {
    return "";
  }
}

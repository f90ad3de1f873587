// "Record a concern": ask the local helper (native messaging, helper/nativehost/PROTOCOL.md) to
// open a new note. The extension only asks; the helper holds the notes. The most that crosses
// is a bare host name, the time, the concern's id and the child's age band's age (so the note
// starts filled in): no note text ever passes through the extension.

export const HOST_NAME = "uk.waymark.helper";

function send(message) {
  return new Promise((resolve) => {
    chrome.runtime.sendNativeMessage(HOST_NAME, message, (reply) => {
      const failure = chrome.runtime.lastError;
      if (!failure) resolve({ reply });
      // "Specified native messaging host not found." / "... is forbidden.": not set up here.
      else if (/not found|forbidden/i.test(failure.message ?? "")) resolve({ missing: true });
      else resolve({ reply: null });
    });
  });
}

/** The open-note request. `concern` (an id) and `age` (whole years) are left out when unknown,
 * so an older helper that knows only platform and time still accepts the message. */
export function openNoteRequest(platformHost, at, { concern = null, age = null } = {}) {
  const request = { v: 1, type: "open-note", platform: platformHost ?? null, at: at.toISOString() };
  if (typeof concern === "string" && /^[a-z0-9-]{1,64}$/.test(concern)) request.concern = concern;
  if (Number.isInteger(age) && age >= 0 && age <= 25) request.age = age;
  return request;
}

/** Whether this browser can reach a helper at all. Firefox for Android has no native messaging
 * (the helper is a program on a computer), so there `sendNativeMessage` does not exist. */
export function canReachHelper(runtime = globalThis.chrome?.runtime) {
  return typeof runtime?.sendNativeMessage === "function";
}

/** {state: "opened"} | {state: "missing"} | {state: "unavailable"} (no native messaging in this
 * browser) | {state: "failed", reason} */
export async function openNote(platformHost, at = new Date(), about = {}) {
  if (!canReachHelper()) return { state: "unavailable" };
  const { missing, reply } = await send(openNoteRequest(platformHost, at, about));
  if (missing) return { state: "missing" };
  if (reply && reply.v === 1 && reply.ok === true && reply.type === "open-note") return { state: "opened" };
  const reason = typeof reply?.error?.message === "string" ? reply.error.message : "no answer";
  return { state: "failed", reason };
}

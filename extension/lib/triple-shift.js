// Quick exit from the keyboard: Shift pressed three times within five seconds (GOV.UK's pattern;
// Esc already closes dialogs and popups, so it would clash). Pure, so it is tested in Node.

export const PRESSES = 3;
export const WITHIN_MS = 5000;

/** A detector: call it with each Shift press time (ms); it returns true on the third press that
 * falls within the window, then starts counting afresh. */
export function tripleShift({ presses = PRESSES, withinMs = WITHIN_MS } = {}) {
  let times = [];
  return (now) => {
    times = [...times.filter((t) => now - t < withinMs), now];
    if (times.length >= presses) {
      times = [];
      return true;
    }
    return false;
  };
}

/** Wire the detector to a document; held-down Shift (key repeat) counts once. */
export function listenForTripleShift(doc, onTriple, clock = () => Date.now()) {
  const press = tripleShift();
  doc.addEventListener("keydown", (event) => {
    if (event.key === "Shift" && !event.repeat && press(clock())) onTriple();
  });
}

// Which screen comes next. Pure, so "three clicks or fewer to routes" is proved in Node for every
// audience and concern, not hoped for: audience (1), age (2), concern (3), and each is skipped
// when already known (audience and age band remembered in settings).
import { bandById } from "./ages.js";

export const SCREENS = Object.freeze(["audience", "age", "concern", "routes"]);

/** The screen to show for the answers so far. `ageBand` is a band id; undefined = not asked. */
export function screenFor({ audience, ageBand, concern }) {
  if (!audience) return "audience";
  if (!bandById(ageBand)) return "age";
  if (!concern) return "concern";
  return "routes";
}

/** The answers one step back: the last answer given is taken away. */
export function stepBack(answers) {
  const screen = screenFor(answers);
  if (screen === "routes") return { ...answers, concern: null };
  if (screen === "concern") return { ...answers, ageBand: null, dangerNow: false };
  if (screen === "age") return { ...answers, audience: null };
  return answers;
}

/** The engine's answers from the popup's answers. */
export function engineAnswers({ audience, ageBand, concern, dangerNow }, host) {
  return {
    audience,
    age: bandById(ageBand)?.age ?? null,
    concern,
    platform: host ?? null,
    danger_now: Boolean(dangerNow),
  };
}

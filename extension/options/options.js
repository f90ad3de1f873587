// The options page: whether to remember answers between visits (off by default), and if so who
// uses this browser and the age band; the quick-exit page, the optional
// history clean-up (which asks for the `history` permission only when turned on), and a way to
// clear everything Waymark keeps.
import { bandsFor } from "../lib/flow.js";
import { localise, t } from "../lib/i18n.js";
import { safeHttpsUrl } from "../lib/links.js";
import { clearEverything, loadSettings, saveSettings } from "../lib/settings.js";

const form = document.getElementById("settings");
const status = document.getElementById("status");

function say(key) {
  status.textContent = t(key);
  status.hidden = false;
}

/** The remembered answers can only be set while remembering is on. */
function showRemembered() {
  document.getElementById("remembered").disabled = !form.remember.checked;
}

/** The age choices are the popup's for the chosen audience (a parent is offered "7 or under",
 * a young person "12 or under"); with nobody chosen the age is asked each time. */
function showAges(selected) {
  const select = form.ageBand;
  const bands = bandsFor(form.audience.value);
  const choices = bands.map((band) => {
    const option = document.createElement("option");
    option.value = band.id;
    option.textContent = t(band.label);
    return option;
  });
  select.replaceChildren(select.options[0], ...choices);
  select.value = bands.some((band) => band.id === selected) ? selected : "";
  select.disabled = bands.length === 0;
}

async function show() {
  const settings = await loadSettings();
  form.remember.checked = settings.remember === true;
  showRemembered();
  form.audience.value = settings.audience ?? "";
  showAges(settings.ageBand);
  form.neutralUrl.value = settings.neutralUrl;
  form.clearHistory.checked = settings.clearHistory === true;
}

/** Ask for `history` while handling the click (browsers only grant it from a user gesture). */
async function historyAllowed(wanted) {
  if (!wanted) return false;
  try {
    return await chrome.permissions.request({ permissions: ["history"] });
  } catch {
    return false;
  }
}

form.remember.addEventListener("change", showRemembered);
form.audience.addEventListener("change", () => showAges(form.ageBand.value));

form.clearHistory.addEventListener("change", async () => {
  if (form.clearHistory.checked && !(await historyAllowed(true))) {
    form.clearHistory.checked = false;
    say("options_history_refused");
  }
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const neutralUrl = safeHttpsUrl(form.neutralUrl.value.trim());
  if (!neutralUrl) {
    say("options_neutral_bad");
    form.neutralUrl.focus();
    return;
  }
  const remember = form.remember.checked;
  await saveSettings({
    remember,
    // Turning remembering off forgets what was remembered.
    audience: remember ? form.audience.value || null : null,
    ageBand: remember ? form.ageBand.value || null : null,
    neutralUrl,
    clearHistory: form.clearHistory.checked,
  });
  if (!form.clearHistory.checked) await chrome.permissions.remove({ permissions: ["history"] }).catch(() => false);
  say("options_saved");
});

document.getElementById("clear").addEventListener("click", async () => {
  await clearEverything();
  await chrome.permissions.remove({ permissions: ["history"] }).catch(() => false);
  await show();
  say("options_cleared");
});

localise(document);
show();

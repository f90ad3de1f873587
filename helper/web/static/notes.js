// The professional area's small improvements; every page works without this file.
// 1. Auto-lock on screen: after the idle time with no key press or click, lock the vault and
//    leave the page, so no note stays on an unattended screen. A minute before, a notice on
//    the page says so; any key press or click dismisses it and keeps the notes open.
// 2. A form with unsaved input is never locked away: it is posted with autolock=yes just
//    before the time is up, and the server seals it as a draft (a guided step) or keeps it in
//    memory (the whole form), locks, and brings the person back to the same place after
//    unlocking.
// 3. While the person types, tell the server they are still here, so the server's own idle
//    timer (which locks even with this file gone) never runs ahead of the page's.
// 4. A Print button on the export and recovery-code pages.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var idleMs = Number(script.dataset.idleSeconds || "900") * 1000;
  // Warn a minute before (or half-way, for a very short test setting); seal a little before
  // the server's limit, so the page always acts first.
  var warnMs = Math.min(60000, idleMs / 2);
  var sealMs = idleMs - Math.min(10000, idleMs / 8);
  var pingMs = Math.min(60000, idleMs / 4);
  var lockUrl = script.dataset.lockUrl;
  var aliveUrl = script.dataset.aliveUrl;
  var unlockUrl = script.dataset.unlockUrl;
  var tokenField = document.querySelector('input[name="csrf_token"]');
  var token = tokenField ? tokenField.value : "";
  var lastPing = Date.now(); // the page load itself counted as activity on the server
  var locking = false;
  var noteForm = document.querySelector("form.note-form");
  var unsaved = false;
  var warning = document.getElementById("lock-warning");

  function post(url) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": token },
    });
  }

  function ping() {
    lastPing = Date.now();
    post(aliveUrl).catch(function () {});
  }

  function showWarning(show) {
    if (!warning) return;
    if (show && warning.hidden) {
      warning.hidden = false;
      warning.querySelector(".lock-warning-text").textContent = unsaved
        ? "Your notes lock in a minute. What you have typed will be saved as a draft first. Press any key to stay."
        : "Your notes lock in a minute. Press any key to stay.";
    } else if (!show && !warning.hidden) {
      warning.hidden = true;
      warning.querySelector(".lock-warning-text").textContent = "";
    }
  }

  function activity() {
    if (locking) return;
    var warned = warning && !warning.hidden;
    showWarning(false);
    if (warned || Date.now() - lastPing > pingMs) ping();
  }

  function autoLock() {
    if (locking) return;
    locking = true;
    if (noteForm && unsaved) {
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = "autolock";
      field.value = "yes";
      noteForm.appendChild(field);
      noteForm.submit();
      return;
    }
    post(lockUrl).catch(function () {}).then(function () {
      var here = location.pathname + location.search;
      location.replace(unlockUrl + "?next=" + encodeURIComponent(here) + "&locked=auto");
    });
  }

  if (noteForm) {
    noteForm.addEventListener("input", function () { unsaved = true; });
    noteForm.addEventListener("submit", function () { unsaved = false; });
  }
  ["keydown", "pointerdown", "input", "wheel"].forEach(function (name) {
    document.addEventListener(name, activity, { passive: true });
  });
  setInterval(function () {
    var idle = Date.now() - lastPing;
    if (idle >= sealMs) autoLock();
    else if (idle >= idleMs - warnMs) showWarning(true);
  }, 250);

  var printButton = document.getElementById("print-page");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }
})();

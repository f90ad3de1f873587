// The professional area's small improvements; every page works without this file.
// 1. Auto-lock on screen: after the idle time with no key press or click, lock the vault and
//    leave the page, so no note stays on an unattended screen. A half-written form is posted
//    after locking: the server keeps it in memory and shows it again after unlocking.
// 2. While the person types, tell the server they are still here (at most once a minute),
//    so a long note is not locked away mid-sentence.
// 3. A Print button on the export and recovery-code pages.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var idleMs = Number(script.dataset.idleSeconds || "300") * 1000;
  var lockUrl = script.dataset.lockUrl;
  var aliveUrl = script.dataset.aliveUrl;
  var unlockUrl = script.dataset.unlockUrl;
  var tokenField = document.querySelector('input[name="csrf_token"]');
  var token = tokenField ? tokenField.value : "";
  var lastActivity = Date.now();
  var lastPing = Date.now();
  var locking = false;

  function post(url) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": token },
    });
  }

  function activity() {
    lastActivity = Date.now();
    if (lastActivity - lastPing > 60000) {
      lastPing = lastActivity;
      post(aliveUrl).catch(function () {});
    }
  }

  function autoLock() {
    if (locking) return;
    locking = true;
    var draft = document.querySelector("form.note-form");
    post(lockUrl).catch(function () {}).then(function () {
      if (draft) {
        draft.submit();
      } else {
        var here = location.pathname + location.search;
        location.replace(unlockUrl + "?next=" + encodeURIComponent(here));
      }
    });
  }

  ["keydown", "pointerdown", "input", "wheel"].forEach(function (name) {
    document.addEventListener(name, activity, { passive: true });
  });
  setInterval(function () {
    if (Date.now() - lastActivity >= idleMs) autoLock();
  }, 1000);

  var printButton = document.getElementById("print-page");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }
})();

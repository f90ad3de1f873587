// Quick exit: the button, or Shift pressed 3 times within 5 seconds (the GOV.UK pattern; Esc
// would clash with closing dialogs and leaving full screen). Without JavaScript the button is a
// plain form that does the same on the server.
(function () {
  "use strict";
  var form = document.querySelector("form.quick-exit");
  if (!form) { return; }
  var presses = [];

  function leave() {
    // Hide everything at once, before the network answers.
    document.documentElement.style.visibility = "hidden";
    document.title = "Times tables";
    var done = function () { window.location.replace("/away"); };
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      redirect: "manual",
      keepalive: true
    }).then(done, done);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    leave();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift" || event.repeat) { return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 5000; });
    presses.push(now);
    if (presses.length >= 3) { presses = []; leave(); }
  });

  // A page restored from the back-forward cache must ask the server again (which sends the
  // neutral page after an exit).
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });
})();

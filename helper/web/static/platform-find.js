// The platform question's search box, as you type. Without JavaScript the same box submits a
// GET form and the server lists the matches; with it, the list is filtered in place and the
// "more apps" fold opens so that a match inside it can be seen.
(function () {
  "use strict";
  var box = document.getElementById("find");
  var count = document.getElementById("find-count");
  var more = document.querySelector("details.more-apps");
  if (!box || !count) { return; }
  var choices = Array.prototype.slice.call(document.querySelectorAll(".choice[data-name]"));
  var wasOpen = more ? more.open : false;

  function filter() {
    var needle = box.value.toLowerCase().split(/\s+/).filter(Boolean).join(" ");
    var shown = 0;
    choices.forEach(function (choice) {
      var match = !needle || choice.getAttribute("data-name").indexOf(needle) !== -1;
      choice.hidden = !match;
      if (match) { shown += 1; }
    });
    if (more) { more.open = needle ? true : wasOpen; }
    if (!needle) {
      count.textContent = "";
    } else if (shown === 0) {
      count.textContent = "No app in the list matches. Choose \u201cNot sure\u201d, or try another name.";
    } else {
      count.textContent = shown + (shown === 1 ? " app matches." : " apps match.");
    }
  }

  box.addEventListener("input", filter);
  if (more) { more.addEventListener("toggle", function () { if (!box.value) { wasOpen = more.open; } }); }
  if (box.value) { filter(); }
})();

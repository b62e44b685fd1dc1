// Certif — folds. A link to a compétence of the livret (#C1.1, from the synthesis, the
// matrix, or after saving an evaluation) opens that compétence's fold (details.fold). Without
// JavaScript the fold stays closed and its summary says what it holds.
(function () {
  "use strict";
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) { return; }
    var fold = target.querySelector("details.fold");
    if (fold) { fold.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  document.addEventListener("DOMContentLoaded", openTarget);
})();

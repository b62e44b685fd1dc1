// Certif — the juror's grid: when a save cannot reach the server (no network) or is refused
// without an answer to show, the state line says so instead of the last « Enregistré à … »,
// in the page's language (the texts are the form's data-offline and data-failed). The grid is
// saved whole, so the next choice that reaches the server saves every earlier one too.
(function () {
  "use strict";
  function say(form, text) {
    var etat = document.getElementById("grille-etat");
    if (!etat || !text) { return; }
    var out = etat.querySelector(".grille-offline");
    if (!out) {
      out = document.createElement("span");
      out.className = "grille-offline";
      out.setAttribute("role", "alert");
      etat.appendChild(out);
    }
    etat.querySelectorAll(".saved, .muted").forEach(function (s) { s.hidden = true; });
    out.textContent = text;
  }
  document.addEventListener("htmx:sendError", function (e) {
    var form = e.target.closest && e.target.closest("form#grille");
    if (form) { say(form, form.getAttribute("data-offline")); }
  });
  document.addEventListener("htmx:responseError", function (e) {
    var form = e.target.closest && e.target.closest("form#grille");
    if (form) { say(form, form.getAttribute("data-failed")); }
  });
})();

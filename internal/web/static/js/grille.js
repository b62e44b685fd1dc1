// Certif — the juror's grid: when a save cannot reach the server (no network) or is refused
// without an answer to show, the state line says so instead of the last « Enregistré à … »,
// in the page's language (the texts are the form's data-offline and data-failed). The grid is
// saved whole, so the next save that reaches the server saves every earlier choice too: after
// a failure to reach it, the page tries again every 5 seconds until one does.
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
  var retry = 0;
  document.addEventListener("htmx:sendError", function (e) {
    var form = e.target.closest && e.target.closest("form#grille");
    if (!form) { return; }
    say(form, form.getAttribute("data-offline"));
    clearTimeout(retry);
    retry = setTimeout(function () {
      var f = document.getElementById("grille");
      if (f && window.htmx) { window.htmx.trigger(f, "change"); }
    }, 5000);
  });
  document.addEventListener("htmx:responseError", function (e) {
    var form = e.target.closest && e.target.closest("form#grille");
    if (form) { say(form, form.getAttribute("data-failed")); }
  });
})();

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
  // A refused save (stale) brings the whole form back: the field the juror was typing in keeps
  // the focus and the caret at its end, so that the next keys are not lost.
  var typing = "";
  document.addEventListener("htmx:beforeSwap", function () {
    var a = document.activeElement;
    typing = a && a.form && a.form.id === "grille" && a.name ? a.name : "";
  });
  document.addEventListener("htmx:afterSwap", function () {
    if (!typing) { return; }
    var f = document.getElementById("grille");
    var el = f && f.elements.namedItem(typing);
    typing = "";
    if (el && el.focus && document.activeElement !== el) {
      el.focus({ preventScroll: true });
      if (el.setSelectionRange && typeof el.value === "string") { el.setSelectionRange(el.value.length, el.value.length); }
    }
  });
  document.addEventListener("htmx:responseError", function (e) {
    var form = e.target.closest && e.target.closest("form#grille");
    if (form) { say(form, form.getAttribute("data-failed")); }
  });
})();
